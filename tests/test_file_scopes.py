"""A file has its entry's scope everywhere (page, print, mails, download URL), and managers remove files."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import ticket_in as shared_ticket_in
from tickets import workflow
from tickets.models import Attachment, EntryScope, Event, OutgoingMail, Status

pytestmark = pytest.mark.django_db

IN_PROGRESS = Status.IN_PROGRESS
NOTE = "Note interne : compte bloqué côté annuaire"


def png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (90, 60), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def after_commit(settings, django_capture_on_commit_callbacks):
    """The work done after commit (thumbnails, mail) runs in-process, once each action has committed."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MAIL_QUEUE = ""
    settings.MAIL_GROUP_SECONDS = 0
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def noted(client, world, after_commit):
    """A ticket where the manager in charge wrote a managers-only note with "interne.png" and the owner a
    comment with "ecran.png"; both thumbnails drawn. Returns (ticket, internal file, shared file)."""
    people = world["people"]
    ticket = shared_ticket_in(world, IN_PROGRESS, idle_days=1)
    for role, text, scope, name in [
        ("in_charge", NOTE, EntryScope.MANAGERS, "interne.png"),
        ("owner", "Voici l'écran", EntryScope.INVITED, "ecran.png"),
    ]:
        client.force_login(people[role])
        ticket.refresh_from_db()
        with after_commit():
            response = client.post(
                reverse("ticket_action", args=[ticket.pk, "comment"]),
                {"version": ticket.version, "text": text, "scope": scope, "files": [png(name)]},
            )
        assert response.status_code == 302
    internal, shared = Attachment.objects.get(name="interne.png"), Attachment.objects.get(name="ecran.png")
    assert internal.scope == EntryScope.MANAGERS and internal.thumbnail and shared.thumbnail
    return ticket, internal, shared


READERS = [("owner", False), ("invitee", False), ("in_charge", True), ("manager", True), ("admin", True)]


@pytest.mark.parametrize(("role", "reads_internal"), READERS)
@pytest.mark.parametrize("page", ["ticket", "ticket_print"])
def test_a_managers_only_file_is_on_the_page_and_the_print_of_managers_only(
    client, world, noted, role, reads_internal, page
):
    ticket, internal, shared = noted
    client.force_login(world["people"][role])
    text = client.get(reverse(page, args=[ticket.pk])).text
    assert "ecran.png" in text and shared.token in text  # the history's link, on the print too
    assert ("interne.png" in text) == reads_internal
    assert (internal.token in text) == reads_internal


@pytest.mark.parametrize(("role", "reads_internal"), [*READERS, ("stranger", False)])
def test_a_managers_only_file_is_served_to_managers_only(client, world, noted, role, reads_internal):
    _ticket, internal, shared = noted
    client.force_login(world["people"][role])
    for name in ["attachment", "attachment_thumbnail"]:
        assert client.get(reverse(name, args=[internal.token])).status_code == (200 if reads_internal else 404)
        assert client.get(reverse(name, args=[shared.token])).status_code == (404 if role == "stranger" else 200)


def test_mails_carry_a_managers_only_file_to_managers_only(client, world, noted, after_commit):
    ticket, internal, _shared = noted
    people = world["people"]
    ticket.refresh_from_db()
    with after_commit():
        workflow.remove_file(ticket, actor=people["manager"], attachment=internal)
    removal = Event.objects.get(kind="ticket.file_removed")
    assert removal.scope == EntryScope.MANAGERS
    mails = OutgoingMail.objects.filter(events=removal)
    told = {mail.recipient.username for mail in mails if "interne.png" in mail.text_body + mail.html_body}
    assert told == {"gest-scol", "watcher-always"}
    for mail in OutgoingMail.objects.all():
        if mail.recipient in (people["owner"], people["invitee"]):
            assert "interne.png" not in mail.text_body + mail.html_body + mail.subject
            assert NOTE not in mail.text_body


