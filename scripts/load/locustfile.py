"""The people of the load benchmark, for locust: owners (70 %) and managers (30 %) of the portal.

Run by ``scripts/load_benchmark.py``, which creates the accounts and sets, in the environment:
``LOAD_ACCOUNTS`` (a JSON file ``{"owners": [logins], "managers": [logins]}``), ``LOAD_PASSWORD`` (the
password of every one of them), ``LOAD_HOST_HEADER`` (a host name the portal answers to) and
``LOAD_MAX_REQUESTS`` (the run stops after that many requests, whatever its duration).

Each simulated person logs in once with an account of its own, then works with pauses between actions, as
a person reads a page before the next click. The portal runs in its production profile, behind an HTTPS
proxy that this file plays: every request says ``X-Forwarded-Proto: https``, names the portal's host, and
carries the person's own address in ``X-Forwarded-For`` (the portal counts logins per address).

A request answered 409 ("the ticket changed meanwhile": two managers took the same ticket) is the portal
refusing a stale form as it should; it is counted apart, under the name "<action>: conflict (409)".
"""

import json
import logging
import os
import random
import re
import struct
import time
import zlib
from http.cookiejar import DefaultCookiePolicy
from itertools import count
from pathlib import Path

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
PASSWORD = os.environ["LOAD_PASSWORD"]
HOST_HEADER = os.environ["LOAD_HOST_HEADER"]
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS") or 0)
ORIGIN = f"https://{HOST_HEADER}"

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/ticket/(\d+)/"')
CATEGORY_LINK = re.compile(r'href="/deposer/(\d+)/"')
ACTION = re.compile(r'data-action="([a-z_]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')

MANAGER_VIEWS = ["libres", "miens", "libres_ou_miens", "services"]
STATUS_FILTERS = ["ouverts", "clos", "tous"]
SORTS = ["-derniere_action", "derniere_action", "numero", "-numero", "statut"]
COMMENTS = [
    "<p>Pouvez-vous préciser le navigateur utilisé ?</p>",
    "<p>Le problème se reproduit depuis ce matin, sur plusieurs postes.</p>",
    "<p>Le correctif a été appliqué, pouvez-vous vérifier ?</p>",
    "<p>Merci, je regarde et je reviens vers vous.</p>",
]
SUBJECTS = ["Connexion apogee impossible", "Export My report en erreur", "Bulletin de paie introuvable"]

_addresses = count(1)
_accounts = {kind: iter(logins) for kind, logins in ACCOUNTS.items()}
_requests = count(1)
_environment = None


@events.init.add_listener
def remember_environment(environment, **_):
    global _environment
    _environment = environment


@events.request.add_listener
def stop_at_the_bound(**_):
    """Ends the whole run at the request bound: the benchmark is bounded in requests as well as in time."""
    if MAX_REQUESTS and next(_requests) == MAX_REQUESTS:
        logging.warning("%s requests: the bound is reached, the run stops.", MAX_REQUESTS)
        # From its own greenlet: quitting stops every user, the one whose request called this too.
        gevent.spawn(_environment.runner.quit)


