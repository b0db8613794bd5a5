"""Déposer un ticket: step 1 chooses the category, step 2 describes the problem."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tickets.attachments.drafts import DraftFiles
from tickets.categories.tree import category_tree, depositable_category
from tickets.faq.selectors import faq_entries_for_category
from tickets.forms.deposit import DepositForm
from tickets.services.deposit import file_ticket
from tickets.workflow import WorkflowError


@login_required
def choose_category(request):
    """Step 1/2: the categories the user may file a ticket in, filtered by ``q`` (also instantly with JS)."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    return render(request, "tickets/deposit_step1.html", {"tree": category_tree(request.user, query), "query": query})


@login_required
def describe(request, category):
    """Step 2/2: subject, description, files, advanced properties. A URL that opens it for one category."""
    category = depositable_category(category, request.user)
    if category is None:
        raise Http404
    if request.method != "POST":
        form = DepositForm(user=request.user, category=category)
        return render(request, "tickets/deposit_step2.html", _step2(request, form, category, []))
    form = DepositForm(request.POST, request.FILES, user=request.user, category=category)
    files = DraftFiles(request.session, request.user.pk)
    drafts, file_errors = files.update(request.POST.getlist("drafts"), request.FILES.getlist("files"))
    if form.is_valid() and not file_errors:
        try:
            ticket = file_ticket(actor=request.user, category=category, drafts=drafts, **form.ticket_fields())
        except WorkflowError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            # A draft deleted since it was checked (hourly cleanup), or refused by the checks: the form comes back.
            drafts, lost = files.still_stored(drafts)
            file_errors = list(dict.fromkeys([*lost, *error.messages]))
        else:
            files.forget(drafts)
            messages.success(request, _("Un nouveau ticket a été créé."))
            return redirect("ticket", number=ticket.pk)
    for message in file_errors:
        form.add_error("files", message)
    return render(request, "tickets/deposit_step2.html", _step2(request, form, category, drafts), status=400)


def _step2(request, form, category, drafts):
    """What step 2 shows: the form, its files between tries, and the category's FAQ entries to read first."""
    faq_entries = faq_entries_for_category(request.user, category)
    return {"form": form, "category": category, "drafts": drafts, "faq_entries": faq_entries}


urlpatterns = [
    path("deposer/", choose_category, name="deposit"),
    path("deposer/<str:category>/", describe, name="deposit_form"),
]
