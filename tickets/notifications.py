"""Where the workflow announces what happened: one call per history entry.

``announce`` runs inside the action's transaction, so that what it records (the mail outbox)
commits or rolls back with the action; ``event_committed`` is sent once the action has committed.
"""

from django.db import transaction
from django.dispatch import Signal

# Sent after commit with ``event`` (a tickets.models.Event) for every action.
event_committed = Signal()


def announce(event):
    transaction.on_commit(lambda: event_committed.send(sender=type(event), event=event))
