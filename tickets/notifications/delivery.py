"""Delivery of the outbox: one row sent once, with retries, and the sweep that finds rows left behind.

Delivery is exactly-once in the normal case and at-least-once at worst: a row is marked "sending" in a
short transaction before the message goes out and "sent" right after. A worker that dies between the
two leaves it "sending"; after ``MAIL_ABANDONED_AFTER_MINUTES`` the sweep sends it again, so a message
already handed to the mail server just before the crash goes out twice. Its Message-ID is the same both
times, which lets the receiving side drop the copy.
"""

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from tickets.models import MailStatus, OutgoingMail
from tickets.notifications import replies

logger = logging.getLogger(__name__)

# A task may reach its row a little before the row's time; it still sends.
DUE_TOLERANCE = timedelta(seconds=2)
RETRY_DELAY_CAP = 3600


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_in: int | None = None
    error: BaseException | None = None


def deliver(mail_id):
    """Sends the outbox row ``mail_id`` once: claims it, sends it, marks it sent.

    Skips a row that is missing, already sent or failed, held by another worker, or not due yet.
    A failure is recorded on the row; the result says whether to retry and when. Never raises for a
    failed send; a database error while marking the row sent propagates (the row is then left
    "sending" and the sweep sends it again after the abandon delay).
    """
    mail = _claim(mail_id)
    if mail is None:
        return Delivery(Outcome.SKIPPED)
    try:
        build_message(mail).send()
    except Exception as error:
        logger.warning("Mail %s to %s not sent (try %s): %s", mail.pk, mail.to_address, mail.attempts, error)
        return _record_failure(mail, error)
    # Right after send() returns, so that only a crash in this instant can lead to a second send.
    OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT, sent_at=timezone.now(), last_error="")
    return Delivery(Outcome.SENT)


def _claim(mail_id):
    now = timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.PENDING or mail.not_before > now + DUE_TOLERANCE:
            return None
        if mail.attempts > settings.MAIL_MAX_RETRIES:
            mail.status = MailStatus.FAILED
            mail.save(update_fields=["status"])
            return None
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.attempted_at = now
        mail.save(update_fields=["status", "attempts", "attempted_at"])
    return mail


def _record_failure(mail, error):
    error_text = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts > settings.MAIL_MAX_RETRIES:
        OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error=error_text)
        logger.error("Mail %s to %s failed for good after %s tries.", mail.pk, mail.to_address, mail.attempts)
        return Delivery(Outcome.FAILED, error=error)
    delay = retry_delay(mail.attempts)
    # not_before keeps the sweep from cutting the wait short.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.PENDING, last_error=error_text, not_before=timezone.now() + timedelta(seconds=delay)
    )
    return Delivery(Outcome.RETRY, retry_in=delay, error=error)


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed try: doubled at each try, at most an hour."""
    return min(RETRY_DELAY_CAP, settings.MAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def build_message(mail):
    """The message of an outbox row, text with its HTML alternative; a ticket's mail to a user carries the
    Reply-To address of ``tickets.notifications.replies`` when mail in is on."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {
        # The same Message-ID on a second send lets the receiving side drop the copy.
        "Message-ID": f"<assistance.mail.{mail.pk}@{domain}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if mail.ticket_id:
        # Mail clients show the mails of one ticket as one conversation.
        headers["References"] = f"<assistance.ticket.{mail.ticket_id}@{domain}>"
    reply_to = replies.reply_address(mail.ticket_id, mail.recipient_id) if mail.ticket_id and mail.recipient_id else ""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        # A reply reaches the mail gateway, which reads the ticket and the recipient from this address.
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


# The sweep.


def collect_due_mail(*, grace_seconds=None, abandoned_after_minutes=None):
    """Ids of the rows that should be on their way and may not be: pending rows due for more than
    ``grace_seconds``, and rows left "sending" for ``abandoned_after_minutes`` (put back to pending).

    Defaults come from ``MAIL_SWEEP_GRACE_SECONDS`` and ``MAIL_ABANDONED_AFTER_MINUTES``.
    """
    if grace_seconds is None:
        grace_seconds = settings.MAIL_SWEEP_GRACE_SECONDS
    if abandoned_after_minutes is None:
        abandoned_after_minutes = settings.MAIL_ABANDONED_AFTER_MINUTES
    now = timezone.now()
    with transaction.atomic():
        abandoned = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.SENDING, attempted_at__lte=now - timedelta(minutes=abandoned_after_minutes))
            .values_list("pk", flat=True)
        )
        if abandoned:
            logger.warning("Mails %s were left while sending; they will be sent again.", abandoned)
            OutgoingMail.objects.filter(pk__in=abandoned).update(
                status=MailStatus.PENDING, not_before=now, last_error="abandoned while sending"
            )
    due = OutgoingMail.objects.filter(
        status=MailStatus.PENDING, not_before__lte=now - timedelta(seconds=grace_seconds)
    ).order_by("not_before", "pk")
    return sorted(set(abandoned) | set(due.values_list("pk", flat=True)))
