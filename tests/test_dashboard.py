"""The Tableau de bord: views by role, counts, filters, sorting, pagination, unread marks, query counts."""

import itertools
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tickets import dashboards
from tickets.models import Follower, Invitation, Status, Ticket, TicketScope, View
from tickets.services.personal import record_view
from tickets.views.dashboard import link_to

pytestmark = pytest.mark.django_db

_subjects = itertools.count(1)


@pytest.fixture
def world(world):
    """The shared world with one ticket of each kind: the owner's free, taken and closed ones, a colleague's,
    and in Paie one the invitee is invited to, a public one the follower follows and a private one."""
    people = world["people"]
    tickets = {
        "own_free": make_ticket(world, subject="Connexion apogee impossible"),
        "own_taken": make_ticket(world, status=Status.IN_PROGRESS, manager=people["manager"]),
        "colleague_taken": make_ticket(world, owner=people["stranger"], manager=people["colleague"]),
        "own_closed": make_ticket(world, status=Status.APPROVED, manager=people["manager"]),
        "invited": make_ticket(world, owner=people["stranger"], category="elsewhere"),
        "followed_public": make_ticket(world, owner=people["stranger"], category="elsewhere", scope=TicketScope.PUBLIC),
        "paie_private": make_ticket(world, owner=people["stranger"], category="elsewhere"),
    }
    Invitation.objects.create(ticket=tickets["invited"], user=people["invitee"], invited_by=people["stranger"])
    Follower.objects.create(ticket=tickets["followed_public"], user=people["follower"])
    return {**world, "tickets": tickets}


def make_ticket(world, *, owner=None, category="home", status=None, manager=None, subject=None, **fields):
    """A ticket in the world, owned by the owner unless told, last touched a day ago unless told."""
    category = world["categories"][category]
    if status is None:
        status = Status.IN_PROGRESS if manager else Status.FREE
    return Ticket.objects.create(
        subject=subject or f"Ticket {next(_subjects)}",
        description="<p>Bonjour</p>",
        owner=owner or world["people"]["owner"],
        service=category.service,
        category=category,
        status=status,
        manager=manager,
        **{"last_action_at": timezone.now() - timedelta(days=1), **fields},
    )


def dashboard(client, person, **params):
    client.force_login(person)
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response


def numbers(response):
    return [ticket.pk for ticket in response.context["rows"]]


def tab_counts(response):
    return {tab.key: tab.count for tab in response.context["tabs"]}


def pks(world, *names):
    return {world["tickets"][name].pk for name in names}


def test_visitors_are_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_menu_and_the_home_page_lead_to_the_dashboard(client, user):
    client.force_login(user)
    home = client.get(reverse("home"))
    labels = [str(entry["label"]) for entry in home.context["menu_entries"]]
    assert {"Tableau de bord", "Signets/Historique"} <= set(labels)
    assert "Aller sur mon tableau de bord" in home.text
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("bookmarks")).status_code == 200


def test_owner_sees_their_tickets_by_default(client, world):
    response = dashboard(client, world["people"]["owner"])
    assert response.context["query"].view == "mes"
    assert [tab.key for tab in response.context["tabs"]] == ["mes", "invites", "surveilles", "tous"]
    assert set(numbers(response)) == pks(world, "own_free", "own_taken")
    assert "Connexion apogee impossible" in response.text
    assert reverse("ticket", args=[world["tickets"]["own_free"].pk]) in response.text
    closed = dashboard(client, world["people"]["owner"], statut="clos")
    assert set(numbers(closed)) == pks(world, "own_closed")


def test_invitee_sees_the_tickets_they_are_invited_to(client, world):
    response = dashboard(client, world["people"]["invitee"], vue="invites")
    assert set(numbers(response)) == pks(world, "invited")
    assert numbers(dashboard(client, world["people"]["invitee"])) == []


def test_follower_sees_followed_tickets_while_they_may_see_them(client, world):
    follower = world["people"]["follower"]
    assert set(numbers(dashboard(client, follower, vue="surveilles"))) == pks(world, "followed_public")
    Ticket.objects.filter(pk=world["tickets"]["followed_public"].pk).update(scope=TicketScope.PRIVATE)
    response = dashboard(client, follower, vue="surveilles")
    assert numbers(response) == []
    assert tab_counts(response)["surveilles"] == 0


def test_all_visible_means_what_the_user_may_see(client, world):
    response = dashboard(client, world["people"]["stranger"], vue="tous")
    assert set(numbers(response)) == pks(world, "colleague_taken", "invited", "followed_public", "paie_private")
    response = dashboard(client, world["people"]["follower"], vue="tous")
    assert set(numbers(response)) == pks(world, "followed_public")


