"""The RECHERCHE page and the suggestions under the deposit's subject: what they show, to whom, bad input,
and a number of queries that does not grow with the data."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.search_support import build_scene
from tickets import workflow
from tickets.forms.search import SearchForm
from tickets.models import EntryScope
from tickets.search import engines
from tickets.search import listing as search_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user, make_service, make_category, make_faq_entry):
    return build_scene(make_user, make_service, make_category, make_faq_entry)


def test_the_menu_leads_to_the_search_and_a_visitor_is_asked_to_log_in(client, scene):
    assert client.get(reverse("search")).status_code == 302
    client.force_login(scene["people"]["seclier5"])
    assert f'href="{reverse("search")}"' in client.get(reverse("home")).text


def test_the_results_show_the_ticket_with_its_words_marked_and_the_faq_section(client, scene):
    client.force_login(scene["people"]["seclier5"])
    page = client.get(reverse("search"), {"q": "apogée"}).text
    assert reverse("ticket", args=[scene["ticket"].pk]) in page
    assert "<mark>Apogée</mark>" in page
    assert "1 ticket" in page
    ticket = scene["ticket"]
    assert f'<span class="status status-{ticket.status}">{ticket.get_status_display()}</span>' in page
    assert reverse("faq_entry", args=[scene["faq"]["everyone"].pk]) in page
    assert reverse("faq_entry", args=[scene["faq"]["managers"].pk]) not in page


def test_the_owner_does_not_find_a_managers_only_word_the_manager_finds(client, scene):
    client.force_login(scene["people"]["seclier5"])
    page = client.get(reverse("search"), {"q": "zorglub"}).text
    assert reverse("ticket", args=[scene["ticket"].pk]) not in page and "0 ticket" in page
    client.force_login(scene["people"]["gest-scol"])
    page = client.get(reverse("search"), {"q": "zorglub"}).text
    assert reverse("ticket", args=[scene["ticket"].pk]) in page and "<mark>zorglub</mark>" in page


def test_a_number_leads_to_its_ticket(client, scene):
    client.force_login(scene["people"]["seclier5"])
    number = scene["ticket"].pk
    assert f"Ticket n°{number}" in client.get(reverse("search"), {"q": str(number)}).text


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "a" * 10_000},
        {"q": "apogee", "du": "pas une date"},
        {"q": "apogee", "service": "999999"},
        {"q": "apogee", "categorie": "abc"},
        {"q": "apogee", "statut": "inconnu"},
        {"q": "apogee", "tri": "n'importe"},
        {"q": "apogee", "page": "-3"},
        {"q": "apogee", "page": "x"},
        {"q": "apogee", "page": "99999999999999999999"},
        {"q": "apogee", "proprietaire": "personne-inconnue"},
    ],
)
def test_bad_input_gives_a_page_with_the_typed_text_kept(client, scene, params):
    client.force_login(scene["people"]["gest-scol"])
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    if "du" in params:
        assert 'value="pas une date"' in response.text and "Saisissez une date valide" in response.text


@pytest.mark.parametrize(
    "data", [{}, {"q": 'a "b" <c> & d', "du": "2024-02-30", "proprietaire": "x" * 300}, {"du": "2024-01-31"}]
)
def test_the_inputs_written_without_templates_are_those_django_writes(scene, data):
    form = SearchForm(data, user=scene["people"]["gest-scol"])
    form.is_valid()
    for name in ("q", "du", "au", "proprietaire", "gestionnaire"):
        bound = form[name]
        widget = forms.DateInput(attrs={"type": "date"}) if name in ("du", "au") else forms.TextInput()
        widget.input_type, widget.attrs = bound.field.widget.input_type, bound.field.widget.attrs
        assert str(bound) == bound.as_widget(widget)


def test_owner_and_manager_filters_are_offered_to_managers_only(client, scene):
    client.force_login(scene["people"]["seclier5"])
    assert 'name="proprietaire"' not in client.get(reverse("search"), {"q": "x"}).text
    client.force_login(scene["people"]["gest-scol"])
    page = client.get(reverse("search"), {"q": "apogee", "proprietaire": "mdupont"}).text
    assert 'name="proprietaire"' in page and "0 ticket" in page
    scol = scene["services"]["scol"].pk
    params = {"q": "apogee", "proprietaire": "seclier5", "statut": "ouverts", "service": scol, "tri": "recent"}
    page = client.get(reverse("search"), params).text
    assert "1 ticket" in page and 'value="seclier5"' in page
    for name, value in [("service", scol), ("statut", "ouverts"), ("tri", "recent")]:
        assert f'<option value="{value}" selected>' in page, name


@pytest.mark.parametrize("reading", ["dense", "sparse, rare", "sparse, common"])
def test_suggestions_list_the_tickets_and_faq_entries_the_person_may_see(client, scene, monkeypatch, reading):
    # Every way of reading a relation's matches (PostgreSQL): in date order, or found first through the words'
    # index alone (a rare word) or through the services' own words (a common one), the last word a prefix.
    if reading.startswith("sparse"):
        monkeypatch.setattr(search_listing, "SAMPLE_ROWS", 1)
        monkeypatch.setattr(search_listing, "DENSE_HITS", 2)
        rare = "TRUE" if reading.endswith("rare") else "FALSE"
        monkeypatch.setattr(engines, "rarity", lambda *args, **kwargs: (rare, []))
    client.force_login(scene["people"]["gest-scol"])
    assert f"n°{scene['ticket'].pk}" in client.get(reverse("search_suggestions"), {"subject": "Problème apog"}).text
    client.force_login(scene["people"]["curieux"])
    page = client.get(reverse("search_suggestions"), {"subject": "Bulletin pai"}).text
    assert f"n°{scene['public'].pk}" in page
    client.force_login(scene["people"]["seclier5"])
    page = client.get(reverse("search_suggestions"), {"subject": "Problème apog"}).text
    assert f"n°{scene['ticket'].pk}" in page and "Pris en charge" in page
    assert "Comment retrouver mon mot de passe" in page and "Procédure interne" not in page
    client.force_login(scene["people"]["curieux"])
    page = client.get(reverse("search_suggestions"), {"subject": "Problème apog"}).text
    assert f"n°{scene['ticket'].pk}" not in page
    client.force_login(scene["people"]["seclier5"])
    assert client.get(reverse("search_suggestions"), {"subject": "zorglub"}).text.strip() == ""
    assert client.get(reverse("search_suggestions"), {"subject": "\x00" * 50 + "'&|"}).status_code == 200


def test_the_deposit_form_has_the_suggestions_and_a_link_to_the_search(client, scene):
    client.force_login(scene["people"]["seclier5"])
    page = client.get(reverse("deposit_form", args=[scene["categories"]["scol"].pk])).text
    assert 'aria-live="polite"' in page and reverse("search_suggestions") in page
    assert f'href="{reverse("search")}"' in page and "js/search-suggestions.js" in page


def count_queries(client, url, params):
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_query_counts_with_few_and_with_many_tickets(client, scene):
    people, category = scene["people"], scene["categories"]["scol"]
    cases = [
        ("seclier5", reverse("search"), {"q": "apogee"}),
        ("seclier5", reverse("search"), {"q": "apogee", "tri": "recent", "statut": "ouverts"}),
        ("seclier5", reverse("search"), {"q": "seclier5"}),
        ("gest-scol", reverse("search"), {"q": "connexion apogee", "service": scene["services"]["scol"].pk}),
        ("gest-scol", reverse("search"), {"q": "Benjamin Seclier", "page": "2"}),
        ("invite-gest", reverse("search"), {"q": "apogee"}),
        ("seclier5", reverse("search_suggestions"), {"subject": "connexion apog"}),
        ("gest-scol", reverse("search_suggestions"), {"subject": "connexion apog"}),
    ]

    def measure():
        counts = {}
        for person, url, params in cases:
            client.force_login(people[person])
            counts[(person, url, str(params))] = count_queries(client, url, params)
        return counts

    small = measure()
    for number in range(45):
        ticket = workflow.create_ticket(
            actor=people["seclier5"], category=category, subject=f"Connexion apogee {number}", description="<p>x</p>"
        )
        ticket = workflow.comment(ticket, actor=people["gest-scol"], text="Apogee interne", scope=EntryScope.MANAGERS)
        workflow.invite(ticket, actor=people["gest-scol"], user=people["invite-gest"])
    large = measure()
    assert large == small
