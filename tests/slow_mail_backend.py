"""A mail backend for the delivery tests only: it waits before writing each message as an .eml file,
so that a test can kill the worker while a mail is being sent."""

import os
import time

from helpdesk.mail import EmlFileBackend


class SlowEmlBackend(EmlFileBackend):
    """Waits ``ASSISTANCE_TEST_SEND_DELAY`` seconds (default 60) before each message, then writes it."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("ASSISTANCE_TEST_SEND_DELAY", "60")))
        return super().send_messages(email_messages)