def test_manager_views(client, world):
    manager = world["people"]["manager"]
    response = dashboard(client, manager)
    assert response.context["query"].view == "miens"
    assert [tab.key for tab in response.context["tabs"]][:4] == ["libres", "miens", "libres_ou_miens", "services"]
    assert set(numbers(response)) == pks(world, "own_taken")
    assert set(numbers(dashboard(client, manager, vue="libres"))) == pks(world, "own_free")
    assert set(numbers(dashboard(client, manager, vue="libres_ou_miens"))) == pks(world, "own_free", "own_taken")
    services = dashboard(client, manager, vue="services", statut="tous")
    assert set(numbers(services)) == pks(world, "own_free", "own_taken", "colleague_taken", "own_closed")
    assert tab_counts(services) == {
        "libres": 1,
        "miens": 2,  # the closed one counts with statut=tous
        "libres_ou_miens": 3,
        "services": 4,
        "mes": 0,
        "invites": 0,
        "surveilles": 0,
        "tous": 5,  # the service's four and the public ticket of Paie
    }


def test_another_service_manager_sees_none_of_this_service(client, world):
    other = world["people"]["other_manager"]
    response = dashboard(client, other, vue="services", statut="tous")
    assert set(numbers(response)) == pks(world, "invited", "followed_public", "paie_private")
    assert set(numbers(dashboard(client, other, vue="tous", statut="tous"))) == set(numbers(response))
    assert [label for _pk, label in response.context["choices"].services] == ["Paie"]


def test_admin_sees_every_service(client, world):
    response = dashboard(client, world["people"]["admin"], vue="services", statut="tous")
    assert set(numbers(response)) == set(Ticket.objects.values_list("pk", flat=True))
    assert tab_counts(response)["services"] == Ticket.objects.count()
    assert {label for _pk, label in response.context["choices"].services} == {"Scolarité", "Paie"}


def test_counts_follow_the_tabs_and_the_filters(client, world):
    response = dashboard(client, world["people"]["owner"])
    assert tab_counts(response) == {"mes": 2, "invites": 0, "surveilles": 0, "tous": 3}
    assert "Mes tickets (2)" in response.text
    assert response.context["page_obj"].paginator.count == 2
    manager = dashboard(client, world["people"]["manager"])
    assert "Libres (1)" in manager.text
    assert tab_counts(manager)["services"] == 3  # open ones only, by default


def test_manager_filters(client, world):
    manager = world["people"]["manager"]
    tickets = world["tickets"]
    scolarite = world["service"]
    by_service = dashboard(client, manager, vue="tous", service=scolarite.pk)
    assert set(numbers(by_service)) == pks(world, "own_free", "own_taken", "colleague_taken")
    by_manager = dashboard(client, manager, vue="services", gestionnaire=world["people"]["colleague"].pk)
    assert set(numbers(by_manager)) == pks(world, "colleague_taken")
    free = dashboard(client, manager, vue="services", gestionnaire="aucun")
    assert set(numbers(free)) == pks(world, "own_free")
    assert 'value="aucun" selected' in free.text
    # A category stands for its subtree.
    child = make_ticket(world, category="child")
    sibling = make_ticket(world, category="sibling")
    by_root = dashboard(client, manager, vue="services", categorie=world["categories"]["home"].pk)
    assert child.pk in numbers(by_root)
    assert sibling.pk not in numbers(by_root)
    assert tickets["own_free"].pk in numbers(by_root)
    by_child = dashboard(client, manager, vue="services", categorie=world["categories"]["child"].pk)
    assert numbers(by_child) == [child.pk]
    assert tab_counts(by_child)["services"] == 1


def test_users_get_no_manager_filters(client, world):
    response = dashboard(client, world["people"]["owner"], service=world["service"].pk)
    assert response.context["query"].service is None
    assert 'name="service"' not in response.text
    assert 'name="statut"' in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"tri": "evil"},
        {"tri": "subject; DROP TABLE"},
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"service": "999999"},
        {"service": "abc"},
        {"service": "\x00"},
        {"categorie": "9" * 30},
        {"gestionnaire": "nobody"},
        {"statut": "ouvert"},
        {"vue": "nimporte"},
    ],
)
def test_bad_values_fall_back_to_the_defaults(client, world, params):
    response = dashboard(client, world["people"]["manager"], **params)
    query = response.context["query"]
    assert (query.view, query.status, query.sort) == ("miens", "ouverts", "-derniere_action")
    assert (query.service, query.category, query.manager) == (None, None, None)
    assert set(numbers(response)) == pks(world, "own_taken")


def test_manager_views_are_refused_to_users(client, world):
    response = dashboard(client, world["people"]["owner"], vue="services")
    assert response.context["query"].view == "mes"


