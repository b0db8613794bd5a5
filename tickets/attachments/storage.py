"""Storing attached files: checked, saved under a random token; images get their thumbnail from a worker."""

import logging
import secrets
from functools import partial

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from tickets.attachments.checks import validate_upload
from tickets.attachments.tasks import queue_thumbnail
from tickets.models import Attachment
from tickets.search.index import index_ticket

logger = logging.getLogger(__name__)


def store_attachment(ticket, uploaded_file, *, uploaded_by, scope, event=None):
    """Checks a file, stores it and returns the new ``Attachment`` of ``ticket``.

    The file is saved under a random token, never under the name it came with. An image's thumbnail is
    drawn by a worker once the transaction commits (``tickets.attachments.tasks``), not here. Raises
    ``ValidationError`` as ``validate_upload`` does, and then nothing is written. If the row cannot be
    saved, the file just written is deleted and the database error is raised.
    """
    used = Attachment.objects.filter(ticket=ticket).aggregate(total=Coalesce(Sum("size"), 0), count=Count("pk"))
    info = validate_upload(uploaded_file, ticket_total=used["total"], ticket_count=used["count"])
    attachment = Attachment(
        ticket=ticket,
        event=event,
        uploaded_by=uploaded_by,
        scope=scope,
        token=secrets.token_hex(16),
        name=info.name,
        content_type=info.content_type,
        size=info.size,
    )
    # The file's name is searchable by those who read it, from this transaction on.
    save_file_and_row(attachment, uploaded_file, then=partial(index_ticket, ticket))
    if info.is_image:
        # Robust: the attachment is committed whatever becomes of its thumbnail.
        transaction.on_commit(partial(queue_thumbnail, attachment.pk), robust=True)
    return attachment


def save_file_and_row(stored, uploaded_file, *, then=None):
    """Writes ``uploaded_file`` under ``stored.token``, then saves the row ``stored`` (an attachment or a FAQ
    file) and calls ``then()`` if given. If the row cannot be saved or ``then`` fails, the file just written
    is deleted and the error is raised."""
    try:
        # A savepoint: when the caller's transaction is still open, a failed insert does not spoil it.
        with transaction.atomic():
            uploaded_file.seek(0)
            stored.file.save(stored.token, uploaded_file, save=False)
            stored.save()
            if then is not None:
                then()
    except BaseException:
        delete_stored_files(stored)
        raise


def delete_files_after_commit(*stored_files):
    """Deletes the files and thumbnails of stored files (attachments, FAQ files) whose rows the current
    transaction deletes, once it commits: rolled back, the rows still point to them. Raises nothing."""
    fields = [field for stored in stored_files for field in (stored.file, stored.thumbnail) if field.name]

    def delete():
        for field in fields:
            _delete_quietly(field)

    transaction.on_commit(delete, robust=True)


def delete_stored_files(stored):
    """Deletes the file and thumbnail of a stored file whose row is not saved, or rolled back. Raises nothing."""
    for field in (stored.file, stored.thumbnail):
        if field.name:
            _delete_quietly(field)


def _delete_quietly(field):
    try:
        field.storage.delete(field.name)
    except OSError:
        # The error that made the upload fail, or the removal that committed, matters more than a leftover file.
        logger.exception("Could not delete %s", field.name)
