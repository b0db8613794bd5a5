"""The data of the managers' daily summaries: for each of their services, the free tickets, theirs and
those without action for a while, each list as the dashboard shows it."""

from dataclasses import dataclass
from datetime import timedelta

from tickets import dashboards
from tickets.models import OPEN_STATUSES, Status, Ticket

# A daily summary shows the first tickets of each list; its link to the dashboard shows them all.
SUMMARY_LIST_LIMIT = 20


@dataclass(frozen=True)
class SummaryList:
    """One list of a daily summary: how many tickets it holds, the first of them, and the dashboard's
    query string that shows them all."""

    count: int
    tickets: list
    dashboard_query: dict


@dataclass(frozen=True)
class SummarySection:
    """What a manager's daily summary says of one of their services."""

    service: object  # a tickets.models.Service
    free: SummaryList
    mine: SummaryList
    idle: SummaryList

    @property
    def is_empty(self):
        return not (self.free.count or self.mine.count or self.idle.count)


def summary_section(service, manager, now, idle_days, shared):
    """What ``manager``'s daily summary says of ``service`` at ``now``. ``shared`` keeps, per service, the
    lists that are the same for each of its managers, so that they are read once per run."""
    if service.pk not in shared:
        tickets = Ticket.objects.filter(service=service)
        free = tickets.filter(status=Status.FREE).order_by("created_at", "pk")
        idle = (
            tickets.filter(status__in=sorted(OPEN_STATUSES), last_action_at__lte=now - timedelta(days=idle_days))
            # A ticket put aside until its recall date is waiting as it was asked to, not forgotten.
            .exclude(status=Status.POSTPONED, recall_at__gt=now)
            .order_by("last_action_at", "pk")
        )
        shared[service.pk] = (
            _first_of(free, dashboards.FREE_VIEW, service),
            _first_of(idle, dashboards.SERVICES_VIEW, service, sort=dashboards.OLDEST_ACTION_FIRST),
        )
    # Counted as the dashboard's "Pris en charge par moi" counts them, so that the number in the mail
    # matches the list its link opens.
    mine = Ticket.objects.filter(
        service=service, manager=manager, status__in=sorted(dashboards.DEFAULT_STATUSES)
    ).order_by("last_action_at", "pk")
    free, idle = shared[service.pk]
    return SummarySection(service=service, free=free, mine=_first_of(mine, dashboards.MINE_VIEW, service), idle=idle)


def _first_of(tickets, view, service, *, sort=dashboards.DEFAULT_SORT):
    first = list(tickets.only("pk", "subject", "status", "last_action_at")[: SUMMARY_LIST_LIMIT + 1])
    count = len(first) if len(first) <= SUMMARY_LIST_LIMIT else tickets.count()
    query = dashboards.DashboardQuery(view=view, service=service.pk, sort=sort).params()
    return SummaryList(count=count, tickets=first[:SUMMARY_LIST_LIMIT], dashboard_query=query)
