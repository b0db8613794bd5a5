"""The owner answers a closure request from the mail, as the guide tells."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tickets import workflow
from tickets.models import Category, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_on_disk(settings, tmp_path, live_server):
    settings.DEBUG = True  # the mailbox page exists only in the demo
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MAIL_QUEUE = ""
    settings.MAIL_GROUP_SECONDS = 0
    settings.SITE_URL = live_server.url
    settings.MAILERS = {
        "default": {"BACKEND": "helpdesk.mail.EmlFileBackend", "OPTIONS": {"file_path": str(tmp_path / "mail")}}
    }


def open_latest_closure_mail(page, base_url, ticket):
    page.goto(f"{base_url}/demo/courriels/")
    subject = f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    page.get_by_role("row").filter(has_text="benjamin.seclier").get_by_role("link", name=subject).first.click()


def guide_ticket_awaiting_closure():
    """seclier5's ticket in 02_App_Gestion, taken by gest-scol, who asked for its closure (``guide`` fixture)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    ticket = workflow.create_ticket(
        actor=owner, category=Category.objects.get(code="02_App_Gestion"),
        subject="Connexion apogee impossible", description="<p>Bonjour</p>",
    )  # fmt: skip
    ticket = workflow.take(ticket, actor=manager)
    ticket = workflow.request_closure(ticket, actor=manager, text="Votre compte est débloqué.")
    return ticket


def test_refuse_then_approve_from_the_mails(live_server, browser, guide, mail_on_disk):
    ticket = guide_ticket_awaiting_closure()
    manager = ticket.manager

    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "seclier5")
    open_latest_closure_mail(page, live_server.url, ticket)
    page.get_by_role("link", name="Refuser la clôture").click()
    # The link opened the form; nothing happened yet.
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSURE_REQUESTED
    page.locator("trix-editor").click()
    page.keyboard.type("Toujours impossible de me connecter.")
    page.locator(".action-form").get_by_role("button", name="Refuser la clôture").click()
    expect(page.locator(".ticket .properties .status").first).to_have_text("Pris en charge")

    ticket = workflow.request_closure(Ticket.objects.get(pk=ticket.pk), actor=manager, text="Corrigé pour de bon.")
    open_latest_closure_mail(page, live_server.url, ticket)
    page.get_by_role("link", name="Approuver la clôture").click()
    page.locator(".action-form").get_by_role("button", name="Approuver la clôture").click()
    expect(page.locator(".ticket .properties .status").first).to_have_text("Clôture approuvée")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.APPROVED
    context.close()
