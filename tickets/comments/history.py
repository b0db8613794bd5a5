"""Reads of history entries, through their scopes; the last one with its sentence (``phrases``)."""

from tickets.comments.phrases import with_sentences
from tickets.comments.scopes import visible_entries
from tickets.models import Event


def history_for(user, ticket):
    """The history entries of the ticket the user may read, oldest first, as a queryset: their sentences
    are ``tickets.comments.phrases.with_sentences``'s, read once the list is known."""
    return visible_entries(user, ticket, Event.objects.select_related("actor")).order_by("created_at", "pk")


def last_entry_for(user, ticket):
    """The newest history entry of the ticket the user may read, with its ``sentence``, or None."""
    entry = history_for(user, ticket).order_by("-created_at", "-pk").first()
    return with_sentences([entry])[0] if entry else None
