"""The ENT's "Assistance" tab: the portlet, the headers that let the ENT alone frame the portal, the badge's
counter (its CORS and its cost). The CAS gateway has its own tests (test_ent_gateway.py)."""

import io

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cas_support import free_port
from tests.factories import bulk_tickets, ticket_in
from tests.test_settings import run_manage
from tickets.demo.ent import start_for_demo
from tickets.models import Status, Ticket
from tickets.services import personal

pytestmark = pytest.mark.django_db

ENT = "https://ent.univ.example"


def titled(world, status, subject):
    ticket = ticket_in(world, status)
    Ticket.objects.filter(pk=ticket.pk).update(subject=subject)
    return ticket


@pytest.fixture
def ent_settings(settings):
    """The portal as configured with an ENT origin (ASSISTANCE_ENT_ORIGINS)."""
    settings.ENT_ORIGINS = [ENT]
    return settings


# The portlet.


def test_a_person_sees_their_open_tickets_and_those_waiting_for_their_approval(client, world):
    owner = world["people"]["owner"]
    working = titled(world, Status.IN_PROGRESS, "Imprimante en panne")
    asked = titled(world, Status.CLOSURE_REQUESTED, "Wifi coupé")
    titled(world, Status.APPROVED, "Déjà réglé")
    personal.record_view(owner, working)
    client.force_login(owner)

    response = client.get(reverse("ent_portlet"))

    assert response.status_code == 200
    page = response.text
    assert "Imprimante en panne" in page and "Wifi coupé" in page
    assert "Déjà réglé" not in page
    assert "Mes tickets ouverts (2)" in page
    assert page.count('class="badge unread"') == 1  # the one never opened
    assert reverse("ticket_action", args=[asked.pk, "approve_closure"]) in page
    assert reverse("ticket_action", args=[asked.pk, "refuse_closure"]) in page
    assert reverse("ticket_action", args=[working.pk, "approve_closure"]) not in page
    assert reverse("deposit") in page
    assert "tickets libres" not in page


def test_approving_from_the_portlet_closes_the_ticket(client, world):
    owner = world["people"]["owner"]
    asked = ticket_in(world, Status.CLOSURE_REQUESTED)
    client.force_login(owner)
    client.get(reverse("ent_portlet"))

    response = client.post(reverse("ticket_action", args=[asked.pk, "approve_closure"]), {"version": asked.version})

    assert response.status_code == 302
    assert Ticket.objects.get(pk=asked.pk).status == Status.APPROVED


def test_a_manager_sees_the_counts_of_free_tickets_and_of_theirs(client, world):
    ticket_in(world, Status.FREE)
    ticket_in(world, Status.FREE)
    ticket_in(world, Status.IN_PROGRESS)  # in the charge of "in_charge"
    client.force_login(world["people"]["in_charge"])

    page = client.get(reverse("ent_portlet")).text

    assert "2 tickets libres" in page
    assert "1 ticket pris en charge par moi" in page
    assert f"{reverse('dashboard')}?vue=libres" in page
    assert f"{reverse('dashboard')}?vue=miens" in page


def test_links_open_in_a_new_tab_when_the_administrator_chooses(client, world, settings):
    ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    assert 'target="_blank"' not in client.get(reverse("ent_portlet")).text

    settings.ENT_LINK_TARGET = "_blank"
    page = client.get(reverse("ent_portlet")).text

    assert page.count('target="_blank" rel="noopener"') >= 2  # the deposit, the ticket


def test_a_visitor_gets_the_login_button(client, settings):
    settings.CAS_SERVER_URL = ""
    page = client.get(reverse("ent_portlet")).text
    assert "Connectez-vous pour voir vos tickets" in page
    # In a new tab: login pages (a CAS server's above all) may refuse to be framed.
    assert f'href="{reverse("account_login")}" target="_blank" rel="noopener"' in page


def test_the_portlet_speaks_english(client, world):
    owner = world["people"]["owner"]
    owner.language = "en"
    owner.save()
    ticket_in(world, Status.CLOSURE_REQUESTED)
    client.force_login(owner)
    page = client.get(reverse("ent_portlet")).text
    assert "My open ticket (1)" in page
    assert "Approve the closure" in page


# Framing: by the ENT's origins only.


def test_without_ent_origins_the_portal_refuses_every_frame(client):
    response = client.get(reverse("ent_portlet"))
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_with_ent_origins_only_they_may_frame_the_portal(client, ent_settings):
    for url in (reverse("ent_portlet"), reverse("home"), reverse("deposit")):
        response = client.get(url, follow=True)
        assert "X-Frame-Options" not in response, url
        assert f"frame-ancestors {ENT}" in response["Content-Security-Policy"], url
        assert "frame-ancestors 'none'" not in response["Content-Security-Policy"], url


