"""Writes of the ticket domain that are not ticket actions: what a person keeps for themselves.

Bookmarks, follows and views change no ticket and write no history entry: they are personal.
"""

from django.utils import timezone

from tickets import permissions
from tickets.models import Bookmark, Follower, View

RECENT_VIEWS = 25


def record_view(user, ticket, *, viewed=None):
    """Remembers that ``user`` opened ``ticket`` now (Historique, unread marks); keeps the last 25.

    ``viewed``: whether they had opened it before, when the caller read it already (the ticket page does,
    with its other figures); a first visit then goes straight to the insert."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    if viewed is not False and View.objects.filter(user=user, ticket=ticket).update(created_at=now):
        return
    # The same person opening it twice at the same instant: the second insert is ignored, without a savepoint.
    View.objects.bulk_create([View(user=user, ticket=ticket, created_at=now)], ignore_conflicts=True)
    recent = View.objects.filter(user=user).order_by("-created_at", "-pk").values("pk")
    View.objects.filter(user=user).exclude(pk__in=recent[:RECENT_VIEWS]).delete()


def set_bookmark(user, ticket, *, on):
    """Adds or removes the ticket from the user's Signets. Returns whether it is bookmarked now."""
    return _set_link(Bookmark, user, ticket, on=on)


def set_follow(user, ticket, *, on):
    """Surveiller / Ne plus surveiller: the user gets (or stops getting) every notification of the ticket."""
    return _set_link(Follower, user, ticket, on=on)


def _set_link(model, user, ticket, *, on):
    if not permissions.can_view(user, ticket):
        return False
    if not on:
        model.objects.filter(user=user, ticket=ticket).delete()
        return False
    model.objects.get_or_create(user=user, ticket=ticket)
    return True
