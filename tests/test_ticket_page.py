"""The ticket page, as the guide shows it after depositing."""

import pytest
from django.urls import reverse

from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets import workflow
from tickets.models import EntryScope

pytestmark = pytest.mark.django_db


def deposit(user, category, subject="Connexion apogee impossible"):
    return workflow.create_ticket(
        actor=user,
        category=category,
        subject=subject,
        description="<p>Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?</p>",
    )


def test_the_page_reads_like_the_guide(client, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    client.force_login(user)
    page = client.get(reverse("ticket", args=[ticket.pk])).text
    for text in [
        f"TICKET n°{ticket.pk} : Connexion apogee impossible",
        "Libre",
        "02_App_Gestion - Applications scolarité",
        "Benjamin Seclier (seclier5)",
        "aucun",
        "Benjamin Seclier (seclier5) a créé le ticket.",
        "Visibilité Gestionnaires, propriétaire et invités",
        "Fichiers attachés 0",
        "Invités 0",
        "Derniers tickets du propriétaire",
    ]:
        assert text in page.replace("&#x27;", "'"), text


def test_an_internal_note_never_reaches_the_owner(client, user, scolarite):
    manager, category = scolarite
    ticket = deposit(user, category)
    ticket = workflow.take(ticket, actor=manager)
    workflow.comment(ticket, actor=manager, text="Note interne : voir avec la DSI", scope=EntryScope.MANAGERS)
    client.force_login(user)
    assert "Note interne" not in client.get(reverse("ticket", args=[ticket.pk])).text
    client.force_login(manager)
    assert "Note interne" in client.get(reverse("ticket", args=[ticket.pk])).text


def test_someone_else_gets_not_found(client, user, scolarite, make_user):
    _manager, category = scolarite
    ticket = deposit(user, category)
    client.force_login(make_user("curieux"))
    assert client.get(reverse("ticket", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("ticket_access"), {"numero": ticket.pk}).status_code == 404


def test_direct_access_opens_the_ticket(client, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    client.force_login(user)
    response = client.get(reverse("ticket_access"), {"numero": f" n°{ticket.pk} "})
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    for bad in ["", "abc", "-1", "\x00", "9" * 30]:
        assert client.get(reverse("ticket_access"), {"numero": bad}).status_code == 404


@pytest.mark.parametrize("others", [2, 40])
def test_query_count_does_not_grow(client, user, scolarite, django_assert_num_queries, others):
    manager, category = scolarite
    ticket = deposit(user, category)
    for _ in range(others):
        other = deposit(user, category, subject="Autre")
        workflow.comment(other, actor=user, text="encore")
        ticket = workflow.comment(ticket, actor=user, text="relance")
    client.force_login(manager)
    client.get(reverse("ticket", args=[ticket.pk]))
    # session, user, memberships, the services the visibility rules show, the ticket with its followers and
    # the viewer's bookmark, follow and visit (one query), invitees, history, files, owner's tickets, and the
    # update of the viewer's "Historique" row (record_view: the first visit above created it). The ACTIONS
    # menu reuses the memberships and invitees already read.
    with django_assert_num_queries(10):
        assert client.get(reverse("ticket", args=[ticket.pk])).status_code == 200


def test_typed_text_is_shown_without_script(client, user, scolarite):
    _manager, category = scolarite
    client.force_login(user)
    for payload in PAYLOADS:
        text = payload.replace("\x00", "") or "x"
        ticket = workflow.create_ticket(actor=user, category=category, subject=text[:200], description=text)
        ticket = workflow.comment(ticket, actor=user, text=text)
        page = client.get(reverse("ticket", args=[ticket.pk])).text
        main = page[page.index("<main") : page.index("</main>")]
        assert_no_script(main, allow_local_forms=True)
