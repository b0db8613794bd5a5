"""The demo CAS server for the tests, and a person's browser in front of it.

Each test module that imports ``cas_server`` gets its own server, on a free port, with a copy of
the demo accounts that its tests may change (``cas_accounts``); it is stopped at the end.
"""

import json
import shutil
import socket
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests

from tickets.demo.cas_server import PROJECT_DIR, DemoCASServer


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cas")
    accounts = directory / "accounts.json"
    shutil.copy(PROJECT_DIR / "accounts.json", accounts)
    with DemoCASServer(free_port(), var_dir=directory, accounts_file=accounts) as server:
        yield server


@pytest.fixture
def cas_accounts(cas_server):
    """The test server's accounts file, put back as it was after the test."""
    accounts = CASAccounts(cas_server.accounts_file)
    yield accounts
    accounts.restore()


class CASAccounts:
    def __init__(self, path):
        self.path = path
        self.original = path.read_text(encoding="utf-8")

    def set_attribute(self, login, name, value):
        accounts = json.loads(self.path.read_text(encoding="utf-8"))
        accounts[login]["attributes"][name] = value
        self.path.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")

    def restore(self):
        self.path.write_text(self.original, encoding="utf-8")


class HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


class CASBrowser:
    """A person's browser on the CAS server's pages, over HTTP, keeping the CAS server's cookies."""

    def __init__(self, session=None):
        self.session = session or requests.Session()

    def log_in(self, login_url, username, password="demo"):
        """Fills the CAS login form; returns where CAS sends the person back (the service URL and its ticket)."""
        page = self.session.get(login_url, allow_redirects=False, timeout=10)
        if page.status_code == 302:
            return page.headers["Location"]
        assert page.status_code == 200, page.text
        form = HiddenInputs()
        form.feed(page.text)
        answer = self.session.post(
            page.url,
            data={**form.fields, "username": username, "password": password},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def path_of(url):
    """The path and query of an absolute URL, for Django's test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
