"""Files after the deposit: every action with a text takes files, kept as drafts between tries; "Ajouter un
fichier"; a file has its entry's scope; thumbnails in the history; managers remove a file."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import ticket_in as shared_ticket_in
from tests.test_ticket_actions import CASES, posted
from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.forms.actions import ACTION_FORMS
from tickets.models import Attachment, EntryScope, Event, Status, Ticket

pytestmark = pytest.mark.django_db

FREE, IN_PROGRESS, AWAITING = Status.FREE, Status.IN_PROGRESS, Status.AWAITING_INFO
# The actions whose form has a text, hence files.
WITH_FILES = sorted(name for name, action in ACTION_FORMS.items() if action.takes_files)


def ticket_in(world, status, **fields):
    return shared_ticket_in(world, status, idle_days=1, **fields)


def png(name="capture.png", size=(120, 80)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def action_url(ticket, action):
    return reverse("ticket_action", args=[ticket.pk, action])


def page_of(client, ticket, name="ticket"):
    response = client.get(reverse(name, args=[ticket.pk]))
    assert response.status_code == 200
    return response.text


def drafts_listed(page):
    return re.findall(r'<input type="checkbox" name="drafts" value="([0-9a-f]+)" checked>', page)


@pytest.fixture
def thumbnails_in_process(settings):
    """The work done after commit (thumbnails, mail) runs in-process whatever broker the environment names."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MAIL_QUEUE = ""
    settings.MAIL_GROUP_SECONDS = 0


def test_every_action_with_a_text_takes_files_and_only_those():
    assert "add_file" in WITH_FILES
    assert {"comment", "request_info", "refuse_closure", "request_closure", "take", "reject"} <= set(WITH_FILES)
    for name, action in ACTION_FORMS.items():
        texts = any(declared.name == "text" for declared in action.fields)
        assert action.takes_files == (texts or name == "add_file"), name
    # The one-button actions of the menu stay one button: their files are for their form's page.
    assert {name for name, action in ACTION_FORMS.items() if action.direct} >= {"take", "request_closure", "close"}


@pytest.mark.parametrize(
    ("action", "source", "role", "data", "target", "kind", "check"),
    [case for case in CASES if case[0] in WITH_FILES],
    ids=[case[0] for case in CASES if case[0] in WITH_FILES],
)
def test_each_action_attaches_its_files_to_its_entry(client, world, action, source, role, data, target, kind, check):
    ticket = ticket_in(world, source)
    client.force_login(world["people"][role])
    form = client.get(action_url(ticket, action)).text
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="files"' in form
    response = client.post(
        action_url(ticket, action), {"version": ticket.version, **posted(data, world), "files": [png("écran.png")]}
    )
    assert response.status_code == 302, response.text[:2000]
    entry = Event.objects.get(ticket=ticket)
    attached = Attachment.objects.filter(ticket=ticket, name="écran.png").get()
    assert (attached.event, attached.scope, attached.uploaded_by) == (entry, entry.scope, world["people"][role])


def test_a_comment_with_files_shows_them_in_its_entry_with_their_thumbnail(
    client, world, thumbnails_in_process, django_capture_on_commit_callbacks
):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action_url(ticket, "comment"),
            {"version": ticket.version, "text": "Voici l'écran", "scope": "invited", "files": [png(), png("b.png")]},
        )
    assert response.status_code == 302
    attachment = Attachment.objects.get(name="capture.png")
    assert attachment.thumbnail_size == (120, 80)
    page = page_of(client, ticket)
    history = page[page.index('id="history-title"') : page.index('id="properties-title"')]
    thumbnail = reverse("attachment_thumbnail", args=[attachment.token])
    assert f'<img class="thumbnail" src="{thumbnail}" alt="" loading="lazy" width="120" height="80">' in history
    assert history.count('<a href="/fichiers/') == 2
    files = page[page.index('id="files-title"') :]
    assert "Fichiers attachés 2" in files and thumbnail in files


def test_a_form_that_fails_gives_its_files_back_as_drafts(client, world, settings):
    ticket = ticket_in(world, Status.CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])
    refused = client.post(action_url(ticket, "refuse_closure"), {"version": ticket.version, "files": [png()]})
    assert refused.status_code == 400
    assert refused.context["form"].errors["text"]
    (token,) = drafts_listed(refused.text)
    assert "capture.png" in refused.text
    assert not Attachment.objects.exists()
    # Sent again with the text and the draft still ticked: the file is the entry's, and no longer a draft.
    again = client.post(
        action_url(ticket, "refuse_closure"), {"version": ticket.version, "text": "Toujours en panne.", "drafts": token}
    )
    assert again.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == IN_PROGRESS
    assert Attachment.objects.get().event == Event.objects.get(ticket=ticket, kind="ticket.closure_refused")
    assert client.session[f"ticket_drafts:{ticket.pk}:refuse_closure"] == {}
    assert default_storage.listdir(f"drafts/{world['people']['owner'].pk}")[1] == []


