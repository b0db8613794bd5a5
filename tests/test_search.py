"""RECHERCHE: who finds which ticket through which text (exact permissions), French stemming and accents,
odd queries, the index kept by every action, and the rebuild command. The same tests run on SQLite and on
PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.search_support import build_scene, found, shown
from tickets import workflow
from tickets.faq.access import can_read_faq_entry
from tickets.models import (
    EntryScope,
    FaqEntry,
    Membership,
    RuleEffect,
    RuleTest,
    SearchDocument,
    Status,
    TicketScope,
    VisibilityRule,
)
from tickets.models.search import PUBLIC_VIEWERS
from tickets.search import engines
from tickets.search import listing as search_listing
from tickets.search.faq import matching_faq
from tickets.search.listing import Match, listed_rows
from tickets.search.query import Filters, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user, make_service, make_category, make_faq_entry):
    return build_scene(make_user, make_service, make_category, make_faq_entry)


@pytest.fixture(params=["dense", "sparse, rare", "sparse, common"])
def reading(request, monkeypatch):
    """Every way of reading a relation's matches on PostgreSQL: in date order through its own index ("dense",
    what a relation of fewer rows than the sample always is), or found first, then sorted ("sparse"): through
    the words' index alone for a rare word; for a common one, through the words of the services read (a
    service's managers, the public rows), or with the relation's conditions."""
    if request.param.startswith("sparse"):
        # No relation's newest row is enough to call it dense.
        monkeypatch.setattr(search_listing, "SAMPLE_ROWS", 1)
        monkeypatch.setattr(search_listing, "DENSE_HITS", 2)
        rare = "TRUE" if request.param.endswith("rare") else "FALSE"
        monkeypatch.setattr(engines, "rarity", lambda *args, **kwargs: (rare, []))
    return request.param


# Each word, and who finds the ticket through it: the text's scope decides, as on the ticket page.
READERS = {
    "zorglub": {"gest-scol", "admin"},  # managers-only note
    "wapiti": {"gest-scol", "admin", "seclier5"},  # managers and owner
    "chameau": {"gest-scol", "admin", "invite-gest"},  # managers and invitees (not those the owner invited)
    "navigateur": {"gest-scol", "admin", "seclier5", "invite-gest", "invite-proprio"},  # managers, owner, invitees
    "apogee": {"gest-scol", "admin", "seclier5", "invite-gest", "invite-proprio"},  # the subject
    "ornithorynque": {"gest-scol", "admin"},  # a managers-only file's name
    "kangourou": {"gest-scol", "admin", "seclier5", "invite-gest", "invite-proprio"},  # a shared file's name
}
EVERYONE = ["seclier5", "mdupont", "gest-scol", "gest-rh", "invite-gest", "invite-proprio", "curieux", "admin"]


@pytest.mark.parametrize("word", sorted(READERS))
@pytest.mark.parametrize("person", EVERYONE)
def test_a_ticket_is_found_only_through_text_the_person_reads(scene, reading, word, person):
    expected = {scene["ticket"].pk} if person in READERS[word] else set()
    assert found(scene["people"][person], word) == expected


@pytest.mark.parametrize(
    ("word", "readers"),
    [
        ("lama", set(EVERYONE)),
        ("bulletin", set(EVERYONE)),
        ("koala", {"mdupont", "gest-rh", "admin"}),
    ],
)
def test_a_public_ticket_is_found_by_everyone_through_its_public_text_only(scene, reading, word, readers):
    for person in EVERYONE:
        expected = {scene["public"].pk} if person in readers else set()
        assert found(scene["people"][person], word) == expected, person


def test_a_public_ticket_of_a_disabled_service_is_found_by_its_owner_only(scene, reading):
    scene["services"]["rh"].enabled = False
    scene["services"]["rh"].save()
    assert found(scene["people"]["curieux"], "lama") == set()
    assert found(scene["people"]["mdupont"], "lama") == {scene["public"].pk}


def test_a_public_ticket_of_a_service_the_rules_hide_is_found_by_its_owner_and_managers_only(scene, reading):
    # The visibility rules hide the service of the public ticket from everyone but its managers.
    rh = scene["services"]["rh"]
    VisibilityRule.objects.create(service=rh, effect=RuleEffect.DENY, test=RuleTest.EVERYONE)
    assert found(scene["people"]["curieux"], "lama") == set()
    assert found(scene["people"]["seclier5"], "lama") == set()
    assert found(scene["people"]["mdupont"], "lama") == {scene["public"].pk}
    assert found(scene["people"]["gest-rh"], "lama") == {scene["public"].pk}


def test_no_snippet_shows_a_word_the_person_may_not_read(scene):
    owner, gest = scene["people"]["seclier5"], scene["people"]["gest-scol"]
    assert "zorglub" in shown(gest, "serveur")
    assert found(owner, "serveur") == set()
    for query in ["connexion", "apogee", "navigateur", "kangourou", "seclier5"]:
        html = shown(owner, query)
        assert html and "zorglub" not in html and "ornithorynque" not in html and "chameau" not in html


def test_the_snippet_marks_the_words_found_and_escapes_the_rest(scene):
    owner = scene["people"]["seclier5"]
    (row,) = search(owner, "navigateurs").rows
    assert "<mark>navigateur</mark>" in row.snippet_html
    assert "<mark>" in search(owner, "apogee").rows[0].subject_html
    assert "&amp;" in search(owner, "essayé").rows[0].snippet_html


@pytest.mark.parametrize(
    "query", ["connexion", "connexions", "Connexion à Apogée", "apogee", "APOGÉE", "apogée connexion", "CONNEXIONS"]
)
def test_stemming_and_accents(scene, query):
    assert found(scene["people"]["seclier5"], query) == {scene["ticket"].pk}


def test_every_word_must_be_found(scene):
    owner = scene["people"]["seclier5"]
    assert found(owner, "apogee navigateur") == {scene["ticket"].pk}
    assert found(owner, "apogee zorglub") == set()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "&",
        "!",
        "'",
        '"',
        "%",
        "_",
        "|",
        ":*",
        "(",
        "<script>",
        "\x00",
        "\\",
        "le la les",
        "a" * 10_000,
    ],
)
def test_odd_queries_find_nothing_and_fail_never(scene, query):
    assert found(scene["people"]["gest-scol"], query) == set()


@pytest.mark.parametrize(
    "query",
    [
        '"apogee"',
        "apogee & !connexion",
        "apogee | connexion",
        "\x00apogee\x00",
        "(apogee)",
        "apogee:*",
        "apogee " * 2000,
    ],
)
def test_operators_and_quotes_are_separators(scene, query):
    assert found(scene["people"]["seclier5"], query) == {scene["ticket"].pk}


def test_a_number_finds_its_ticket_for_those_who_see_it(scene):
    number = scene["ticket"].pk
    assert search(scene["people"]["seclier5"], str(number)).number_hit == scene["ticket"]
    assert search(scene["people"]["seclier5"], f"n°{number}").number_hit == scene["ticket"]
    assert search(scene["people"]["curieux"], str(number)).number_hit is None


@pytest.mark.parametrize("query", ["seclier5", "Benjamin Seclier", "seclier benjamin"])
def test_a_login_or_a_name_finds_that_person_s_tickets_for_those_who_see_them(scene, reading, query):
    assert found(scene["people"]["gest-scol"], query) == {scene["ticket"].pk}
    assert found(scene["people"]["curieux"], query) == set()
    assert found(scene["people"]["gest-rh"], query) == set()


@pytest.mark.parametrize("person", EVERYONE)
def test_a_public_ticket_is_found_by_everyone_through_its_owner_s_and_manager_s_logins(scene, reading, person):
    # On PostgreSQL the public rows match people on their own rows (Match.as_sql(public=True)).
    workflow.take(scene["public"], actor=scene["people"]["gest-rh"])
    reader = scene["people"][person]
    assert scene["public"].pk in found(reader, "mdupont")
    assert scene["public"].pk in found(reader, "gest-rh")
    # What is found is the row of the text the person reads: the public one for those who only see it.
    people = (scene["people"]["mdupont"].pk, scene["people"]["gest-rh"].pk)
    order = ("-last_action_at", "-ticket_id")
    rows = listed_rows(reader, Match(people=people), None, order, limit=100)
    audiences = set(SearchDocument.objects.filter(pk__in=rows).values_list("audiences", flat=True))
    # The owner, the manager and the admin read the private note too: their rows are not the public one.
    public_only = person not in {"mdupont", "gest-rh", "admin"}
    assert audiences and all(audience & PUBLIC_VIEWERS for audience in audiences) == public_only


def test_searching_oneself_finds_one_s_own_tickets_not_others_public_ones(scene, reading):
    assert found(scene["people"]["curieux"], "curieux") == set()
    assert found(scene["people"]["mdupont"], "mdupont") == {scene["public"].pk}


def test_the_public_rows_match_on_their_own_words_and_never_on_the_reader_as_owner():
    match = Match(("words", ["apogee"]), people=(7, 9))
    sql, params = match.as_sql(public=True, not_owned_by=7)
    assert params == ["apogee", 9, 7, 9]
    assert f'{engines.TABLE}."owner_id" IN (%s)' in sql and engines.PUBLIC_ROW in sql
    assert match.as_sql() == (
        f'(words OR {engines.TABLE}."owner_id" IN (%s, %s) OR {engines.TABLE}."manager_id" IN (%s, %s))',
        ["apogee", 7, 9, 7, 9],
    )
    assert Match().as_sql() is None


def test_relevance_puts_the_subject_first_and_date_the_newest(scene, reading):
    owner = scene["people"]["seclier5"]
    newer = workflow.create_ticket(
        actor=owner, category=scene["categories"]["scol"], subject="Autre chose", description="<p>apogee lent</p>"
    )
    ranked = [row.ticket_id for row in search(owner, "apogee").rows]
    assert ranked == [scene["ticket"].pk, newer.pk]
    assert [row.ticket_id for row in search(owner, "apogee", sort="recent").rows] == [newer.pk, scene["ticket"].pk]
    assert [row.ticket_id for row in search(owner, "apogee", sort="ancien").rows] == [scene["ticket"].pk, newer.pk]


def test_tickets_of_the_same_date_are_listed_by_number(scene, reading):
    owner = scene["people"]["seclier5"]
    others = [
        workflow.create_ticket(actor=owner, category=scene["categories"]["scol"], subject=f"Apogee {n}", description="")
        for n in range(3)
    ]
    numbers = sorted([scene["ticket"].pk, *(ticket.pk for ticket in others)])
    # As a bulk import leaves them: one date for many tickets.
    SearchDocument.objects.update(last_action_at=timezone.now())
    assert [row.ticket_id for row in search(owner, "apogee", sort="recent").rows] == numbers[::-1]
    assert [row.ticket_id for row in search(owner, "apogee", sort="ancien").rows] == numbers


def test_a_manager_of_every_service_reads_no_public_rows_apart(scene, reading):
    Membership.objects.create(service=scene["services"]["rh"], user=scene["people"]["gest-scol"])
    manager = get_user_model().objects.get(username="gest-scol")
    with CaptureQueriesContext(connection) as queries:
        where = engines.match(["apogee", "bulletin"], any_term=True)
        listed = listed_rows(manager, Match(where), None, ("-last_action_at", "-ticket_id"), limit=100)
    # The managers' rows hold the public tickets: no walk through the public ones to find none.
    assert '"public"' not in queries.captured_queries[-1]["sql"]
    assert len(listed) == 2
    assert found(manager, "koala") == {scene["public"].pk}
    assert found(manager, "zorglub") == {scene["ticket"].pk}


@pytest.mark.parametrize("order", [("-last_action_at", "-ticket_id"), ("last_action_at", "ticket_id")])
@pytest.mark.skipif(connection.vendor != "postgresql", reason="relations are read apart on PostgreSQL only")
def test_sparse_relations_are_read_beyond_the_last_row_the_dense_ones_listed(scene, monkeypatch, order):
    gest = scene["people"]["gest-scol"]
    newer = workflow.create_ticket(
        actor=scene["people"]["mdupont"],
        category=scene["categories"]["rh"],
        subject="Apogee et la paie",
        description="",
        scope=TicketScope.PUBLIC,
    )
    match = Match(engines.match(["apogee"]))
    everything = listed_rows(gest, match, None, order, limit=100)
    tickets = SearchDocument.objects.filter(pk__in=everything).values_list("ticket_id", flat=True)
    assert set(tickets) == {scene["ticket"].pk, newer.pk}
    # gest-scol's service read in date order, the public rows found first: the one row the dense relation
    # lists bounds the public ones read, and the merge keeps the order.
    monkeypatch.setattr(
        search_listing,
        "_dense",
        lambda relations, _order, _rarity: [*(not relation.public for relation in relations), False],
    )
    with CaptureQueriesContext(connection) as queries:
        assert listed_rows(gest, match, None, order, limit=1) == everything[:1]
    comparison = ">=" if order[0].startswith("-") else "<="
    sparse_read = queries.captured_queries[-1]["sql"]
    assert f'"last_action_at" {comparison} ' in sparse_read and "OFFSET 0" not in sparse_read
    assert listed_rows(gest, match, None, order, limit=2) == everything


def test_filters(scene, reading):
    gest, number = scene["people"]["gest-scol"], scene["ticket"].pk
    scol, rh = scene["services"]["scol"], scene["services"]["rh"]
    assert found(gest, "apogee", filters=Filters(services=[scol])) == {number}
    assert found(gest, "apogee", filters=Filters(services=[rh])) == set()
    assert found(gest, "apogee", filters=Filters(statuses=[Status.IN_PROGRESS])) == {number}
    assert found(gest, "apogee", filters=Filters(statuses=[Status.FREE])) == set()
    assert found(gest, "apogee", filters=Filters(owner=scene["people"]["mdupont"])) == set()
    assert found(gest, "apogee", filters=Filters(manager=gest)) == {number}
    today = timezone.localdate(scene["ticket"].created_at)
    assert found(gest, "apogee", filters=Filters(created_from=today, created_to=today)) == {number}
    assert found(gest, "apogee", filters=Filters(created_to=today.replace(year=today.year - 1))) == set()


def test_the_index_follows_every_action_in_its_transaction(scene):
    people, ticket = scene["people"], scene["ticket"]
    with transaction.atomic():
        ticket = workflow.comment(ticket, actor=people["seclier5"], text="<p>Une girafe</p>")
        assert found(people["invite-proprio"], "girafe") == {ticket.pk}
    ticket = workflow.uninvite(ticket, actor=people["gest-scol"], user=people["invite-gest"])
    assert found(people["invite-gest"], "chameau") == set()
    ticket = workflow.change_scope(ticket, actor=people["gest-scol"], scope=TicketScope.PUBLIC)
    assert found(people["curieux"], "apogee") == {ticket.pk}
    assert found(people["curieux"], "navigateur") == set()
    ticket = workflow.comment(ticket, actor=people["gest-scol"], text="Public castor", scope=EntryScope.PUBLIC)
    assert found(people["curieux"], "castor") == {ticket.pk}
    ticket = workflow.move(ticket, actor=people["gest-scol"], category=scene["categories"]["rh"])
    assert found(people["gest-rh"], "zorglub") == {ticket.pk}
    assert found(people["gest-scol"], "zorglub") == set()
    ticket = workflow.change_subject(ticket, actor=people["seclier5"], subject="Souci de messagerie")
    assert found(people["seclier5"], "messagerie") == {ticket.pk}
    assert found(people["seclier5"], "connexion") == set()


def test_a_removed_file_is_no_longer_found_by_its_name(scene):
    people, ticket = scene["people"], scene["ticket"]
    attachment = ticket.attachments.get(name="capture-kangourou.png")
    workflow.remove_file(ticket, actor=people["gest-scol"], attachment=attachment)
    assert found(people["seclier5"], "kangourou") == set()


def test_the_rebuild_command_writes_the_same_index(scene):
    people = scene["people"]
    words = [*READERS, "lama", "koala"]
    before = {(person, word): found(people[person], word) for person in EVERYONE for word in words}
    rows = SearchDocument.objects.count()
    SearchDocument.objects.all().delete()
    assert found(people["gest-scol"], "apogee") == set()
    call_command("rebuild_search_index", verbosity=0)
    assert SearchDocument.objects.count() == rows
    after = {(person, word): found(people[person], word) for person in EVERYONE for word in words}
    assert after == before


@pytest.mark.parametrize(
    ("person", "titles"),
    [
        ("seclier5", {"Comment retrouver mon mot de passe Apogée ?"}),
        ("gest-rh", {"Comment retrouver mon mot de passe Apogée ?"}),
        ("gest-scol", {"Comment retrouver mon mot de passe Apogée ?", "Procédure interne apogée"}),
        (
            "admin",
            {
                "Comment retrouver mon mot de passe Apogée ?",
                "Procédure interne apogée",
                "Question masquée apogée",
            },
        ),
    ],
)
def test_faq_entries_found_are_those_the_person_reads(scene, person, titles):
    user = scene["people"][person]
    entries = matching_faq(user, ["apogee"])
    assert {entry.title for entry in entries} == titles
    assert all(can_read_faq_entry(user, FaqEntry.objects.get(pk=entry.pk)) for entry in entries)
    assert {entry.title for entry in matching_faq(user, ["renard"])} == titles & {"Procédure interne apogée"}
