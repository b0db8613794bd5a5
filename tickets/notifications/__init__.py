"""Notifications: who hears of what happened to a ticket, what their mail says, and its delivery.

``announce`` is the workflow's one call per history entry. It runs inside the action's transaction, so
that the outbox rows it writes commit or roll back with the action; ``event_committed`` is sent, and
the mails are queued for delivery, once the action has committed.

The parts, each in its module: ``recipients`` (who, and why), ``outbox`` (the rows and the action links
they carry, written together), ``links`` (the signed action links), ``rendering`` (what a mail says; no
database writes), ``summaries`` (the daily summaries' data), ``delivery`` (sending one row, the sweep)
and ``tasks`` (the Celery tasks that deliver).
"""

from django.db import transaction
from django.dispatch import Signal

from tickets.notifications.outbox import write_event_mail
from tickets.notifications.recipients import recipients_of
from tickets.notifications.tasks import queue_delivery

# Sent after commit with ``event`` (a tickets.models.Event) for every action.
event_committed = Signal()


def announce(event):
    """Writes the mails about ``event`` into the outbox (in the current transaction) and, after commit,
    queues their delivery and sends ``event_committed``."""
    written = write_event_mail(event, recipients_of(event))

    def after_commit():
        queue_mails(written)
        event_committed.send(sender=type(event), event=event)

    transaction.on_commit(after_commit)


def queue_mails(written):
    """Queues the delivery of outbox rows, given as ``(mail id, seconds to wait)``; call it once they are
    committed. Stops at the first row the broker refuses: the sweep sends them all."""
    for mail_id, countdown in written:
        if not queue_delivery(mail_id, countdown=countdown):
            break  # the broker is down, and whoever is waiting for this call waits no more
