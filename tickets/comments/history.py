"""Reads of history entries, through their scopes."""

from tickets.comments.scopes import visible_entries
from tickets.models import Event


def history_for(user, ticket):
    """The history entries of the ticket the user may read, oldest first."""
    return visible_entries(user, ticket, Event.objects.select_related("actor")).order_by("created_at", "pk")


def last_entry_for(user, ticket):
    """The newest history entry of the ticket the user may read, or None."""
    return history_for(user, ticket).order_by("-created_at", "-pk").first()
