"""Action links of mails: never act on GET, once, for one person, while the ticket is as mailed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets import workflow
from tickets.models import ActionLink, Event, Status
from tickets.notifications.links import create_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def closure_requested(user, manager, make_category):
    service = manager.managed_services.get()
    ticket = workflow.create_ticket(
        actor=user, category=make_category(service), subject="Connexion apogee impossible", description="x"
    )
    ticket = workflow.take(ticket, actor=manager)
    return workflow.request_closure(ticket, actor=manager, text="C'est corrigé.")


def follow(client, url):
    """Follows the mail link as a browser would, up to the page it lands on."""
    return client.get(url, follow=True)


def test_the_link_opens_the_form_and_one_click_approves(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    client.force_login(user)
    events = Event.objects.count()
    page = follow(client, url)
    assert page.status_code == 200
    assert "Approuver la clôture" in page.text
    assert Event.objects.count() == events  # following the link changed nothing
    token = url.rstrip("/").rsplit("/", 1)[-1]
    response = client.post(
        reverse("ticket_action", args=[closure_requested.pk, "approve_closure"]),
        {"version": closure_requested.version, "lien": token},
    )
    assert response.status_code == 302
    closure_requested.refresh_from_db()
    assert closure_requested.status == Status.APPROVED
    assert ActionLink.objects.latest("pk").used_at is not None


def test_the_refusal_link_still_asks_for_a_justification(client, user, closure_requested):
    url = create_link(closure_requested, "refuse_closure", user)
    client.force_login(user)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    action = reverse("ticket_action", args=[closure_requested.pk, "refuse_closure"])
    response = client.post(action, {"version": closure_requested.version, "lien": token, "text": ""})
    assert response.status_code == 400
    response = client.post(action, {"version": closure_requested.version, "lien": token, "text": "Toujours en panne"})
    assert response.status_code == 302
    closure_requested.refresh_from_db()
    assert closure_requested.status == Status.IN_PROGRESS


def test_a_visitor_is_sent_to_log_in_and_comes_back(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_tampered_token_shows_a_clear_page(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    for bad in [url[:-3] + "xx/", "/lien/abc/", "/lien/%00/", "/lien/" + "A" * 400 + "/"]:
        response = client.get(bad)
        assert response.status_code == 410
        assert "Ce lien n'est pas valide." in response.text.replace("&#x27;", "'")
        assert "Se connecter" in response.text


def test_an_expired_link(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    ActionLink.objects.filter(pk=ActionLink.objects.latest("pk").pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(user)
    assert "Ce lien a expiré." in client.get(url).text


def test_a_replayed_link(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    ActionLink.objects.filter(pk=ActionLink.objects.latest("pk").pk).update(used_at=timezone.now())
    client.force_login(user)
    assert "Ce lien a déjà servi." in client.get(url).text.replace("&#x27;", "'")


def test_a_link_used_by_another_logged_in_person(client, user, closure_requested, make_user):
    url = create_link(closure_requested, "approve_closure", user)
    client.force_login(make_user("voisin"))
    response = client.get(url)
    assert response.status_code == 403
    assert "envoyé à une autre personne" in response.text


def test_a_link_posted_by_the_manager_is_refused(client, user, manager, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(manager)
    response = client.post(
        reverse("ticket_action", args=[closure_requested.pk, "approve_closure"]),
        {"version": closure_requested.version, "lien": token},
    )
    assert response.status_code == 410
    closure_requested.refresh_from_db()
    assert closure_requested.status == Status.CLOSURE_REQUESTED


def test_a_link_is_dead_once_the_ticket_moved_on(client, user, manager, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    workflow.comment(closure_requested, actor=manager, text="Précision")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 410
    assert "Le ticket a changé depuis l'envoi de ce courriel." in response.text.replace("&#x27;", "'")


def test_a_link_works_once(client, user, closure_requested):
    url = create_link(closure_requested, "refuse_closure", user)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(user)
    action = reverse("ticket_action", args=[closure_requested.pk, "refuse_closure"])
    client.post(action, {"version": closure_requested.version, "lien": token, "text": "Non"})
    closure_requested.refresh_from_db()
    response = client.post(action, {"version": closure_requested.version, "lien": token, "text": "Encore"})
    assert response.status_code == 410
    assert closure_requested.events.filter(kind="ticket.closure_refused").count() == 1


def test_get_on_a_link_changes_nothing(client, user, closure_requested):
    url = create_link(closure_requested, "approve_closure", user)
    client.force_login(user)
    before = (Event.objects.count(), closure_requested.version)
    client.get(url, follow=True)
    client.get(url, follow=True)
    closure_requested.refresh_from_db()
    assert (Event.objects.count(), closure_requested.version) == before
    assert ActionLink.objects.latest("pk").used_at is None