def test_a_manager_removes_a_file_and_the_history_says_who_and_which(client, world, noted, after_commit, settings):
    ticket, _internal, shared = noted
    stored = [Path(settings.MEDIA_ROOT) / shared.file.name, Path(settings.MEDIA_ROOT) / shared.thumbnail.name]
    assert all(path.exists() for path in stored)
    client.force_login(world["people"]["manager"])
    page = client.get(reverse("ticket", args=[ticket.pk])).text
    remove_url = reverse("remove_attachment", args=[ticket.pk, shared.token])
    assert f'href="{remove_url}"' in page
    confirm = client.get(remove_url)
    assert (
        confirm.status_code == 200 and "Supprimer le fichier" in confirm.text and "csrfmiddlewaretoken" in confirm.text
    )
    assert Attachment.objects.filter(pk=shared.pk).exists()  # asking changes nothing
    with after_commit():
        response = client.post(remove_url)
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    assert not Attachment.objects.filter(pk=shared.pk).exists()
    assert not any(path.exists() for path in stored)
    entry = Event.objects.get(kind="ticket.file_removed")
    assert (entry.actor, entry.scope, entry.data["name"]) == (
        world["people"]["manager"],
        EntryScope.INVITED,
        "ecran.png",
    )
    landed = client.get(response["Location"]).text
    assert "Marc Durand (gest-durand) a supprimé le fichier « ecran.png »." in landed.replace("&#x27;", "'")
    client.force_login(world["people"]["owner"])
    assert "a supprimé le fichier « ecran.png »." in client.get(reverse("ticket", args=[ticket.pk])).text
    assert client.get(reverse("attachment", args=[shared.token])).status_code == 404
    assert client.get(reverse("attachment_thumbnail", args=[shared.token])).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("owner", 403), ("invitee", 403), ("stranger", 404)])
def test_the_owner_invitees_and_strangers_may_not_remove_a_file(client, world, noted, role, status):
    ticket, _internal, shared = noted
    client.force_login(world["people"][role])
    remove_url = reverse("remove_attachment", args=[ticket.pk, shared.token])
    assert "Supprimer" not in client.get(reverse("ticket", args=[ticket.pk])).text.split('id="files-title"')[-1]
    assert client.get(remove_url).status_code == status
    assert client.post(remove_url).status_code == status
    assert Attachment.objects.filter(pk=shared.pk).exists()
    assert not Event.objects.filter(kind="ticket.file_removed").exists()


def test_a_file_the_owner_may_not_see_is_not_found_for_removal_either(client, world, noted):
    ticket, internal, _shared = noted
    client.force_login(world["people"]["owner"])
    assert client.post(reverse("remove_attachment", args=[ticket.pk, internal.token])).status_code == 404
    other = shared_ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["manager"])
    # A file is removed through its own ticket only.
    assert client.post(reverse("remove_attachment", args=[other.pk, internal.token])).status_code == 404
    assert client.post(reverse("remove_attachment", args=[ticket.pk, "0" * 32])).status_code == 404


def test_a_removal_rolled_back_leaves_the_file_on_disk(world, noted, settings, django_capture_on_commit_callbacks):
    ticket, internal, _shared = noted
    path = Path(settings.MEDIA_ROOT) / internal.file.name
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                workflow.remove_file(ticket, actor=world["people"]["manager"], attachment=internal)
                raise RuntimeError("the transaction fails after the removal")
        except RuntimeError:
            pass
    assert path.exists() and Attachment.objects.filter(pk=internal.pk).exists()


def test_a_file_removed_twice_is_refused_the_second_time(world, noted):
    ticket, internal, _shared = noted
    ticket.refresh_from_db()
    ticket = workflow.remove_file(ticket, actor=world["people"]["manager"], attachment=internal)
    with pytest.raises(workflow.WorkflowError, match="déjà été supprimé"):
        workflow.remove_file(ticket, actor=world["people"]["manager"], attachment=internal)


def test_a_removal_needs_the_form_s_csrf_token(world, noted):
    ticket, _internal, shared = noted
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["people"]["manager"])
    remove_url = reverse("remove_attachment", args=[ticket.pk, shared.token])
    assert client.post(remove_url).status_code == 403
    assert Attachment.objects.filter(pk=shared.pk).exists()
    token = client.get(remove_url).context["csrf_token"]
    assert client.post(remove_url, {"csrfmiddlewaretoken": str(token)}).status_code == 302
    assert not Attachment.objects.filter(pk=shared.pk).exists()
