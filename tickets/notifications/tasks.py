"""Celery tasks that deliver the outbox. They take ids and only send what the outbox holds.

Their names are fixed (``tickets.tasks.*``, where they were first declared) so that the beat schedule
and tasks already queued under those names keep working.
"""

import logging

from celery import shared_task
from django.conf import settings

from tickets.notifications import delivery

logger = logging.getLogger(__name__)


@shared_task(
    name="tickets.tasks.deliver_mail",
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=settings.MAIL_MAX_RETRIES,
)
def deliver_mail(self, mail_id):
    """Sends the outbox row ``mail_id`` unless it is sent, failed, held by another worker or not due;
    retries with a growing delay after a failure. Returns the outcome ("sent", "skipped", …)."""
    result = delivery.deliver(mail_id)
    if result.outcome == delivery.Outcome.RETRY:
        if self.request.is_eager:
            # In-process there is nobody to wait for the delay: the row stays pending for the sweep.
            return result.outcome.value
        raise self.retry(countdown=result.retry_in, exc=result.error)
    return result.outcome.value


@shared_task(name="tickets.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox():
    """Queues again the mails left behind (broker down when their action committed, worker killed while
    sending, lost task). Returns how many were queued."""
    return sum(queue_delivery(mail_id) for mail_id in delivery.collect_due_mail())


def queue_delivery(mail_id, *, countdown=0):
    """Asks a worker to send the outbox row ``mail_id`` (in ``countdown`` seconds). Returns whether the
    broker took it; when it is down, logs a warning and leaves the row to the sweep, never raises."""
    options = {"queue": settings.MAIL_QUEUE} if settings.MAIL_QUEUE else {}
    if countdown:
        options["countdown"] = countdown
    try:
        deliver_mail.apply_async(args=[mail_id], **options)
    except Exception as error:
        logger.warning("Mail %s not queued, the sweep will send it: %s", mail_id, error)
        return False
    return True
