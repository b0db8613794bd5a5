"""The Reply-To address of a ticket mail: ``assistance+<ticket>-<recipient>-<signature>@domain``.

A reply to it reaches the mail gateway (``tickets.mailin``), which reads the ticket and the person the mail
was written to back from the address. The signature is an HMAC of both with the portal's secret key, so an
address can neither be guessed nor forged for another ticket or person. It is in lower-case base32: mail
servers may change the case of an address's local part, and the address must survive it.
"""

import base64
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "tickets.mailin.reply"
SIGNATURE_LENGTH = 16  # base32 characters: 80 bits
ADDRESS = re.compile(
    r"^(?P<local>[^@+\s]+)\+(?P<ticket>\d{1,12})-(?P<user>\d{1,12})-(?P<signature>[a-z2-7]{16})@(?P<domain>[^@\s]+)$",
    re.IGNORECASE,
)
# The line above which a reply is written; the gateway cuts a reply at it, in any language, whatever
# quoting the mail client adds in front of it.
REPLY_MARKER = "##-"
REPLY_LINE = re.compile(r"^[>\s]*##-.*-##\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ReplyTarget:
    ticket_id: int
    user_id: int


def enabled():
    """Whether mails carry a Reply-To address (``MAIL_IN_ADDRESS`` is set)."""
    return bool(settings.MAIL_IN_ADDRESS)


def reply_address(ticket_id, user_id):
    """The address a reply from ``user_id`` about ``ticket_id`` goes to; empty when mail in is off."""
    if not enabled():
        return ""
    local, _at, domain = settings.MAIL_IN_ADDRESS.rpartition("@")
    return f"{local}+{ticket_id}-{user_id}-{_signature(ticket_id, user_id, settings.SECRET_KEY)}@{domain}"


def read_reply_address(address):
    """The ``ReplyTarget`` an address names, or None when it is not a reply address or its signature is
    wrong. Signatures made with a key of ``SECRET_KEY_FALLBACKS`` are still accepted."""
    match = ADDRESS.match((address or "").strip())
    if match is None:
        return None
    ticket_id, user_id = int(match["ticket"]), int(match["user"])
    given = match["signature"].lower()
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if hmac.compare_digest(given, _signature(ticket_id, user_id, key)):
            return ReplyTarget(ticket_id=ticket_id, user_id=user_id)
    return None


def _signature(ticket_id, user_id, key):
    digest = salted_hmac(SALT, f"{ticket_id}-{user_id}", secret=key, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_LENGTH]
