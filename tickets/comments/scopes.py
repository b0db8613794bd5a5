"""Scopes of history entries and files: who reads which, and which a person may give to what they write.

A viewer reads an entry when they may see its ticket (``tickets.permissions.can_view``) and its scope is
one their role on the ticket opens.

"Gestionnaires et invités" is what managers share with the people they bring in, not with the owner: an
invitee the owner chose does not read it either, or the owner would read it through them.
"""

from tickets.models import EntryScope, TicketScope
from tickets.permissions import can_view, inviter_of, is_owner, is_service_manager

OWNER_SCOPES = frozenset({EntryScope.PUBLIC, EntryScope.INVITED, EntryScope.OWNER})
INVITEE_SCOPES = frozenset({EntryScope.PUBLIC, EntryScope.INVITED, EntryScope.INVITED_MANAGERS})
ALL_SCOPES = frozenset(EntryScope)


def _invitee_scopes(user, ticket):
    """The scopes an invitation opens to ``user``: none when not invited, fewer when the owner invited them."""
    inviter = inviter_of(user, ticket)
    if inviter is None:
        return frozenset()
    if inviter == ticket.owner_id:
        return INVITEE_SCOPES - {EntryScope.INVITED_MANAGERS}
    return INVITEE_SCOPES


def readable_scopes(user, ticket):
    """The entry scopes the user reads on this ticket (empty when they may not see the ticket)."""
    if not can_view(user, ticket):
        return frozenset()
    if is_service_manager(user, ticket):
        return ALL_SCOPES
    scopes = {EntryScope.PUBLIC}
    if is_owner(user, ticket):
        scopes |= OWNER_SCOPES
    scopes |= _invitee_scopes(user, ticket)
    return frozenset(scopes)


def can_see_entry(user, entry):
    """Whether the user may read a history entry or a file (anything with a ``ticket`` and a ``scope``)."""
    return entry.scope in readable_scopes(user, entry.ticket)


def visible_entries(user, ticket, queryset):
    """Filters history entries or files of ``ticket`` down to what ``can_see_entry`` allows."""
    return queryset.filter(ticket=ticket, scope__in=readable_scopes(user, ticket))


def writable_scopes(user, ticket):
    """Scopes the user may give to what they write: managers every scope (public only on public tickets),
    owners every scope but "Gestionnaires", invitees public, invited and (unless the owner invited them)
    invited_managers."""
    scopes = set()
    if is_service_manager(user, ticket):
        scopes |= ALL_SCOPES
    else:
        if is_owner(user, ticket):
            scopes |= ALL_SCOPES - {EntryScope.MANAGERS}
        scopes |= _invitee_scopes(user, ticket)
    if ticket.scope != TicketScope.PUBLIC:
        scopes.discard(EntryScope.PUBLIC)
    return frozenset(scopes)