def test_the_environment_sets_origins_frame_ancestors_and_cookies(tmp_path):
    show = (
        "from django.conf import settings as s; from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get('/ent/compteur/'); "
        "print(s.ENT_ORIGINS, r.headers.get('X-Frame-Options'), "
        "[d for d in r['Content-Security-Policy'].split('; ') if d.startswith('frame-ancestors')], "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    alone = run_manage("shell", "--no-imports", "-c", show, ASSISTANCE_VAR_DIR=str(tmp_path))
    assert alone.stdout.strip() == "[] DENY [\"frame-ancestors 'none'\"] Lax Lax False False", alone.stderr
    framed = run_manage(
        "shell", "--no-imports", "-c", show,
        ASSISTANCE_VAR_DIR=str(tmp_path),
        ASSISTANCE_ENT_ORIGINS=f"{ENT}/,https://ent2.univ.example:8443",
        ASSISTANCE_COOKIE_SAMESITE="None",
    )  # fmt: skip
    origins = f"'{ENT}', 'https://ent2.univ.example:8443'"
    expected = f"[{origins}] None ['frame-ancestors {ENT} https://ent2.univ.example:8443'] None None True True"
    assert framed.stdout.strip() == expected, framed.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"ASSISTANCE_ENT_ORIGINS": "https://ent.univ.example/portail"}, "is not an origin"),
        ({"ASSISTANCE_ENT_ORIGINS": "ent.univ.example"}, "is not an origin"),
        ({"ASSISTANCE_COOKIE_SAMESITE": "Sometimes"}, "ASSISTANCE_COOKIE_SAMESITE must be"),
        ({"ASSISTANCE_ENT_LINK_TARGET": "_top"}, "ASSISTANCE_ENT_LINK_TARGET must be"),
    ],
)
def test_bad_ent_settings_are_refused(tmp_path, environment, message):
    result = run_manage("check", ASSISTANCE_VAR_DIR=str(tmp_path), **environment)
    assert result.returncode != 0
    assert message in result.stderr


# The badge's counter.


def test_the_counter_counts_open_waiting_and_unread_tickets(client, world):
    owner = world["people"]["owner"]
    seen = ticket_in(world, Status.IN_PROGRESS)
    ticket_in(world, Status.CLOSURE_REQUESTED)
    ticket_in(world, Status.FREE)
    ticket_in(world, Status.CANCELLED)
    personal.record_view(owner, seen)
    client.force_login(owner)

    response = client.get(reverse("ent_counter"))

    assert response.json() == {"authenticated": True, "open": 3, "awaiting_approval": 1, "unread": 2, "cap": 100}
    assert "no-store" in response["Cache-Control"]


def test_the_counts_stop_at_the_cap(client, world, monkeypatch):
    monkeypatch.setattr("tickets.portlet.COUNT_CAP", 2)
    for _ in range(3):
        ticket_in(world, Status.CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])

    counts = client.get(reverse("ent_counter")).json()
    page = client.get(reverse("ent_portlet")).text

    assert (counts["open"], counts["awaiting_approval"], counts["unread"], counts["cap"]) == (2, 2, 2, 2)
    assert "Mes tickets ouverts (2 ou plus)" in page
    client.force_login(world["people"]["in_charge"])
    page = client.get(reverse("ent_portlet")).text
    assert "2 tickets pris en charge par moi ou plus" in page


def test_a_visitor_s_counter_says_so(client):
    assert client.get(reverse("ent_counter")).json() == {"authenticated": False}


def test_the_counter_is_readable_from_the_ent_origins_only(client, user, ent_settings):
    client.force_login(user)

    from_ent = client.get(reverse("ent_counter"), headers={"Origin": ENT})
    from_elsewhere = client.get(reverse("ent_counter"), headers={"Origin": "https://evil.example"})
    without_origin = client.get(reverse("ent_counter"))

    assert from_ent["Access-Control-Allow-Origin"] == ENT
    assert from_ent["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in from_ent["Vary"]
    for response in (from_elsewhere, without_origin):
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


def test_without_ent_origins_no_origin_may_read_the_counter(client, user):
    client.force_login(user)
    response = client.get(reverse("ent_counter"), headers={"Origin": ENT})
    assert "Access-Control-Allow-Origin" not in response


# Cost: the same number of queries at two data sizes.


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_portlet_and_the_counter_cost_the_same_with_10_and_with_1000_tickets(client, world):
    people = world["people"]
    categories = [world["categories"]["home"]]

    def measure():
        counts = {}
        for role in ("owner", "in_charge"):
            client.force_login(people[role])
            for name in ("ent_portlet", "ent_counter"):
                counts[(role, name)] = count_queries(client, reverse(name))
        return counts

    for status in (Status.FREE, Status.IN_PROGRESS, Status.CLOSURE_REQUESTED):
        ticket_in(world, status)
    bulk_tickets(7, owners=[people["owner"]], categories=categories, seed=1)
    small = measure()
    tickets = bulk_tickets(990, owners=[people["owner"]], categories=categories, seed=2)
    for ticket in tickets[:50]:
        personal.record_view(people["owner"], ticket)
    for _ in range(10):
        ticket_in(world, Status.CLOSURE_REQUESTED)
    assert Ticket.objects.count() == 1010
    large = measure()
    assert large == small
    assert small[("owner", "ent_counter")] <= 3  # the session, the person, one aggregate


# The demo ENT page.


def test_the_demo_ent_frames_the_portlet_and_may_frame_the_portal(settings):
    settings.ENT_ORIGINS = []
    settings.ENT_DEMO_PORT = free_port()
    server = start_for_demo(io.StringIO(), portal_url="http://127.0.0.1:8000/")
    try:
        assert [f"http://127.0.0.1:{settings.ENT_DEMO_PORT}"] == settings.ENT_ORIGINS
        page = requests.get(f"{server.url}?onglet=assistance", timeout=5).text
        assert '<iframe src="http://127.0.0.1:8000/ent/" title="Assistance"' in page
        assert 'data-counter="http://127.0.0.1:8000/ent/compteur/"' in page
        assert "Se connecter à l'ENT" in page
    finally:
        server.stop()
