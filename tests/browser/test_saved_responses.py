"""Réponses enregistrées and the Journal in a browser: gest-scol adds a saved response on its page, inserts it
into a comment from the editor's menu (its placeholders filled in), and finds the comment in the history and
in the Journal; every page checked by axe-core, in French and in English."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tickets import workflow
from tickets.models import Category, Event, SavedResponse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ticket(guide):
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    ticket = workflow.create_ticket(
        actor=owner, category=Category.objects.get(code="02_App_Gestion"),
        subject="Connexion apogee impossible", description="<p>Bonjour</p>",
    )  # fmt: skip
    return workflow.take(ticket, actor=manager)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_a_saved_response_added_then_inserted_into_a_comment(live_server, browser, ticket):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "gest-scol")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Réponses enregistrées").click()
    expect(page.get_by_role("heading", name="Réponses enregistrées", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Type de réponse").select_option(label="Du service DN – Applications de scolarité")
    page.get_by_label("Libellé").fill("Correctif appliqué")
    page.locator("trix-editor").click()
    page.keyboard.type("Bonjour {nom}, le ticket n°{numero} ({sujet}) est résolu.")
    page.get_by_role("button", name="Ajouter la réponse").click()
    expect(page.get_by_text("La réponse « Correctif appliqué » a été ajoutée.")).to_be_visible()
    expect(page.get_by_role("heading", name="DN – Applications de scolarité")).to_be_visible()
    assert SavedResponse.objects.get(label="Correctif appliqué").service.label == "DN – Applications de scolarité"
    assert_accessible(page)

    page.goto(f"{live_server.url}/ticket/{ticket.pk}/")
    page.locator("summary", has_text="ACTIONS").click()
    page.get_by_role("link", name="Ajouter commentaire", exact=True).click()
    editor = page.locator("trix-editor")
    expect(editor).to_be_visible()
    expect(page.get_by_label("Insérer une réponse enregistrée")).to_be_hidden()  # the editor's menu replaces it
    assert_accessible(page)
    editor.click()
    page.keyboard.type("Merci pour votre patience. ")
    toggle = page.get_by_role("button", name="Réponses enregistrées")
    toggle.focus()
    page.keyboard.press("Enter")  # with the keyboard: the menu opens on its first response
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(":focus")).to_have_text("Correctif appliqué")
    assert_accessible(page)
    page.keyboard.press("Enter")
    expected = f"Bonjour Benjamin Seclier, le ticket n°{ticket.pk} (Connexion apogee impossible) est résolu."
    expect(editor).to_contain_text("Merci pour votre patience. " + expected)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.locator(".action-form").get_by_role("button", name="Ajouter commentaire").click()

    expect(page.get_by_text("Votre commentaire a été ajouté.")).to_be_visible()
    expect(page.locator(".history .entry").last).to_contain_text(expected)
    assert expected in Event.objects.filter(kind="ticket.commented").get().text

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Journal").click()
    row = page.locator("tr", has_text="a ajouté un commentaire.")
    expect(row).to_contain_text(f"n°{ticket.pk} – Connexion apogee impossible")
    assert_accessible(page)
    page.get_by_role("link", name="Administration", exact=True).click()
    expect(page.get_by_text("a ajouté la réponse enregistrée « Correctif appliqué »")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Log")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Activity").click()
    expect(page.locator("tr", has_text="added a comment.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reponses/")
    expect(page.get_by_role("heading", name="Saved responses", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/action/comment/")
    page.get_by_role("button", name="Saved responses").click()
    expect(page.get_by_role("button", name="Correctif appliqué")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Escape")  # closes the menu, back on its button
    expect(page.get_by_role("button", name="Saved responses")).to_be_focused()
    expect(page.get_by_role("button", name="Correctif appliqué")).to_be_hidden()

    saved = SavedResponse.objects.get(label="Correctif appliqué")
    page.goto(f"{live_server.url}/reponses/{saved.pk}/modifier/")
    expect(page.get_by_role("heading", name="Edit a saved response")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reponses/{saved.pk}/supprimer/")
    assert_accessible(page)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("The response “Correctif appliqué” has been deleted.")).to_be_visible()
    assert not SavedResponse.objects.filter(pk=saved.pk).exists()
    context.close()
