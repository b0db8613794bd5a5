"""Permissions: the predicates and the querysets always agree."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tickets import permissions, selectors, workflow
from tickets.comments import scopes
from tickets.models import EntryScope, Event, Invitation, Membership, Status, Ticket, TicketScope, VisibilityRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(make_user, make_service, make_category):
    """Six people, two services (one disabled), with managers; the open service's visibility rules hide it from
    students (p2, p3)."""
    people = [make_user(f"p{i}") for i in range(6)]
    for student in people[2:4]:
        student.attributes = {"eduPersonAffiliation": ["member", "student"]}
        student.save()
    people.append(make_user("boss", is_superuser=True))
    open_service = make_service("Ouvert", managers=[people[0]])
    VisibilityRule.objects.create(
        service=open_service, effect="deny", test="equals", attribute="eduPersonAffiliation", value="Student"
    )
    closed_service = make_service("Fermé", managers=[people[1]], enabled=False)
    categories = [make_category(open_service), make_category(closed_service)]
    return people, categories


tickets_strategy = st.lists(
    st.tuples(
        st.integers(0, 6),  # owner
        st.integers(0, 1),  # category (service)
        st.sampled_from(list(TicketScope)),
        st.lists(st.integers(0, 6), max_size=2, unique=True),  # invitees
        st.lists(st.sampled_from(list(EntryScope)), min_size=1, max_size=5),  # history entries
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=tickets_strategy)
def test_can_view_agrees_with_the_visible_tickets_and_scopes_with_the_history(population, plan):
    people, categories = population
    created = []
    for owner, category, scope, invitees, entries in plan:
        category = categories[category]
        ticket = Ticket.objects.create(
            subject="s", description="d", owner=people[owner], service=category.service, category=category, scope=scope
        )
        for invitee in invitees:
            Invitation.objects.get_or_create(ticket=ticket, user=people[invitee], defaults={"invited_by": people[0]})
        Event.objects.bulk_create(
            Event(ticket=ticket, actor=people[owner], kind="ticket.commented", new_status=Status.FREE, scope=s)
            for s in entries
        )
        created.append(ticket)
    for person in [*people, AnonymousUser()]:
        visible = set(permissions.visible_tickets_for(person).filter(pk__in=[t.pk for t in created]))
        for ticket in created:
            fresh = Ticket.objects.select_related("service").get(pk=ticket.pk)
            assert permissions.can_view(person, fresh) == (fresh in visible)
            shown = list(selectors.history_for(person, fresh)) if person.is_authenticated else []
            for entry in Event.objects.filter(ticket=fresh):
                assert scopes.can_see_entry(person, entry) == (entry in shown)
            if not permissions.can_view(person, fresh):
                assert shown == []


def test_a_manager_of_every_public_service_is_not_asked_for_the_public_branch(population):
    people, _categories = population
    manager_of_all, manager_of_disabled = people[0], people[1]  # the enabled service's manager; the disabled one's

    def condition(person):
        return str(permissions.visible_tickets_for(person).query).split(" WHERE ")[1]

    assert '"scope"' not in condition(manager_of_all)
    assert '"scope"' in condition(manager_of_disabled)


def test_scopes_as_in_the_specification(population, make_user):
    people, categories = population
    owner, invitee, stranger, manager = people[2], people[3], people[4], people[0]
    ticket = Ticket.objects.create(
        subject="s", description="d", owner=owner, service=categories[0].service, category=categories[0],
        scope=TicketScope.PUBLIC,
    )  # fmt: skip
    Invitation.objects.create(ticket=ticket, user=invitee, invited_by=manager)
    assert scopes.readable_scopes(manager, ticket) == set(EntryScope)
    assert scopes.readable_scopes(owner, ticket) == {EntryScope.PUBLIC, EntryScope.INVITED, EntryScope.OWNER}
    assert scopes.readable_scopes(invitee, ticket) == {
        EntryScope.PUBLIC, EntryScope.INVITED, EntryScope.INVITED_MANAGERS,
    }  # fmt: skip
    assert scopes.readable_scopes(stranger, ticket) == {EntryScope.PUBLIC}
    assert EntryScope.MANAGERS not in scopes.writable_scopes(owner, ticket)
    assert scopes.writable_scopes(invitee, ticket) == {
        EntryScope.PUBLIC, EntryScope.INVITED, EntryScope.INVITED_MANAGERS,
    }  # fmt: skip


def test_the_owners_guest_reads_no_more_than_the_owner(population):
    """What managers share with invitees ("Gestionnaires et invités") stays out of the owner's reach, through
    the people the owner invites too."""
    people, categories = population
    owner, guest, manager = people[2], people[3], people[0]
    ticket = Ticket.objects.create(
        subject="s", description="d", owner=owner, service=categories[0].service, category=categories[0],
        scope=TicketScope.PUBLIC,
    )  # fmt: skip
    Invitation.objects.create(ticket=ticket, user=guest, invited_by=owner)
    assert scopes.readable_scopes(guest, ticket) == {EntryScope.PUBLIC, EntryScope.INVITED}
    assert scopes.writable_scopes(guest, ticket) == {EntryScope.PUBLIC, EntryScope.INVITED}
    shared = Event.objects.create(
        ticket=ticket, actor=manager, kind="ticket.commented", new_status=ticket.status,
        text="<p>Entre nous</p>", scope=EntryScope.INVITED_MANAGERS,
    )  # fmt: skip
    assert not scopes.can_see_entry(guest, shared)
    assert shared not in selectors.ticket_page(guest, ticket.pk)["history"]


def test_a_ticket_one_may_not_see_is_not_found_like_a_missing_one(population):
    people, categories = population
    ticket = Ticket.objects.create(
        subject="s", description="d", owner=people[2], service=categories[0].service, category=categories[0]
    )
    assert selectors.get_ticket_for(people[2], ticket.pk) == ticket
    assert selectors.get_ticket_for(people[0], str(ticket.pk)) == ticket
    for number in [ticket.pk, ticket.pk + 1000, "abc", None, "1 OR 1=1"]:
        with pytest.raises(Http404):
            selectors.get_ticket_for(people[3], number)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_managers_taking_the_same_ticket_at_once(make_user, make_service, make_category):
    first, second, owner = make_user("m1"), make_user("m2"), make_user("o")
    service = make_service("Scolarité", managers=[first, second])
    category = make_category(service)
    ticket = Ticket.objects.create(subject="s", description="d", owner=owner, service=service, category=category)
    barrier = threading.Barrier(2)
    outcomes = {}

    def take(manager):
        seen = Ticket.objects.get(pk=ticket.pk)
        barrier.wait()
        try:
            workflow.take(seen, actor=manager, text="Je prends")
            outcomes[manager.username] = "won"
        except workflow.StaleTicket as error:
            outcomes[manager.username] = str(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["Le ticket a été modifié entre-temps.", "won"]
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.events.count() == 1
    assert ticket.manager.username == next(name for name, outcome in outcomes.items() if outcome == "won")
    assert Membership.objects.count() == 2
