"""Whatever a person types or clicks, no page answers 500: odd query strings, forms and URLs."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tickets import workflow
from tickets.models import Category

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "x", "-1", "0", "99999999999999999999", "\x00", "%00", "<script>alert(1)</script>", "' OR 1=1 --",
              "é" * 300, "../../etc/passwd", "1.5", "[]", "{}", "null"]  # fmt: skip


@pytest.fixture
def ticket(guide, admin_user):
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    category = Category.objects.get(code="02_App_Gestion")
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject="Connexion apogee impossible", description="x"
    )
    return workflow.take(ticket, actor=manager)


def logins():
    return [None, "seclier5", "gest-scol", "admin"]


def log_in(client, username):
    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))


def test_odd_query_strings_on_every_page(client, ticket):
    pages = [
        reverse("home"), reverse("help"), reverse("services"), reverse("utilities"), reverse("dashboard"),
        reverse("bookmarks"), reverse("deposit"), reverse("preferences"), reverse("ticket_access"),
        reverse("ticket", args=[ticket.pk]), reverse("ticket_print", args=[ticket.pk]),
        reverse("ticket_action", args=[ticket.pk, "comment"]),
    ]  # fmt: skip
    parameters = ["q", "vue", "statut", "tri", "page", "service", "categorie", "gestionnaire", "numero", "lien", "next"]
    for username in logins():
        log_in(client, username)
        for page, value in itertools.product(pages, ODD_VALUES):
            response = client.get(page, {name: value for name in parameters})
            assert response.status_code < 500, (username, page, repr(value))


def test_odd_urls(client, ticket):
    for username in logins():
        log_in(client, username)
        for value in ODD_VALUES:
            value = value.replace("/", "") or "x"
            for url in [f"/deposer/{value}/", f"/fichiers/{value}/", f"/lien/{value}/", f"/demo/courriels/{value}/",
                        f"/ticket/{ticket.pk}/action/{value}/", f"/ticket/{value}/"]:  # fmt: skip
                assert client.get(url).status_code < 500, (username, url)


def test_odd_posts_to_every_form(client, ticket):
    actions = ["comment", "take", "assign", "move", "postpone", "invite", "uninvite", "change_owner",
               "change_priority", "change_scope", "change_subject", "reject", "request_info", "free"]  # fmt: skip
    fields = ["version", "text", "scope", "manager", "category", "recall_at", "person", "owner", "priority",
              "subject", "lien", "on", "language", "description", "origin", "drafts"]  # fmt: skip
    category = Category.objects.get(code="02_App_Gestion")
    urls = [reverse("ticket_action", args=[ticket.pk, action]) for action in actions] + [
        reverse("bookmark", args=[ticket.pk]), reverse("follow", args=[ticket.pk]),
        reverse("bookmark_remove", args=[ticket.pk]), reverse("preferences"), reverse("set_language"),
        reverse("deposit_form", args=[category.pk]),
    ]  # fmt: skip
    for username in logins():
        log_in(client, username)
        for url, value in itertools.product(urls, ODD_VALUES):
            response = client.post(url, {name: value for name in fields})
            assert response.status_code < 500, (username, url, repr(value))
