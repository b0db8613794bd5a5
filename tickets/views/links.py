"""Following an action link from a mail: it opens the ticket with the form in front, never acts."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import urlencode

from tickets.notifications.links import LinkRefused, check_recipient, read_link


def action_link(request, token):
    """GET only shows: the recipient, once logged in, lands on the action's form; anyone else gets a clear page."""
    try:
        link = read_link(token)
    except LinkRefused as refused:
        return render(request, "tickets/link_refused.html", {"reason": refused.reason}, status=410)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        check_recipient(link, request.user)
    except LinkRefused as refused:
        return render(request, "tickets/link_refused.html", {"reason": refused.reason}, status=403)
    target = f"/ticket/{link.ticket_id}/action/{link.action}/?{urlencode({'lien': token})}"
    return redirect(target)


urlpatterns = [path("lien/<str:token>/", action_link, name="action_link")]
