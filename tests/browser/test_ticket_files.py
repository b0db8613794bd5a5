"""Files on the ticket page and in its action forms: a screenshot pasted into a comment, a file added with the
keyboard alone, a file removed by a manager; every page checked by axe-core, in French and in English."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tests.browser.test_deposit import PUT_SCREENSHOT_IN_CLIPBOARD
from tickets import workflow
from tickets.models import Attachment, Category, EntryScope
from tickets.services.files import act_with_files

pytestmark = pytest.mark.django_db(transaction=True)


class Draft:
    """A file handed to ``act_with_files`` as a form's draft would be."""

    def __init__(self, name, color):
        buffer = io.BytesIO()
        Image.new("RGB", (160, 90), color).save(buffer, "PNG")
        self.name, self.content = name, buffer.getvalue()

    def open(self):
        return SimpleUploadedFile(self.name, self.content, content_type="image/png")


@pytest.fixture
def ticket(guide, mail_in_process):
    """The owner's ticket, taken: a comment of the owner with "ecran.png", a managers-only note with
    "interne.png", thumbnails drawn (mail_in_process runs the worker's part in-process)."""
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    ticket = workflow.create_ticket(
        actor=owner, category=Category.objects.get(code="02_App_Gestion"),
        subject="Connexion apogee impossible", description="<p>Bonjour</p>",
    )  # fmt: skip
    ticket = workflow.take(ticket, actor=manager)
    ticket = act_with_files(
        lambda: workflow.comment(ticket, actor=owner, text="Voici l'écran"),
        actor=owner,
        drafts=[Draft("ecran.png", "red")],
    )
    return act_with_files(
        lambda: workflow.comment(ticket, actor=manager, text="Note interne", scope=EntryScope.MANAGERS),
        actor=manager,
        drafts=[Draft("interne.png", "blue")],
    )


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_axe_sees_what_is_wrong(page):
    page.set_content('<!DOCTYPE html><html lang="fr"><title>t</title><main><img src="data:,"></main></html>')
    assert any(line.startswith("image-alt:") for line in axe_violations(page))


def test_the_owner_pastes_a_screenshot_into_a_comment_in_french_then_english(live_server, browser, ticket):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live_server.url, "seclier5")
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/")
    history = page.locator(".history")
    expect(history.locator("img.thumbnail")).to_have_count(1)  # ecran.png; not the managers' note
    expect(page.locator("main")).not_to_contain_text("interne.png")
    image = history.locator("img.thumbnail")
    assert (image.get_attribute("loading"), image.get_attribute("width"), image.get_attribute("height")) == (
        "lazy", "160", "90",
    )  # fmt: skip
    assert_accessible(page)

    page.locator("summary", has_text="ACTIONS").click()
    page.get_by_role("link", name="Ajouter commentaire", exact=True).click()
    expect(page.get_by_label("Fichiers (facultatif)")).to_be_visible()
    assert_accessible(page)
    page.locator("trix-editor").click()
    page.keyboard.type("La même erreur ce matin.")
    page.evaluate(PUT_SCREENSHOT_IN_CLIPBOARD)
    page.get_by_label("Visibilité").focus()
    page.keyboard.press("Control+V")
    expect(page.locator("[data-file-list] li")).to_contain_text(re.compile(r"capture-\d{8}-\d{6}\.png"))
    assert_accessible(page)
    page.locator(".action-form").get_by_role("button", name="Ajouter commentaire").click()

    expect(page.get_by_text("Votre commentaire a été ajouté.")).to_be_visible()
    entry = page.locator(".history .entry").last
    expect(entry).to_contain_text("La même erreur ce matin.")
    expect(entry.locator("img.thumbnail")).to_be_visible()
    page.wait_for_function("() => [...document.querySelectorAll('.history img.thumbnail')].at(-1).naturalWidth > 0")
    assert Attachment.objects.get(name__startswith="capture-").event.kind == "ticket.commented"

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/action/comment/")
    expect(page.get_by_label("Files (optional)")).to_be_visible()
    assert_accessible(page)
    context.close()


def test_a_file_added_and_removed_with_the_keyboard_alone(live_server, browser, ticket):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/")
    expect(page.locator(".files img.thumbnail")).to_have_count(2)  # a manager reads the note's file too
    assert_accessible(page)

    page.locator("summary", has_text="ACTIONS").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Ajouter un fichier").focus()
    page.keyboard.press("Enter")
    files = page.get_by_label("Fichiers", exact=True)
    expect(files).to_be_visible()
    assert_accessible(page)
    # Sent without a file: the form comes back (swapped in by htmx) with the reason, the focus on the field.
    page.get_by_role("button", name="Ajouter un fichier").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Choisissez au moins un fichier.")).to_be_visible()
    expect(page.locator(":focus")).to_have_attribute("name", "files")
    assert_accessible(page)
    files.set_input_files(
        files=[{"name": "journal.txt", "mimeType": "text/plain", "buffer": "Erreur 42 à 9 h 12\n".encode()}]
    )
    page.keyboard.press("Tab")  # the file's own "Retirer" button comes next
    expect(page.locator(":focus")).to_have_attribute("aria-label", "Retirer journal.txt")
    page.get_by_role("button", name="Ajouter un fichier").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre ajout a été enregistré.")).to_be_visible()
    expect(page.locator(".history .entry").last).to_contain_text("a ajouté un fichier.")
    expect(page.locator(".history .entry").last.get_by_role("link", name="journal.txt")).to_be_visible()

    page.get_by_role("link", name="Supprimer ecran.png").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Supprimer un fichier")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Supprimer le fichier").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Le fichier « ecran.png » a été supprimé.")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Sophie Lambert (gest-scol) a supprimé le fichier « ecran.png ».")
    assert not Attachment.objects.filter(name="ecran.png").exists()
    assert_accessible(page)
    context.close()
