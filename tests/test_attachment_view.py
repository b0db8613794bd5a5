"""Files are served only through the view that checks their scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tickets.attachments.storage import store_attachment
from tickets.models import EntryScope, Invitation, Ticket

pytestmark = pytest.mark.django_db


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile("capture.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def files(make_user, make_service, make_category, settings, django_capture_on_commit_callbacks):
    owner, invitee, stranger, manager = (make_user(n) for n in ["owner", "invitee", "stranger", "gest"])
    service = make_service(managers=[manager])
    ticket = Ticket.objects.create(
        subject="s", description="d", owner=owner, service=service, category=make_category(service)
    )
    Invitation.objects.create(ticket=ticket, user=invitee, invited_by=owner)
    # The thumbnails, drawn by a worker after commit, are drawn in-process.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        shared = store_attachment(ticket, png(), uploaded_by=owner, scope=EntryScope.INVITED)
        internal = store_attachment(ticket, png(), uploaded_by=manager, scope=EntryScope.MANAGERS)
    return {"owner": owner, "invitee": invitee, "stranger": stranger, "manager": manager}, shared, internal


@pytest.mark.parametrize(
    ("who", "sees_shared", "sees_internal"),
    [("owner", True, False), ("invitee", True, False), ("manager", True, True), ("stranger", False, False)],
)
def test_files_follow_their_scope(client, files, who, sees_shared, sees_internal):
    people, shared, internal = files
    client.force_login(people[who])
    for attachment, visible in [(shared, sees_shared), (internal, sees_internal)]:
        for name in ["attachment", "attachment_thumbnail"]:
            response = client.get(reverse(name, args=[attachment.token]))
            assert response.status_code == (200 if visible else 404)
            if visible:
                assert response["X-Content-Type-Options"] == "nosniff"
                assert "sandbox" in response["Content-Security-Policy"]


def test_unknown_or_odd_tokens_are_not_found(client, files):
    people, _shared, _internal = files
    client.force_login(people["owner"])
    for token in ["0" * 32, "../../etc/passwd", "x" * 500, "%00"]:
        assert client.get(f"/fichiers/{token}/").status_code == 404


def test_visitors_are_sent_to_log_in(client, files):
    _people, shared, _internal = files
    response = client.get(reverse("attachment", args=[shared.token]))
    assert response.status_code == 302


def test_download_query_count(client, files, django_assert_num_queries):
    people, shared, _internal = files
    client.force_login(people["owner"])
    # session, user, the file with its ticket and service, the viewer's memberships and invitation
    with django_assert_num_queries(5):
        response = client.get(reverse("attachment", args=[shared.token]))
    assert response.status_code == 200
