"""Automatic assignment of a new ticket: the least-loaded available manager of the service, or first the
category's own managers who are still available managers of the service; in queries that do not grow with
the number of managers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ticket_in
from tickets import workflow
from tickets.models import AssignmentMode, Membership, Monitoring, Status, Ticket

pytestmark = pytest.mark.django_db

# Open tickets each available manager of Scolarité already has; every other manager is unavailable.
LOADS = {"in_charge": 0, "manager": 1, "colleague": 2}


@pytest.fixture
def scolarite(world):
    people, service = world["people"], world["service"]
    Membership.objects.filter(service=service).exclude(user__in=[people[role] for role in LOADS]).update(
        available=False
    )
    for role, load in LOADS.items():
        for _ in range(load):
            loaded = ticket_in(world, Status.IN_PROGRESS)
            Ticket.objects.filter(pk=loaded.pk).update(manager=people[role])
    service.auto_assign = True
    service.save()
    return world


CASES = [
    # (mode, the category's managers, made unavailable, no longer managers of the service, expected)
    ("category", ["colleague"], [], [], "colleague"),
    ("category", ["colleague", "manager"], [], [], "manager"),
    ("category", ["colleague"], ["colleague"], [], "in_charge"),
    ("category", ["colleague", "manager"], ["manager"], [], "colleague"),
    ("category", ["colleague"], [], ["colleague"], "in_charge"),
    ("category", ["newcomer"], [], [], "in_charge"),
    ("category", ["inactive"], [], [], "in_charge"),
    ("category", [], [], [], "in_charge"),
    ("least_loaded", ["colleague"], [], [], "in_charge"),
    ("least_loaded", [], ["in_charge"], [], "manager"),
    ("category", ["colleague"], ["colleague", "manager", "in_charge"], [], None),
]


@pytest.mark.parametrize(("mode", "first", "unavailable", "left", "expected"), CASES)
def test_who_gets_a_new_ticket(scolarite, mode, first, unavailable, left, expected):
    people, service = scolarite["people"], scolarite["service"]
    category = scolarite["categories"]["home"]
    service.assignment_mode = mode
    service.save()
    category.managers.set([people[role] for role in first])
    Membership.objects.filter(service=service, user__in=[people[role] for role in unavailable]).update(available=False)
    Membership.objects.filter(service=service, user__in=[people[role] for role in left]).delete()
    if "inactive" in first:
        Membership.objects.filter(service=service, user=people["inactive"]).update(available=True)
    ticket = workflow.create_ticket(actor=people["owner"], category=category, subject="s", description="d")
    assert ticket.manager == (people[expected] if expected else None)
    assert ticket.status == (Status.IN_PROGRESS if expected else Status.FREE)


def test_filing_a_ticket_costs_the_same_with_10_and_with_200_managers(scolarite, make_user):
    people, service = scolarite["people"], scolarite["service"]
    service.assignment_mode = AssignmentMode.CATEGORY
    service.save()
    category = scolarite["categories"]["home"]

    def measure(size):
        while Membership.objects.filter(service=service, available=True).count() < size:
            newcomer = make_user()
            # Not watching the service: each watcher is one more mail to queue, which is not the point here.
            Membership.objects.create(service=service, user=newcomer, monitoring=Monitoring.NEVER)
            category.managers.add(newcomer)
        with CaptureQueriesContext(connection) as queries:
            workflow.create_ticket(actor=people["owner"], category=category, subject="s", description="d")
        return len(queries)

    measure(10)  # the first ticket of the owner creates rows of theirs (mail preferences)
    assert measure(10) == measure(200)
