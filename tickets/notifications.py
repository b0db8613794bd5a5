"""Where the workflow announces what happened: one call per history entry.

``announce`` runs inside the action's transaction, so that what it records (the mail outbox)
commits or rolls back with the action; ``event_committed`` is sent, and the mails are queued for
delivery, once the action has committed.
"""

from django.db import transaction
from django.dispatch import Signal

from tickets import mail, permissions, tasks
from tickets.models import Category, Follower, Invitation, MailPreferences, Membership, Monitoring, Status

# Sent after commit with ``event`` (a tickets.models.Event) for every action.
event_committed = Signal()

# The data keys of the manager who had the ticket before the event and lost it by the event.
PREVIOUS_MANAGER_KEYS = ("previous_manager", "freed_manager")


def announce(event):
    """Writes the mails about ``event`` into the outbox (in the current transaction) and, after commit,
    queues their delivery and sends ``event_committed``."""
    written = mail.write_event_mail(event, recipients_of(event))

    def after_commit():
        queue_mails(written)
        event_committed.send(sender=type(event), event=event)

    transaction.on_commit(after_commit)


def queue_mails(written):
    """Queues the delivery of outbox rows, given as ``(mail id, seconds to wait)``; call it once they are
    committed. Stops at the first row the broker refuses: the sweep sends them all."""
    for mail_id, countdown in written:
        if not tasks.queue_delivery(mail_id, countdown=countdown):
            break  # the broker is down, and whoever is waiting for this call waits no more


def recipients_of(event):
    """Who gets a mail about ``event``, each with the ``mail.Reason`` why, as a dict in a stable order.

    Candidates: the owner (unless they turned it off), the manager in charge and the one the event took
    the ticket from, the service's managers by their monitoring level, invitees and followers. Never the
    author, an inactive user, one without an address, or anyone ``permissions.can_see_entry`` refuses:
    the ticket and the event as they are after the action decide.
    """
    ticket = event.ticket
    found = {}

    def add(user, reason):
        if user is not None and user.pk not in found:
            found[user.pk] = (user, reason)

    if MailPreferences.of(ticket.owner).mail_on_own_tickets:
        add(ticket.owner, mail.Reason.OWNER)
    add(ticket.manager, mail.Reason.IN_CHARGE)
    previous = {event.data.get(key) for key in PREVIOUS_MANAGER_KEYS if event.data} - {None, ticket.manager_id}
    levels = {Monitoring.ALWAYS, Monitoring.FREE} if _is_free_news(event) else {Monitoring.ALWAYS}
    memberships = Membership.objects.filter(service_id=ticket.service_id).select_related("user").order_by("pk")
    for membership in memberships:
        if membership.user_id in previous:
            add(membership.user, mail.Reason.PREVIOUS_MANAGER)
        if membership.monitoring in levels:
            add(membership.user, mail.Reason.MONITORING)
    for link in Invitation.objects.filter(ticket=ticket).select_related("user").order_by("pk"):
        add(link.user, mail.Reason.INVITEE)
    for link in Follower.objects.filter(ticket=ticket).select_related("user").order_by("pk"):
        add(link.user, mail.Reason.FOLLOWER)
    return {
        user: reason
        for user, reason in found.values()
        if user.pk != event.actor_id and user.is_active and user.email and permissions.can_see_entry(user, event)
    }


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
