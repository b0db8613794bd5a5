"""Signets/Historique, removing a bookmark, and the printable page of a ticket."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import workflow
from tickets.models import Attachment, Bookmark, EntryScope, Invitation, Ticket, TicketScope, View
from tickets.services.personal import record_view, set_bookmark

pytestmark = pytest.mark.django_db


def deposit(user, category, subject="Connexion apogee impossible", **fields):
    return workflow.create_ticket(
        actor=user,
        category=category,
        subject=subject,
        description="<p>Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?</p>",
        **fields,
    )


def listed(response, section):
    if section == "bookmarks":
        return [ticket.pk for ticket in response.context["bookmark_rows"]]
    return [ticket.pk for ticket in response.context["history_rows"]]


def test_visitors_are_sent_to_login(client, user, scolarite):
    ticket = deposit(user, scolarite[1])
    for url in [
        reverse("bookmarks"),
        reverse("ticket_print", args=[ticket.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("bookmark_remove", args=[ticket.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_bookmarks_newest_first(client, user, scolarite):
    _manager, category = scolarite
    first, second = deposit(user, category, "Premier"), deposit(user, category, "Second")
    set_bookmark(user, second, on=True)
    set_bookmark(user, first, on=True)
    Bookmark.objects.filter(ticket=second).update(created_at=timezone.now() - timedelta(days=1))
    client.force_login(user)
    response = client.get(reverse("bookmarks"))
    assert response.status_code == 200
    assert listed(response, "bookmarks") == [first.pk, second.pk]
    assert "Signets" in response.text
    assert "Historique" in response.text
    assert "Retirer le signet" in response.text
    assert reverse("bookmark_remove", args=[first.pk]) in response.text


def test_history_lists_the_last_viewed_tickets_newest_first(client, user, scolarite):
    _manager, category = scolarite
    tickets = [deposit(user, category, f"Ticket {index}") for index in range(3)]
    for ticket in tickets:
        record_view(user, ticket)
    View.objects.filter(ticket=tickets[0]).update(created_at=timezone.now() + timedelta(minutes=1))
    client.force_login(user)
    response = client.get(reverse("bookmarks"))
    assert listed(response, "history") == [tickets[0].pk, tickets[2].pk, tickets[1].pk]
    assert listed(response, "bookmarks") == []
    assert "Aucun signet." in response.text


def test_history_keeps_twenty_five(client, user, scolarite, make_user):
    _manager, category = scolarite
    tickets = [deposit(user, category, f"Ticket {index}") for index in range(30)]
    for ticket in tickets:
        record_view(user, ticket)
    other = make_user("lecteur")
    record_view(other, tickets[0])
    client.force_login(user)
    assert len(listed(client.get(reverse("bookmarks")), "history")) == 25
    # The hourly job forgets the older views, each person's own.
    out = io.StringIO()
    call_command("run_scheduled_work", "views", stdout=out)
    assert out.getvalue().strip() == "views past each person's last 25 forgotten: 5"
    kept = View.objects.filter(user=user).order_by("-created_at", "-pk").values_list("ticket_id", flat=True)
    assert list(kept) == [ticket.pk for ticket in reversed(tickets[5:])]
    assert View.objects.filter(user=other).count() == 1
    assert listed(client.get(reverse("bookmarks")), "history") == list(kept)


def test_lists_drop_tickets_the_user_may_no_longer_see(client, make_user, user, scolarite):
    _manager, category = scolarite
    reader = make_user("lecteur")
    public = deposit(user, category, "Public", scope=TicketScope.PUBLIC)
    invited = deposit(user, category, "Invité")
    Invitation.objects.create(ticket=invited, user=reader, invited_by=user)
    for ticket in [public, invited]:
        set_bookmark(reader, ticket, on=True)
        record_view(reader, ticket)
    client.force_login(reader)
    response = client.get(reverse("bookmarks"))
    assert set(listed(response, "bookmarks")) == set(listed(response, "history")) == {public.pk, invited.pk}
    Ticket.objects.filter(pk=public.pk).update(scope=TicketScope.PRIVATE)
    Invitation.objects.filter(ticket=invited).delete()
    response = client.get(reverse("bookmarks"))
    assert listed(response, "bookmarks") == listed(response, "history") == []
    assert "Public" not in response.text


def test_unread_mark_in_history(client, user, scolarite):
    manager, category = scolarite
    ticket = deposit(user, category)
    record_view(user, ticket)
    client.force_login(user)
    assert "non lu" not in client.get(reverse("bookmarks")).text
    View.objects.filter(user=user).update(created_at=timezone.now() - timedelta(minutes=5))
    workflow.comment(workflow.take(ticket, actor=manager), actor=manager, text="Quel navigateur ?")
    assert "non lu" in client.get(reverse("bookmarks")).text


def test_removing_a_bookmark(client, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    set_bookmark(user, ticket, on=True)
    client.force_login(user)
    url = reverse("bookmark_remove", args=[ticket.pk])
    assert client.get(url).status_code == 405
    assert Bookmark.objects.filter(user=user, ticket=ticket).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks")
    assert not Bookmark.objects.filter(user=user, ticket=ticket).exists()
    page = client.get(response["Location"])
    assert f"Le signet du ticket n°{ticket.pk} a été retiré." in page.text


def test_removing_a_bookmark_returns_only_to_this_site(client, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    client.force_login(user)
    url = reverse("bookmark_remove", args=[ticket.pk])
    back = reverse("ticket", args=[ticket.pk])
    assert client.post(url, {"next": back})["Location"] == back
    for evil in ["https://evil.example/", "//evil.example/", "bookmarks", "javascript:alert(1)"]:
        assert client.post(url, {"next": evil})["Location"] == reverse("bookmarks")


def test_removing_a_bookmark_of_a_ticket_one_cannot_see_is_not_found(client, make_user, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    stranger = make_user("curieux")
    client.force_login(stranger)
    assert client.post(reverse("bookmark_remove", args=[ticket.pk])).status_code == 404
    assert client.post(reverse("bookmark_remove", args=[999999])).status_code == 404


@pytest.mark.parametrize("volume", [3, 60])
def test_bookmarks_query_count_does_not_grow(client, user, scolarite, django_assert_num_queries, volume):
    manager, category = scolarite
    for index in range(volume):
        ticket = deposit(user, category, f"Ticket {index}")
        set_bookmark(user, ticket, on=True)
        record_view(user, ticket)
        if index % 2:
            workflow.take(ticket, actor=manager)
    client.force_login(user)
    # session, user, memberships, the services the visibility rules show, bookmarks' count, bookmarks' page,
    # history
    with django_assert_num_queries(7):
        response = client.get(reverse("bookmarks"))
    assert len(listed(response, "bookmarks")) == min(volume, 25)
    assert len(listed(response, "history")) == min(volume, 25)


# Imprimer


def test_print_shows_the_ticket_without_actions(client, user, scolarite):
    manager, category = scolarite
    ticket = deposit(user, category)
    ticket = workflow.take(ticket, actor=manager)
    workflow.comment(ticket, actor=manager, text="<p>Pouvez-vous <strong>préciser</strong> ?</p>")
    client.force_login(user)
    response = client.get(reverse("ticket_print", args=[ticket.pk]))
    assert response.status_code == 200
    text = response.text.replace("&#x27;", "'")
    for expected in [
        f"TICKET n°{ticket.pk} : Connexion apogee impossible",
        "Pris en charge",
        "02_App_Gestion - Applications scolarité",
        "Benjamin Seclier (seclier5)",
        "Sophie Lambert (gest-scol)",
        "Benjamin Seclier (seclier5) a créé le ticket.",
        "<strong>préciser</strong>",
        "Visibilité Gestionnaires, propriétaire et invités",
        "Fichiers attachés 0",
        "data-print",
    ]:
        assert expected in text, expected
    assert "<script>" not in text
    assert "style=" not in text
    assert "onclick" not in text


def test_print_hides_internal_notes_from_the_owner(client, user, scolarite):
    manager, category = scolarite
    ticket = workflow.take(deposit(user, category), actor=manager)
    workflow.comment(ticket, actor=manager, text="Note interne : voir avec la DSI", scope=EntryScope.MANAGERS)
    client.force_login(user)
    assert "Note interne" not in client.get(reverse("ticket_print", args=[ticket.pk])).text
    client.force_login(manager)
    page = client.get(reverse("ticket_print", args=[ticket.pk])).text
    assert "Note interne" in page
    assert "Visibilité Gestionnaires" in page


def test_print_lists_only_the_files_one_may_see(client, user, scolarite):
    manager, category = scolarite
    ticket = deposit(user, category)
    for name, scope in [("capture.png", EntryScope.INVITED), ("interne.pdf", EntryScope.MANAGERS)]:
        Attachment.objects.create(
            ticket=ticket,
            uploaded_by=manager,
            token=name.encode().hex().ljust(32, "0")[:32],
            file="attachments/x",
            name=name,
            content_type="application/octet-stream",
            size=10,
            scope=scope,
        )
    client.force_login(user)
    page = client.get(reverse("ticket_print", args=[ticket.pk])).text
    assert "capture.png" in page
    assert "interne.pdf" not in page
    assert "Fichiers attachés 1" in page


def test_print_of_a_ticket_one_cannot_see_is_not_found(client, make_user, user, scolarite):
    _manager, category = scolarite
    ticket = deposit(user, category)
    client.force_login(make_user("curieux"))
    assert client.get(reverse("ticket_print", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("ticket_print", args=[999999])).status_code == 404


def test_print_query_count_does_not_grow(client, user, scolarite):
    manager, category = scolarite
    ticket = workflow.take(deposit(user, category), actor=manager)
    client.force_login(manager)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("ticket_print", args=[ticket.pk])).status_code == 200
        return len(context)

    # What the page reads comes from selectors.ticket_page, which the ticket page shares and which grows
    # with it: the print page only has to keep it constant and small.
    small = queries()
    for index in range(40):
        ticket = workflow.comment(ticket, actor=manager if index % 2 else user, text=f"Message {index}")
        deposit(user, category, f"Autre {index}")
    assert queries() == small
    assert small <= 10
