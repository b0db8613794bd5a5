"""The demo accounts, for django-cas-server's CAS_AUTH_CLASS."""

import hmac
import json

from cas_server.auth import AuthUser
from django.conf import settings


def load_accounts():
    """The accounts of the demo accounts file: {login: {"password": ..., "attributes": {...}}}."""
    with open(settings.DEMO_ACCOUNTS_FILE, encoding="utf-8") as accounts:
        return json.load(accounts)


class DemoAccount(AuthUser):
    """An account of the demo accounts file.

    The file is read again at every login and every ticket, so that a test (or a person trying the
    demo) can change an attribute between two logins and see the portal take the new value.
    """

    def __init__(self, username):
        super().__init__(username)
        self.account = load_accounts().get(username)

    def test_password(self, password):
        return self.account is not None and hmac.compare_digest(password, self.account["password"])

    def attributs(self):
        return dict(self.account["attributes"]) if self.account else {}
