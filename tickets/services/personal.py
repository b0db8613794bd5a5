"""Writes of the ticket domain that are not ticket actions: what a person keeps for themselves.

Bookmarks, follows and views change no ticket and write no history entry: they are personal.
"""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tickets import permissions
from tickets.models import Bookmark, Follower, View

RECENT_VIEWS = 25


def record_view(user, ticket):
    """Remembers that ``user`` opened ``ticket`` now (Historique, unread marks): one statement, a first visit
    or a later one. Historique shows the last 25; ``forget_old_views`` deletes the older ones."""
    if not user.is_authenticated:
        return
    View.objects.bulk_create(
        [View(user=user, ticket=ticket, created_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=["created_at"],
    )


def forget_old_views():
    """Deletes each person's views older than their last 25, in one statement. Returns how many."""
    rank = Window(RowNumber(), partition_by=[F("user_id")], order_by=[F("created_at").desc(), F("pk").desc()])
    old = View.objects.annotate(rank=rank).filter(rank__gt=RECENT_VIEWS).values("pk")
    deleted, _by_model = View.objects.filter(pk__in=old).delete()
    return deleted


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
