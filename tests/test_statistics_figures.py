"""Every figure of the statistics against a direct count over the known data set (tests/statistics_support.py),
for several scopes and granularities: tickets moved between services, reopened and closed twice, expired,
cancelled, filed before or closed after the period."""

import statistics as stats
from datetime import date, timedelta

import pytest

from tests.statistics_support import build, make_world
from tickets.models import FINAL_STATUSES, Event, Satisfaction, Ticket
from tickets.statistics import delays, figures
from tickets.statistics.periods import DAY, MONTH, WEEK, Period, next_bucket
from tickets.statistics.scope import Scope

pytestmark = pytest.mark.django_db

BASE = date(2026, 3, 1)  # the period holds the change to summer time (29 March)


@pytest.fixture
def data(make_user, make_service, make_category):
    world = make_world(make_user, make_service, make_category)
    world["tickets"] = build(BASE, world["people"], world["categories"])
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


def direct_percentiles(values):
    values = sorted(values)
    if not values:
        return None, None
    if len(values) == 1:
        return values[0], values[0]
    return stats.median(values), stats.quantiles(values, n=10, method="inclusive")[8]


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
            taken.append((t.taken_at - t.created_at).total_seconds() / 3600)
        if t.status in FINAL_STATUSES and period.start <= t.closed_at < period.end:
            closed.append((t.closed_at - t.created_at).total_seconds() / 3600)
    expected = {
        key: (len(taken), *direct_percentiles(taken), len(closed), *direct_percentiles(closed))
        for key, (taken, closed) in groups.items()
        if taken or closed
    }
    got = {row[0]: row[1:] for row in delays.delays(scope, period, dimension)}
    assert got.keys() == expected.keys()
    for key, row in got.items():
        assert row == pytest.approx(expected[key]), key


def test_delays_are_the_same_in_sql_and_in_python(data):
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    scope = scopes(data)["all"]
    in_python = delays.delays_in_python(scope, period)
    for dimension in delays.DIMENSIONS:
        got = delays.delays(scope, period, dimension)
        assert [row[0] for row in got] == [row[0] for row in in_python[dimension]]
        for row, expected in zip(got, in_python[dimension], strict=True):
            assert row[1:] == pytest.approx(expected[1:])


def test_percentile_is_continuous():
    assert delays.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert delays.percentile([0, 10], 0.9) == 9
    assert delays.percentile([7], 0.9) == 7
    assert delays.percentile([], 0.5) is None


@pytest.mark.parametrize("scope_name", SCOPES)
def test_recurring_categories_and_subjects(data, scope_name):
    scope = scopes(data)[scope_name]
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    filed = [t for t in scoped_tickets(scope) if period.start <= t.created_at < period.end]
    by_category, by_subject = {}, {}
    for t in filed:
        by_category[t.category_id] = by_category.get(t.category_id, 0) + 1
        key = figures.normalise_subject(t.subject)
        by_subject[key] = by_subject.get(key, 0) + 1
    assert figures.recurring_categories(scope, period) == sorted(by_category.items(), key=lambda i: (-i[1], i[0]))
    assert figures.recurring_subjects(scope, period) == sorted(by_subject.items(), key=lambda i: (-i[1], i[0]))


def test_subjects_are_folded(data):
    period = Period(BASE, BASE + timedelta(days=30), DAY)
    top = dict(figures.recurring_subjects(scopes(data)["all"], period))
    assert top["connexion apogee impossible"] == 2  # T1 and T5
    assert top["connexion apogee impossible #"] == 2  # T2 (17) and T7 (2)
    assert figures.normalise_subject("  Écran NOIR : n°42 !") == "ecran noir n#"


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
