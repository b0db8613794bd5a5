"""Questions fréquentes: the FAQs a person may read, and one entry."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import path

from tickets.faq.access import can_manage_faq
from tickets.faq.selectors import LoginNeeded, faq_entries_for, get_faq_entry_for


def faq_index(request):
    """Every FAQ the person may read (the general one first), as trees of sections and questions."""
    return render(request, "tickets/faq/index.html", {"entries": faq_entries_for(request.user)})


def faq_entry(request, pk):
    """One entry: its question and answer. A visitor is asked to log in for a restricted one."""
    try:
        entry, ancestors = get_faq_entry_for(request.user, pk)
    except LoginNeeded:
        return redirect_to_login(request.get_full_path())
    context = {"entry": entry, "ancestors": ancestors, "manages": can_manage_faq(request.user, entry.service_id)}
    return render(request, "tickets/faq/entry.html", context)


urlpatterns = [
    path("faq/", faq_index, name="faq"),
    path("faq/<int:pk>/", faq_entry, name="faq_entry"),
]
