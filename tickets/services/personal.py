"""Writes of the ticket domain that are not ticket actions: what a person keeps for themselves.

Bookmarks, follows and views change no ticket and write no history entry: they are personal.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets import permissions
from tickets.models import Bookmark, Follower, View

RECENT_VIEWS = 25


def record_view(user, ticket):
    """Remembers that ``user`` opened ``ticket`` now (Historique, unread marks); keeps the last 25."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    updated = View.objects.filter(user=user, ticket=ticket).update(created_at=now)
    if updated:
        return
    try:
        with transaction.atomic():
            View.objects.create(user=user, ticket=ticket, created_at=now)
    except IntegrityError:
        return  # the same person opened it twice at the same instant
    stale = View.objects.filter(user=user).order_by("-created_at").values_list("pk", flat=True)[RECENT_VIEWS:]
    View.objects.filter(pk__in=list(stale)).delete()


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