def screenshot_png(width=64, height=48):
    """A small valid PNG, as a person attaches a screenshot (the portal reads a file's type from its bytes)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    pixels = [bytes(value for x in range(width) for value in (x * 4 % 256, y * 5 % 256, 128)) for y in range(height)]
    rows = b"".join(b"\x00" + row for row in pixels)  # each row starts with its filter type, none
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


SCREENSHOT = screenshot_png()


class BehindHTTPSProxy(DefaultCookiePolicy):
    """Sends the portal's Secure cookies back over loopback HTTP.

    The portal sees every request as HTTPS (the proxy header says so) and marks its session and CSRF cookies
    Secure; a standard cookie jar would keep them from a plain HTTP request, and nobody would stay logged in.
    """

    def return_ok_secure(self, cookie, request):
        return True


class PortalUser(FastHttpUser):
    """A person of the portal: logs in once, then browses with pauses; the helpers name each request."""

    abstract = True
    kind = ""
    # Between two things a person does on the portal (a helpdesk is not browsed like a shop).
    wait_time = between(10, 30)

    def on_start(self):
        self.client.cookiejar.set_policy(BehindHTTPSProxy())
        number = next(_addresses)
        # Loopback addresses only: the header is what the proxy would append, nothing is sent there.
        self.headers = {
            "Host": HOST_HEADER,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"127.{100 + number // 65536}.{number // 256 % 256}.{number % 256}",
        }
        try:
            self.login = next(_accounts[self.kind])
        except StopIteration:
            raise StopUser(f"more simulated {self.kind} than accounts") from None
        self.csrf = ""
        self.get("/comptes/login/", "login: form")
        self.pause()
        self.post("/comptes/login/", "login: submit", {"login": self.login, "password": PASSWORD}, then="home")

    def get(self, path, name, params=None):
        """GETs ``path`` and returns its HTML ('' when it failed); remembers the page's CSRF token."""
        response = self.client.get(path, name=name, params=params, headers=self.headers)
        html = (response.text or "") if response.status_code == 200 else ""
        token = CSRF_TOKEN.search(html)
        if token:
            self.csrf = token[1]
        return html

    def post(self, path, name, data, *, then="ticket page", files=None):
        """POSTs a form as a browser does, then opens the page it leads to (named ``then``); returns its HTML.

        A 409 (the ticket changed since the form was shown) is recorded under its own name, not as a failure.
        """
        headers = {**self.headers, "Origin": ORIGIN, "Referer": ORIGIN + path}
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        with self.client.post(
            path, name=name, data=data, files=files, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 409:
                response.request_meta["name"] = f"{name}: conflict (409)"
                response.success()
                return ""
            if response.status_code != 302:
                response.failure(f"{response.status_code} instead of a redirect")
                return ""
            response.success()
            target = response.headers.get("location", "/")
        return self.get(target, then)

    def pause(self, low=2, high=6):
        """The moment a person takes to read a page before the next click (or to type, given longer)."""
        time.sleep(random.uniform(low, high))

    def open_one(self, listing):
        """Opens one of the tickets a list shows; returns (number, page HTML), or (None, '') for an empty list."""
        numbers = TICKET_LINK.findall(listing)
        if not numbers:
            return None, ""
        self.pause()
        number = random.choice(numbers)
        return number, self.get(f"/ticket/{number}/", "ticket page")

    def act(self, number, page, action, name, text=""):
        """Does ``action`` on the ticket shown by ``page`` when its ACTIONS menu offers it; False otherwise."""
        version = VERSION.search(page)
        if action not in ACTION.findall(page) or version is None:
            return False
        self.pause()
        data = {"version": version[1]}
        if text:
            form = self.get(f"/ticket/{number}/action/{action}/", f"{name}: form")
            version = VERSION.search(form)
            if version is None:
                return False
            data = {"version": version[1], "text": text, "scope": "invited"}
            self.pause(10, 25)
        self.post(f"/ticket/{number}/action/{action}/", name, data)
        return True


class Owner(PortalUser):
    """Someone who files tickets: their dashboard, their tickets, a deposit with a screenshot, comments."""

    kind = "owners"
    fixed_count = len(ACCOUNTS["owners"])

    @task(4)
    def dashboard(self):
        view = random.choices(["mes", "tous"], [4, 1])[0]
        self.get("/tableau-de-bord/", "dashboard", params={"vue": view} if view != "mes" else None)

    @task(4)
    def read_a_ticket(self):
        self.open_one(self.get("/tableau-de-bord/", "dashboard"))

    @task(2)
    def comment(self):
        number, page = self.open_one(self.get("/tableau-de-bord/", "dashboard", params={"statut": "ouverts"}))
        if number:
            self.act(number, page, "comment", "comment", random.choice(COMMENTS))

    @task(1)
    def deposit(self):
        categories = CATEGORY_LINK.findall(self.get("/deposer/", "deposit: categories"))
        if not categories:
            return
        self.pause()
        category = random.choice(categories)
        self.get(f"/deposer/{category}/", "deposit: form")
        self.pause(15, 40)
        data = {"subject": random.choice(SUBJECTS), "description": random.choice(COMMENTS)}
        data |= {"scope": "private", "priority": "2"}
        files = {"files": ("capture.png", SCREENSHOT, "image/png")}
        self.post(f"/deposer/{category}/", "deposit: submit with a file", data, files=files)


class Manager(PortalUser):
    """A manager of a service: filtered dashboards, takes free tickets, comments, asks for closure."""

    kind = "managers"
    fixed_count = len(ACCOUNTS["managers"])

    def filtered(self, view, **filters):
        params = {"vue": view, "statut": "ouverts", "tri": "-derniere_action", **filters}
        return self.get("/tableau-de-bord/", "dashboard (filtered)", params=params)

    @task(4)
    def dashboard(self):
        filters = {"statut": random.choice(STATUS_FILTERS), "tri": random.choice(SORTS)}
        if random.random() < 0.3:
            filters["page"] = str(random.randint(2, 5))
        self.filtered(random.choice(MANAGER_VIEWS), **filters)

    @task(3)
    def read_a_ticket(self):
        self.open_one(self.filtered(random.choice(MANAGER_VIEWS)))

    @task(1)
    def take(self):
        number, page = self.open_one(self.filtered("libres", page=str(random.randint(1, 3))))
        if number:
            self.act(number, page, "take", "take")

    @task(2)
    def comment(self):
        number, page = self.open_one(self.filtered("miens"))
        if number:
            self.act(number, page, "comment", "comment", random.choice(COMMENTS))

    @task(1)
    def ask_for_closure(self):
        number, page = self.open_one(self.filtered("miens"))
        if number:
            self.act(number, page, "request_closure", "request closure")
