"""The FAQ's managers in a browser: an answer edited in the rich-text editor and seen in the history, an
entry moved with the keyboard alone, an entry made from a ticket; every page checked by axe-core, in
French and in English."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tickets import workflow
from tickets.models import Category, FaqEntry

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


@pytest.fixture
def faq(guide, make_faq_entry, mail_in_process):
    """Scolarité's FAQ (section "Apogée" with two questions, section "SNW"), managed by gest-scol; and a
    ticket of seclier5 whose closure gest-scol asked for and seclier5 approved."""
    service = guide["services"]["DN – Applications de scolarité"]
    apogee = make_faq_entry(service, title="Apogée", is_section=True)
    expired = make_faq_entry(
        parent=apogee, title="Mon mot de passe Apogée a expiré : que faire ?", answer="<div>Ancienne réponse</div>"
    )
    refused = make_faq_entry(parent=apogee, title="Apogée affiche « Accès refusé » à la connexion")
    make_faq_entry(service, title="SNW (Scolarité Nationale Web)", is_section=True)
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    ticket = workflow.create_ticket(
        actor=owner, category=Category.objects.get(code="02_App_Gestion"),
        subject="Mot de passe Apogée expiré", description="<p>Apogée me dit que mon mot de passe a expiré.</p>",
    )  # fmt: skip
    ticket = workflow.take(ticket, actor=manager)
    ticket = workflow.request_closure(ticket, actor=manager, text="<p>Changez-le depuis le client Apogée.</p>")
    ticket = workflow.approve_closure(ticket, actor=owner)
    return {"apogee": apogee, "expired": expired, "refused": refused, "ticket": ticket}


def test_a_manager_edits_an_answer_and_sees_it_in_the_history(live_server, page, faq):
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/faq/{faq['apogee'].pk}/")
    page.get_by_role("link", name="Ajouter une question ici").click()
    expect(page.get_by_label("Placer dans la rubrique")).to_have_value(str(faq["apogee"].pk))
    assert_accessible(page)
    page.goto(f"{live_server.url}/faq/{faq['expired'].pk}/")
    assert_accessible(page)  # with the tools of its managers
    page.get_by_role("link", name="Modifier", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Modifier « Mon mot de passe Apogée"))).to_be_visible()
    assert_accessible(page)
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Changez-le depuis le client Apogée, menu Outils.")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("L'entrée a été enregistrée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Mon mot de passe Apogée a expiré : que faire ?")).to_be_visible()
    page.get_by_role("link", name="Historique", exact=True).click()
    change = page.locator(".faq-history .entry").first
    expect(change).to_contain_text("Sophie Lambert a modifié l'entrée")
    expect(change.locator("ins")).to_contain_text("Changez-le depuis le client Apogée, menu Outils.")
    expect(change.locator("del")).to_contain_text("Ancienne réponse")
    assert_accessible(page)
    assert "menu Outils" in FaqEntry.objects.get(pk=faq["expired"].pk).answer

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("History of"))).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/faq/{faq['expired'].pk}/modifier/")
    expect(page.get_by_label("Question")).to_be_visible()
    assert_accessible(page)


def test_an_entry_moved_with_the_keyboard_alone(live_server, page, faq):
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/faq/{faq['refused'].pk}/")
    page.get_by_role("link", name="Déplacer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Déplacer « Apogée affiche"))).to_be_visible()
    assert_accessible(page)
    # Monter, by the keyboard: the entry becomes the section's first.
    page.get_by_role("button", name="Monter").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("L'entrée a été déplacée.")).to_be_visible()
    children = [entry.title for entry in FaqEntry.objects.get_children(FaqEntry.objects.get(pk=faq["apogee"].pk))]
    assert children[0] == "Apogée affiche « Accès refusé » à la connexion"

    page.goto(f"{live_server.url}/faq/{faq['refused'].pk}/deplacer/")
    place = page.get_by_label("Nouvelle place")
    place.focus()
    target = page.locator("option", has_text="Dans la rubrique « SNW (Scolarité Nationale Web) »")
    target_value = target.get_attribute("value")
    while place.input_value() != target_value:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Déplacer")
    page.keyboard.press("Enter")
    expect(page.get_by_text("L'entrée a été déplacée.")).to_be_visible()
    moved = FaqEntry.objects.get(pk=faq["refused"].pk)
    assert FaqEntry.objects.get_parent(moved).title == "SNW (Scolarité Nationale Web)"

    page.get_by_role("button", name="English").click()
    page.goto(f"{live_server.url}/faq/{faq['refused'].pk}/deplacer/")
    expect(page.get_by_label("New place")).to_be_visible()
    assert_accessible(page)


def test_delete_and_the_faqs_history_pages_are_accessible(live_server, page, faq):
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/faq/{faq['apogee'].pk}/")
    page.get_by_role("link", name="Supprimer").click()
    expect(page.get_by_text("Cette entrée contient 2 autres entrées")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/faq/historique/?service={faq['apogee'].service_id}")
    expect(page.locator(".faq-history")).to_contain_text("Aucun changement enregistré.")
    assert_accessible(page)
    page.get_by_role("button", name="English").click()
    page.goto(f"{live_server.url}/faq/nouvelle/?service={faq['apogee'].service_id}")
    expect(page.get_by_label("Place in the section")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/faq/{faq['apogee'].pk}/supprimer/")
    expect(page.get_by_role("button", name="Delete for good")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_text("has been deleted")).to_be_visible()
    page.goto(f"{live_server.url}/faq/historique/?service={faq['apogee'].service_id}")
    expect(page.locator(".faq-history")).to_contain_text("deleted the entry")
    assert_accessible(page)


def test_a_faq_entry_made_from_an_approved_ticket(live_server, page, faq):
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/ticket/{faq['ticket'].pk}/")
    page.locator("summary", has_text="ACTIONS").click()
    page.get_by_role("link", name="Créer une entrée de FAQ").click()
    expect(page.get_by_label(re.compile("Changez-le depuis le client Apogée"))).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_label("Question")).to_have_value("Mot de passe Apogée expiré")
    expect(page.locator("trix-editor")).to_contain_text("Changez-le depuis le client Apogée.")
    assert_accessible(page)
    page.get_by_label("Placer dans la rubrique").select_option(label="Apogée")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'entrée « Mot de passe Apogée expiré » a été créée.")).to_be_visible()
    entry = FaqEntry.objects.get(title="Mot de passe Apogée expiré")
    assert FaqEntry.objects.get_parent(entry).title == "Apogée"

    page.get_by_role("button", name="English").click()
    page.goto(f"{live_server.url}/ticket/{faq['ticket'].pk}/faq/")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Create a FAQ entry")).to_be_visible()
    assert_accessible(page)
