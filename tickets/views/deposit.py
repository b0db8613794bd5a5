"""Déposer un ticket: step 1 chooses the category, step 2 describes the problem."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tickets import deposit
from tickets.workflow import WorkflowError


@login_required
def choose_category(request):
    """Step 1/2: the categories the user may file a ticket in, filtered by ``q`` (also instantly with JS)."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    return render(request, "tickets/deposit_step1.html", {"tree": deposit.category_tree(query), "query": query})


@login_required
def describe(request, category):
    """Step 2/2: subject, description, files, advanced properties. A URL that opens it for one category."""
    category = deposit.depositable_category(category)
    if category is None:
        raise Http404
    if request.method != "POST":
        form = deposit.DepositForm(user=request.user, category=category)
        return render(request, "tickets/deposit_step2.html", {"form": form, "category": category, "drafts": []})
    form = deposit.DepositForm(request.POST, request.FILES, user=request.user, category=category)
    drafts, file_errors = deposit.keep_uploads(request, request.FILES.getlist("files"), deposit.kept_drafts(request))
    if form.is_valid() and not file_errors:
        try:
            ticket = deposit.file_ticket(form, drafts)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            deposit.forget_drafts(request, drafts)
            messages.success(request, _("Un nouveau ticket a été créé."))
            return redirect("ticket", number=ticket.pk)
    for message in file_errors:
        form.add_error("files", message)
    context = {"form": form, "category": category, "drafts": drafts}
    return render(request, "tickets/deposit_step2.html", context, status=400)


urlpatterns = [
    path("deposer/", choose_category, name="deposit"),
    path("deposer/<str:category>/", describe, name="deposit_form"),
]
