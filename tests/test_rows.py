"""The rows lists and histories print: formatted once per page, they must say what the template filters said."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tickets import workflow
from tickets.comments.phrases import with_sentences
from tickets.dashboards import ticket_rows
from tickets.models import Category, EntryScope, Ticket
from tickets.views.rows import history_rows, ticket_table_rows

pytestmark = pytest.mark.django_db

# A summer and a winter moment, either side of midnight in Paris: the offsets and the day both change.
MOMENTS = [
    datetime(2026, 7, 1, 22, 30, 5, 123456, tzinfo=ZoneInfo("UTC")),
    datetime(2026, 12, 31, 23, 5, tzinfo=ZoneInfo("UTC")),
]


def filtered(value):
    """What the templates printed before: the `date` filter's ISO form and its short form."""
    template = Template("{{ value|date:'c' }}|{{ value|date:'d/m/y H:i' }}")
    return template.render(Context({"value": value})).split("|")


@pytest.mark.parametrize("zone", ["Europe/Paris", "Pacific/Noumea"])
def test_a_row_says_what_the_filters_said(user, scolarite, zone):
    manager = scolarite[0]
    ticket = workflow.create_ticket(actor=user, category=scolarite[1], subject="Inscription <b>", description="x")
    with timezone.override(zone), translation.override("en"):
        for moment in MOMENTS:
            Ticket.objects.filter(pk=ticket.pk).update(last_action_at=moment)
            (row,) = ticket_table_rows(ticket_rows(Ticket.objects.filter(pk=ticket.pk), manager))
            assert [row.last_action_iso, row.last_action_text] == filtered(moment)
            assert row.status_label == ticket.get_status_display() == "Free"
            assert row.url == f"/ticket/{ticket.pk}/" and row.subject == "Inscription <b>"
            assert row.owner == str(user) and row.manager is None and row.unread


def test_a_row_names_people_and_its_category_as_their_models_do(user, scolarite):
    # Rows read these fields as values: what they print must stay what the models print.
    manager, category = scolarite
    ticket = workflow.take(
        workflow.create_ticket(actor=user, category=category, subject="Inscription", description="x"), actor=manager
    )
    type(user).objects.filter(pk=user.pk).update(display_name="", first_name="", last_name="")
    type(user).objects.filter(pk=manager.pk).update(display_name="Madame Lambert")
    Category.objects.filter(pk=category.pk).update(short_label="")
    (row,) = ticket_table_rows(ticket_rows(Ticket.objects.filter(pk=ticket.pk), manager))
    for instance in (user, manager, category):
        instance.refresh_from_db()
    assert row.owner == str(user) == f"{user.username} ({user.username})"
    assert row.manager == str(manager) == "Madame Lambert (gest-scol)"
    assert row.category == category.short_title == f"02_App_Gestion - {category.label}"
    assert row.service == category.service.label


def test_an_entry_row_says_what_the_filters_said(user, scolarite):
    ticket = workflow.create_ticket(actor=user, category=scolarite[1], subject="Inscription", description="x")
    entry = ticket.events.get()
    entry.files = []
    with_sentences([entry])
    with timezone.override("Europe/Paris"), translation.override("en"):
        (row,) = history_rows([entry])
        assert [row.created_iso, row.created_text] == filtered(entry.created_at)
        assert row.visibility == f"Visibility {EntryScope(entry.scope).label}"
        assert row.author == entry.sentence.author and row.sentence == str(entry.sentence)
