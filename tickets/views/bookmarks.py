"""What a person keeps for themselves about tickets, changing none of them: Signets/Historique, removing a
bookmark, and the printable page of a ticket."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tickets.bookmark_lists import bookmarks_page
from tickets.selectors import get_ticket_for, ticket_page
from tickets.services.personal import set_bookmark
from tickets.views.rows import history_rows, ticket_table_rows


@login_required
def bookmarks(request):
    """The user's bookmarks, newest first, then the last tickets they opened; only tickets they may still see."""
    context = bookmarks_page(request.user, request.GET.get("page", "1"))
    context["bookmark_rows"] = ticket_table_rows(context["bookmarks"].object_list)
    context["history_rows"] = ticket_table_rows(context["history"])
    return render(request, "tickets/bookmarks.html", context)


@login_required
@require_POST
def bookmark_remove(request, number):
    """Retirer le signet, then back to the page it was asked from (Signets/Historique by default)."""
    ticket = get_ticket_for(request.user, number)
    set_bookmark(request.user, ticket, on=False)
    messages.success(request, _("Le signet du ticket n°%(number)s a été retiré.") % {"number": ticket.pk})
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("bookmarks")
    return redirect(target)


@login_required
def ticket_print(request, number):
    """A ticket as it prints: its properties, the history entries and files the user may see; no actions."""
    context = ticket_page(request.user, number)
    context["entries"] = history_rows(context["history"])
    return render(request, "tickets/print.html", context)


urlpatterns = [
    path("signets/", bookmarks, name="bookmarks"),
    path("signets/<int:number>/retirer/", bookmark_remove, name="bookmark_remove"),
    path("ticket/<int:number>/imprimer/", ticket_print, name="ticket_print"),
]
