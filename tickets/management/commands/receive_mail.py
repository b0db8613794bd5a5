"""Receives one message from standard input (an MTA's pipe delivery), or polls the IMAP mailbox once."""

import sys

from django.core.management.base import BaseCommand, CommandError

from tickets.mailin import process, transport

# sysexits.h: the MTA keeps the message and delivers it again later.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Reads one message on standard input and processes it as the mail gateway does (a reply becomes a "
        "history entry, a mail to a service's address a ticket), for an MTA's pipe delivery. Exits with 75 "
        "(try again later) when the database is out of reach. With --imap, polls the IMAP mailbox once instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--imap", action="store_true", help="poll the IMAP mailbox once (ASSISTANCE_MAIL_IN_IMAP_*)"
        )

    def handle(self, *args, imap, **options):
        if imap:
            counts = transport.poll_mailbox()
            self.stdout.write(", ".join(f"{status}: {count}" for status, count in sorted(counts.items())) or "no mail")
            return
        raw, size = transport.read_piped(sys.stdin.buffer)
        if not raw.strip():
            raise CommandError("No message on standard input.")
        try:
            result = transport.receive_piped(raw, size=size)
        except process.TRANSIENT_ERRORS as error:
            message = f"Database out of reach, deliver the message again later: {error}"
            raise CommandError(message, returncode=EX_TEMPFAIL) from error
        self.stdout.write(" ".join(filter(None, [result.status, result.reason])))