def test_the_form_echoes_the_chosen_values(client, world):
    manager = world["people"]["manager"]
    service = world["service"]
    response = dashboard(client, manager, vue="libres", statut="tous", service=service.pk, tri="sujet")
    text = response.text
    assert '<input type="hidden" name="vue" value="libres">' in text
    assert '<option value="tous" selected>' in text
    assert f'<option value="{service.pk}" selected>' in text
    assert '<option value="sujet" selected>' in text
    # Tabs keep the filters and drop the page.
    assert f"?vue=services&amp;statut=tous&amp;service={service.pk}&amp;tri=sujet" in text


@pytest.mark.parametrize(
    ("tri", "key", "reverse_order"),
    [
        ("numero", lambda t: t.pk, False),
        ("-numero", lambda t: t.pk, True),
        ("sujet", lambda t: (t.subject.lower(), t.pk), False),
        ("-derniere_action", lambda t: (t.last_action_at, t.pk), True),
        ("creation", lambda t: (t.created_at, t.pk), False),
    ],
)
def test_sorting(client, world, tri, key, reverse_order):
    owner = world["people"]["owner"]
    now = timezone.now()
    for index, subject in enumerate(["banane", "Abricot", "cerise"]):
        make_ticket(
            world, subject=subject, last_action_at=now - timedelta(hours=index), created_at=now - timedelta(days=index)
        )
    response = dashboard(client, owner, tri=tri, statut="tous")
    expected = sorted(Ticket.objects.filter(owner=owner), key=key, reverse=reverse_order)
    assert numbers(response) == [ticket.pk for ticket in expected]


def test_sorting_by_status_follows_the_lifecycle(client, world):
    response = dashboard(client, world["people"]["owner"], tri="statut", statut="tous")
    statuses = [ticket.status for ticket in response.context["rows"]]
    assert statuses == [Status.FREE, Status.IN_PROGRESS, Status.APPROVED]
    headers = response.context["sorting"]
    assert headers["statut"] == {"next": "-statut", "aria": "ascending", "link": "?vue=mes&statut=tous&tri=-statut"}
    assert 'aria-sort="ascending"' in response.text


def test_links_say_what_the_querystring_tag_says():
    # The tabs' and headers' links are built in Python, once per page, as the tag built them.
    params = {"vue": "services", "statut": "tous", "gestionnaire": "aucun", "tri": "-sujet", "page": "3"}
    tag = Template("{% querystring params vue=view tri=None page=None %}")
    expected = tag.render(Context({"params": params, "view": "libres & miens"}))
    assert escape(link_to(params, vue="libres & miens", tri=None, page=None)) == expected
    assert expected == "?vue=libres+%26+miens&amp;statut=tous&amp;gestionnaire=aucun"


def test_pagination(client, world):
    owner = world["people"]["owner"]
    Ticket.objects.bulk_create(
        [
            Ticket(
                subject=f"Volume {index}",
                description="",
                owner=owner,
                service=world["service"],
                category=world["categories"]["home"],
            )
            for index in range(30)
        ]
    )
    first = dashboard(client, owner)
    assert len(numbers(first)) == 25
    assert "Page 1 sur 2" in first.text
    second = dashboard(client, owner, page=2)
    assert len(numbers(second)) == 32 - 25
    assert not set(numbers(first)) & set(numbers(second))
    assert numbers(dashboard(client, owner, page=99)) == numbers(second)
    assert numbers(dashboard(client, owner, page="x")) == numbers(first)


def test_unread_mark(client, world):
    owner = world["people"]["owner"]
    ticket = world["tickets"]["own_free"]
    response = dashboard(client, owner)
    rows = {row.pk: row for row in response.context["rows"]}
    assert rows[ticket.pk].unread  # never opened
    assert "non lu" in response.text
    record_view(owner, ticket)
    Ticket.objects.filter(pk=world["tickets"]["own_taken"].pk).update(last_action_at=timezone.now())
    record_view(owner, world["tickets"]["own_taken"])
    response = dashboard(client, owner)
    assert not any(row.unread for row in response.context["rows"])
    assert "non lu" not in response.text
    # Someone acts after the owner's last visit.
    View.objects.filter(user=owner, ticket=ticket).update(created_at=timezone.now() - timedelta(hours=1))
    Ticket.objects.filter(pk=ticket.pk).update(last_action_at=timezone.now())
    response = dashboard(client, owner)
    assert {row.pk for row in response.context["rows"] if row.unread} == {ticket.pk}
    assert '<tr class="unread">' in response.text
    # Opening the ticket page reads it.
    client.get(reverse("ticket", args=[ticket.pk]))
    record_view(owner, ticket)
    response = dashboard(client, owner)
    assert "non lu" not in response.text


