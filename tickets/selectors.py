"""Reads of the ticket domain, always through the permissions."""

import re

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from tickets import permissions
from tickets.comments.history import history_for
from tickets.comments.phrases import with_sentences
from tickets.comments.scopes import can_see_entry, visible_entries
from tickets.models import Attachment, Bookmark, Follower, Invitation, Satisfaction, Ticket, View


def get_ticket_for(user, number):
    """The ticket ``number`` if the user may see it; ``Http404`` otherwise, exactly as for a number that
    does not exist."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    ticket = (
        permissions.visible_tickets_for(user)
        .select_related("owner", "manager", "service", "category")
        .filter(pk=number)
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


def _satisfaction_columns(user, ticket):
    """What the ticket page shows of the owner's satisfaction to ``user``, as annotations of the page's
    one read of the ticket's personal figures: nothing for those who may not see it; ``satisfaction_is_own``
    for the owner reading their own."""
    may_see = permissions.can_see_satisfaction(user, ticket)
    if not (may_see or permissions.is_owner(user, ticket)):
        return {}, False
    given = Satisfaction.objects.filter(ticket=OuterRef("pk"))
    columns = {f"satisfaction_{name}": Subquery(given.values(name)[:1]) for name in ("rating", "comment", "created_at")}
    return columns, not may_see


def _satisfaction(values, is_own):
    """The satisfaction read with the page's figures, as the template shows it; None when there is none."""
    found = {name: values.pop(f"satisfaction_{name}", None) for name in ("rating", "comment", "created_at")}
    if found["rating"] is None:
        return None
    return {**found, "is_own": is_own}


def ticket_page(user, number):
    """Everything the ticket page shows, in a fixed number of queries whatever the data. Each history
    entry carries its ``files``, from the one read of the files the user may see (a file has its entry's
    scope); ``viewed`` says whether the user had opened the ticket before."""
    ticket = get_ticket_for(user, number)
    invitees = list(Invitation.objects.filter(ticket=ticket).select_related("user").order_by("created_at"))
    # The rights of the ACTIONS menu ask whether the viewer is invited, once per action otherwise.
    ticket._invitations = {invitation.user_id: invitation.invited_by_id for invitation in invitees}
    satisfaction_columns, satisfaction_is_own = _satisfaction_columns(user, ticket)
    personal = (
        Ticket.objects.filter(pk=ticket.pk)
        .annotate(
            follower_count=Coalesce(
                Subquery(
                    Follower.objects.filter(ticket=OuterRef("pk"))
                    .values("ticket")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            ),
            following=Exists(Follower.objects.filter(ticket=OuterRef("pk"), user_id=user.pk)),
            bookmarked=Exists(Bookmark.objects.filter(ticket=OuterRef("pk"), user_id=user.pk)),
            viewed=Exists(View.objects.filter(ticket=OuterRef("pk"), user_id=user.pk)),
            **satisfaction_columns,
        )
        .values("follower_count", "following", "bookmarked", "viewed", *satisfaction_columns)
        .get()
    )
    satisfaction = _satisfaction(personal, satisfaction_is_own)
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
        "satisfaction": satisfaction,
        "owner_tickets": list(
            permissions.visible_tickets_for(user)
            .filter(owner_id=ticket.owner_id)
            .exclude(pk=ticket.pk)
            .only("pk", "subject", "status", "created_at")
            .order_by("-created_at")[:OWNER_RECENT_TICKETS]
        ),
        **personal,
    }
