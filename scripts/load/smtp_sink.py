"""An SMTP server that accepts every mail and keeps only their count: the mail server of the load benchmark.

Usage: python scripts/load/smtp_sink.py PORT COUNT_FILE

Listens on 127.0.0.1:PORT (aiosmtpd) until SIGTERM or SIGINT. After each mail it writes, into COUNT_FILE, the
number of mails received and the number of their recipients, as JSON, replacing the file whole so that a
reader never sees half of it.
"""

import json
import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class CountingHandler:
    """Accepts every mail (aiosmtpd calls ``handle_DATA``) and records how many came."""

    def __init__(self, count_file):
        self.count_file = Path(count_file)
        self.mails = self.recipients = 0
        self.lock = threading.Lock()
        self.save()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.mails += 1
            self.recipients += len(envelope.rcpt_tos)
            self.save()
        return "250 Message accepted for delivery"

    def save(self):
        partial = self.count_file.with_suffix(".partial")
        partial.write_text(json.dumps({"mails": self.mails, "recipients": self.recipients}), encoding="utf-8")
        partial.replace(self.count_file)


def main(port, count_file):
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller = Controller(CountingHandler(count_file), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
