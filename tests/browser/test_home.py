import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_speaks_french_then_english(live_server, page):
    page.goto(live_server.url)

    expect(page).to_have_title(re.compile("Assistance"))
    # The guide's header, as the eye reads it (uppercase comes from the style sheet).
    assert re.fullmatch(r"UNIVERSITÉ DE LORRAINE\s*\|\s*Assistance", page.locator(".brand").inner_text().strip())
    expect(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="ACCUEIL")).to_be_visible()
    expect(page.get_by_role("link", name="Connexion avec un compte local")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="HOME")).to_be_visible()
    expect(page.get_by_role("link", name="Log in with a local account")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_user_logs_in_with_a_local_account(live_server, page, user):
    page.goto(live_server.url)
    page.get_by_role("link", name="Connexion avec un compte local").click()

    page.get_by_label("Identifiant").fill("seclier5")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Connexion", exact=True).click()

    expect(page.get_by_text("Bonjour, Benjamin Seclier")).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="PRÉFÉRENCES")).to_be_visible()
    expect(menu.get_by_role("link", name="SERVICES")).to_have_count(0)


def test_menu_is_usable_on_a_phone(live_server, browser, manager):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_role("link", name="Connexion avec un compte local").click()
    page.get_by_label("Identifiant").fill("gest-scol")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Connexion", exact=True).click()

    services = page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Services", exact=True)
    expect(services).to_be_in_viewport()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    services.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Services", exact=True)).to_be_visible()
    context.close()
