"""Celery tasks of attachments. They take ids: a worker reads the row and its file itself."""

import logging

from celery import shared_task

from tickets.attachments.thumbnails import add_thumbnail

logger = logging.getLogger(__name__)


@shared_task(name="tickets.attachments.tasks.draw_thumbnail", ignore_result=True)
def draw_thumbnail(attachment_id):
    """Draws and saves the thumbnail of the attachment ``attachment_id`` (see ``add_thumbnail``); returns
    whether one was saved."""
    return add_thumbnail(attachment_id)


def queue_thumbnail(attachment_id):
    """Asks a worker to draw the thumbnail of the committed attachment ``attachment_id``. Returns whether
    that worked; never raises: without a thumbnail, the ticket page still links the file."""
    try:
        draw_thumbnail.apply_async(args=[attachment_id])
    # A broker that is down, or (running in-process) a failed drawing, must not fail what was committed.
    except Exception as error:
        logger.warning("No thumbnail queued for attachment %s: %s", attachment_id, error)
        return False
    return True