def test_a_stale_form_keeps_the_text_and_the_files(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    seen = ticket.version
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Premier")
    client.force_login(world["people"]["owner"])
    response = client.post(
        action_url(ticket, "comment"), {"version": seen, "text": "Ma réponse", "scope": "invited", "files": [png()]}
    )
    assert response.status_code == 409
    (token,) = drafts_listed(response.text)
    assert not Attachment.objects.exists()
    current = Ticket.objects.get(pk=ticket.pk).version
    again = client.post(
        action_url(ticket, "comment"), {"version": current, "text": "Ma réponse", "scope": "invited", "drafts": token}
    )
    assert again.status_code == 302
    assert Attachment.objects.get().name == "capture.png"


def test_a_refused_file_is_named_and_nothing_is_written(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    page = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client.post(
        action_url(ticket, "comment"), {"version": ticket.version, "text": "Voici", "scope": "invited", "files": [page]}
    )
    assert response.status_code == 400
    assert "Le fichier « page.png » n&#x27;est pas d&#x27;un type accepté" in response.text
    assert not Event.objects.filter(ticket=ticket).exists() and not Attachment.objects.exists()


def test_the_ticket_s_own_files_count_towards_its_limits(client, world, settings):
    settings.MAX_FILES_PER_TICKET = 2
    ticket = ticket_in(world, IN_PROGRESS)
    store_attachment(ticket, png("ancien.png"), uploaded_by=world["people"]["owner"], scope=EntryScope.INVITED)
    client.force_login(world["people"]["owner"])
    response = client.post(
        action_url(ticket, "add_file"),
        {"version": ticket.version, "scope": "invited", "files": [png("a.png"), png("b.png")]},
    )
    assert response.status_code == 400
    assert "Le fichier « b.png » n&#x27;a pas été ajouté : le nombre de fichiers d&#x27;un ticket est limité à 2." in (
        response.text
    )
    assert len(drafts_listed(response.text)) == 1  # a.png, kept for the next try


def test_a_draft_the_ticket_has_no_room_for_any_more_comes_back(client, world, settings):
    settings.MAX_FILES_PER_TICKET = 1
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    first = client.post(
        action_url(ticket, "comment"), {"version": ticket.version, "scope": "invited", "files": [png()]}
    )
    (token,) = drafts_listed(first.text)
    # Meanwhile someone else attached a file: the draft no longer fits.
    store_attachment(ticket, png("autre.png"), uploaded_by=world["people"]["in_charge"], scope=EntryScope.INVITED)
    again = client.post(
        action_url(ticket, "comment"), {"version": ticket.version, "text": "Voici", "scope": "invited", "drafts": token}
    )
    assert again.status_code == 400
    assert "limité à 1" in again.text
    assert not Event.objects.filter(ticket=ticket).exists()
    assert [a.name for a in Attachment.objects.all()] == ["autre.png"]


def test_adding_a_file_needs_a_file(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["invitee"])
    response = client.post(action_url(ticket, "add_file"), {"version": ticket.version, "scope": "invited"})
    assert response.status_code == 400
    assert response.context["form"].errors["files"] == ["Choisissez au moins un fichier."]
    assert not Event.objects.filter(ticket=ticket).exists()


def test_adding_a_file_is_offered_to_those_who_comment(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    for role, allowed in [("owner", True), ("invitee", True), ("manager", True), ("admin", True), ("stranger", None)]:
        client.force_login(world["people"][role])
        response = client.get(action_url(ticket, "add_file"))
        assert response.status_code == (200 if allowed else 404), role


def test_each_form_keeps_its_own_drafts(client, world):
    """Sending one form never drops the drafts of another, open in another tab: the deposit's, another ticket's."""
    ticket = ticket_in(world, IN_PROGRESS)
    other = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    deposit = client.post(
        reverse("deposit_form", args=[world["categories"]["home"].pk]),
        {"subject": "", "description": "x", "scope": "private", "priority": "2", "files": [png("depot.png")]},
    )
    assert deposit.status_code == 400
    waiting = client.post(
        action_url(other, "comment"), {"version": other.version, "scope": "invited", "files": [png()]}
    )
    assert waiting.status_code == 400
    done = client.post(action_url(ticket, "comment"), {"version": ticket.version, "text": "Voici", "scope": "invited"})
    assert done.status_code == 302
    assert [draft["name"] for draft in client.session["deposit_drafts"].values()] == ["depot.png"]
    assert [draft["name"] for draft in client.session[f"ticket_drafts:{other.pk}:comment"].values()] == ["capture.png"]
    assert len(default_storage.listdir(f"drafts/{world['people']['owner'].pk}")[1]) == 2
