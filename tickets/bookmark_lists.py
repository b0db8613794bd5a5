"""Reads of Signets/Historique: the user's bookmarks and the tickets they opened last, as dashboard rows."""

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery

from tickets import permissions
from tickets.dashboards import PER_PAGE, ticket_rows
from tickets.models import Bookmark, View
from tickets.services.personal import RECENT_VIEWS


def bookmarked_tickets(user):
    """The user's bookmarks that they may still see, newest bookmark first."""
    bookmarks = Bookmark.objects.filter(user=user)
    bookmarked_at = bookmarks.filter(ticket=OuterRef("pk")).values("created_at")[:1]
    return (
        ticket_rows(permissions.visible_tickets_for(user).filter(pk__in=bookmarks.values("ticket_id")), user)
        .annotate(bookmarked_at=Subquery(bookmarked_at))
        .order_by("-bookmarked_at", "-pk")
    )


def recently_viewed_tickets(user, limit=RECENT_VIEWS):
    """The last tickets the user opened and may still see, most recent first."""
    views = View.objects.filter(user=user)
    viewed_at = views.filter(ticket=OuterRef("pk")).values("created_at")[:1]
    return list(
        ticket_rows(permissions.visible_tickets_for(user).filter(pk__in=views.values("ticket_id")), user)
        .annotate(viewed_at=Subquery(viewed_at))
        .order_by("-viewed_at", "-pk")[:limit]
    )


def bookmarks_page(user, page_number):
    """Everything Signets/Historique shows: a page of bookmarks and the recent history."""
    return {
        "bookmarks": Paginator(bookmarked_tickets(user), PER_PAGE).get_page(page_number),
        "history": recently_viewed_tickets(user),
        "history_limit": RECENT_VIEWS,
    }