def test_unread_is_per_person(client, world):
    ticket = world["tickets"]["own_taken"]
    record_view(world["people"]["owner"], ticket)
    rows = dashboard(client, world["people"]["manager"]).context["rows"]
    assert [row.unread for row in rows if row.pk == ticket.pk] == [True]


def test_direct_access_box(client, world):
    response = dashboard(client, world["people"]["owner"])
    assert f'action="{reverse("ticket_access")}"' in response.text
    assert 'name="numero"' in response.text
    assert "Accès direct" in response.text


def test_htmx_gets_only_the_results(client, world):
    client.force_login(world["people"]["manager"])
    response = client.get(
        reverse("dashboard"), {"vue": "libres"}, headers={"HX-Request": "true", "HX-Target": "dashboard"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="dashboard"')
    assert "<html" not in response.text
    assert "Libres (1)" in response.text
    assert "HX-Request" in response["Vary"]
    restore = client.get(reverse("dashboard"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_the_page_has_no_inline_script_or_style(client, world):
    text = dashboard(client, world["people"]["manager"], vue="services").text
    assert "<script>" not in text
    assert "style=" not in text
    assert "onclick" not in text


def add_volume(world, count):
    """``count`` more tickets in every state, owned by the owner and handled in Scolarité."""
    people, statuses = world["people"], list(Status)
    Ticket.objects.bulk_create(
        [
            Ticket(
                subject=f"Volume {index}",
                description="",
                owner=people["owner"],
                service=world["service"],
                category=world["categories"]["home" if index % 2 else "child"],
                status=statuses[index % len(statuses)],
                manager=None if index % 3 == 0 else people["manager" if index % 2 else "colleague"],
                last_action_at=timezone.now() - timedelta(minutes=index),
            )
            for index in range(count)
        ]
    )
    tickets = list(Ticket.objects.filter(subject__startswith="Volume"))
    View.objects.bulk_create([View(user=people["owner"], ticket=ticket) for ticket in tickets[::2]])
    Invitation.objects.bulk_create(
        [Invitation(ticket=ticket, user=people["invitee"], invited_by=people["owner"]) for ticket in tickets[::3]]
    )
    Follower.objects.bulk_create([Follower(ticket=ticket, user=people["owner"]) for ticket in tickets[::4]])


@pytest.mark.parametrize("volume", [5, 120])
def test_user_dashboard_query_count_does_not_grow(client, world, django_assert_num_queries, volume):
    add_volume(world, volume)
    client.force_login(world["people"]["owner"])
    client.get(reverse("dashboard"))
    # session, user, memberships, the services the visibility rules show, the tabs' counts, the page's rows
    with django_assert_num_queries(6):
        response = client.get(reverse("dashboard"), {"statut": "tous"})
    assert response.context["page_obj"].paginator.count == Ticket.objects.filter(owner=world["people"]["owner"]).count()


@pytest.mark.parametrize("volume", [5, 120])
def test_manager_dashboard_query_count_does_not_grow(client, world, django_assert_num_queries, volume):
    add_volume(world, volume)
    manager = world["people"]["manager"]
    client.force_login(manager)
    params = {
        "vue": "services",
        "statut": "tous",
        "service": world["service"].pk,
        "categorie": world["categories"]["home"].pk,
        "gestionnaire": manager.pk,
        "tri": "statut",
        "page": 2 if volume > 50 else 1,
    }
    # session, user, memberships, services, categories, managers, the tabs' counts, the page's rows; not the
    # visibility rules: a manager sees every ticket of the service or category the filter keeps
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) > 0


@pytest.mark.parametrize("volume", [5, 120])
def test_admin_dashboard_query_count_does_not_grow(client, world, django_assert_num_queries, volume):
    add_volume(world, volume)
    client.force_login(world["people"]["admin"])
    # session, user, services, categories, managers, the tabs' counts, the page's rows
    with django_assert_num_queries(7):
        response = client.get(reverse("dashboard"), {"vue": "services", "gestionnaire": "aucun"})
    assert response.status_code == 200


def test_an_empty_view_spends_no_query_on_rows(client, world, django_assert_num_queries):
    client.force_login(world["people"]["follower"])
    client.get(reverse("dashboard"))
    with django_assert_num_queries(5):  # session, user, memberships, visibility rules, the tabs' counts
        assert client.get(reverse("dashboard")).status_code == 200


def test_dashboard_queryset_agrees_with_the_counts(world):
    for person in world["people"].values():
        counts = dashboards.counts_for(person)
        for view in dashboards.dashboard_views_for(person):
            assert dashboards.dashboard_queryset(person, view).count() == counts[view], (person, view)
