"""The demo's mailbox page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tickets import workflow
from tickets.models import IncomingMail, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mail(settings, tmp_path):
    settings.DEBUG = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.MAILERS = {
        "default": {"BACKEND": "helpdesk.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path / "mail")}}
    }
    return tmp_path / "mail"


def closure_mail(user, manager, make_category, django_capture_on_commit_callbacks):
    category = make_category(manager.managed_services.get())
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.create_ticket(
            actor=user, category=category, subject="Connexion apogee impossible", description="x"
        )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.take(ticket, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.request_closure(ticket, actor=manager, text="C'est corrigé.")


def test_the_mailbox_lists_the_mails_and_shows_their_links(
    client, demo_mail, user, manager, make_category, django_capture_on_commit_callbacks
):
    ticket = closure_mail(user, manager, make_category, django_capture_on_commit_callbacks)
    page = client.get(reverse("demo_mailbox")).text
    subject = f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    assert subject in page
    name = sorted(demo_mail.glob("*.eml"))[-1].name
    mail = client.get(reverse("demo_mail", args=[name])).text
    assert subject in mail
    assert '<a href="http://127.0.0.1:8000/lien/' in mail
    assert "Approuver la clôture" in mail and "Refuser la clôture" in mail


def test_the_mailbox_exists_only_in_the_demo(client, settings, demo_mail):
    settings.DEBUG = False
    assert client.get(reverse("demo_mailbox")).status_code == 404
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert client.get(reverse("demo_mailbox")).status_code == 404


def test_odd_mail_names_are_not_found(client, demo_mail):
    for name in ["../settings.py", "x.txt", "nope.eml", "%00.eml"]:
        assert client.get(f"/demo/courriels/{name}/").status_code == 404


def question_mail(user, manager, make_category, django_capture_on_commit_callbacks):
    category = make_category(manager.managed_services.get())
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.create_ticket(actor=user, category=category, subject="Connexion", description="x")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.take(ticket, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.request_information(ticket, actor=manager, text="Quel navigateur ?")


def test_a_mail_is_answered_from_the_mailbox_through_the_mail_gateway(
    client, demo_mail, user, manager, make_category, django_capture_on_commit_callbacks
):
    ticket = question_mail(user, manager, make_category, django_capture_on_commit_callbacks)
    name = sorted(demo_mail.glob("*.eml"))[-1].name
    page = client.get(reverse("demo_mail", args=[name])).text
    assert "Répondre à ce courriel" in page
    screenshot = SimpleUploadedFile("capture.png", png_bytes(), content_type="image/png")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("demo_mail_reply", args=[name]), {"text": "Firefox 128.", "files": [screenshot]}, follow=True
        )

    assert f"ticket n°{ticket.pk}" in response.text
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    entry = ticket.events.latest("pk")
    assert (entry.kind, entry.actor) == ("ticket.commented", user)
    assert "Firefox 128." in entry.text and "Quel navigateur" not in entry.text
    assert [attachment.name for attachment in entry.attachments.all()] == ["capture.png"]
    assert IncomingMail.objects.get().source == "pipe"


def test_an_empty_answer_is_refused_on_the_page(
    client, demo_mail, user, manager, make_category, django_capture_on_commit_callbacks
):
    question_mail(user, manager, make_category, django_capture_on_commit_callbacks)
    name = sorted(demo_mail.glob("*.eml"))[-1].name

    response = client.post(reverse("demo_mail_reply", args=[name]), {"text": "   "})

    assert response.status_code == 400
    assert "Écrivez une réponse ou joignez un fichier." in response.text
    assert IncomingMail.objects.count() == 0


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 128, 0)).save(buffer, "PNG")
    return buffer.getvalue()
