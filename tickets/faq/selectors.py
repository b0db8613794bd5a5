"""Reading the FAQ: what a person may read of it, fetched in a fixed number of queries."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from tickets.faq.access import can_read_faq_entry, readable_faq_entries, restricted_for_visitor
from tickets.models import FaqEntry


class LoginNeeded(Exception):
    """A visitor asked for an entry that people who log in may read."""


def faq_entries_for(user):
    """The entries the user may read, in the order of their FAQ's tree, with their service."""
    return readable_faq_entries(user).select_related("service").order_by("path")


def get_faq_entry_for(user, pk):
    """The entry ``pk`` and its ancestors, when the user may read it.

    Raises ``Http404`` for an entry that does not exist or that the user may not read, and ``LoginNeeded``
    instead when a visitor asks for an entry restricted to people who log in.
    """
    entry = get_object_or_404(FaqEntry.objects.select_related("service", "updated_by"), pk=pk)
    ancestors = list(FaqEntry.objects.get_ancestors(entry).select_related("service"))
    if can_read_faq_entry(user, entry, ancestors):
        return entry, ancestors
    if not user.is_authenticated and restricted_for_visitor(entry, ancestors):
        raise LoginNeeded
    raise Http404
