"""Thumbnails of FAQ images, drawn as a ticket's are (``tickets.attachments.thumbnails``), by a worker."""

import logging
from pathlib import PurePath

from django.db import transaction

from tickets.attachments.checks import IMAGE_TYPES
from tickets.attachments.thumbnails import make_thumbnail
from tickets.models import FaqFile

logger = logging.getLogger(__name__)


def add_faq_thumbnail(file_id):
    """Draws and saves the thumbnail of the FAQ file ``file_id`` when it is an image without one. Returns
    whether one was saved. Raises nothing but database errors."""
    stored = FaqFile.objects.filter(pk=file_id).first()
    if stored is None or stored.thumbnail or stored.content_type not in IMAGE_TYPES:
        return False
    try:
        with stored.file.open("rb") as file:
            thumbnail = make_thumbnail(file)
    except OSError:
        logger.warning("No thumbnail for FAQ file %s: its file cannot be read", file_id, exc_info=True)
        return False
    if thumbnail is None:
        return False
    with transaction.atomic():
        stored = FaqFile.objects.select_for_update().filter(pk=file_id).first()
        if stored is None or stored.thumbnail:
            return False
        name = PurePath(thumbnail.name)
        size = name.stem.removeprefix("thumbnail")
        stored.thumbnail.save(f"{stored.token}{size}{name.suffix}", thumbnail, save=False)
        try:
            stored.save(update_fields=["thumbnail"])
        except BaseException:
            stored.thumbnail.storage.delete(stored.thumbnail.name)
            raise
    return True
