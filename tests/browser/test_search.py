"""RECHERCHE in a browser: suggestions under the deposit's subject, and a word of a managers-only note found by
the manager and not by the owner; keyboard only, axe in French and English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tickets import workflow
from tickets.models import EntryScope

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def earlier(guide):
    """seclier5's earlier ticket, with a managers-only note of gest-scol."""
    people = guide["people"]
    ticket = workflow.create_ticket(
        actor=people["seclier5"],
        category=guide["categories"]["02_App_Gestion"],
        subject="Connexion à Apogée impossible",
        description="<p>Depuis ce matin.</p>",
    )
    ticket = workflow.take(ticket, actor=people["gest-scol"])
    return workflow.comment(
        ticket, actor=people["gest-scol"], text="<p>Le serveur zorglub est tombé</p>", scope=EntryScope.MANAGERS
    )


def test_the_deposit_suggests_the_earlier_ticket_as_the_subject_is_typed(live_server, page, guide, earlier):
    log_in(page, live_server.url, "seclier5")
    page.goto(f"{live_server.url}/deposer/{guide['categories']['02_App_Gestion'].pk}/")
    subject = page.get_by_label("Sujet")
    subject.focus()
    page.keyboard.type("apogee")
    region = page.locator("#subject-suggestions")
    expect(region).to_have_attribute("aria-live", "polite")
    suggestion = region.get_by_role("link", name=f"n°{earlier.pk} – Connexion à Apogée impossible")
    expect(suggestion).to_be_visible()
    expect(region).to_contain_text("Pris en charge")
    # Keyboard: the suggestions come right after the field.
    page.keyboard.press("Tab")
    expect(suggestion).to_be_focused()
    assert axe_violations(page) == []
    # The link to the search carries what was typed.
    search_link = page.get_by_role("link", name=re.compile("Chercher des tickets"))
    expect(search_link).to_have_attribute("href", "/recherche/?q=apogee")


def test_a_managers_only_word_is_found_by_the_manager_not_by_the_owner(live_server, page, guide, earlier):
    log_in(page, live_server.url, "gest-scol")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="RECHERCHE").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Recherche", exact=True)).to_be_visible()
    page.get_by_role("searchbox", name="Rechercher").focus()
    page.keyboard.type("zorglub")
    page.keyboard.press("Enter")
    result = page.get_by_role("link", name=re.compile(f"n°{earlier.pk} – Connexion à Apogée impossible"))
    expect(result).to_be_visible()
    expect(page.locator(".snippet mark")).to_have_text("zorglub")
    assert axe_violations(page) == []
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    expect(result).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Français").click()
    page.get_by_role("button", name="Déconnexion").click()

    log_in(page, live_server.url, "seclier5")
    page.goto(f"{live_server.url}/recherche/?q=zorglub")
    expect(page.get_by_role("heading", name="0 ticket")).to_be_visible()
    expect(page.get_by_text("zorglub", exact=False).locator("mark")).to_have_count(0)
    page.goto(f"{live_server.url}/recherche/?q=apog%C3%A9e")
    expect(result).to_be_visible()
    expect(page.locator(".search-results")).not_to_contain_text("zorglub")
