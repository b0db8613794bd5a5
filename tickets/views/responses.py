"""Réponses enregistrées: the responses a manager may use, grouped; adding, editing, deleting one.

Who manages which kind is ``tickets.administration.responses``; every change is checked there again,
whatever the form posted, and a response one may not manage answers 404 as one that does not exist.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from tickets.administration import responses
from tickets.forms.responses import SavedResponseForm
from tickets.views.pages import manager_required


def _page(request, form, status=200):
    context = {"groups": responses.responses_page(request.user), "form": form}
    return render(request, "tickets/administration/responses.html", context, status=status)


@manager_required
def saved_responses(request):
    """GET lists the responses the manager may use, with the form to add one; POST adds it."""
    if request.method != "POST":
        return _page(request, SavedResponseForm(user=request.user))
    form = SavedResponseForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    response = responses.add_response(actor=request.user, **form.cleaned_data)
    messages.success(request, _("La réponse « %(label)s » a été ajoutée.") % {"label": response.label})
    return redirect("saved_responses")


@manager_required
def edit_response(request, pk):
    """GET shows a response's label and text to change; POST changes them."""
    response = responses.get_response_for(request.user, pk)
    if request.method != "POST":
        initial = {"label": response.label, "text": response.text}
        form = SavedResponseForm(user=request.user, adding=False, initial=initial)
        return render(request, "tickets/administration/response_form.html", {"form": form, "response": response})
    form = SavedResponseForm(request.POST, user=request.user, adding=False)
    if not form.is_valid():
        context = {"form": form, "response": response}
        return render(request, "tickets/administration/response_form.html", context, status=400)
    responses.update_response(response, actor=request.user, **form.cleaned_data)
    messages.success(request, _("La réponse « %(label)s » a été modifiée.") % {"label": response.label})
    return redirect("saved_responses")


@manager_required
def delete_response(request, pk):
    """GET asks for confirmation; POST deletes the response."""
    response = responses.get_response_for(request.user, pk)
    if request.method != "POST":
        return render(request, "tickets/administration/response_delete.html", {"response": response})
    label = response.label
    responses.delete_response(response, actor=request.user)
    messages.success(request, _("La réponse « %(label)s » a été supprimée.") % {"label": label})
    return redirect("saved_responses")


urlpatterns = [
    path("reponses/", saved_responses, name="saved_responses"),
    path("reponses/<int:pk>/modifier/", edit_response, name="edit_response"),
    path("reponses/<int:pk>/supprimer/", delete_response, name="delete_response"),
]
