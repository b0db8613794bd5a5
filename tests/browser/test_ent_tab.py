"""The ENT's "Assistance" tab, as a person walks it: the demo ENT page (tickets/demo/ent.py, another origin)
frames the portlet; logged in to CAS once on the ENT's side, the person finds their tickets in the tab without a
second login, deposits a ticket and approves a closure inside the frame; the badge reads the counter (CORS).

What this setup proves, and what it does not: the ENT page (127.0.0.1:<port>), the portal (127.0.0.1:<another
port>) and the CAS server (127.0.0.1:<a third port>) are three origins of one site, as an ENT, a CAS server and
a portal on subdomains of one university's domain are: CSP frame-ancestors, the gateway through the framed
CAS session, the CSRF checks of forms posted inside the frame and CORS with credentials are all exercised with
the default SameSite=Lax cookies. A portal on another site than its ENT needs SameSite=None; Secure cookies,
hence HTTPS: that case is covered by the settings' tests (tests/test_ent.py), not by a browser here.
"""

import re

import pytest
from django.utils.csp import CSP
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.cas_support import cas_server, free_port  # noqa: F401
from tickets import workflow
from tickets.demo.ent import DemoENTServer
from tickets.models import Category, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal_url(live_server):
    # The live server listens on 127.0.0.1; "localhost" would be another site than the ENT's and CAS's.
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def cas(settings, cas_server):  # noqa: F811
    settings.CAS_SERVER_URL = cas_server.url
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, cas_server.url.rstrip("/")]}
    return cas_server


@pytest.fixture
def ent(settings, cas, portal_url):
    with DemoENTServer(free_port(), portal_url=portal_url, cas_url=cas.url) as server:
        settings.ENT_ORIGINS = [server.origin]
        yield server


@pytest.fixture
def closure_asked(guide):
    """A ticket of seclier5 whose closure gest-scol asked for."""
    people = guide["people"]
    ticket = workflow.create_ticket(
        actor=people["seclier5"],
        category=Category.objects.get(code="02_App_Gestion"),
        subject="Export My report en erreur",
        description="<p>Bonjour</p>",
    )
    ticket = workflow.take(ticket, actor=people["gest-scol"])
    return workflow.request_closure(ticket, actor=people["gest-scol"], text="<p>Corrigé.</p>")


def log_in_to_the_ent(page, ent, username="seclier5"):
    page.goto(ent.url)
    page.get_by_role("link", name="Se connecter à l'ENT").click()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text(f"Connecté : {username}")).to_be_visible()


def test_the_ent_tab_logs_in_without_a_click_and_works_inside_the_frame(page, ent, closure_asked):
    log_in_to_the_ent(page, ent)

    page.get_by_role("link", name=re.compile("^Assistance")).click()
    frame = page.frame_locator("iframe[title=Assistance]")
    expect(frame.get_by_text("Bonjour, Benjamin Seclier")).to_be_visible()
    expect(frame.get_by_role("link", name=f"n°{closure_asked.pk} : Export My report en erreur")).to_be_visible()
    expect(page.locator("#badge")).to_have_text("1")

    # Deposit a ticket inside the frame.
    frame.get_by_role("link", name="Déposer un ticket").click()
    frame.get_by_role("link", name="Support technique pour les applications de scolarité (Apogée, SNW, ...)").click()
    frame.get_by_label("Sujet").fill("Connexion apogee impossible")
    frame.locator("trix-editor").click()
    page.keyboard.type("Je n'arrive pas à me connecter à Apogee.")
    frame.get_by_role("button", name="Créer le ticket").click()
    expect(frame.get_by_text("Un nouveau ticket a été créé.")).to_be_visible()
    assert Ticket.objects.filter(subject="Connexion apogee impossible", owner__username="seclier5").exists()

    # Approve the closure inside the frame, from the tab.
    page.get_by_role("link", name=re.compile("^Assistance")).click()
    expect(page.locator("#badge")).to_have_text("2")
    frame.get_by_role("button", name=re.compile("^Approuver la clôture")).click()
    expect(frame.get_by_text("Vous avez approuvé la clôture du ticket.")).to_be_visible()
    assert Ticket.objects.get(pk=closure_asked.pk).status == Status.APPROVED
    page.get_by_role("link", name=re.compile("^Assistance")).click()
    expect(frame.get_by_text("Mon ticket ouvert (1)")).to_be_visible()
    expect(page.locator("#badge")).to_have_text("1")


def test_a_person_not_logged_in_to_the_ent_sees_the_login_button_in_the_tab(page, ent, guide):
    page.goto(f"{ent.url}?onglet=assistance")
    frame = page.frame_locator("iframe[title=Assistance]")
    expect(frame.get_by_role("link", name="Connexion Université de Lorraine")).to_be_visible()
    expect(page.locator("#badge")).to_have_text("")


@pytest.mark.parametrize("origins", [[], ["http://127.0.0.1:9"]], ids=["no ENT origin", "another origin"])
def test_without_the_ent_s_origin_the_portal_refuses_to_be_framed(page, ent, settings, portal_url, origins):
    settings.ENT_ORIGINS = origins
    with page.expect_response(f"{portal_url}/ent/") as answer:
        page.goto(f"{ent.url}?onglet=assistance")
    assert answer.value.headers.get("x-frame-options") == ("DENY" if not origins else None)
    child = page.main_frame.child_frames[0]
    page.wait_for_timeout(500)
    assert not child.url.startswith(portal_url), child.url
    assert child.url.startswith("chrome-error://"), child.url


def test_the_portlet_has_no_serious_accessibility_violation(page, ent, portal_url, closure_asked):
    # A visitor (not logged in to the ENT: the gateway comes back without a login).
    page.goto(f"{portal_url}/ent/")
    expect(page.get_by_role("link", name="Connexion Université de Lorraine")).to_be_visible()
    assert axe_violations(page) == []
    # A person, then a manager, in French and in English.
    for username in ("seclier5", "gest-scol"):
        page.context.clear_cookies()
        log_in_to_the_ent(page, ent, username)
        page.goto(f"{portal_url}/ent/")
        expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
        assert axe_violations(page) == [], username
        # The keyboard alone reaches "Déposer un ticket".
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()") == "Déposer un ticket":
                break
        else:
            raise AssertionError("Déposer un ticket is not reachable with the keyboard")
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        assert axe_violations(page) == [], username
        page.get_by_role("button", name="Français").click()
        page.goto(f"{ent.url}deconnexion")
