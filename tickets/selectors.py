"""Reads of the ticket domain, always through the permissions."""

import re

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from tickets import permissions
from tickets.comments.history import history_for
from tickets.comments.phrases import with_sentences
from tickets.comments.scopes import can_see_entry, visible_entries
from tickets.models import Attachment, Bookmark, Follower, Invitation


def get_ticket_for(user, number, *, related=(), **figures):
    """The ticket ``number`` if the user may see it; ``Http404`` otherwise, exactly as for a number that
    does not exist. ``related``: more relations joined; ``figures``: annotations read in the same query, set
    on the ticket."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    ticket = (
        permissions.visible_tickets_for(user)
        .select_related("owner", "manager", "service", "category", *related)
        .filter(pk=number)
        .annotate(**figures)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def files_for(user, ticket):
    """The files of the ticket the user may see."""
    return visible_entries(user, ticket, Attachment.objects.all()).order_by("created_at", "pk")


def get_attachment_for(user, token):
    """A file the user may see, by its token; ``Http404`` otherwise."""
    if not re.fullmatch(r"[0-9a-f]{32}", str(token)):
        raise Http404
    attachment = Attachment.objects.select_related("ticket__service").filter(token=token).first()
    if attachment is None or not can_see_entry(user, attachment):
        raise Http404
    return attachment


OWNER_RECENT_TICKETS = 5


def _personal_figures(user):
    """What the ticket page reads with the ticket about the viewer and its followers."""
    return {
        "follower_count": Coalesce(
            Subquery(
                Follower.objects.filter(ticket=OuterRef("pk"))
                .values("ticket")
                .annotate(count=Count("pk"))
                .values("count")
            ),
            0,
        ),
        "following": Exists(Follower.objects.filter(ticket=OuterRef("pk"), user_id=user.pk)),
        "bookmarked": Exists(Bookmark.objects.filter(ticket=OuterRef("pk"), user_id=user.pk)),
    }


def _satisfaction(user, ticket):
    """The owner's satisfaction (read with the ticket) as the page shows it to ``user``: the service's managers
    and admins see it, the owner their own (``is_own``); None for anyone else and when there is none."""
    given = getattr(ticket, "satisfaction", None)  # joined: a ticket without one raises AttributeError
    if given is None:
        return None
    may_see = permissions.can_see_satisfaction(user, ticket)
    if not (may_see or permissions.is_owner(user, ticket)):
        return None
    return {"rating": given.rating, "comment": given.comment, "created_at": given.created_at, "is_own": not may_see}


def ticket_page(user, number):
    """Everything the ticket page shows, in a fixed number of queries whatever the data (the viewer's
    figures are read with the ticket). Each history entry carries its ``files``, from the one read of the
    files the user may see (a file has its entry's scope)."""
    # The satisfaction is joined (one to one) rather than read field by field in subqueries: each
    # subquery costs more to build than to run.
    ticket = get_ticket_for(user, number, related=("satisfaction",), **_personal_figures(user))
    invitees = list(Invitation.objects.filter(ticket=ticket).select_related("user").order_by("created_at"))
    # The rights of the ACTIONS menu ask whether the viewer is invited, once per action otherwise.
    ticket._invitations = {invitation.user_id: invitation.invited_by_id for invitation in invitees}
    history, files = with_sentences(list(history_for(user, ticket))), list(files_for(user, ticket))
    by_entry = {}
    for file in files:
        by_entry.setdefault(file.event_id, []).append(file)
    for entry in history:
        entry.files = by_entry.get(entry.pk, [])
    return {
        "ticket": ticket,
        "history": history,
        "files": files,
        "may_remove_files": permissions.can_remove_file(user, ticket),
        "invitees": invitees,
        "satisfaction": _satisfaction(user, ticket),
        "owner_tickets": list(
            permissions.visible_tickets_for(user)
            .filter(owner_id=ticket.owner_id)
            .exclude(pk=ticket.pk)
            .only("pk", "subject", "status", "created_at")
            .order_by("-created_at")[:OWNER_RECENT_TICKETS]
        ),
        **{name: getattr(ticket, name) for name in ("follower_count", "following", "bookmarked")},
    }
