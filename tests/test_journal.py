"""Journal: the activity of the reader's services (only what they may read), its filters, its pages, and the
audit log of administration changes; a bad filter is said, never a 500; queries do not grow with the data."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import ticket_in
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.administration import journal as feed
from tickets.administration.audit import record_admin_change
from tickets.comments.scopes import can_see_entry
from tickets.models import AdminChange, EntryScope, Event, SavedResponse, Status, Ticket

pytestmark = pytest.mark.django_db

JOURNAL = reverse("journal")


def at(day, hour=10):
    return timezone.make_aware(datetime(2026, 3, day, hour, 0))


def in_category(ticket, category):
    Ticket.objects.filter(pk=ticket.pk).update(category=category, service=category.service)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def activity(world):
    """Entries on a Scolarité ticket ("home") and one of its "sibling" category, and on a Paie ticket:
    {name: entry}. The Scolarité note is for managers only."""
    people, categories = world["people"], world["categories"]
    home = ticket_in(world, Status.IN_PROGRESS)
    sibling = in_category(ticket_in(world, Status.IN_PROGRESS), categories["sibling"])
    paie = in_category(ticket_in(world, Status.IN_PROGRESS), categories["elsewhere"])

    def entry(ticket, actor, kind, day, scope=EntryScope.INVITED):
        return Event.objects.create(
            ticket=ticket, actor=people[actor], kind=kind, new_status=ticket.status, scope=scope, created_at=at(day)
        )

    return {
        "created": entry(home, "owner", "ticket.created", 1),
        "taken": entry(home, "in_charge", "ticket.taken", 2),
        "note": entry(home, "in_charge", "ticket.commented", 3, EntryScope.MANAGERS),
        "colleague": entry(sibling, "colleague", "ticket.commented", 4),
        "old_kind": entry(sibling, "colleague", "ticket.take", 5),
        "paie": entry(paie, "other_manager", "ticket.commented", 6),
        "paie_note": entry(paie, "other_manager", "ticket.commented", 7, EntryScope.MANAGERS),
    }


def shown(client, query=""):
    response = client.get(JOURNAL + query)
    assert response.status_code == 200, response.status_code
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', response.text)]


def ids(activity, *names):
    return [activity[name].pk for name in names]


# Who reads what


@pytest.mark.parametrize(
    "role, expected",
    [
        ("in_charge", ["old_kind", "colleague", "note", "taken", "created"]),
        ("manager_without_move", ["old_kind", "colleague", "note", "taken", "created"]),
        ("other_manager", ["paie_note", "paie"]),
        ("admin", ["paie_note", "paie", "old_kind", "colleague", "note", "taken", "created"]),
    ],
)
def test_the_reader_sees_their_services_entries_newest_first(client, world, activity, role, expected):
    reader = world["people"][role]
    client.force_login(reader)
    found = shown(client)
    assert found == ids(activity, *expected)
    assert all(can_see_entry(reader, Event.objects.get(pk=pk)) for pk in found)


def test_a_managers_only_note_never_reaches_who_cannot_read_it(client, world, activity):
    other_manager = world["people"]["other_manager"]
    client.force_login(other_manager)
    page = client.get(JOURNAL).text
    assert f'data-entry="{activity["note"].pk}"' not in page
    assert f'href="{reverse("ticket", args=[activity["note"].ticket_id])}"' not in page
    assert not can_see_entry(other_manager, activity["note"])


@pytest.mark.parametrize("role", ["owner", "invitee", "stranger"])
def test_people_who_manage_nothing_do_not_get_the_journal(client, world, activity, role):
    client.force_login(world["people"][role])
    assert client.get(JOURNAL).status_code == 404
    assert client.get(JOURNAL + "?vue=administration").status_code == 404


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get(JOURNAL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_each_line_says_what_the_ticket_page_says(client, world, activity):
    client.force_login(world["people"]["in_charge"])
    page = client.get(JOURNAL).text
    row = re.search(rf'<tr data-entry="{activity["taken"].pk}">(.*?)</tr>', page, re.S).group(1)
    ticket = activity["taken"].ticket
    assert f'href="{reverse("ticket", args=[ticket.pk])}"' in row
    assert f"n°{ticket.pk} – Connexion apogee impossible" in row
    assert "Sophie Lambert" in row and "a pris en charge le ticket." in row
    assert "02/03/26" in row


# Filters


def filter_cases(world):
    categories, people = world["categories"], world["people"]
    return [
        (f"?service={world['service'].pk}", ["old_kind", "colleague", "note", "taken", "created"]),
        (f"?service={categories['elsewhere'].service_id}", ["paie_note", "paie"]),
        (f"?actor={people['colleague'].pk}", ["old_kind", "colleague"]),
        (f"?actor={people['in_charge'].pk}", ["note", "taken"]),
        ("?kind=ticket.commented", ["paie_note", "paie", "colleague", "note"]),
        ("?kind=ticket.taken", ["old_kind", "taken"]),  # the older name counts as the same action
        (f"?category={categories['sibling'].pk}", ["old_kind", "colleague"]),
        (f"?category={categories['home'].pk}&kind=ticket.commented", ["note"]),
        ("?start=2026-03-03", ["paie_note", "paie", "old_kind", "colleague", "note"]),
        ("?end=2026-03-02", ["taken", "created"]),
        ("?start=2026-03-02&end=2026-03-04", ["colleague", "note", "taken"]),
        (f"?start=2026-03-02&end=2026-03-04&actor={people['in_charge'].pk}", ["note", "taken"]),
        ("?start=2026-04-01", []),
    ]


@pytest.mark.parametrize("case", range(13))
def test_filters(client, world, activity, case):
    query, expected = filter_cases(world)[case]
    client.force_login(world["people"]["admin"])
    assert shown(client, query) == ids(activity, *expected)


def test_the_filters_offer_only_the_reader_s_services(client, world, activity):
    client.force_login(world["people"]["in_charge"])
    page = client.get(JOURNAL).text
    assert "Scolarité" in page and ">Paie<" not in page and "03_Paie" not in page
    other = world["categories"]["elsewhere"]
    assert shown(client, f"?service={other.service_id}") == shown(client)  # refused, said, left out
    assert shown(client, f"?category={other.pk}") == shown(client)
    assert shown(client, f"?actor={world['people']['owner'].pk}") == shown(client)  # managers only


BAD = [
    ("?start=2026-13-45", "Saisissez une date valide."),
    ("?end=hier", "Saisissez une date valide."),
    ("?start=2026-03-05&end=2026-03-01", "La fin de la période précède son début."),
    ("?service=abc", "Sélectionnez un choix valide."),
    ("?service=99999999999999999999999", "Sélectionnez un choix valide."),
    ("?actor=%00", "Sélectionnez un choix valide."),
    ("?kind=ticket.exploded", "Sélectionnez un choix valide."),
    ("?category=-1", "Sélectionnez un choix valide."),
    ("?start=%00", "Saisissez une date valide."),
    ("?apres=n%27importe+quoi", "Cette page du journal n&#x27;existe pas"),
    ("?apres=%00", "Cette page du journal n&#x27;existe pas"),
    ("?apres=99999999999999999999-1", "Cette page du journal n&#x27;existe pas"),
    ("?vue=administration&start=demain", "Saisissez une date valide."),
    ("?vue=%00&service=%00", "Sélectionnez un choix valide."),
]


@pytest.mark.parametrize("query, message", BAD)
def test_bad_filter_values_are_said_never_a_500(client, world, activity, query, message):
    client.force_login(world["people"]["in_charge"])
    response = client.get(JOURNAL + query)
    assert response.status_code == 200
    assert message in response.text


# Pages


def many_entries(world, count, *, same_moment=False):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            ticket=ticket, actor=world["people"]["in_charge"], kind="ticket.commented", new_status=ticket.status,
            created_at=now if same_moment and n % 3 else now - timedelta(minutes=n),
        )
        for n in range(count)
    )  # fmt: skip
    return ticket


def walk(client, query=""):
    """Every page from the first, following "Entrées plus anciennes": the ids of each page."""
    pages, url = [], JOURNAL + query
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([int(pk) for pk in re.findall(r'data-entry="(\d+)"', response.text)])
        found = re.search(r'href="([^"]*)">Entrées plus anciennes', response.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


@pytest.mark.parametrize("same_moment", [False, True])
def test_pages_follow_each_other_without_gap_or_repeat(client, world, same_moment):
    many_entries(world, 2 * feed.PAGE_SIZE + 7, same_moment=same_moment)
    client.force_login(world["people"]["in_charge"])
    pages = walk(client, "?kind=ticket.commented")
    assert [len(page) for page in pages] == [feed.PAGE_SIZE, feed.PAGE_SIZE, 7]
    every = [pk for page in pages for pk in page]
    expected = Event.objects.filter(kind="ticket.commented").order_by("-created_at", "-pk")
    assert every == list(expected.values_list("pk", flat=True))


def test_a_later_page_keeps_the_filters_and_links_back_to_the_first(client, world):
    many_entries(world, feed.PAGE_SIZE + 1)
    client.force_login(world["people"]["in_charge"])
    first = client.get(JOURNAL + "?kind=ticket.commented").text
    later = re.search(r'href="([^"]*)">Entrées plus anciennes', first).group(1).replace("&amp;", "&")
    assert "kind=ticket.commented" in later and "apres=" in later
    page = client.get(later).text
    assert "Entrées les plus récentes" in page and "Entrées plus anciennes" not in page


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_journal_costs_the_same_with_10_and_with_1000_entries(client, world):
    people = world["people"]
    service = world["service"]
    urls = [
        JOURNAL,
        JOURNAL + f"?service={service.pk}&actor={people['in_charge'].pk}&kind=ticket.commented&start=2020-01-01",
        JOURNAL + f"?category={world['categories']['home'].pk}&end=2100-01-01",
        JOURNAL + "?vue=administration",
        JOURNAL + f"?vue=administration&service={service.pk}&start=2020-01-01",
    ]

    def grow(count):
        ticket = many_entries(world, count)
        Event.objects.create(ticket=ticket, actor=people["owner"], kind="ticket.created", new_status=ticket.status,
                             data={"owner": people["owner"].pk})  # fmt: skip
        for n in range(count // 10):
            record_admin_change(actor=people["in_charge"], service=service, kind="response.updated",
                                target=f"Réponse {n}", details={"label": [f"a{n}", f"b{n}"]})  # fmt: skip

    def measure():
        counts = {}
        for role in ("in_charge", "admin"):
            client.force_login(people[role])
            for url in urls:
                counts[(role, url)] = count_queries(client, url)
        return counts

    grow(10)
    assert Event.objects.count() == 11
    small = measure()
    grow(1000)
    assert Event.objects.count() > 1000
    assert measure() == small
    assert len(shown(client)) == feed.PAGE_SIZE


# The administration section


@pytest.fixture
def changes(world):
    people, other = world["people"], world["categories"]["elsewhere"].service
    paie = people["other_manager"]
    return {
        "mine": record_admin_change(
            actor=people["in_charge"], service=world["service"], kind="response.updated", target="Bonjour",
            details={"label": ["Bonjour", "Bonjour {nom}"], "text": ["<p>Avant</p>", "<p>Après</p>"]},
        ),
        "other": record_admin_change(actor=paie, service=other, kind="category.moved", target="Paie"),
        "portal": record_admin_change(actor=people["admin"], service=None, kind="response.added", target="Globale"),
        "unknown": record_admin_change(actor=None, service=world["service"], kind="something.new", target="Chose"),
    }  # fmt: skip


def changes_shown(client, query=""):
    response = client.get(JOURNAL + "?vue=administration" + query)
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-change="(\d+)"', response.text)]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("in_charge", ["unknown", "mine"]),
        ("other_manager", ["other"]),
        ("admin", ["unknown", "portal", "other", "mine"]),
    ],
)
def test_the_audit_log_of_the_reader_s_services(client, world, changes, role, expected):
    client.force_login(world["people"][role])
    assert changes_shown(client) == [changes[name].pk for name in expected]


def test_an_audit_line_says_who_what_and_before_after(client, world, changes):
    client.force_login(world["people"]["in_charge"])
    page = client.get(JOURNAL + "?vue=administration").text
    row = re.search(rf'<tr data-change="{changes["mine"].pk}">(.*?)</tr>', page, re.S).group(1)
    assert "Sophie Lambert" in row
    assert "a modifié la réponse enregistrée « Bonjour »" in row
    assert "Libellé : Bonjour → Bonjour {nom}" in row and "Texte : Avant → Après" in row
    row = re.search(rf'<tr data-change="{changes["unknown"].pk}">(.*?)</tr>', page, re.S).group(1)
    assert "something.new « Chose »" in row


def test_the_audit_log_filters_by_service_actor_and_period(client, world, changes):
    client.force_login(world["people"]["admin"])
    other = world["categories"]["elsewhere"].service
    assert changes_shown(client, f"&service={other.pk}") == [changes["other"].pk]
    assert changes_shown(client, f"&actor={world['people']['admin'].pk}") == [changes["portal"].pk]
    AdminChange.objects.filter(pk=changes["mine"].pk).update(created_at=at(1))
    assert changes_shown(client, "&end=2026-03-01") == [changes["mine"].pk]
    assert changes["mine"].pk not in changes_shown(client, "&start=2026-03-02")


def test_the_menu_shows_the_journal_to_managers(client, world):
    client.force_login(world["people"]["in_charge"])
    assert f'href="{JOURNAL}"' in client.get(reverse("home")).text
    client.force_login(world["people"]["owner"])
    assert f'href="{JOURNAL}"' not in client.get(reverse("home")).text


def test_a_moved_ticket_s_entries_follow_it(client, world, activity):
    """What a manager may read is decided by the ticket's service now, as on the ticket page."""
    Ticket.objects.filter(pk=activity["paie"].ticket_id).update(service=world["service"])
    client.force_login(world["people"]["in_charge"])
    assert activity["paie"].pk in shown(client)
    client.force_login(world["people"]["other_manager"])
    assert shown(client) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_text_shows_inert_in_both_sections(client, world, payload):
    text = payload.replace("\x00", "")  # PostgreSQL refuses NUL in text
    people = world["people"]
    people["in_charge"].display_name = text[:150]
    people["in_charge"].save()
    world["service"].label = text[:200]
    world["service"].save()
    ticket = ticket_in(world, Status.IN_PROGRESS)
    Ticket.objects.filter(pk=ticket.pk).update(subject=text[:200])
    Event.objects.create(ticket=ticket, actor=people["in_charge"], kind="ticket.commented", new_status=ticket.status)
    record_admin_change(actor=people["in_charge"], service=world["service"], kind="response.updated",
                        target=text, details={text[:40]: [text, text]})  # fmt: skip
    SavedResponse.objects.create(label=text[:200], text=text, service=world["service"])
    client.force_login(people["in_charge"])
    for url in (JOURNAL, JOURNAL + "?vue=administration", reverse("saved_responses")):
        response = client.get(url)
        assert response.status_code == 200
        main = response.text[response.text.index("<main") : response.text.index("</main>")]
        assert_no_script(main, allow_static_scripts=True, allow_local_forms=True)
