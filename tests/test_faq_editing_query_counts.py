"""Every page of the FAQ's managers costs the same number of queries with 10 and with 1,000 entries (and as
many history lines) in the FAQ."""

import pytest
from django.urls import reverse

from tests.factories import ticket_in
from tests.test_query_counts import count_queries
from tickets.faq import editing
from tickets.models import Event, FaqChange, FaqEntry, Status

pytestmark = pytest.mark.django_db


def add_entries(section, start, stop, author):
    """Entries ``start``..``stop - 1`` of ``section``, written at once; one in ten is a section itself; each
    with a line in the history of the section's first question."""
    FaqEntry.objects.bulk_create(
        [
            FaqEntry(
                service_id=section.service_id,
                path=FaqEntry._get_path(section.path, 2, number),
                depth=2,
                title=f"Question {number}",
                answer=f"<p>Réponse {number}</p>",
                is_section=number % 10 == 0,
                updated_by=author,
            )
            for number in range(start, stop)
        ]
    )
    FaqEntry.objects.filter(pk=section.pk).update(numchild=stop - 1)
    first = FaqEntry.objects.get(path=FaqEntry._get_path(section.path, 2, 1))
    FaqChange.objects.bulk_create(
        [
            FaqChange(entry=first, service_id=section.service_id, title=first.title, kind=kind, author=author)
            for kind in ["edited", "moved", "hidden", "shown", "file_added"] * ((stop - start) // 5)
        ]
    )
    return first


def test_query_counts_with_10_and_with_1000_entries(client, world, make_faq_entry):
    sophie = world["people"]["in_charge"]
    service = world["service"]
    section = make_faq_entry(service, title="Apogée", is_section=True)
    first = add_entries(section, 1, 11, sophie)
    editing.update_faq_entry(
        first, actor=sophie, title="Mot de passe", answer="<p>x</p>", scope="users", is_section=False, categories=[]
    )
    ticket = ticket_in(world, Status.APPROVED)
    event = Event.objects.create(ticket=ticket, actor=sophie, kind="ticket.closure_requested", text="<p>Fait.</p>")
    urls = [
        reverse("faq_entry", args=[first.pk]),
        reverse("faq_edit", args=[first.pk]),
        reverse("faq_move", args=[first.pk]),
        reverse("faq_delete", args=[section.pk]),
        reverse("faq_history", args=[first.pk]),
        reverse("faq_changes") + f"?service={service.pk}",
        reverse("faq_create") + f"?service={service.pk}",
        reverse("faq_create") + f"?service={service.pk}&parent={section.pk}",
        reverse("ticket_to_faq", args=[ticket.pk]),
        reverse("ticket_to_faq", args=[ticket.pk]) + f"?entrees={event.pk}",
    ]
    client.force_login(sophie)
    small = {url: count_queries(client, url) for url in urls}
    add_entries(section, 11, 1001, sophie)
    assert FaqEntry.objects.filter(service=service).count() == 1001
    assert FaqChange.objects.filter(entry=first).count() >= 1000
    large = {url: count_queries(client, url) for url in urls}
    assert large == small
    # The pages did show the entries.
    assert "Question 1000" in client.get(reverse("faq_move", args=[first.pk])).text
