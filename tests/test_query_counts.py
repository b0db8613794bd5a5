"""Every page costs the same number of queries with 10 and with 1,000 tickets in the database, and a ticket's
pages whatever number of files it has."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.factories import guide_tickets, ticket_in
from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.models import Attachment, Category, EntryScope, Status, Ticket
from tickets.services import personal

pytestmark = pytest.mark.django_db


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    return SimpleUploadedFile("capture.png", buffer.getvalue(), content_type="image/png")


def pages(ticket, category):
    """(who, url) of every page a person opens, with the heaviest parameters."""
    return [
        ("seclier5", reverse("home")),
        ("seclier5", reverse("help")),
        ("seclier5", reverse("deposit")),
        ("seclier5", reverse("deposit_form", args=[category.pk])),
        ("seclier5", reverse("dashboard")),
        ("seclier5", reverse("dashboard") + "?vue=tous&statut=tous&tri=sujet"),
        ("gest-scol", reverse("dashboard")),
        ("gest-scol", reverse("dashboard") + f"?vue=services&statut=tous&categorie={category.pk}&page=2"),
        ("gest-scol", reverse("ticket", args=[ticket.pk])),
        ("gest-scol", reverse("ticket_action", args=[ticket.pk, "comment"])),
        ("gest-scol", reverse("ticket_action", args=[ticket.pk, "assign"])),
        ("gest-scol", reverse("ticket_action", args=[ticket.pk, "move"])),
        ("seclier5", reverse("ticket", args=[ticket.pk])),
        ("seclier5", reverse("ticket_print", args=[ticket.pk])),
        ("seclier5", reverse("bookmarks")),
        ("seclier5", reverse("preferences")),
        ("gest-scol", reverse("preferences")),
        ("gest-scol", reverse("services")),
        ("gest-scol", reverse("utilities") + "?q=a"),
    ]


def count_queries(client, url):
    client.get(url)  # the first visit may record a view or fill a cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_with_10_and_with_1000_tickets(client, guide):
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    category = Category.objects.get(code="02_App_Gestion")
    guide_tickets(guide, 9, seed=1)
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject="Connexion apogee impossible", description="x"
    )
    ticket = workflow.take(ticket, actor=manager)
    personal.set_bookmark(owner, ticket, on=True)
    assert Ticket.objects.count() == 10

    def measure():
        counts = {}
        for username, url in pages(ticket, category):
            client.force_login(User.objects.get(username=username))
            counts[(username, url)] = count_queries(client, url)
        return counts

    small = measure()
    guide_tickets(guide, 990, seed=2)
    for number in range(30):
        ticket = workflow.comment(Ticket.objects.get(pk=ticket.pk), actor=owner, text=f"Relance {number}")
    for other in Ticket.objects.filter(owner=owner)[:40]:
        personal.set_bookmark(owner, other, on=True)
        personal.record_view(owner, other)
    assert Ticket.objects.count() == 1000
    large = measure()
    assert large == small


def test_the_ticket_s_pages_cost_the_same_with_2_and_with_30_files(client, world, settings):
    """Files on many entries, with their thumbnails, read in the one query of the files."""
    settings.MAX_FILES_PER_TICKET = 100
    people = world["people"]
    ticket = ticket_in(world, Status.IN_PROGRESS)
    urls = [
        ("owner", reverse("ticket", args=[ticket.pk])),
        ("manager", reverse("ticket", args=[ticket.pk])),
        ("owner", reverse("ticket_print", args=[ticket.pk])),
        ("owner", reverse("ticket_action", args=[ticket.pk, "comment"])),
        ("manager", reverse("ticket_action", args=[ticket.pk, "add_file"])),
    ]

    def add_files(count):
        nonlocal ticket
        for number in range(count):
            ticket = workflow.comment(Ticket.objects.get(pk=ticket.pk), actor=people["owner"], text=f"Fichier {number}")
            attachment = store_attachment(
                ticket, png(), uploaded_by=people["owner"], scope=EntryScope.INVITED, event=ticket.recorded_entry
            )
            Attachment.objects.filter(pk=attachment.pk).update(thumbnail=f"thumbnails/{attachment.token}-20x10.png")

    def measure():
        counts = {}
        for role, url in urls:
            client.force_login(people[role])
            counts[(role, url)] = count_queries(client, url)
        return counts

    add_files(2)
    small = measure()
    add_files(28)
    assert client.get(urls[0][1]).text.count('<img class="thumbnail"') == 2 * 30  # in the history and the list
    assert measure() == small
