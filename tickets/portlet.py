"""Reads of the ENT's "Assistance" tab: the portlet and the counter of the tab's badge.

A fixed number of queries whatever the number of tickets: the badge's counts are one query of capped
subqueries on the person's tickets (index ticket_owner_status), a manager's counts another (indexes
ticket_service_status, ticket_manager_status), and the unread mark is a subquery.
"""

from django.db import connections
from django.db.models import Exists, OuterRef

from tickets import permissions
from tickets.dashboards import DEFAULT_STATUSES, FREE_VIEW, MINE_VIEW, managed_service_ids
from tickets.models import OPEN_STATUSES, Status, Ticket, View

# The open tickets the portlet lists at most; the dashboard has them all.
PORTLET_ROWS = 8
# The badge's counts stop there.
COUNT_CAP = 100
OPEN = sorted(DEFAULT_STATUSES)


def _unread_for(user):
    """A ticket the person never opened, or opened before its last action (the dashboard's mark)."""
    return ~Exists(View.objects.filter(user=user, ticket=OuterRef("pk"), created_at__gte=OuterRef("last_action_at")))


def _capped_counts(parts):
    """``{name: queryset}`` → ``{name: its count, stopping at COUNT_CAP}``, in one query of limited subqueries."""
    selects, params = [], []
    for name, queryset in parts.items():
        sql, sql_params = queryset.order_by().values("pk")[:COUNT_CAP].query.sql_with_params()
        # The ORM's own SQL, its values as parameters; the names are this module's.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) {name}_rows) AS {name}")  # noqa: S608
        params.extend(sql_params)
    with connections[Ticket.objects.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        row = cursor.fetchone()
    return dict(zip(parts, row, strict=True))


def counter(user):
    """The badge's numbers: open tickets of the person, those waiting for their approval, the unread ones, and
    the cap they stop at.

    Each stops at ``COUNT_CAP`` (a badge says "99+" beyond): the work stays bounded whatever the number of
    tickets a person owns (index ticket_owner_status). One query.
    """
    open_tickets = Ticket.objects.filter(owner=user, status__in=OPEN)
    counts = _capped_counts(
        {
            "open": open_tickets,
            "awaiting_approval": Ticket.objects.filter(owner=user, status=Status.CLOSURE_REQUESTED),
            "unread": open_tickets.filter(_unread_for(user)),
        }
    )
    return {**counts, "cap": COUNT_CAP}


def manager_counts(user):
    """For a manager: the free tickets of their services and the open ones in their charge, each stopping at
    ``COUNT_CAP``; None for others. One query (indexes ticket_service_status, ticket_manager_status)."""
    if not permissions.is_manager(user):
        return None
    service_ids = managed_service_ids(user)
    free = Ticket.objects.filter(status=Status.FREE)
    if service_ids is not None:
        free = free.filter(service_id__in=service_ids)
    mine = Ticket.objects.filter(manager=user, status__in=sorted(OPEN_STATUSES | {Status.CLOSURE_REQUESTED}))
    counts = _capped_counts({"free": free, "mine": mine})
    return {**counts, "cap": COUNT_CAP, "free_view": FREE_VIEW, "mine_view": MINE_VIEW}


def _rows(user, statuses, limit):
    return list(
        Ticket.objects.filter(owner=user, status__in=statuses)
        .only("pk", "subject", "status", "last_action_at", "version")
        .annotate(unread=_unread_for(user))
        .order_by("-last_action_at", "-pk")[:limit]
    )


def portlet_page(user):
    """Everything the portlet shows to a logged-in person."""
    return {
        "counts": counter(user),
        "open_tickets": _rows(user, OPEN, PORTLET_ROWS),
        "awaiting": _rows(user, [Status.CLOSURE_REQUESTED], PORTLET_ROWS),
        "manager": manager_counts(user),
    }
