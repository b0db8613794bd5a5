"""The counts of the statistics: tickets opened and closed per bucket with the open backlog, where tickets
end, the recurring categories and subjects, read from the pre-computed figures (``tickets.models.statistics``);
satisfaction from the ratings. Each function runs a fixed number of queries whatever the data. What each
figure counts is written in the README ("Statistiques")."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, F, Q, Sum

from tickets.models import Satisfaction, StatisticsCount, StatisticsSubject, Status
from tickets.models.statistics import DAY_SPAN, MONTH_SPAN
from tickets.statistics.facts import REFUSAL_KIND
from tickets.statistics.periods import MONTH, bucket_start, fact_days

OUTCOMES = [Status.APPROVED, Status.EXPIRED, Status.CANCELLED, Status.REJECTED]
CLOSED = F("approved") + F("expired") + F("cancelled") + F("rejected")
TOP = 10


def _counts(scope):
    return StatisticsCount.objects.filter(scope.tickets())


def activity(scope, period):
    """One row per bucket: (first day, opened, closed, open at the bucket's end), in two queries.

    The backlog at the period's end is what was filed before it, less what was closed, plus what was
    reopened: every ticket counted once, where it is now, as it stands at that moment (its history); then
    bucket by bucket backwards."""
    months = period.granularity == MONTH
    rows = (
        _counts(scope)
        .filter(fact_days(period.first, period.last, months=months))
        .values("day")
        .annotate(opened=Sum("opened"), closed=Sum(CLOSED), reopened=Sum("reopened"))
        .values_list("day", "opened", "closed", "reopened")
    )
    moves = defaultdict(lambda: [0, 0, 0])
    for day, opened, closed, reopened in rows:
        bucket = moves[bucket_start(day, period.granularity)]
        bucket[0], bucket[1], bucket[2] = bucket[0] + opened, bucket[1] + closed, bucket[2] + reopened
    end = period.last + timedelta(days=1)
    before_end = Q(span=MONTH_SPAN, day__lt=end.replace(day=1)) | Q(
        span=DAY_SPAN, day__gte=end.replace(day=1), day__lt=end
    )
    totals = (
        _counts(scope).filter(before_end).aggregate(opened=Sum("opened"), closed=Sum(CLOSED), reopened=Sum("reopened"))
    )
    backlog = (totals["opened"] or 0) - (totals["closed"] or 0) + (totals["reopened"] or 0)
    result = []
    for day in reversed(period.buckets()):
        opened, closed, reopened = moves.get(day, (0, 0, 0))
        result.append((day, opened, closed, backlog))
        backlog = backlog - opened + closed - reopened
    result.reverse()
    return result


def outcomes(scope, period):
    """[(status, count)] of the closures of the period by final status, and the closure refusals, in one query."""
    totals = (
        _counts(scope)
        .filter(fact_days(period.first, period.last))
        .aggregate(**{str(status): Sum(str(status)) for status in OUTCOMES}, refused=Sum("refused"))
    )
    return [(status, totals[str(status)] or 0) for status in OUTCOMES] + [(REFUSAL_KIND, totals["refused"] or 0)]


def recurring_categories(scope, period, top=TOP):
    """[(category id, count)] of the tickets filed in the period, most frequent first, in one query."""
    return list(
        _counts(scope)
        .filter(fact_days(period.first, period.last))
        .values("category_id")
        .annotate(n=Sum("opened"))
        .filter(n__gt=0)
        .order_by("-n", "category_id")
        .values_list("category_id", "n")[:top]
    )


def recurring_subjects(scope, period, top=TOP):
    """[(normalised subject, count)] of the tickets filed in the period, most frequent first, in one query
    (subjects are normalised when the figures are written: ``facts.normalise_subject``)."""
    return list(
        StatisticsSubject.objects.filter(scope.tickets(), fact_days(period.first, period.last))
        .values("subject")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
        .order_by("-n", "subject")
        .values_list("subject", "n")[:top]
    )


def satisfaction(scope, period):
    """The ratings given in the period, in one query: {"count", "average", "distribution": [(1..5, n)],
    "service"/"category"/"manager": [(id, count, average)]}."""
    rows = (
        Satisfaction.objects.filter(scope.ratings(), created_at__gte=period.start, created_at__lt=period.end)
        .values_list("service_id", "category_id", "manager_id", "rating")
        .annotate(n=Count("*"))
        .values_list("service_id", "category_id", "manager_id", "rating", "n")
    )
    distribution = dict.fromkeys(range(1, 6), 0)
    groups = {name: defaultdict(lambda: [0, 0]) for name in ("service", "category", "manager")}
    for service_id, category_id, manager_id, rating, n in rows:
        distribution[rating] += n
        for name, key in (("service", service_id), ("category", category_id), ("manager", manager_id)):
            groups[name][key][0] += n
            groups[name][key][1] += n * rating
    count = sum(distribution.values())
    total = sum(rating * n for rating, n in distribution.items())
    result = {
        "count": count,
        "average": total / count if count else None,
        "distribution": list(distribution.items()),
    }
    for name, by_key in groups.items():
        result[name] = sorted(
            ((key, n, total / n) for key, (n, total) in by_key.items()), key=lambda row: (-row[1], str(row[0]))
        )
    return result
