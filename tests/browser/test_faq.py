"""Questions fréquentes in a browser: a visitor reads a public entry from the menu; Benjamin Seclier sees the
scolarité category's entries at the deposit's step 2 and opens one in place with the keyboard, his subject kept;
the vote reached with Tab. Every page checked by axe-core, in French and in English."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tests.faq_support import add_file
from tickets.models import FaqEntry, FaqScope, FaqVote

pytestmark = pytest.mark.django_db(transaction=True)

CATEGORY = "Support technique pour les applications de scolarité (Apogée, SNW, ...)"
PUBLIC = "Comment retrouver mon mot de passe ?"
USERS_ONLY = "Apogée refuse ma connexion : que faire ?"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def faq(guide):
    """Scolarité's FAQ: a section "Connexion" with a public question (an image and a PDF) and one for people
    logged in, both linked to the scolarité category; a public question in the general FAQ."""
    service = guide["services"]["DN – Applications de scolarité"]
    category = guide["categories"]["02_App_Gestion"]
    section = FaqEntry.objects.add_root({"service": service, "title": "Connexion", "is_section": True})
    public = FaqEntry.objects.add_child(
        section,
        {
            "service": service,
            "title": PUBLIC,
            "answer": "<p>Utilisez le lien <strong>Mot de passe oublié</strong> de l'ENT.</p>",
            "updated_by": guide["people"]["gest-scol"],
        },
    )
    users_only = FaqEntry.objects.add_child(
        section,
        {
            "service": service,
            "title": USERS_ONLY,
            "scope": FaqScope.USERS,
            "answer": "<p>Videz le cache du navigateur.</p>",
        },
    )
    for entry in (public, users_only):
        entry.categories.add(category)
    add_file(public, name="ecran-ent.png", content=png(), content_type="image/png")
    add_file(public, name="procedure.pdf", content=b"%PDF-1.4 procedure", content_type="application/pdf")
    FaqEntry.objects.add_root({"title": "Qui contacter en cas d'urgence ?", "answer": "<p>Le 3000.</p>"})
    return {"public": public, "users_only": users_only}


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_a_visitor_reads_a_public_entry_from_the_menu_in_french_then_english(live_server, page, faq):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Questions fréquentes").click()
    expect(page.get_by_role("heading", name="QUESTIONS FRÉQUENTES")).to_be_visible()
    expect(page.get_by_role("heading", name="FAQ générale")).to_be_visible()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    # The visitor does not see what people logged in read.
    expect(page.get_by_role("link", name=USERS_ONLY)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=PUBLIC).click()
    expect(page.get_by_role("heading", level=1, name=PUBLIC)).to_be_visible()
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Connexion")
    expect(page.get_by_text("Mot de passe oublié")).to_be_visible()
    image = page.get_by_role("img", name="ecran-ent.png")
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('.faq-image img').naturalWidth > 0")
    expect(page.get_by_role("link", name="procedure.pdf")).to_be_visible()
    expect(page.get_by_text("par Sophie Lambert")).to_be_visible()
    expect(page.get_by_role("link", name="Connectez-vous pour donner votre avis.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Log in to give your opinion.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Frequently asked questions").click()
    expect(page.get_by_role("heading", name="General FAQ")).to_be_visible()
    assert_accessible(page)


def test_seclier5_reads_the_category_s_entries_at_step_2_without_losing_his_subject(live_server, page, faq):
    log_in(page, live_server.url, "seclier5")
    page.get_by_role("link", name="Déposer un ticket").click()
    page.get_by_role("link", name=CATEGORY).click()

    faq_block = page.locator(".faq-deposit")
    expect(faq_block.get_by_role("heading", name="Avant de déposer votre ticket, consultez :")).to_be_visible()
    expect(faq_block.locator("summary")).to_have_text([PUBLIC, USERS_ONLY])
    page.get_by_label("Sujet").fill("Connexion apogee impossible")
    assert_accessible(page)

    # Opened in place, with the keyboard: the answer shows, the page and what was typed stay.
    url = page.url
    faq_block.locator("summary", has_text=USERS_ONLY).focus()
    page.keyboard.press("Enter")
    expect(faq_block.get_by_text("Videz le cache du navigateur.")).to_be_visible()
    faq_block.locator("summary", has_text=PUBLIC).focus()
    page.keyboard.press("Enter")
    expect(faq_block.get_by_role("img", name="ecran-ent.png")).to_be_visible()
    link = faq_block.get_by_role("link", name=f"Voir la question « {PUBLIC} » (ouvrir dans un nouvel onglet)")
    expect(link).to_have_attribute("target", "_blank")
    assert page.url == url
    expect(page.get_by_label("Sujet")).to_have_value("Connexion apogee impossible")
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Before filing your ticket, read:")).to_be_visible()
    page.locator(".faq-deposit summary").first.click()
    assert_accessible(page)


def test_tab_reaches_the_vote_and_the_vote_is_recorded(live_server, page, faq):
    log_in(page, live_server.url, "seclier5")
    page.goto(f"{live_server.url}/faq/{faq['public'].pk}/")
    yes = page.get_by_role("button", name="Oui", exact=True)
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if yes.evaluate("button => button === document.activeElement"):
            break
    expect(yes).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Non", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Merci pour votre avis.")).to_be_visible()
    expect(page.get_by_text("Vous avez répondu « Non ».")).to_be_visible()
    assert list(FaqVote.objects.values_list("entry", "helpful")) == [(faq["public"].pk, False)]
    assert_accessible(page)
