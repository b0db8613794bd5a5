"""The pre-computed figures kept by the workflow: after each action of a ticket's life (filed, taken, assigned,
moved within and between services, freed, closure requested, refused, approved, reopened, expired, handed
over, cancelled, rejected, its subject changed), the rows equal a fresh rebuild from the tickets and their
history; and what each action costs in queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets import workflow
from tickets.models import StatisticsCount, StatisticsDelay, StatisticsSubject, Ticket
from tickets.models.statistics import KEY
from tickets.statistics.rebuild import summed_facts
from tickets.statistics.upsert import TABLES, table_rows

pytestmark = pytest.mark.django_db

MODELS = {"counts": StatisticsCount, "delays": StatisticsDelay, "subjects": StatisticsSubject}


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, moved by hand: the steps fall on different days, across the end of a month."""
    moment = [timezone.now() - timedelta(days=45)]
    monkeypatch.setattr(timezone, "now", lambda: moment[0])

    def advance(**delta):
        moment[0] += timedelta(**delta)

    return advance


@pytest.fixture
def people(make_user, make_service, make_category, admin_user):
    found = {name: make_user(name) for name in ("owner", "m1", "m2", "m3", "m4")}
    a = make_service("Scolarité", managers=[found["m1"], found["m2"]], closure_delay_days=1)
    b = make_service("Paie", managers=[found["m3"], found["m4"]], closure_delay_days=1)
    found["admin"] = admin_user
    found["A1"], found["A2"] = make_category(a, code="A1"), make_category(a, code="A2")
    found["B1"] = make_category(b, code="B1")
    return found


def stored_rows():
    rows = {}
    for table, model in MODELS.items():
        _model, details, columns = TABLES[table]
        values = model.objects.values_list(*KEY, *details, *columns)
        rows[table] = sorted(row for row in values if any(row[len(row) - len(columns) :]))
    return rows


def rebuilt_rows():
    summed = summed_facts()
    return {table: sorted(table_rows(summed, table)) for table in MODELS}


# (what is done, the function doing it on the ticket ``t`` with the people ``p``, hours before it)
LIFE = [
    ("take", lambda t, p: workflow.take(t, actor=p["m1"]), 3),
    ("assign", lambda t, p: workflow.assign(t, actor=p["admin"], manager=p["m2"]), 30),
    ("move within the service", lambda t, p: workflow.move(t, actor=p["admin"], category=p["A2"]), 5),
    ("move to another service", lambda t, p: workflow.move(t, actor=p["admin"], category=p["B1"]), 50),
    ("take again", lambda t, p: workflow.take(t, actor=p["m3"]), 7),
    ("free", lambda t, p: workflow.free(t, actor=p["m3"]), 1),
    ("take a third time", lambda t, p: workflow.take(t, actor=p["m3"]), 200),
    ("request closure", lambda t, p: workflow.request_closure(t, actor=p["m3"]), 26),
    ("refuse closure", lambda t, p: workflow.refuse_closure(t, actor=p["owner"], text="Non"), 2),
    ("request closure again", lambda t, p: workflow.request_closure(t, actor=p["m3"]), 90),
    ("approve closure", lambda t, p: workflow.approve_closure(t, actor=p["owner"], rating=4), 24),
    ("reopen", lambda t, p: workflow.reopen(t, actor=p["owner"]), 300),
    ("change the subject", lambda t, p: workflow.change_subject(t, actor=p["m3"], subject="Paie 3 en retard"), 1),
    ("request closure once more", lambda t, p: workflow.request_closure(t, actor=p["m3"]), 40),
    ("expire", lambda t, p: workflow.expire(t), 49),
    ("reopen after expiry", lambda t, p: workflow.reopen(t, actor=p["admin"]), 3),
    ("hand over", lambda t, p: workflow.hand_over(t, actor=p["admin"], manager=p["m4"]), 10),
    ("hand over to nobody", lambda t, p: workflow.hand_over(t, actor=p["admin"]), 10),
    ("comment", lambda t, p: workflow.comment(t, actor=p["owner"], text="Toujours là"), 4),
    ("cancel", lambda t, p: workflow.cancel(t, actor=p["owner"]), 600),
    ("reopen a cancelled ticket", lambda t, p: workflow.reopen(t, actor=p["admin"]), 5),
    ("take it back", lambda t, p: workflow.take(t, actor=p["m4"]), 5),
    ("reject", lambda t, p: workflow.reject(t, actor=p["m4"], text="Hors sujet"), 5),
]


