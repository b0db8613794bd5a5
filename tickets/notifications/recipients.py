"""Who hears of a history entry, and why."""

import enum

from tickets.comments.scopes import can_see_entry
from tickets.models import Category, Follower, Invitation, MailPreferences, Membership, Monitoring, Status
from tickets.permissions import remember_memberships

# The data keys of the manager who had the ticket before the event and lost it by the event.
PREVIOUS_MANAGER_KEYS = ("previous_manager", "freed_manager")


class Reason(enum.StrEnum):
    """Why a person gets a mail about a ticket, first match wins (see ``tickets.notifications``)."""

    OWNER = "owner"
    IN_CHARGE = "in_charge"
    PREVIOUS_MANAGER = "previous_manager"
    MONITORING = "monitoring"
    INVITEE = "invitee"
    FOLLOWER = "follower"


def recipients_of(event):
    """Who gets a mail about ``event``, each with the ``Reason`` why, as a dict in a stable order.

    Candidates: the owner (unless they turned it off), the manager in charge and the one the event took
    the ticket from, the service's managers by their monitoring level, invitees and followers. Never the
    author, an inactive user, one without an address, or anyone ``can_see_entry`` refuses:
    the ticket and the event as they are after the action decide.
    """
    ticket = event.ticket
    found = {}

    def add(user, reason):
        if user is not None and user.pk not in found:
            found[user.pk] = (user, reason)

    # The author hears nothing: their preferences are not worth a query.
    if ticket.owner_id != event.actor_id and MailPreferences.of(ticket.owner).mail_on_own_tickets:
        add(ticket.owner, Reason.OWNER)
    add(ticket.manager, Reason.IN_CHARGE)
    previous = {event.data.get(key) for key in PREVIOUS_MANAGER_KEYS if event.data} - {None, ticket.manager_id}
    levels = {Monitoring.ALWAYS, Monitoring.FREE} if _is_free_news(event) else {Monitoring.ALWAYS}
    memberships = Membership.objects.filter(service_id=ticket.service_id).select_related("user").order_by("pk")
    for membership in memberships:
        if membership.user_id in previous:
            add(membership.user, Reason.PREVIOUS_MANAGER)
        if membership.monitoring in levels:
            add(membership.user, Reason.MONITORING)
    # A ticket just filed has nobody invited nor following yet.
    if event.kind != "ticket.created":
        for link in Invitation.objects.filter(ticket=ticket).select_related("user").order_by("pk"):
            add(link.user, Reason.INVITEE)
        for link in Follower.objects.filter(ticket=ticket).select_related("user").order_by("pk"):
            add(link.user, Reason.FOLLOWER)
    candidates = {
        user: reason for user, reason in found.values() if user.pk != event.actor_id and user.is_active and user.email
    }
    # Whether each may read the entry depends on their memberships: read for all of them at once.
    remember_memberships(candidates)
    return {user: reason for user, reason in candidates.items() if can_see_entry(user, event)}


def _is_free_news(event):
    """Whether managers watching "at creation and when the ticket becomes free again" hear of it: a new
    ticket, one that becomes free, or a free ticket that arrives from another service."""
    if event.kind == "ticket.created":
        return True
    if event.new_status != Status.FREE:
        return False
    if event.old_status != Status.FREE:
        return True
    if event.kind != "ticket.moved":
        return False
    source = Category.objects.filter(pk=(event.data or {}).get("from_category")).values_list("service_id", flat=True)
    return source.first() != event.ticket.service_id
