"""Processing one received message, whatever brought it (IMAP, an MTA's pipe, the demo's mailbox).

``receive`` records the message (``IncomingMail``) and what it does (a history entry with its files, a new
ticket, an answer) in one transaction, and returns once it has committed: only then may the transport
delete the message. The same message received twice is recorded once (by its Message-ID). A message that
cannot be processed for an unexpected reason is recorded as failed, for an administrator, and the
transport keeps it aside; a database that does not answer raises, and the message stays where it is.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from tickets import workflow
from tickets.attachments.storage import delete_stored_files, store_attachment
from tickets.mailin import answers, route
from tickets.mailin.parse import message_key, parse_message
from tickets.mailin.text import message_text, reply_text
from tickets.models import EntryScope, Event, IncomingMail, IncomingStatus, Origin
from tickets.richtext import plain_to_html

logger = logging.getLogger(__name__)

# Errors after which the same message may well go through in a minute: it stays in the mailbox.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
DUPLICATE = "duplicate"
MAX_ADDRESS = 254


@dataclass(frozen=True)
class Result:
    """What became of a message: ``status`` is an ``IncomingStatus`` or ``DUPLICATE``."""

    status: str
    reason: str = ""
    mail_id: int | None = None
    ticket_id: int | None = None


def receive(raw, *, source, size=None):
    """Processes the message ``raw`` (its bytes, or only its headers when ``size``, its real size, is over
    ``MAIL_IN_MAX_BYTES``) and returns its ``Result`` once recorded and committed.

    Raises ``OperationalError`` or ``InterfaceError`` when the database is out of reach (nothing is
    recorded: receive the message again later). Any other error is recorded as a failure.
    """
    size = len(raw) if size is None else size
    message = None
    try:
        message = parse_message(raw, headers_only=size > settings.MAIL_IN_MAX_BYTES)
        stored = []
        try:
            with transaction.atomic():
                row = _claim(message, source, size)
                if row is None:
                    return Result(DUPLICATE)
                _handle(message, row, size, stored)
                row.save()
        except BaseException:
            # The rows are rolled back, but not the copies of the files already attached.
            for attachment in stored:
                delete_stored_files(attachment)
            raise
        return Result(row.status, row.reason, row.pk, row.ticket_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("Mail %s could not be processed", message.key if message else "(unreadable)")
        row = _record_failure(message, raw, source, size, error)
        return Result(row.status, row.reason, row.pk)


def _claim(message, source, size):
    """The message's row, new or a failed one tried again, locked; None when it was recorded already."""
    existing = IncomingMail.objects.select_for_update().filter(key=message.key).first()
    if existing is not None and existing.status != IncomingStatus.FAILED:
        return None
    row = existing or IncomingMail(key=message.key)
    row.source, row.size = source, size
    row.sender = message.sender[:MAX_ADDRESS]
    row.to_address = (message.recipients[0] if message.recipients else "")[:MAX_ADDRESS]
    row.subject = message.subject
    row.status, row.reason, row.detail = IncomingStatus.RECORDED, "", ""
    if existing is None:
        try:
            # A savepoint: the same message processed at this very moment elsewhere is a duplicate.
            with transaction.atomic():
                row.save()
        except IntegrityError:
            return None
    return row


def _handle(message, row, size, stored):
    """Does what the message asks and records it on ``row`` (not saved); the files it attaches are added
    to ``stored``."""
    try:
        target = route.route(message, size=size)
        if isinstance(target, route.Reply):
            _add_reply(message, row, target, stored)
        else:
            _open_ticket(message, row, target, stored)
    except route.Ignored as ignored:
        row.status, row.reason = IncomingStatus.IGNORED, ignored.reason
    except route.Refused as refusal:
        _refuse(message, row, refusal)
    except route.NotConfigured as error:
        row.status, row.reason, row.detail = IncomingStatus.FAILED, "not_configured", str(error)


