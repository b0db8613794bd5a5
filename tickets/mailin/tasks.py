"""The Celery task that polls the IMAP mailbox; beat runs it every minute when the mailbox is set."""

from celery import shared_task
from django.conf import settings

from tickets.mailin import transport


@shared_task(name="tickets.mailin.tasks.receive_mail", ignore_result=True)
def receive_mail():
    """Receives the messages waiting in the IMAP mailbox (``MAIL_IN_IMAP_*``). Returns how many were taken
    out of it; 0 when no mailbox is set."""
    if not settings.MAIL_IN_IMAP_HOST:
        return 0
    counts = transport.poll_mailbox()
    return sum(count for status, count in counts.items() if status not in {"left", "gone"})
