import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

GUIDE_MESSAGE = "Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?"
PUT_SCREENSHOT_IN_CLIPBOARD = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 120; canvas.height = 80;
  const drawing = canvas.getContext("2d");
  drawing.fillStyle = "#b5121b"; drawing.fillRect(0, 0, 120, 80);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  await navigator.clipboard.write([new ClipboardItem({"image/png": blob})]);
}"""


def test_deposit_with_a_pasted_screenshot(live_server, browser, guide, mail_in_process):
    # mail_in_process: the work done after commit (mail, the screenshot's thumbnail) runs in-process.
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live_server.url, "seclier5")

    page.get_by_role("link", name="Déposer un ticket").click()
    expect(page.get_by_role("heading", name=re.compile("Sélectionner une catégorie"))).to_be_visible()
    # The filter works as one types.
    page.get_by_label("Filtrer la liste des catégories :").fill("apogée")
    expect(page.get_by_role("link", name="Polytech Nancy")).to_be_hidden()
    page.get_by_role("link", name="Support technique pour les applications de scolarité (Apogée, SNW, ...)").click()

    expect(page.get_by_text("02_App_Gestion - Support technique pour les applications de scolarité")).to_be_visible()
    page.get_by_label("Sujet").fill("Connexion apogee impossible")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.type(GUIDE_MESSAGE)
    page.locator('trix-toolbar [data-trix-attribute="bold"]').click()
    page.keyboard.type(" Merci.")
    expect(editor.locator("strong")).to_have_text(re.compile("Merci"))
    page.evaluate(PUT_SCREENSHOT_IN_CLIPBOARD)
    page.get_by_label("Sujet").focus()
    page.keyboard.press("Control+V")
    expect(page.locator("[data-file-list] li")).to_have_count(1)
    expect(page.locator("[data-file-list] li")).to_contain_text(re.compile(r"capture-\d{8}-\d{6}\.png"))
    page.get_by_role("button", name="Créer le ticket").click()

    expect(page.get_by_text("Un nouveau ticket a été créé.")).to_be_visible()
    ticket = Ticket.objects.get()
    expect(page.get_by_role("heading", name=f"TICKET n°{ticket.pk} : Connexion apogee impossible")).to_be_visible()
    expect(page.locator(".status")).to_have_text("Libre")
    # The file shows twice: in the creation's history entry and in the files list.
    expect(page.get_by_role("link", name=re.compile(r"capture-.*\.png"))).to_have_count(2)
    expect(page.locator("img.thumbnail").first).to_be_visible()
    # Loaded, not only laid out: the thumbnail's own URL answers with the drawn image.
    page.wait_for_function("() => document.querySelector('img.thumbnail').naturalWidth > 0")
    assert page.locator("img.thumbnail").first.evaluate("image => image.naturalWidth") == 120
    assert GUIDE_MESSAGE in ticket.description
    assert re.search(r"<strong>(&nbsp;|\s)?Merci\.</strong>", ticket.description)
    assert ticket.attachments.get().content_type == "image/png"
    context.close()
