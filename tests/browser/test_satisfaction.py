"""The owner approves a closure from the mail, giving their satisfaction with the keyboard alone; the manager
reads it on the ticket. The approval form and the ticket page pass axe-core in French and in English."""

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tests.browser.test_mail_links import (  # noqa: F401 -- mail_on_disk: a fixture
    guide_ticket_awaiting_closure,
    mail_on_disk,
    open_latest_closure_mail,
)
from tickets.models import Satisfaction, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def assert_accessible_in_both_languages(page, shown_in_english):
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    expect(shown_in_english(page)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def tab_until(page, condition, *, limit=40):
    """Presses Tab until the focused element meets ``condition`` (a JavaScript predicate of it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({condition})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {condition}")


def test_the_owner_rates_from_the_mail_with_the_keyboard_and_the_manager_reads_it(
    live_server,
    browser,
    guide,
    mail_on_disk,  # noqa: F811
):
    ticket = guide_ticket_awaiting_closure()
    manager = ticket.manager

    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "seclier5")
    open_latest_closure_mail(page, live_server.url, ticket)
    page.get_by_role("link", name="Approuver la clôture").focus()
    page.keyboard.press("Enter")
    group = page.get_by_role("group", name="Votre satisfaction")
    expect(group).to_be_visible()
    expect(group.get_by_role("radio", name="Ne pas répondre")).to_be_checked()
    assert_accessible_in_both_languages(page, lambda page: page.get_by_role("group", name="Your satisfaction"))

    # Keyboard only: Tab to the rating group (it lands on the checked "Ne pas répondre"), up to 5, Tab to the
    # comment, Tab to the button.
    page.locator("body").focus()
    tab_until(page, "element => element.name === 'rating'")
    page.keyboard.press("ArrowUp")
    expect(group.get_by_role("radio", name="5 – Très satisfait")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Un commentaire (facultatif)")).to_be_focused()
    page.keyboard.type("Très rapide, merci")
    tab_until(page, "element => element.type === 'submit'")
    expect(page.locator(":focus")).to_have_text("Approuver la clôture")
    page.keyboard.press("Enter")
    expect(page.locator(".ticket .properties .status").first).to_have_text("Clôture approuvée")
    expect(page.locator("dd.satisfaction")).to_contain_text("5/5 – « Très rapide, merci »")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.APPROVED
    given = Satisfaction.objects.get(ticket_id=ticket.pk)
    assert (given.rating, given.comment, given.manager_id) == (5, "Très rapide, merci", manager.pk)
    context.close()

    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/")
    properties = page.get_by_role("region", name="Propriétés")
    expect(properties.locator("dt", has_text="Satisfaction")).to_be_visible()
    expect(properties.locator("dd.satisfaction")).to_contain_text("5/5 – « Très rapide, merci »")
    assert_accessible_in_both_languages(page, lambda page: page.get_by_role("heading", name="Properties"))
    context.close()
