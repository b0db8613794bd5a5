"""Every figure of the statistics against a direct count over the known data set (tests/statistics_support.py,
written directly, then ``rebuild_statistics``), for several scopes and granularities: tickets moved between
services, reopened and closed twice, expired, cancelled, filed before or closed after the period; the delays'
percentiles from histograms against the exact ones."""

import math
import random
import statistics as stats
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from tests.statistics_support import build, make_world
from tickets.models import FINAL_STATUSES, Event, Satisfaction, Ticket
from tickets.statistics import delays, figures
from tickets.statistics.facts import class_bounds, delay_class, normalise_subject
from tickets.statistics.periods import DAY, MONTH, WEEK, Period, next_bucket
from tickets.statistics.scope import Scope

pytestmark = pytest.mark.django_db

BASE = date(2026, 3, 1)  # the period holds the change to summer time (29 March)


@pytest.fixture
def data(make_user, make_service, make_category):
    world = make_world(make_user, make_service, make_category)
    world["tickets"] = build(BASE, world["people"], world["categories"])
    call_command("rebuild_statistics", verbosity=0)
    return world


def scopes(world):
    """name → Scope: the cases every figure is checked in."""
    a, b = world["services"]["A"], world["services"]["B"]
    c = world["categories"]
    return {
        "all": Scope(service_ids=None),
        "service A": Scope(service_ids=(a.pk,)),
        "service B": Scope(service_ids=(b.pk,)),
        "A1 and its child": Scope(service_ids=(a.pk,), category_ids=(c["A1"].pk, c["A1a"].pk)),
        "email": Scope(service_ids=None, origin="email"),
        "manager m1": Scope(service_ids=(a.pk, b.pk), manager_id=world["people"]["m1"].pk),
    }


SCOPES = ["all", "service A", "service B", "A1 and its child", "email", "manager m1"]


def in_scope(ticket, scope):
    return (
        (scope.service_ids is None or ticket.service_id in scope.service_ids)
        and (scope.category_ids is None or ticket.category_id in scope.category_ids)
        and (not scope.origin or ticket.origin == scope.origin)
        and (scope.manager_id is None or ticket.manager_id == scope.manager_id)
    )


def scoped_tickets(scope):
    return [t for t in Ticket.objects.all() if in_scope(t, scope)]


def status_at(ticket, moment):
    """The ticket's status just before ``moment``, from its history; None before it was filed."""
    entries = [e for e in Event.objects.filter(ticket=ticket).order_by("created_at", "pk") if e.created_at < moment]
    return entries[-1].new_status if entries else None


@pytest.mark.parametrize("granularity", [DAY, WEEK, MONTH])
@pytest.mark.parametrize("scope_name", SCOPES)
def test_opened_closed_and_backlog_per_bucket(data, scope_name, granularity):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), granularity)
    rows = figures.activity(scope, period)
    tickets = scoped_tickets(scope)
    expected = []
    for day in period.buckets():
        start, end = (
            max(period.start, Period(day, day, DAY).start),
            min(period.end, Period(next_bucket(day, granularity), day, DAY).start),
        )
        opened = sum(start <= t.created_at < end for t in tickets)
        closed = sum(
            1
            for t in tickets
            for e in Event.objects.filter(ticket=t)
            if start <= e.created_at < end and e.new_status in FINAL_STATUSES and e.old_status not in FINAL_STATUSES
        )
        backlog = sum(status_at(t, end) not in (None, *FINAL_STATUSES) for t in tickets)
        expected.append((day, opened, closed, backlog))
    assert rows == expected


