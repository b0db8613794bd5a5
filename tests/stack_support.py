"""The production stack for tests/test_production_stack.py: its programs, each a process started and stopped
with its log, and a person's browser behind the reverse proxy, talking HTTP to gunicorn as the proxy does.
"""

import mailbox
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from email import message_from_bytes, policy
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL = 4000
REDIRECTS = {301, 302, 303, 307, 308}


def free_ports(count):
    """``count`` distinct ports free on 127.0.0.1 (held together while chosen, so none comes twice)."""
    with ExitStack() as held:
        probes = [held.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def wait_until(condition, what, timeout):
    """Polls ``condition`` until it returns something true, and returns it.

    Raises ``AssertionError`` naming ``what`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {timeout} s for {what}.")
        time.sleep(0.2)


def group_members(group):
    """The processes of a process group that still run (zombies, which nothing may reap here, are not)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (name) state ppid pgrp …": the name may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


class Program:
    """One program of the stack, in a process group of its own, its output in ``log``."""

    def __init__(self, name, command, *, env, log):
        self.name, self.log = name, log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_for_output(self, pattern, timeout):
        """Waits until the program writes a line matching the regular expression ``pattern``.

        Raises ``AssertionError`` if the program exits first or takes longer than ``timeout`` seconds.
        """

        def written():
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.process.returncode}) before writing {pattern!r}.")
            return re.search(pattern, self.output())

        wait_until(written, f"{self.name} to write {pattern!r}", timeout)

    def stop(self, timeout):
        """Asks the program to stop (SIGTERM) and waits for it and every process of its group.

        Returns what went wrong, or None: a program that had ended before, is still there after ``timeout``
        seconds or left a process behind (its group is then killed, SIGKILL), or ended with an error code.
        """
        group = self.process.pid
        if self.process.poll() is not None:
            self._kill_group()
            return f"{self.name} had ended ({self.process.returncode}) before it was asked to stop."
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._kill_group()
            return f"{self.name} did not stop within {timeout} s of SIGTERM, and was killed."
        try:
            wait_until(lambda: not group_members(group), f"the processes of {self.name} to end", 10)
        except AssertionError:
            left = group_members(group)
            self._kill_group()
            return f"{self.name} left processes {left} behind, which were killed."
        # The mail sink has no handler of its own for SIGTERM: ended by the signal is a clean stop too.
        if self.process.returncode not in {0, -signal.SIGTERM}:
            return f"{self.name} ended with {self.process.returncode} on SIGTERM."
        return None

    def _kill_group(self):
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


class Stack:
    """The programs of the stack, started in order and stopped in the reverse order."""

    def __init__(self, directory, env):
        self.directory, self.env = directory, env
        self.programs = []

    def start(self, name, *arguments):
        """Starts ``python arguments…`` (the project's Python) in the production environment."""
        log = self.directory / f"{name.replace(' ', '-')}.log"
        program = Program(name, [sys.executable, *arguments], env=self.env, log=log)
        self.programs.append(program)
        return program

    def manage(self, *arguments, timeout=300, **extra_env):
        """Runs ``manage.py arguments…`` to its end and returns its output; ``AssertionError`` if it fails."""
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def stop_all(self, timeout=30):
        """Stops every program, the last started first; returns what went wrong (an empty list if nothing)."""
        problems = []
        while self.programs:
            problem = self.programs.pop().stop(timeout)
            if problem:
                problems.append(problem)
        return problems

    def logs(self):
        """The end of each program's log, for a failure's message."""
        return "\n".join(
            f"--- {log.name} ---\n{log.read_text(errors='replace')[-LOG_TAIL:]}"
            for log in sorted(self.directory.glob("*.log"))
        )

    @contextmanager
    def explained(self):
        """A failure within the block also shows the programs' logs."""
        try:
            yield
        except (Exception, pytest.fail.Exception) as error:
            pytest.fail(f"{error}\n\n{self.logs()}")


class Page(HTMLParser):
    """What a test reads of an HTML page: its forms (action and the values they would send), its links
    and its style sheets."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.links, self.stylesheets = [], [], []
        self._fields = self._select = self._textarea = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append({"action": attributes.get("action", ""), "fields": self._fields})
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        elif self._fields is not None:
            self._field(tag, attributes)

    def _field(self, tag, attributes):
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in {"file", "submit", "checkbox", "radio"}:
            self._fields[name] = attributes.get("value", "")
        elif tag == "input" and name and "checked" in attributes:
            self._fields[name] = attributes.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and ("selected" in attributes or self._select not in self._fields):
            self._fields[self._select] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def form(self, *, action=None, field=None):
        """The form whose action ends with ``action``, or that has the field ``field``: its action and fields.

        Raises ``AssertionError`` if the page has none.
        """
        for form in self.forms:
            if (action is None or form["action"].endswith(action)) and (field is None or field in form["fields"]):
                return form
        raise AssertionError(f"No form (action {action}, field {field}) on the page; forms: {self.forms}")


class ProxiedBrowser:
    """A person's browser on ``https://host``, reaching gunicorn (``upstream``) through the reverse proxy.

    Each request carries what the proxy adds (``Host``, ``X-Forwarded-Proto: https``, the client's address
    in ``X-Forwarded-For``) and a same-origin ``Referer``, as a browser on https sends it. The cookies are
    kept here: the portal's are Secure, which ``requests`` would not send over the proxy's plain http.
    """

    def __init__(self, upstream, host, client_address):
        self.upstream, self.host = upstream, host
        self.origin = f"https://{host}"
        self.proxy_headers = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": client_address}
        self.cookies, self.secure_cookies = {}, set()
        self.url = f"{self.origin}/"

    def request(self, method, url, **arguments):
        """One request to the portal's ``url`` (a path, or an absolute URL on its host); no redirect followed."""
        parts = urlsplit(urljoin(self.url, url))
        assert (parts.scheme, parts.netloc) == ("https", self.host), f"{url} leaves the portal"
        headers = {**self.proxy_headers, "Referer": self.url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        target = f"{self.upstream}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        response = requests.request(method, target, headers=headers, allow_redirects=False, timeout=60, **arguments)
        self._keep_cookies(response)
        return response

    def open(self, url, method="GET", **arguments):
        """Requests ``url`` and follows its redirects as a browser does; the page reached becomes the current
        one (``url``, and the ``Referer`` of the next request). The response carries the parsed ``page``."""
        response = self.request(method, url, **arguments)
        location = urljoin(self.url, url)
        for _hop in range(10):
            if response.status_code not in REDIRECTS:
                break
            location = urljoin(location, response.headers["Location"])
            response = self.request("GET", location)
        self.url = location
        response.page = Page(response.text) if "html" in response.headers.get("Content-Type", "") else None
        return response

    def submit(self, form, changes=None, **arguments):
        """Posts a form of the current page with its values, ``changes`` applied; follows the redirects."""
        return self.open(form["action"] or self.url, "POST", data={**form["fields"], **(changes or {})}, **arguments)

    def _keep_cookies(self, response):
        for header in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
                if morsel["secure"]:
                    self.secure_cookies.add(name)


def received_mail(maildir):
    """The messages the mail sink received (a Maildir), parsed with their headers and bodies decoded."""
    if not (Path(maildir) / "new").exists():
        return []
    box = mailbox.Maildir(maildir, factory=None, create=False)
    return [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.iterkeys()]
