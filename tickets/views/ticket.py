"""The ticket page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from tickets.selectors import get_ticket_for, ticket_page


@login_required
def ticket_detail(request, number):
    """The ticket page: title, status, category, owner, manager, history, files, invitees."""
    return render(request, "tickets/ticket.html", ticket_page(request.user, number))


@login_required
def ticket_access(request):
    """The "N° de ticket / Accès direct" box: to the ticket, or "not found" like any ticket one may not see."""
    number = request.GET.get("numero", "").strip().lstrip("n°").strip()
    return redirect("ticket", number=get_ticket_for(request.user, number).pk)


# The ticket page's actions add their routes here.
urlpatterns = []
