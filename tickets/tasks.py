"""Celery tasks of the ticket domain. They take ids and deliver what the outbox holds (``tickets.mail``),
and start the scheduled work that Celery beat asks for (``tickets.scheduled``)."""

import logging

from celery import shared_task
from django.conf import settings

from tickets import mail

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=settings.MAIL_MAX_RETRIES)
def deliver_mail(self, mail_id):
    """Sends the outbox row ``mail_id`` unless it is sent, failed, held by another worker or not due;
    retries with a growing delay after a failure. Returns the outcome ("sent", "skipped", …)."""
    delivery = mail.deliver(mail_id)
    if delivery.outcome == mail.Outcome.RETRY:
        if self.request.is_eager:
            # In-process there is nobody to wait for the delay: the row stays pending for the sweep.
            return delivery.outcome.value
        raise self.retry(countdown=delivery.retry_in, exc=delivery.error)
    return delivery.outcome.value


@shared_task(ignore_result=True)
def sweep_outbox():
    """Queues again the mails left behind (broker down when their action committed, worker killed while
    sending, lost task). Returns how many were queued."""
    return sum(queue_delivery(mail_id) for mail_id in mail.collect_due_mail())


@shared_task(ignore_result=True)
def expire_closure_requests():
    """Expires the closure requests past their service's delay. Returns how many expired."""
    return _scheduled().expire_closure_requests()


@shared_task(ignore_result=True)
def recall_postponed_tickets():
    """Recalls the postponed tickets whose recall date has come. Returns how many were recalled."""
    return _scheduled().recall_postponed_tickets()


@shared_task(ignore_result=True)
def send_daily_summaries():
    """Writes and queues the managers' daily summaries of the day. Returns how many were written."""
    return _scheduled().send_daily_summaries()


@shared_task(ignore_result=True)
def forget_abandoned_drafts():
    """Deletes the files of deposits left unfinished. Returns how many were deleted."""
    return _scheduled().forget_abandoned_drafts()


def _scheduled():
    # Imported when a job runs, not with this module: the scheduled work acts through the workflow, whose
    # notifications queue their mail through this module, so an import here at the top would be circular.
    from tickets import scheduled

    return scheduled


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
