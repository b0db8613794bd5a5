"""Bringing mail in: the IMAP mailbox that beat polls, and the bytes an MTA pipes to ``receive_mail``.

A message leaves the mailbox only once ``process.receive`` has committed what it did. A message that
failed is copied to the failed folder (``MAIL_IN_IMAP_FAILED_FOLDER``) with the reason in an
``X-Assistance-Failure`` header before it is deleted; a piped one is written to ``MAIL_IN_FAILED_DIR``.
While the database is out of reach, messages stay in the mailbox (the pipe answers "try again later").
"""

import logging
import ssl
from collections import Counter
from pathlib import Path

from django.conf import settings
from imapclient import IMAPClient

from tickets.mailin import process
from tickets.models import IncomingMail, IncomingStatus

logger = logging.getLogger(__name__)

FAILURE_HEADER = "X-Assistance-Failure"
# Enough of a message too large to be read to know who sent it and answer them.
_HEAD_LIMIT = 256 * 1024


def poll_mailbox():
    """Receives the messages of the IMAP mailbox (``MAIL_IN_BATCH`` at most, oldest first) and deletes
    each once recorded. Returns a ``Counter`` of the statuses. Raises what the IMAP client raises when the
    server cannot be reached or refuses the login."""
    counts = Counter()
    with _connect() as client:
        client.select_folder(settings.MAIL_IN_IMAP_FOLDER)
        uids = sorted(client.search(["UNDELETED"]))[: settings.MAIL_IN_BATCH]
        sizes = client.fetch(uids, ["RFC822.SIZE"]) if uids else {}
        for uid in uids:
            size = sizes.get(uid, {}).get(b"RFC822.SIZE", 0)
            counts[_receive_one(client, uid, size)] += 1
        client.expunge()
    return counts


def _connect():
    context = ssl.create_default_context()
    client = IMAPClient(
        settings.MAIL_IN_IMAP_HOST,
        port=settings.MAIL_IN_IMAP_PORT,
        ssl=settings.MAIL_IN_IMAP_SECURITY == "ssl",
        ssl_context=context,
        timeout=settings.MAIL_IN_IMAP_TIMEOUT,
    )
    if settings.MAIL_IN_IMAP_SECURITY == "starttls":
        client.starttls(context)
    client.login(settings.MAIL_IN_IMAP_USER, settings.MAIL_IN_IMAP_PASSWORD)
    return client


def _receive_one(client, uid, size):
    too_large = size > settings.MAIL_IN_MAX_BYTES
    # A message too large to be taken is not downloaded: its headers say whom to answer.
    item, key = (b"BODY.PEEK[HEADER]", b"BODY[HEADER]") if too_large else (b"BODY.PEEK[]", b"BODY[]")
    raw = client.fetch([uid], [item]).get(uid, {}).get(key)
    if raw is None:
        return "gone"  # deleted meanwhile by another poller
    try:
        result = process.receive(raw, source="imap", size=size or len(raw))
    except process.TRANSIENT_ERRORS:
        logger.warning("Mail %s left in the mailbox: the database is out of reach.", uid, exc_info=True)
        return "left"
    if result.status == IncomingStatus.FAILED and not _move_aside(client, raw, result):
        return "left"
    client.delete_messages([uid])
    return result.status


def _move_aside(client, raw, result):
    """Copies a failed message to the failed folder with its reason. Returns False (and leaves the message
    where it is) when the copy could not be made."""
    folder = settings.MAIL_IN_IMAP_FAILED_FOLDER
    row = IncomingMail.objects.get(pk=result.mail_id)
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        client.append(folder, annotated(raw, row.detail or row.reason))
    except Exception:
        logger.exception("Failed mail %s could not be moved to %s; it stays in the mailbox.", row.pk, folder)
        return False
    IncomingMail.objects.filter(pk=row.pk).update(kept_as=f"IMAP : {folder}")
    return True


def annotated(raw, reason):
    """The message with a first header that says why it failed, on one line."""
    reason = " ".join(str(reason).split())[:900]
    return f"{FAILURE_HEADER}: {reason}\r\n".encode("utf-8", errors="replace") + raw


# The MTA's pipe.


def read_piped(stream):
    """The bytes of a message piped on ``stream`` and its size; only the head of a message larger than
    ``MAIL_IN_MAX_BYTES`` is kept (the rest is read and dropped, so that the MTA can finish writing)."""
    limit = settings.MAIL_IN_MAX_BYTES
    head = stream.read(limit + 1)
    if len(head) <= limit:
        return head, len(head)
    size = len(head)
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
    return _headers_of(head[:_HEAD_LIMIT]), size


def _headers_of(head):
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = head.find(separator)
        if end != -1:
            return head[: end + len(separator)]
    return head


def receive_piped(raw, *, size=None):
    """Processes a piped message; a failed one is written to ``MAIL_IN_FAILED_DIR``. Returns the ``Result``.
    Raises the transient database errors of ``process.receive``."""
    result = process.receive(raw, source="pipe", size=size)
    if result.status == IncomingStatus.FAILED:
        folder = Path(settings.MAIL_IN_FAILED_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{result.mail_id}.eml"
        row = IncomingMail.objects.get(pk=result.mail_id)
        path.write_bytes(annotated(raw, row.detail or row.reason))
        IncomingMail.objects.filter(pk=row.pk).update(kept_as=str(path))
    return result