def test_a_reopened_ticket_closed_twice_counts_twice_and_a_moved_one_counts_where_it_is(data):
    period = Period(BASE, BASE + timedelta(days=30), MONTH)
    a = scopes(data)["service A"]
    [(_day, opened, closed, _backlog)] = figures.activity(a, period)
    # A: T1 T2 T3 T5 T7 T9 filed in the period (T3 moved in from B; T11 moved out to B);
    # closed: T1, T2, T4 (expired), T5 twice.
    assert (opened, closed) == (6, 5)
    [(_day, opened, closed, _backlog)] = figures.activity(scopes(data)["service B"], period)
    assert (opened, closed) == (2, 2)  # T6 cancelled, T11 rejected


@pytest.mark.parametrize("scope_name", SCOPES)
def test_outcomes_and_refusals(data, scope_name):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    entries = [
        e
        for t in scoped_tickets(scope)
        for e in Event.objects.filter(ticket=t)
        if period.start <= e.created_at < period.end
    ]
    expected = [
        (status, sum(e.new_status == status and e.old_status not in FINAL_STATUSES for e in entries))
        for status in figures.OUTCOMES
    ] + [(figures.REFUSAL_KIND, sum(e.kind == "ticket.closure_refused" for e in entries))]
    assert figures.outcomes(scope, period) == expected


def test_outcomes_of_the_whole_data_set(data):
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    assert dict(figures.outcomes(scopes(data)["all"], period)) == {
        "approved": 3,
        "expired": 1,
        "cancelled": 1,
        "rejected": 2,
        figures.REFUSAL_KIND: 1,
    }


def exact_percentile(values, fraction):
    """The continuous percentile of sorted ``values`` (as PostgreSQL's percentile_cont), and the largest width
    of the classes of the two values it lies between: how far the histogram's estimate may stray."""
    position = fraction * (len(values) - 1)
    low, high = int(position), min(int(position) + 1, len(values) - 1)
    value = values[low] + (values[high] - values[low]) * (position - low)
    widths = [
        class_bounds(delay_class(datetime.min, datetime.min + timedelta(minutes=v))) for v in values[low : high + 1]
    ]
    return value, max(top - bottom for bottom, top in widths)


def assert_close_to_exact(got_hours, minutes, fraction):
    exact, width = exact_percentile(sorted(minutes), fraction)
    assert abs(got_hours * 60 - exact) < width + 1e-6, (got_hours * 60, exact, width)


@pytest.mark.parametrize("dimension", ["service", "category", "manager"])
@pytest.mark.parametrize("scope_name", SCOPES)
def test_delays_per_service_category_and_manager(data, scope_name, dimension):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    groups = {}
    for t in scoped_tickets(scope):
        key = getattr(t, f"{dimension}_id")
        taken, closed = groups.setdefault(key, ([], []))
        if t.taken_at and period.start <= t.taken_at < period.end:
            taken.append((t.taken_at - t.created_at).total_seconds() / 60)
        if t.status in FINAL_STATUSES and period.start <= t.closed_at < period.end:
            closed.append((t.closed_at - t.created_at).total_seconds() / 60)
    expected = {key: (taken, closed) for key, (taken, closed) in groups.items() if taken or closed}
    got = {row[0]: row[1:] for row in delays.delays(scope, period, dimension)}
    assert got.keys() == expected.keys()
    for key, (n_taken, t50, t90, n_closed, c50, c90) in got.items():
        taken, closed = expected[key]
        assert (n_taken, n_closed) == (len(taken), len(closed))
        for measured, minutes in (((t50, t90), taken), ((c50, c90), closed)):
            if not minutes:
                assert measured == (None, None)
                continue
            assert_close_to_exact(measured[0], minutes, 0.5)
            assert_close_to_exact(measured[1], minutes, 0.9)