def _add_reply(message, row, target, stored):
    ticket, user = target.ticket, target.user
    text = reply_text(message.text)
    files = message.files
    if not text and not files:
        raise route.Refused("empty", route.EMPTY, user=user, ticket=ticket)
    # A reply with only a screenshot still says something in the history: the files' names.
    html = plain_to_html(text or "\n".join(file.name for file in files))
    try:
        with transaction.atomic():
            workflow.comment(ticket, actor=user, text=html, scope=EntryScope.INVITED)
    except workflow.WorkflowError as error:
        raise route.Refused("refused", error.message, user=user, ticket=ticket) from None
    event = Event.objects.filter(ticket=ticket, actor=user).latest("pk")
    errors = _attach(ticket, user, event, files, stored)
    row.user, row.ticket, row.event, row.reason = user, ticket, event, "reply"
    if errors:
        answers.write_files_left_out(ticket, user, subject=message.subject, errors=errors)
        row.answered = True


def _open_ticket(message, row, target, stored):
    user = target.user
    text = _with_forwarded(message_text(message.text), message.forwarded)
    if not text and not message.files:
        raise route.Refused("empty", route.EMPTY, user=user)
    subject = message.subject or (text.split("\n", 1)[0][:80] if text else message.files[0].name)
    try:
        with transaction.atomic():
            ticket = workflow.create_ticket(
                actor=user,
                category=target.category,
                subject=subject,
                description=plain_to_html(text or "\n".join(file.name for file in message.files)),
                origin=Origin.EMAIL,
            )
    except workflow.WorkflowError as error:
        raise route.Refused("refused", error.message, user=user) from None
    event = ticket.events.get()
    errors = _attach(ticket, user, event, message.files, stored)
    row.user, row.ticket, row.event, row.reason = user, ticket, event, "new_ticket"
    answers.write_ticket_opened(ticket, user)
    if errors:
        answers.write_files_left_out(ticket, user, subject=message.subject, errors=errors)
    row.answered = True


def _with_forwarded(text, forwarded):
    """The text of a message followed by the mails it forwards as attachments, each under its own headers
    (as the mail names them, in no language of the portal's)."""
    parts = [text] if text else []
    for mail in forwarded:
        headers = "\n".join(f"{name}: {mail[name.lower()]}" for name in ("From", "Date", "Subject"))
        parts.append(f"----------\n{headers}\n\n{message_text(mail['text'])}")
    return "\n\n".join(parts)


def _attach(ticket, user, event, files, stored):
    """Attaches ``files`` to ``event`` with the checks of the portal (adding them to ``stored``). Returns
    the messages of those refused."""
    errors = []
    for mail_file in files:
        upload = ContentFile(mail_file.content, name=mail_file.name)
        try:
            stored.append(store_attachment(ticket, upload, uploaded_by=user, scope=event.scope, event=event))
        except ValidationError as error:
            errors.extend(error.messages)
    return errors


def _refuse(message, row, refusal):
    row.status, row.reason = IncomingStatus.REFUSED, refusal.reason
    row.user, row.ticket = refusal.user, refusal.ticket
    to_address = refusal.user.email if refusal.user else message.sender
    if not to_address or len(to_address) > MAX_ADDRESS or route.is_own_address(to_address):
        return
    if refusal.reason in route.ANSWERED_ONCE_A_DAY and _answered_today(to_address, row):
        return
    answers.write_refusal(refusal, to_address=to_address, subject=message.subject)
    row.answered = True


def _answered_today(address, row):
    since = timezone.now() - timedelta(days=1)
    return (
        IncomingMail.objects.filter(sender=address, answered=True, received_at__gte=since)
        .filter(reason__in=route.ANSWERED_ONCE_A_DAY)
        .exclude(pk=row.pk)
        .exists()
    )


def _record_failure(message, raw, source, size, error):
    """Records ``error`` on the message's row, in a transaction of its own."""
    key = message.key if message else message_key("", raw)
    detail = f"{type(error).__name__}: {error}"[:2000]
    fields = {"source": source, "size": size, "status": IncomingStatus.FAILED, "reason": "error", "detail": detail}
    if message:
        fields.update(sender=message.sender[:MAX_ADDRESS], subject=message.subject)
    try:
        with transaction.atomic():
            row, _created = IncomingMail.objects.update_or_create(key=key, defaults=fields)
    except DatabaseError:
        logger.exception("The failure of mail %s could not be recorded either", key)
        raise
    return row
