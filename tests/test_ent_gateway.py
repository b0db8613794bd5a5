"""The ENT tab's CAS gateway, against the real demo CAS server over HTTP: logged in without a click when the
person is logged in to the ENT's CAS, a visitor otherwise, CAS down, and never a loop."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.cas.gateway import DONE_PARAMETER, SESSION_KEY
from tests.cas_support import CASBrowser, cas_server, free_port, path_of  # noqa: F401
from tests.factories import ticket_in
from tickets.models import Status, Ticket

PORTAL_HOST = "127.0.0.1"  # a service the demo CAS server accepts, as testserver is not
PORTLET = "/ent/?onglet=assistance"


@pytest.fixture
def cas(settings, cas_server):  # noqa: F811
    settings.CAS_SERVER_URL = cas_server.url
    return cas_server


@pytest.fixture
def portal(db):
    return Client(HTTP_HOST=PORTAL_HOST)


def logged_in_to_the_ent(cas, username="seclier5"):
    """A browser that logged in to the ENT's CAS (for another service, as the ENT itself does)."""
    browser = CASBrowser()
    browser.log_in(f"{cas.url}login?service=http%3A%2F%2F127.0.0.1%3A9%2Fent%2F", username)
    return browser


def follow_gateway(portal, browser, url=PORTLET):
    """Opens ``url`` in the portal and follows the gateway through CAS and back; returns the redirects' places."""
    to_cas = portal.get(url)
    assert to_cas.status_code == 302
    assert to_cas["Location"].startswith(f"{portal.cas.url}login?")
    assert parse_qs(urlsplit(to_cas["Location"]).query)["gateway"] == ["true"]
    back = browser.session.get(to_cas["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = portal.get(path_of(back.headers["Location"]))
    assert callback.status_code == 302
    return back.headers["Location"], callback["Location"]


def test_a_person_logged_in_to_the_ent_is_logged_in_without_a_click(portal, cas, world):
    portal.cas = cas
    owner = world["people"]["owner"]
    owner.set_unusable_password()  # the person of the ENT's account seclier5
    owner.save()
    subject_ticket = ticket_in(world, Status.IN_PROGRESS)
    Ticket.objects.filter(pk=subject_ticket.pk).update(subject="Imprimante en panne")

    back, landing = follow_gateway(portal, logged_in_to_the_ent(cas))

    assert "ticket=" in back
    assert landing == PORTLET  # the page they asked for
    page = portal.get(landing)
    assert page.status_code == 200
    assert page.context["user"].username == "seclier5"
    assert "Imprimante en panne" in page.text


def test_a_person_not_logged_in_to_the_ent_lands_as_a_visitor_with_the_login_button(portal, cas):
    portal.cas = cas

    back, landing = follow_gateway(portal, CASBrowser())

    assert "ticket=" not in back
    assert landing == f"{PORTLET}&{DONE_PARAMETER}=1"
    page = portal.get(landing)
    assert page.status_code == 200
    assert not page.context["user"].is_authenticated
    assert "Connexion Université de Lorraine" in page.text
    # Remembered: the tab opened again shows the page at once.
    assert portal.get(PORTLET).status_code == 200


def test_the_gateway_is_tried_once_per_session(portal, cas):
    first = portal.get(PORTLET)
    assert first.status_code == 302
    assert portal.session[SESSION_KEY] is True
    assert portal.get(PORTLET).status_code == 200


def test_a_browser_that_keeps_no_cookie_does_not_loop(cas, db):
    """Each request from a new client, as in a frame whose browser refuses the portal's cookies."""
    to_cas = Client(HTTP_HOST=PORTAL_HOST).get(PORTLET)
    back = CASBrowser().session.get(to_cas["Location"], allow_redirects=False, timeout=10)
    callback = Client(HTTP_HOST=PORTAL_HOST).get(path_of(back.headers["Location"]))
    assert callback.status_code == 302
    assert DONE_PARAMETER in callback["Location"]
    assert Client(HTTP_HOST=PORTAL_HOST).get(callback["Location"]).status_code == 200


def test_a_gateway_ticket_for_a_login_this_browser_did_not_start_is_not_used(cas, db):
    browser = logged_in_to_the_ent(cas)
    to_cas = Client(HTTP_HOST=PORTAL_HOST).get(PORTLET)
    back = browser.session.get(to_cas["Location"], allow_redirects=False, timeout=10)
    assert "ticket=" in back.headers["Location"]
    other = Client(HTTP_HOST=PORTAL_HOST)

    callback = other.get(path_of(back.headers["Location"]))

    assert callback.status_code == 302
    assert DONE_PARAMETER in callback["Location"]
    assert "_auth_user_id" not in other.session


def test_cas_down_leaves_the_person_on_the_page_as_a_visitor(portal, settings):
    settings.CAS_SERVER_URL = f"http://127.0.0.1:{free_port()}/"

    page = portal.get(PORTLET)

    assert page.status_code == 200
    assert not page.context["user"].is_authenticated
    assert portal.session[SESSION_KEY] is True


def test_no_gateway_for_a_logged_in_person_or_when_turned_off(portal, cas, user, settings):
    settings.ENT_GATEWAY = False
    assert portal.get(PORTLET).status_code == 200
    settings.ENT_GATEWAY = True
    portal.force_login(user)
    assert portal.get(PORTLET).status_code == 200


def test_the_login_button_still_reports_a_missing_ticket(portal, cas):
    """Only the gateway's way back may come without a ticket."""
    assert portal.get(reverse("cas_callback"), {"state": "x"}).status_code == 400
