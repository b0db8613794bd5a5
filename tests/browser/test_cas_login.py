"""The ENT login as a staff member walks it: the portal, the CAS form, back on the portal."""

import re

import pytest
from django.utils.csp import CSP
from playwright.sync_api import expect

from tests.cas_support import cas_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ent(settings, cas_server):  # noqa: F811
    """The portal pointing to the test CAS server, as helpdesk/settings.py does for the configured one."""
    settings.CAS_SERVER_URL = cas_server.url
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, cas_server.url.rstrip("/")]}
    return cas_server


def log_in_through_the_ent(page, base_url, username):
    page.goto(base_url)
    page.get_by_role("link", name="Connexion Université de Lorraine").click()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()


def test_staff_member_logs_in_through_the_ent_then_files_a_ticket(live_server, page, ent, guide):
    page.goto(live_server.url)

    page.get_by_role("link", name="Connexion Université de Lorraine").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(ent.url)}login\?service="))
    page.get_by_label("Identifiant").fill("seclier5")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_text("Bonjour, Benjamin Seclier")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("link", name="Déposer un ticket").click()
    expect(page.get_by_role("heading", name=re.compile("Sélectionner une catégorie"))).to_be_visible()


def test_logging_out_of_the_portal_logs_out_of_the_ent(live_server, page, ent, guide):
    log_in_through_the_ent(page, live_server.url, "gest-scol")
    expect(page.get_by_text("Bonjour, Sophie Lambert")).to_be_visible()

    page.get_by_role("button", name="Déconnexion").click()

    expect(page.get_by_role("link", name="Connexion Université de Lorraine")).to_be_visible()
    # The CAS session is over too: the ENT login asks for the password again.
    page.get_by_role("link", name="Connexion Université de Lorraine").click()
    expect(page.get_by_label("Mot de passe")).to_be_visible()
