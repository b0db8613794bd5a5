"""Delay to take in charge and time to resolution, median and 90th percentile, per service, category and
manager (where the ticket is now).

- Taking in charge: the tickets whose ``taken_at`` (their latest taking in charge) falls in the period,
  from their filing to it.
- Resolution: the tickets closed now whose ``closed_at`` (their latest closure) falls in the period, from
  their filing to it.

Percentiles are continuous (linear interpolation, as PostgreSQL's ``percentile_cont``): computed by
PostgreSQL in SQL, elsewhere in Python over the period's tickets, with the same result.
"""

from collections import defaultdict

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Extract

from tickets.models import FINAL_STATUSES, Ticket

DIMENSIONS = {"service": "service_id", "category": "category_id", "manager": "manager_id"}
MEASURES = ("taken", "closed")


def percentile(values, fraction):
    """The continuous percentile of sorted ``values`` (None for none), as PostgreSQL's percentile_cont."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _filters(scope, period):
    taken = Q(taken_at__gte=period.start, taken_at__lt=period.end)
    closed = Q(closed_at__gte=period.start, closed_at__lt=period.end, status__in=sorted(FINAL_STATUSES))
    return Ticket.objects.filter(scope.tickets()).filter(taken | closed), taken, closed


def delays(scope, period, dimension):
    """[(key, taken count, median hours, p90 hours, closed count, median hours, p90 hours)] for ``dimension``
    ("service", "category" or "manager"), the most tickets first. One query."""
    return all_delays(scope, period)[dimension]


def all_delays(scope, period):
    """{dimension: its rows (as ``delays``)} for the three dimensions at once, in one query."""
    if connection.vendor == "postgresql":
        return _delays_in_sql(scope, period)
    return delays_in_python(scope, period)


def _hours(start, end):
    return Extract(F(end) - F(start), "epoch") / 3600.0


def _durations(scope, condition, end, measure):
    """The SQL of (service, category, manager, hours, measure) of the tickets in scope meeting ``condition``."""
    return (
        Ticket.objects.filter(scope.tickets(), condition)
        .annotate(hours=_hours("created_at", end), measure=Value(measure))
        .values_list("service_id", "category_id", "manager_id", "hours", "measure")
        .query.sql_with_params()
    )


def _delays_in_sql(scope, period):
    """Each ticket taken in charge, each ticket closed in the period read once through its date's covering
    index, grouped by the three dimensions at once (grouping sets); both percentiles from one sort."""
    _tickets, taken, closed = _filters(scope, period)
    taken_sql, taken_params = _durations(scope, taken, "taken_at", 0)
    closed_sql, closed_params = _durations(scope, closed, "closed_at", 1)
    # The ORM's own SQL of the two sets of durations, wrapped: Django has no grouping sets.
    sql = (
        "SELECT measure, GROUPING(service_id), GROUPING(category_id), "  # noqa: S608
        "service_id, category_id, manager_id, "
        "COUNT(*), PERCENTILE_CONT(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY hours) "
        f"FROM ({taken_sql} UNION ALL {closed_sql}) AS durations "
        "(service_id, category_id, manager_id, hours, measure) "
        "GROUP BY measure, GROUPING SETS ((service_id), (category_id), (manager_id))"
    )
    found = {name: defaultdict(lambda: [0, None, None, 0, None, None]) for name in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*taken_params, *closed_params])
        for measure, no_service, no_category, service_id, category_id, manager_id, n, (p50, p90) in cursor:
            if not no_service:
                row = found["service"][service_id]
            elif not no_category:
                row = found["category"][category_id]
            else:
                row = found["manager"][manager_id]
            row[3 * measure : 3 * measure + 3] = [n, p50, p90]
    return {name: _ordered([(key, *row) for key, row in rows.items()]) for name, rows in found.items()}


def delays_in_python(scope, period):
    """The three dimensions' rows at once, from one query of the period's tickets."""
    tickets, _taken, _closed = _filters(scope, period)
    rows = tickets.values_list(
        "service_id", "category_id", "manager_id", "created_at", "taken_at", "closed_at", "status"
    )
    durations = {name: defaultdict(lambda: ([], [])) for name in DIMENSIONS}
    final = set(FINAL_STATUSES)
    for service_id, category_id, manager_id, created_at, taken_at, closed_at, status in rows:
        is_taken = taken_at is not None and period.start <= taken_at < period.end
        is_closed = status in final and closed_at is not None and period.start <= closed_at < period.end
        keys = {"service": service_id, "category": category_id, "manager": manager_id}
        for name, key in keys.items():
            if is_taken:
                durations[name][key][0].append((taken_at - created_at).total_seconds() / 3600)
            if is_closed:
                durations[name][key][1].append((closed_at - created_at).total_seconds() / 3600)
    result = {}
    for name, by_key in durations.items():
        rows = []
        for key, (to_take, to_close) in by_key.items():
            to_take.sort()
            to_close.sort()
            rows.append(
                (
                    key,
                    len(to_take),
                    percentile(to_take, 0.5),
                    percentile(to_take, 0.9),
                    len(to_close),
                    percentile(to_close, 0.5),
                    percentile(to_close, 0.9),
                )
            )
        result[name] = _ordered(rows)
    return result


def _ordered(rows):
    return sorted(rows, key=lambda row: (-(row[1] + row[4]), str(row[0])))
