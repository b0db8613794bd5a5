"""What FAQ managers type (title, answer, file name) and what a ticket gives a new entry (subject, texts) is
shown without a way to run script on every page of the FAQ's managers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.factories import ticket_in
from tests.test_richtext import PAYLOAD_IDS, _between
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.faq import editing
from tickets.models import Event, Status

pytestmark = pytest.mark.django_db


def test_there_are_at_least_30_payloads():
    assert len(PAYLOADS) >= 30


def _checked(client, url, shown=None):
    response = client.get(url)
    assert response.status_code == 200, url
    main = _between(response.text, "<main", "</main>")
    assert_no_script(main, allow_static_scripts=True, allow_local_forms=True)
    if shown:
        # The text did reach the page, escaped.
        assert escape(shown) in main, url
    return main


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_faq_fields_are_shown_safely_on_every_managing_page(client, world, make_faq_entry, payload):
    text = payload.replace("\x00", "")
    title = " ".join(text.split())[:300] or "x"
    admin = world["people"]["admin"]
    service = world["service"]
    section = make_faq_entry(service, title=title, is_section=True)
    entry = editing.create_faq_entry(
        actor=admin, service=service, parent=section, title=title, answer=text, files=[
            SimpleUploadedFile(text[:100] + ".txt", b"texte")
        ],
    )  # fmt: skip
    editing.update_faq_entry(
        entry, actor=admin, title=title + " 2", answer=text + "<p>2</p>", scope="users", is_section=False, categories=[]
    )
    editing.move_faq_entry(entry, actor=admin, target=section, position=editing.BEFORE)
    client.force_login(admin)
    for url in [
        reverse("faq_edit", args=[entry.pk]),
        reverse("faq_history", args=[entry.pk]),
        reverse("faq_move", args=[entry.pk]),
        reverse("faq_delete", args=[section.pk]),
        reverse("faq_changes") + f"?service={service.pk}",
        reverse("faq_create") + f"?service={service.pk}&parent={section.pk}",
        reverse("faq_entry", args=[entry.pk]),
    ]:
        _checked(client, url, shown=title)
    # The file's name, on the edit page (its removal) and in the history.
    name = entry.files.get().name
    _checked(client, reverse("faq_edit", args=[entry.pk]), shown=name)
    _checked(client, reverse("faq_history", args=[entry.pk]), shown=name)


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_ticket_made_into_a_faq_entry_is_shown_safely(client, world, payload):
    text = payload.replace("\x00", "")
    ticket = ticket_in(world, Status.APPROVED)
    ticket.subject = " ".join(text.split())[:200] or "x"
    ticket.save(update_fields=["subject"])
    event = Event.objects.create(
        ticket=ticket, actor=world["people"]["in_charge"], kind="ticket.closure_requested", text=text + "<p>fin</p>"
    )
    client.force_login(world["people"]["in_charge"])
    url = reverse("ticket_to_faq", args=[ticket.pk])
    _checked(client, url, shown=ticket.subject)
    _checked(client, f"{url}?entrees={event.pk}", shown=ticket.subject)
    response = client.post(url, {"title": ticket.subject, "answer": text + "<p>fin</p>", "scope": "everyone"})
    assert response.status_code == 302
    _checked(client, response["Location"], shown=ticket.subject)