@pytest.mark.parametrize("size", [1, 2, 3, 10, 101, 5000])
def test_percentiles_from_classes_stay_within_a_class_of_the_exact_ones(size):
    rng = random.Random(size)
    # Zeros (assigned at filing), seconds, and minutes to two years spread evenly on a logarithmic scale.
    minutes = [0.0] * (size // 10) + [rng.random() for _ in range(size // 10)]
    minutes += [math.exp(rng.uniform(0, math.log(2 * 365 * 24 * 60))) for _ in range(size - len(minutes))]
    histogram = {}
    for value in minutes:
        bucket = delay_class(datetime.min, datetime.min + timedelta(minutes=value))
        histogram[bucket] = histogram.get(bucket, 0) + 1
    for fraction in (0.5, 0.9, 0.0, 1.0):
        assert_close_to_exact(delays.histogram_percentile(histogram, fraction) / 60, minutes, fraction)


def test_a_class_is_a_quarter_of_an_octave():
    assert class_bounds(delay_class(datetime.min, datetime.min)) == (0.0, 1.0)
    assert class_bounds(0) == (1.0, 2**0.25)
    assert delay_class(datetime.min, datetime.min + timedelta(minutes=60)) == 23  # 2^(23/4) = 53.8 ≤ 60 < 64
    assert delays.histogram_percentile({4: 4}, 0.5) == pytest.approx(2 + (2**1.25 - 2) * 0.5)
    assert delays.histogram_percentile({-1: 1, 40: 1}, 0.5) == pytest.approx((0.5 + 2**10 + (2**10.25 - 2**10) / 2) / 2)


@pytest.mark.parametrize("scope_name", SCOPES)
def test_recurring_categories_and_subjects(data, scope_name):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    filed = [t for t in scoped_tickets(scope) if period.start <= t.created_at < period.end]
    by_category, by_subject = {}, {}
    for t in filed:
        by_category[t.category_id] = by_category.get(t.category_id, 0) + 1
        key = normalise_subject(t.subject)
        by_subject[key] = by_subject.get(key, 0) + 1
    assert figures.recurring_categories(scope, period) == sorted(by_category.items(), key=lambda i: (-i[1], i[0]))
    assert figures.recurring_subjects(scope, period) == sorted(by_subject.items(), key=lambda i: (-i[1], i[0]))


def test_subjects_are_folded(data):
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    top = dict(figures.recurring_subjects(scopes(data)["all"], period))
    assert top["connexion apogee impossible"] == 2  # T1 and T5
    assert top["connexion apogee impossible #"] == 2  # T2 (17) and T7 (2)
    assert normalise_subject("  Écran NOIR : n°42 !") == "ecran noir n#"


@pytest.mark.parametrize("scope_name", SCOPES)
def test_satisfaction(data, scope_name):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    rows = [
        s
        for s in Satisfaction.objects.select_related("ticket")
        if period.start <= s.created_at < period.end
        and (scope.service_ids is None or s.service_id in scope.service_ids)
        and (scope.category_ids is None or s.category_id in scope.category_ids)
        and (not scope.origin or s.ticket.origin == scope.origin)
        and (scope.manager_id is None or s.manager_id == scope.manager_id)
    ]
    result = figures.satisfaction(scope, period)
    assert result["count"] == len(rows)
    assert result["distribution"] == [(n, sum(s.rating == n for s in rows)) for n in range(1, 6)]
    if rows:
        assert result["average"] == pytest.approx(sum(s.rating for s in rows) / len(rows))
    for dimension in ("service", "category", "manager"):
        keys = {getattr(s, f"{dimension}_id") for s in rows}
        expected = {
            key: (
                sum(getattr(s, f"{dimension}_id") == key for s in rows),
                stats.mean(s.rating for s in rows if getattr(s, f"{dimension}_id") == key),
            )
            for key in keys
        }
        assert {key: (n, pytest.approx(mean)) for key, n, mean in result[dimension]} == expected


def test_satisfaction_stays_with_the_service_of_the_approval(data):
    """T11 was rated in Paie, where it was rejected after its move; T1 and T5 in Scolarité."""
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    a = figures.satisfaction(scopes(data)["service A"], period)
    assert (a["count"], a["average"]) == (2, 4.0)
    assert figures.satisfaction(scopes(data)["service B"], period)["count"] == 1
