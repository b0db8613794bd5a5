"""The conversation of the guide, by mail too: the manager asks a question on the portal, the owner answers
the notification from their mail client with a screenshot (delivered to a real IMAP server), the answer lands
in the history with its thumbnail and the ticket is back to work; the manager's note for managers only, with
its file, stays out of the owner's sight and reach."""

import io
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.mailin_support import imap_server, sample, use_as_mailbox  # noqa: F401 -- imap_server: a fixture
from tickets import workflow
from tickets.mailin import tasks
from tickets.models import Attachment, Category, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(settings, tmp_path, live_server, imap_server, mail_in_process):  # noqa: F811
    mail_in_process.SITE_URL = live_server.url
    mail_in_process.MAIL_IN_ADDRESS = "assistance@assistance.test"
    mail_in_process.MAILERS = {
        "default": {"BACKEND": "helpdesk.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path / "mail")}}
    }
    return {"mail": tmp_path / "mail", "imap": use_as_mailbox(imap_server, settings)}


def screenshot():
    image = io.BytesIO()
    Image.new("RGB", (320, 180), "teal").save(image, format="PNG")
    return image.getvalue()


def question_mail(folder, owner):
    """The notification of the question, as the owner's mail client received it."""
    for path in sorted(Path(folder).glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if owner.email in message["To"] and "Demande d'informations" in message["Subject"]:
            return message
    raise AssertionError("no question mailed to the owner")


def answer_with_screenshot(question, owner, ticket):
    """The owner's answer from Thunderbird, to the question's Reply-To, with a screenshot attached."""
    raw = sample("thunderbird_reply", FROM=owner.email, TO=question["Reply-To"], NUMBER=ticket.pk)
    message = BytesParser(policy=policy.default).parsebytes(raw)
    message.make_mixed()
    message.add_attachment(screenshot(), maintype="image", subtype="png", filename="ecran-erreur.png")
    return message.as_bytes()


def test_a_question_answered_by_mail_then_a_note_for_managers_only(live_server, browser, guide, portal):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    ticket = workflow.create_ticket(
        actor=owner, category=Category.objects.get(code="02_App_Gestion"),
        subject="Connexion apogee impossible", description="<p>Bonjour</p>",
    )  # fmt: skip
    workflow.take(ticket, actor=manager)

    # The manager asks for information on the portal.
    managers = browser.new_context()
    page = managers.new_page()
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/action/request_info/")
    page.locator("trix-editor").click()
    page.keyboard.type("Quel navigateur utilisez-vous ?")
    page.locator(".action-form").get_by_role("button", name="Demander des informations").click()
    expect(page.locator(".ticket .properties .status").first).to_have_text("En attente d'informations")

    # The owner answers the mail; the answer reaches the portal's mailbox, which beat's task reads.
    question = question_mail(portal["mail"], owner)
    assert question["Reply-To"].startswith("assistance+")
    portal["imap"].deliver(answer_with_screenshot(question, owner, ticket))
    assert tasks.receive_mail() == 1
    assert portal["imap"].messages() == []
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS

    owners = browser.new_context()
    mine = owners.new_page()
    log_in(mine, live_server.url, "seclier5")
    mine.goto(f"{live_server.url}/ticket/{ticket.pk}/")
    expect(mine.locator(".ticket .properties .status").first).to_have_text("Pris en charge")
    answer = mine.locator(".history .entry").last
    expect(answer).to_contain_text("J'utilise Firefox 128 sur Windows 11")
    expect(answer).not_to_contain_text("a écrit")  # the quoted question is cut
    expect(answer.locator("img.thumbnail")).to_be_visible()
    mine.wait_for_function("() => [...document.querySelectorAll('.history img.thumbnail')].at(-1).naturalWidth > 0")

    # The manager adds a note for managers only, with a file.
    page.goto(f"{live_server.url}/ticket/{ticket.pk}/action/comment/")
    page.locator("trix-editor").click()
    page.keyboard.type("Piste interne : le cache du mandataire.")
    page.get_by_label("Visibilité").select_option("managers")
    page.get_by_label("Fichiers (facultatif)").set_input_files(
        files=[{"name": "journal-interne.txt", "mimeType": "text/plain", "buffer": b"proxy cache 504\n"}]
    )
    page.locator(".action-form").get_by_role("button", name="Ajouter commentaire").click()
    expect(page.get_by_text("Votre commentaire a été ajouté.")).to_be_visible()
    note_file = Attachment.objects.get(name="journal-interne.txt")
    assert note_file.scope == "managers"

    # The owner sees neither the note nor its file, and cannot download it.
    mine.reload()
    expect(mine.locator(".history")).not_to_contain_text("Piste interne")
    expect(mine.get_by_text("journal-interne.txt")).to_have_count(0)
    assert mine.request.get(f"{live_server.url}/fichiers/{note_file.token}/").status == 404
    assert page.request.get(f"{live_server.url}/fichiers/{note_file.token}/").status == 200
    managers.close()
    owners.close()
