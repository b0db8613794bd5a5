"""Celery tasks of the FAQ. They take ids: a worker reads the row and its file itself."""

import logging

from celery import shared_task

from tickets.attachments.thumbnails import add_thumbnail_to
from tickets.models import FaqFile

logger = logging.getLogger(__name__)


@shared_task(name="tickets.faq.tasks.draw_faq_thumbnail", ignore_result=True)
def draw_faq_thumbnail(file_id):
    """Draws and saves the thumbnail of the FAQ file ``file_id`` as a ticket's file's is drawn (see
    ``tickets.attachments.thumbnails.add_thumbnail_to``)."""
    return add_thumbnail_to(FaqFile, file_id)


def queue_faq_thumbnail(file_id):
    """Asks a worker to draw the thumbnail of the committed FAQ file ``file_id``. Returns whether that
    worked; never raises: without a thumbnail, the entry still links its file."""
    try:
        draw_faq_thumbnail.apply_async(args=[file_id])
    # A broker that is down, or (running in-process) a failed drawing, must not fail what was committed.
    except Exception as error:
        logger.warning("No thumbnail queued for FAQ file %s: %s", file_id, error)
        return False
    return True
