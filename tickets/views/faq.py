"""Questions fréquentes: the FAQs a person may read, one entry, its files, and "Cette réponse vous a-t-elle aidé ?"."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from tickets.attachments.serving import serve_attachment
from tickets.faq.access import MANAGER, can_manage_faq, faq_level
from tickets.faq.selectors import (
    LoginNeeded,
    entry_files,
    faq_trees_for,
    get_faq_entry_for,
    get_faq_file_for,
    readable_children,
    vote_counts,
    vote_of,
)
from tickets.faq.votes import record_vote

# The values of the vote buttons: "oui" and "non".
VOTES = {"oui": True, "non": False}


def faq_index(request):
    """Every FAQ the person may read (the general one first), as trees of sections and questions."""
    return render(request, "tickets/faq/index.html", {"faqs": faq_trees_for(request.user)})


def faq_entry(request, pk):
    """One entry: its question and answer, its files, what it holds, and the vote. A visitor is asked to log in
    for a restricted one; anyone else who may not read it gets "not found"."""
    try:
        entry, ancestors = get_faq_entry_for(request.user, pk)
    except LoginNeeded:
        return redirect_to_login(request.get_full_path())
    manages = can_manage_faq(request.user, entry.service_id)
    context = {
        "entry": entry,
        "ancestors": ancestors,
        "manages": manages,
        "reads_all": faq_level(request.user, entry.service_id) == MANAGER,
        "children": readable_children(request.user, entry),
        "files": entry_files(entry),
        "my_vote": vote_of(request.user, entry),
        "counts": vote_counts(entry) if manages else None,
    }
    return render(request, "tickets/faq/entry.html", context)


def faq_vote(request, pk):
    """POST: records the person's answer to "Cette réponse vous a-t-elle aidé ?" and goes back to the entry.
    A visitor is sent to log in; an entry the person may not read answers "not found"."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry_url = reverse("faq_entry", args=[pk])
    try:
        entry, _ancestors = get_faq_entry_for(request.user, pk)
    except LoginNeeded:
        return redirect_to_login(entry_url)
    if not request.user.is_authenticated:
        return redirect_to_login(entry_url)
    helpful = VOTES.get(request.POST.get("avis", ""))
    if helpful is None:
        messages.error(request, _("Choisissez « Oui » ou « Non »."))
    else:
        record_vote(entry, request.user, helpful)
        messages.success(request, _("Merci pour votre avis."))
    return redirect(f"{entry_url}#avis")


def faq_file(request, token, thumbnail=False):
    """A file of an entry (or its thumbnail), to those who may read the entry: a visitor is asked to log in
    for a restricted entry's file; anyone else who may not read it gets "not found"."""
    try:
        file = get_faq_file_for(request.user, token)
    except LoginNeeded:
        return redirect_to_login(request.get_full_path())
    return serve_attachment(file, thumbnail=thumbnail)


urlpatterns = [
    path("faq/", faq_index, name="faq"),
    path("faq/<int:pk>/", faq_entry, name="faq_entry"),
    path("faq/<int:pk>/avis/", faq_vote, name="faq_vote"),
    path("faq/fichiers/<str:token>/", faq_file, name="faq_file"),
    path("faq/fichiers/<str:token>/vignette/", faq_file, {"thumbnail": True}, name="faq_file_thumbnail"),
]
