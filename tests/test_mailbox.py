"""The demo's mailbox page."""

import pytest
from django.urls import reverse

from tickets import workflow

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
