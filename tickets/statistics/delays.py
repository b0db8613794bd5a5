"""Delay to take in charge and time to resolution, median and 90th percentile, per service, category and
manager (where the ticket is now), from the pre-computed histograms (``tickets.models.statistics``).

- Taking in charge: the tickets whose ``taken_at`` (their latest taking in charge) falls in the period,
  from their filing to it.
- Resolution: the tickets closed now whose ``closed_at`` (their latest closure) falls in the period, from
  their filing to it.

Each delay is counted in its class (a quarter of an octave of minutes: ``facts.delay_class``), so a period
of any length reads a few rows per key and class. The percentiles are continuous (linear interpolation
between the two nearest ranks, as PostgreSQL's ``percentile_cont``), each rank's value placed inside its
class as if the class's delays were spread evenly over it: the result lies within one class's width of the
exact percentile (README, "Statistiques").
"""

from collections import defaultdict

from django.db.models import Sum

from tickets.models import StatisticsDelay
from tickets.models.statistics import NO_MANAGER
from tickets.statistics.facts import class_bounds
from tickets.statistics.periods import fact_days

DIMENSIONS = {"service": "service_id", "category": "category_id", "manager": "manager_id"}


def delays(scope, period, dimension):
    """[(key, taken count, median hours, p90 hours, closed count, median hours, p90 hours)] for ``dimension``
    ("service", "category" or "manager"), the most tickets first. One query."""
    return all_delays(scope, period)[dimension]


def all_delays(scope, period):
    """{dimension: its rows (as ``delays``)} for the three dimensions at once, in one query."""
    rows = (
        StatisticsDelay.objects.filter(scope.tickets(), fact_days(period.first, period.last))
        .values("service_id", "category_id", "manager_id", "measure", "bucket")
        .annotate(count=Sum("n"))
        .values_list("service_id", "category_id", "manager_id", "measure", "bucket", "count")
    )
    # dimension → key → measure → class → count
    histograms = {name: defaultdict(lambda: (defaultdict(int), defaultdict(int))) for name in DIMENSIONS}
    for service_id, category_id, manager_id, measure, bucket, count in rows:
        keys = {
            "service": service_id,
            "category": category_id,
            "manager": None if manager_id == NO_MANAGER else manager_id,
        }
        for name, key in keys.items():
            histograms[name][key][measure][bucket] += count
    result = {}
    for name, by_key in histograms.items():
        found = []
        for key, (taken, closed) in by_key.items():
            taken_row, closed_row = _figures(taken), _figures(closed)
            if taken_row[0] or closed_row[0]:
                found.append((key, *taken_row, *closed_row))
        result[name] = sorted(found, key=lambda row: (-(row[1] + row[4]), str(row[0])))
    return result


def _figures(histogram):
    """(count, median hours, 90th percentile hours) of a histogram {class: count}."""
    count = sum(histogram.values())
    if count <= 0:
        return 0, None, None
    return count, histogram_percentile(histogram, 0.5) / 60, histogram_percentile(histogram, 0.9) / 60


def histogram_percentile(histogram, fraction):
    """The continuous percentile, in minutes, of the delays counted in ``histogram`` {class: count}.

    The value of rank i (0 first) is placed in its class, the class's k delays standing at the middles of k
    equal parts of it; the percentile lies between the ranks around fraction × (count - 1), as percentile_cont."""
    classes = sorted((bucket, n) for bucket, n in histogram.items() if n > 0)
    position = fraction * (sum(n for _bucket, n in classes) - 1)
    low = int(position)
    low_value, high_value = _rank_value(classes, low), _rank_value(classes, low + 1)
    if high_value is None:
        return low_value
    return low_value + (high_value - low_value) * (position - low)


def _rank_value(classes, rank):
    before = 0
    for bucket, n in classes:
        if rank < before + n:
            low, high = class_bounds(bucket)
            return low + (high - low) * (rank - before + 0.5) / n
        before += n
    return None
