"""The dashboard at any size: counts stop at SHOWN_LIMIT ("plus de …") and so do the pages, every page is
read in a stable order (ties broken by the ticket number), and each offered sort has its index."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tickets import dashboards, permissions
from tickets.models import DASHBOARD_OPEN_STATUSES, Status, Ticket, TicketScope

pytestmark = pytest.mark.django_db


def add_tickets(world, count, *, subject="Même sujet", status=Status.FREE, moment=None):
    """``count`` tickets of the owner in Scolarité, all alike: same subject, status and last action."""
    moment = moment or timezone.now() - timedelta(hours=1)
    return Ticket.objects.bulk_create(
        Ticket(
            subject=subject,
            description="",
            owner=world["people"]["owner"],
            service=world["service"],
            category=world["categories"]["home"],
            status=status,
            created_at=moment,
            last_action_at=moment,
        )
        for _ in range(count)
    )


def get(client, person, **params):
    client.force_login(person)
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(dashboards, "PER_PAGE", 3)
    monkeypatch.setattr(dashboards, "SHOWN_LIMIT", 7)


def test_counts_up_to_the_limit_are_exact(client, world, small_pages):
    add_tickets(world, 7)
    response = get(client, world["people"]["owner"])
    tabs = {tab.key: tab for tab in response.context["tabs"]}
    assert tabs["mes"].count == 7 and not tabs["mes"].capped
    assert not response.context["capped"]
    html = response.content.decode()
    assert "Mes tickets (7)" in html and "7 tickets" in html and "plus de" not in html.lower()
    assert response.context["page_obj"].paginator.num_pages == 3


def test_counts_beyond_the_limit_say_more_than_and_the_pages_stop_there(client, world, small_pages):
    add_tickets(world, 12)
    response = get(client, world["people"]["owner"], page=99)
    tabs = {tab.key: tab for tab in response.context["tabs"]}
    assert tabs["mes"].capped and tabs["mes"].count == 8  # counted up to the limit and one more
    html = response.content.decode()
    assert "Mes tickets (plus de 7)" in html
    assert "Plus de 7 tickets" in html and 'id="dashboard-capped"' in html
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 3 and page.number == 3  # the 7 first tickets, in 3 pages
    assert len(page.object_list) == 1
    # A filter that brings the view under the limit gives the true count again.
    closed = get(client, world["people"]["owner"], statut="clos")
    assert {tab.key: tab.count for tab in closed.context["tabs"]}["mes"] == 0


@pytest.mark.parametrize("volume", [5, 40])
def test_capped_counts_cost_the_same_queries_at_two_sizes(
    client, world, small_pages, django_assert_num_queries, volume
):
    add_tickets(world, volume)
    client.force_login(world["people"]["owner"])
    # session, user, memberships, visibility rules, the tabs' counts, the page's rows
    with django_assert_num_queries(6):
        response = client.get(reverse("dashboard"), {"statut": "tous"})
    assert response.context["capped"] == (volume > 7)


@pytest.mark.parametrize("sort", list(dashboards.SORT_CHOICES))
def test_pages_have_no_gap_and_no_repeat_ties_broken_by_number(client, world, small_pages, sort):
    owner = world["people"]["owner"]
    tickets = add_tickets(world, 7)  # alike on every sort key but the number
    seen = []
    for number in (1, 2, 3):
        seen += [ticket.pk for ticket in get(client, owner, statut="tous", tri=sort, page=number).context["rows"]]
    expected = sorted(ticket.pk for ticket in tickets)
    assert seen == (expected[::-1] if sort.startswith("-") else expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's choice is PostgreSQL's")
@pytest.mark.parametrize("sort", list(dashboards.SORT_CHOICES))
def test_each_offered_sort_reads_an_index_in_order(world, sort):
    admin = world["people"]["admin"]
    query = dashboards.DashboardQuery(view="services", status="tous", sort=sort)
    tickets = dashboards.sort_tickets(dashboards.dashboard_queryset(admin, query.view), query.sort)[:25]
    sql, params = tickets.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan and "Sort" not in plan, plan


def test_closed_filter_counts_no_free_ticket_and_keeps_the_manager_s_own(client, world):
    manager = world["people"]["manager"]
    add_tickets(world, 2)  # free
    closed = add_tickets(world, 3, status=Status.APPROVED)
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in closed[:2]]).update(manager=manager)
    counts = {tab.key: tab.count for tab in get(client, manager, statut="clos").context["tabs"]}
    assert (counts["libres"], counts["miens"], counts["libres_ou_miens"], counts["services"]) == (0, 2, 2, 3)
    everything = get(client, manager, statut="tous", vue="libres_ou_miens")
    counts = {tab.key: tab.count for tab in everything.context["tabs"]}
    assert (counts["libres"], counts["miens"], counts["libres_ou_miens"]) == (2, 2, 4)
    assert len(everything.context["page_obj"].object_list) == 4
    assert get(client, manager, statut="clos", vue="libres").context["page_obj"].paginator.count == 0


def test_free_or_mine_counts_a_free_ticket_of_mine_once_and_caps_with_its_parts(client, world, small_pages):
    manager = world["people"]["manager"]
    free_mine = add_tickets(world, 1)[0]
    Ticket.objects.filter(pk=free_mine.pk).update(manager=manager)  # free, yet assigned to the manager
    add_tickets(world, 2)
    taken = add_tickets(world, 1, status=Status.IN_PROGRESS)[0]
    Ticket.objects.filter(pk=taken.pk).update(manager=manager)
    response = get(client, manager, vue="libres_ou_miens")
    counts = {tab.key: tab.count for tab in response.context["tabs"]}
    assert (counts["libres"], counts["miens"], counts["libres_ou_miens"]) == (3, 2, 4)
    assert len(response.context["page_obj"].object_list) == 3  # a page of 3 (PER_PAGE), 4 in all
    add_tickets(world, 6)  # 9 free: past the limit of 7
    counts = {tab.key: tab.count for tab in get(client, manager).context["tabs"]}
    assert counts["libres"] == counts["libres_ou_miens"] == 8  # both say "plus de 7"


def test_all_tickets_count_true_below_the_limit_and_capped_with_the_manager_s_services(client, world, small_pages):
    manager = world["people"]["manager"]
    category = world["categories"]["home"]

    def expected(**filters):
        open_visible = permissions.visible_tickets_for(manager).filter(status__in=DASHBOARD_OPEN_STATUSES, **filters)
        return min(open_visible.count(), dashboards.SHOWN_LIMIT + 1)

    def counts(**params):
        return {tab.key: tab.count for tab in get(client, manager, **params).context["tabs"]}

    add_tickets(world, 2)
    assert counts()["tous"] == expected() < 8
    assert counts(categorie=category.pk)["tous"] == expected(category=category) < 8
    add_tickets(world, 9)  # the manager's service alone holds more than 7: so does "Tous"
    assert counts()["services"] == counts()["tous"] == expected() == 8
    assert counts(categorie=category.pk)["tous"] == counts(categorie=category.pk)["services"] == 8


def test_a_user_s_all_tickets_capped_by_the_public_ones_they_see_and_true_below(client, world, small_pages):
    stranger = world["people"]["stranger"]

    def counts(**params):
        return {tab.key: tab.count for tab in get(client, stranger, **params).context["tabs"]}

    public = add_tickets(world, 5)
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in public]).update(scope=TicketScope.PUBLIC)
    add_tickets(world, 9)  # private: not the stranger's to see
    assert counts()["tous"] == permissions.visible_tickets_for(stranger).count() == 5
    more = add_tickets(world, 4)
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in more]).update(scope=TicketScope.PUBLIC)
    assert counts()["mes"] == 0 and counts()["tous"] == 8  # 9 public ones: "plus de 7"
    assert counts(statut="clos")["tous"] == 0  # the filters hold for the public ones too


def test_a_deep_page_shows_the_rows_of_the_plain_offset_in_the_same_order(client, world, small_pages):
    manager = world["people"]["manager"]
    moment = timezone.now() - timedelta(days=1)
    for number in range(7):
        add_tickets(world, 1, subject=f"Sujet {number % 3}", moment=moment + timedelta(minutes=number * 7 % 5))
    for sort in ("-derniere_action", "sujet", "-statut"):
        expected = dashboards.sort_tickets(dashboards.dashboard_queryset(manager, "services"), sort)[3:6]
        rows = get(client, manager, vue="services", tri=sort, page=2).context["rows"]
        assert [row.pk for row in rows] == [ticket.pk for ticket in expected], sort


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's choice is PostgreSQL's")
def test_a_deep_page_finds_its_numbers_in_the_index_alone(world):
    owner = world["people"]["owner"]
    tickets = dashboards.dashboard_queryset(owner, "tous")
    numbers = dashboards.sort_tickets(tickets, dashboards.DEFAULT_SORT).values_list("pk", flat=True)[975:1000]
    sql, params = numbers.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The visibility predicate is tested on the index's entries: no table read for the rows skipped.
    assert "Index Only Scan using ticket_last_action" in plan, plan
