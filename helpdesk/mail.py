"""A mail backend for the demo and the tests: each message becomes one .eml file."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    """Writes every message to the ``file_path`` option (default: ``MAIL_DIR``) as ``<timestamp>-<random>.eml``.

    A mail client opens the files as they are, and the demo's mailbox page lists them.
    """

    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.MAIL_DIR)

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
            temporary = self.directory / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes())
            # The rename makes the file appear whole to anyone listing the folder.
            temporary.rename(self.directory / name)
            sent += 1
        return sent