def test_each_action_keeps_the_rows_equal_to_a_rebuild(people, clock):
    other = workflow.create_ticket(actor=people["owner"], category=people["A1"], subject="Imprimante", description="x")
    ticket = workflow.create_ticket(
        actor=people["owner"], category=people["A1"], subject="Connexion Apogée 2", description="x"
    )
    assert stored_rows() == rebuilt_rows()
    assert stored_rows()["counts"]  # the deposit wrote its rows
    for name, action, hours in LIFE:
        clock(hours=hours)
        ticket = action(Ticket.objects.get(pk=ticket.pk), people)
        assert stored_rows() == rebuilt_rows(), name
    assert (ticket.status, ticket.service_id) == ("rejected", people["B1"].service_id)
    # Only the other ticket stays in Scolarité: the moved one took its rows to Paie.
    opened = StatisticsCount.objects.filter(span="D").values_list("service_id", "category_id", "opened")
    assert {(service, category) for service, category, n in opened if n} == {
        (other.service_id, other.category_id),
        (ticket.service_id, ticket.category_id),
    }


def test_a_moved_ticket_takes_its_whole_history_with_it(people, clock):
    ticket = workflow.create_ticket(actor=people["owner"], category=people["A1"], subject="s", description="x")
    ticket = workflow.take(ticket, actor=people["m1"])
    clock(days=2)
    ticket = workflow.close(ticket, actor=people["owner"])
    ticket = workflow.reopen(ticket, actor=people["m1"])
    workflow.move(ticket, actor=people["m1"], category=people["B1"])
    by_service = {}
    for service_id, opened, approved, reopened in StatisticsCount.objects.filter(span="M").values_list(
        "service_id", "opened", "approved", "reopened"
    ):
        totals = by_service.setdefault(service_id, [0, 0, 0])
        totals[:] = [totals[0] + opened, totals[1] + approved, totals[2] + reopened]
    assert by_service[people["A1"].service_id] == [0, 0, 0]
    assert by_service[people["B1"].service_id] == [1, 1, 1]


def statistics_queries(queries):
    return [q for q in queries if "tickets_statistics" in q["sql"]]


def test_filing_a_ticket_writes_its_figures_in_one_statement(people, monkeypatch):
    def deposit():
        with CaptureQueriesContext(connection) as queries:
            workflow.create_ticket(actor=people["owner"], category=people["A1"], subject="Sujet", description="x")
        return queries.captured_queries

    deposit()  # the owner's first ticket creates rows of theirs (mail preferences)
    with_figures = deposit()
    monkeypatch.setattr(workflow, "record_change", lambda *args, **kwargs: None)
    without = deposit()
    # PostgreSQL: the counts and the subject in one statement; SQLite, the demo's database: one per table.
    expected = 1 if connection.vendor == "postgresql" else 2
    assert len(statistics_queries(with_figures)) == expected
    assert len(with_figures) - len(without) == expected


def test_an_action_costs_one_statement_or_two_when_the_ticket_changes_hands(people, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("one statement per table on SQLite")
    # Tickets living the same life, one of them without the figures: the difference is their cost. A first one
    # lives it before, so that what a person's first action creates (their mail preferences) is not counted.
    warm_up, counted, uncounted = (
        workflow.create_ticket(actor=people["owner"], category=people["A1"], subject="s", description="x")
        for _ in range(3)
    )
    real = workflow.record_change
    costs = {}
    for name, action in [
        ("take", lambda t: workflow.take(t, actor=people["m1"])),
        ("comment", lambda t: workflow.comment(t, actor=people["owner"], text="x")),
        ("move", lambda t: workflow.move(t, actor=people["admin"], category=people["B1"])),
        ("take in the new service", lambda t: workflow.take(t, actor=people["m3"])),
        ("request closure", lambda t: workflow.request_closure(t, actor=people["m3"])),
        ("approve", lambda t: workflow.approve_closure(t, actor=people["owner"])),
    ]:
        sizes = []
        for ticket, writer in ((warm_up, real), (counted, real), (uncounted, lambda *args, **kwargs: None)):
            monkeypatch.setattr(workflow, "record_change", writer)
            with CaptureQueriesContext(connection) as queries:
                action(Ticket.objects.get(pk=ticket.pk))
            sizes.append(len(queries))
        costs[name] = sizes[1] - sizes[2]
    # A comment or a closure request changes no figure; taking and moving read the ticket's past closures to carry them.
    assert costs == {
        "take": 2,
        "comment": 0,
        "move": 2,
        "take in the new service": 2,
        "request closure": 0,
        "approve": 1,
    }
