"""Thumbnails of attached images: drawn by a Celery worker once the attachment is committed, never in the
request that stored it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.test_attachments import PDF, image_bytes, stored_files
from tickets.attachments.storage import store_attachment
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(user, make_user, make_service, make_category):
    service = make_service(managers=[make_user()])
    return Ticket.objects.create(
        subject="s", description="d", owner=user, service=service, category=make_category(service)
    )


@pytest.fixture
def thumbnails_in_process(settings):
    """Thumbnails are drawn in-process whatever broker the environment names."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_no_thumbnail_is_drawn_in_the_request_but_once_the_file_is_committed(
    ticket, user, settings, thumbnails_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        attachment = store_attachment(
            ticket, SimpleUploadedFile("capture.png", image_bytes((800, 400))), uploaded_by=user, scope="invited"
        )
        # Until the transaction commits, no worker could find the row: nothing is drawn yet.
        assert not attachment.thumbnail
        assert len(stored_files(settings)) == 1

    for callback in after_commit:
        callback()

    attachment.refresh_from_db()
    with attachment.thumbnail.open("rb") as stored, Image.open(stored) as thumbnail:
        assert thumbnail.size == (200, 100)


def test_only_images_ask_for_a_thumbnail(ticket, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as after_commit:
        store_attachment(ticket, SimpleUploadedFile("rapport.pdf", PDF), uploaded_by=user, scope="invited")
    assert after_commit == []


def test_a_worker_finds_the_thumbnail_task_under_its_name():
    # In a process of its own, where nothing imported the task before the worker's discovery.
    script = (
        "import sys, django; django.setup(); from helpdesk.celery import app\n"
        "print('tickets.attachments.tasks' in sys.modules)\n"
        "app.loader.import_default_modules()\n"
        "print(app.tasks['tickets.attachments.tasks.draw_thumbnail'].__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "tickets.attachments.tasks"], result.stderr


def test_drawing_a_thumbnail_twice_keeps_the_first(ticket, user):
    from tickets.attachments.thumbnails import add_thumbnail

    attachment = store_attachment(
        ticket, SimpleUploadedFile("capture.png", image_bytes()), uploaded_by=user, scope="invited"
    )

    assert add_thumbnail(attachment.pk) is True
    attachment.refresh_from_db()
    first = attachment.thumbnail.name
    assert add_thumbnail(attachment.pk) is False
    attachment.refresh_from_db()
    assert attachment.thumbnail.name == first


def test_drawing_a_thumbnail_of_what_cannot_have_one_does_nothing(ticket, user, settings):
    from tickets.attachments.thumbnails import add_thumbnail

    document = store_attachment(ticket, SimpleUploadedFile("rapport.pdf", PDF), uploaded_by=user, scope="invited")
    image = store_attachment(
        ticket, SimpleUploadedFile("capture.png", image_bytes()), uploaded_by=user, scope="invited"
    )
    image.file.storage.delete(image.file.name)

    assert add_thumbnail(document.pk) is False
    assert add_thumbnail(image.pk) is False  # its file is gone
    assert add_thumbnail(10**9) is False  # no such attachment
    assert stored_files(settings) == [Path(document.file.path)]


def test_a_broker_that_is_down_leaves_the_file_without_a_thumbnail(
    ticket, user, monkeypatch, django_capture_on_commit_callbacks
):
    from tickets.attachments import tasks

    def refuse(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.draw_thumbnail, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store_attachment(
            ticket, SimpleUploadedFile("capture.png", image_bytes()), uploaded_by=user, scope="invited"
        )
    attachment.refresh_from_db()
    assert attachment.file and not attachment.thumbnail
