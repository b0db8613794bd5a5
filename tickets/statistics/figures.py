"""The counts of the statistics: tickets opened and closed per bucket with the open backlog, where tickets
end, the recurring categories and subjects, and satisfaction. Each function runs a fixed number of queries
whatever the data. What each figure counts is written in the README ("Statistiques")."""

import re
import unicodedata
from collections import Counter, defaultdict

from django.db.models import Count, DateField, Q
from django.db.models.functions import Trunc
from django.utils import timezone

from tickets.models import FINAL_STATUSES, Event, Satisfaction, Status, Ticket
from tickets.statistics.periods import DAY, MONTH, WEEK

FINAL = sorted(FINAL_STATUSES)
NOT_FINAL = sorted(set(Status) - FINAL_STATUSES)
# A closure: an entry that brought the ticket to a final status from a status that was not one.
CLOSURE = Q(new_status__in=FINAL) & ~Q(old_status__in=FINAL)
# A reopening: the other way round.
REOPENING = Q(old_status__in=FINAL) & ~Q(new_status__in=FINAL)
REFUSAL_KIND = "ticket.closure_refused"
OUTCOMES = [Status.APPROVED, Status.EXPIRED, Status.CANCELLED, Status.REJECTED]
TRUNC_KINDS = {DAY: "day", WEEK: "week", MONTH: "month"}
TOP = 10


def _bucket(field, period):
    return Trunc(
        field, TRUNC_KINDS[period.granularity], output_field=DateField(), tzinfo=timezone.get_current_timezone()
    )


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def activity(scope, period):
    """One row per bucket: (first day, opened, closed, open at the bucket's end), in four queries.

    The backlog is counted back from now: the tickets open now, less those filed since the period's end,
    plus those closed since, less those reopened since; then bucket by bucket."""
    in_period = Q(created_at__gte=period.start, created_at__lt=period.end)
    opened = dict(
        Ticket.objects.filter(scope.tickets(), in_period)
        .annotate(bucket=_bucket("created_at", period))
        .values_list("bucket")
        .annotate(n=Count("*"))
        .values_list("bucket", "n")
    )
    moves = {
        _as_date(bucket): (closed, reopened)
        for bucket, closed, reopened in Event.objects.filter(scope.tickets("ticket__"), in_period)
        .filter(CLOSURE | REOPENING)
        .annotate(bucket=_bucket("created_at", period))
        .values_list("bucket")
        .annotate(closed=Count("created_at", filter=CLOSURE), reopened=Count("created_at", filter=REOPENING))
        .values_list("bucket", "closed", "reopened")
    }
    opened = {_as_date(day): n for day, n in opened.items()}
    not_final = Q(status__in=NOT_FINAL)  # a list of its own, so that the index on the status serves
    after = Q(created_at__gte=period.end)
    now = (
        Ticket.objects.filter(scope.tickets())
        .filter(not_final | after)
        .aggregate(open=Count("created_at", filter=not_final), filed=Count("created_at", filter=after))
    )
    since = Event.objects.filter(scope.tickets("ticket__"), after).aggregate(
        closed=Count("created_at", filter=CLOSURE), reopened=Count("created_at", filter=REOPENING)
    )
    backlog = now["open"] - now["filed"] + since["closed"] - since["reopened"]
    rows = []
    for day in reversed(period.buckets()):
        closed, reopened = moves.get(day, (0, 0))
        rows.append((day, opened.get(day, 0), closed, backlog))
        backlog = backlog - opened.get(day, 0) + closed - reopened
    rows.reverse()
    return rows


def outcomes(scope, period):
    """[(status, count)] of the closures of the period by final status, and the closure refusals, in one query."""
    counts = dict.fromkeys([*OUTCOMES, REFUSAL_KIND], 0)
    rows = (
        Event.objects.filter(scope.tickets("ticket__"), created_at__gte=period.start, created_at__lt=period.end)
        .filter(CLOSURE | Q(kind=REFUSAL_KIND))
        .values_list("new_status", "kind")
        .annotate(n=Count("*"))
        .values_list("new_status", "kind", "n")
    )
    for status, kind, n in rows:
        counts[REFUSAL_KIND if kind == REFUSAL_KIND else status] += n
    return list(counts.items())


def recurring_categories(scope, period, top=TOP):
    """[(category id, count)] of the tickets filed in the period, most frequent first, in one query."""
    return list(
        Ticket.objects.filter(scope.tickets(), created_at__gte=period.start, created_at__lt=period.end)
        .values_list("category_id")
        .annotate(n=Count("*"))
        .order_by("-n", "category_id")
        .values_list("category_id", "n")[:top]
    )


def normalise_subject(subject):
    """Lower case, accents and punctuation dropped, every number as "#", spaces collapsed:
    "Connexion Apogée impossible (n°2)" → "connexion apogee impossible n#"."""
    text = unicodedata.normalize("NFKD", subject or "").encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"\d+", "#", text)
    text = re.sub(r"[^a-z#]+", " ", text)
    return " ".join(text.split())


def recurring_subjects(scope, period, top=TOP):
    """[(normalised subject, count)] of the tickets filed in the period, most frequent first: the subjects
    are grouped in the database, then folded together here, in one query."""
    counts = Counter()
    rows = (
        Ticket.objects.filter(scope.tickets(), created_at__gte=period.start, created_at__lt=period.end)
        .values_list("subject")
        .annotate(n=Count("*"))
        .values_list("subject", "n")
    )
    for subject, n in rows:
        key = normalise_subject(subject)
        if key:
            counts[key] += n
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


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
