"""Reads of history entries, through their scopes, each with the sentence it says (``phrases``)."""

from tickets.comments.phrases import with_sentences
from tickets.comments.scopes import visible_entries
from tickets.models import Event


def history_for(user, ticket):
    """The history entries of the ticket the user may read, oldest first (a queryset, without sentences)."""
    return visible_entries(user, ticket, Event.objects.select_related("actor")).order_by("created_at", "pk")


def entries_for(user, ticket):
    """The history entries of the ticket the user may read, oldest first, each with its ``sentence``; what
    they name is read in at most two more queries."""
    return with_sentences(list(history_for(user, ticket)))


def last_entry_for(user, ticket):
    """The newest history entry of the ticket the user may read, with its ``sentence``, or None."""
    entry = history_for(user, ticket).order_by("-created_at", "-pk").first()
    return with_sentences([entry])[0] if entry else None
