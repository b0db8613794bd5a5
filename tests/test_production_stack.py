"""Production as an administrator sets it up, end to end, in the order of README.md, "Running in production".

On a fresh PostgreSQL database and a Redis database of its own, the test runs each step as its own process
with the project's Python: the deploy check, migrate, collectstatic, createsuperuser and the data an
administrator enters (a service with its manager and a category, two local accounts); then a real SMTP
server as the mail sink (aiosmtpd), gunicorn, a Celery worker and Celery beat. Over HTTP to gunicorn, with
the headers of the reverse proxy in front of it, an owner files a ticket with a screenshot, a manager takes
it and asks for closure, and the owner approves the closure from the link of the mail the sink received.
Everything is stopped at the end, the database dropped and the Redis database emptied. About a minute:
beat's first sweep of the outbox, a minute after it starts, is waited for.
"""

import io
import os
import re
import secrets
import socket
import uuid
from urllib.parse import urlsplit

import psycopg2
import pytest
import redis
from PIL import Image
from psycopg2 import sql

from tests.stack_support import ProxiedBrowser, Stack, free_ports, received_mail, wait_until

pytestmark = pytest.mark.stack

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# A Redis database of its own, emptied before and after: the broker, and production's cache.
REDIS_URL = "redis://127.0.0.1:6379/7"
HOST = "assistance.example.org"
# Only ever written in X-Forwarded-For, as the proxy would: a documentation address, never reached.
CLIENT_ADDRESS = "192.0.2.10"
START_TIMEOUT = 90
MAIL_TIMEOUT = 90
# Beat sends its first sweep of the outbox a minute after it starts.
SWEEP_TIMEOUT = 150

# The data an administrator enters in Administration, entered here through `manage.py shell`.
ADMINISTRATOR_DATA = """
import os
from accounts.models import User
from accounts.services import mark_email_verified
from tickets.models import Category, Membership, Service

password = os.environ["STACK_TEST_PASSWORD"]
for username, first_name, last_name in (("bseclier", "Benjamin", "Seclier"), ("slambert", "Sophie", "Lambert")):
    person = User.objects.create_user(
        username, f"{username}@univ.example.org", password, first_name=first_name, last_name=last_name
    )
    mark_email_verified(person)
service = Service.objects.create(label="Service informatique")
Membership.objects.create(service=service, user=User.objects.get(username="slambert"))
Category.add_root(service=service, label="Messagerie électronique")
"""
OWNER, MANAGER = "bseclier", "slambert"


def unavailable(reason):
    """CI starts PostgreSQL and Redis: there a missing one fails the test; elsewhere it is skipped."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def database():
    """A fresh PostgreSQL database, dropped at the end whatever happens; yields its URL."""
    try:
        server = psycopg2.connect(dbname="postgres", connect_timeout=5, **POSTGRES)
    except psycopg2.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable on {POSTGRES['host']}:{POSTGRES['port']}: {error}")
    server.autocommit = True
    name = f"assistance_stack_{uuid.uuid4().hex[:12]}"
    try:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"postgres://{POSTGRES['user']}@{POSTGRES['host']}:{POSTGRES['port']}/{name}"
    finally:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        server.close()


@pytest.fixture
def broker():
    """The Redis database of the test, empty at the start and emptied at the end; yields its URL."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        client.flushdb()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def stack(tmp_path, database, broker):
    """The production environment (README.md, "Configuration") and its programs, all stopped at the end."""
    ports = dict(zip(("smtp", "web"), free_ports(2), strict=True))
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "ASSISTANCE_"))
    }
    env = {
        **inherited,
        "DJANGO_PROFILE": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "ASSISTANCE_SMTP_HOST": "127.0.0.1",
        "ASSISTANCE_SMTP_PORT": str(ports["smtp"]),
        "ASSISTANCE_SMTP_SECURITY": "none",
        "ASSISTANCE_FROM_EMAIL": f"assistance@{HOST}",
        "ASSISTANCE_SITE_URL": f"https://{HOST}",
        "ASSISTANCE_VAR_DIR": str(tmp_path / "var"),
        "ASSISTANCE_MEDIA_ROOT": str(tmp_path / "media"),
        "ASSISTANCE_TRUSTED_PROXIES": "1",
        "ASSISTANCE_MAIL_GROUP_SECONDS": "0",
    }
    running = Stack(tmp_path, env)
    running.ports, running.maildir = ports, tmp_path / "maildir"
    yield running
    running.stop_all()


def install(stack, password):
    """README.md steps 2, 4 and 8: the deploy check, the schema, the static files, the administrator; then
    what the administrator enters."""
    assert "no issues" in stack.manage("check", "--deploy", "--fail-level", "WARNING")
    stack.manage("migrate", "--no-input")
    stack.manage("collectstatic", "--no-input")
    stack.manage(
        "createsuperuser",
        "--no-input",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_EMAIL=f"admin@{HOST}",
        DJANGO_SUPERUSER_PASSWORD=password,
    )
    stack.manage("shell", "--no-imports", "-c", ADMINISTRATOR_DATA, STACK_TEST_PASSWORD=password)


def start_services(stack):
    """README.md steps 6 and 7, and the mail sink they send to; returns a browser behind the proxy, and the
    worker."""
    smtp, web = (f"127.0.0.1:{stack.ports[name]}" for name in ("smtp", "web"))
    sink = stack.start(
        "mail sink", "-m", "aiosmtpd", "-n", "-l", smtp, "-c", "aiosmtpd.handlers.Mailbox", str(stack.maildir)
    )
    # Its control socket is in the test's folder, not in $HOME where another gunicorn may have its own.
    control = str(stack.directory / "gunicorn.ctl")
    gunicorn = stack.start(
        "gunicorn", "-m", "gunicorn", "helpdesk.wsgi", "--workers", "2", "--bind", web, "--control-socket", control
    )
    worker = stack.start("celery worker", "-m", "celery", "-A", "helpdesk", "worker", "--loglevel", "INFO")
    schedule = str(stack.directory / "celerybeat-schedule")
    beat = stack.start(
        "celery beat", "-m", "celery", "-A", "helpdesk", "beat", "--loglevel", "INFO", "--schedule", schedule
    )
    wait_until(lambda: accepts(sink, stack.ports["smtp"]), "the mail sink to listen", START_TIMEOUT)
    browser = ProxiedBrowser(f"http://{web}", HOST, CLIENT_ADDRESS)
    wait_until(lambda: accepts(gunicorn, stack.ports["web"]), "gunicorn to listen", START_TIMEOUT)
    worker.wait_for_output(r" ready\.", START_TIMEOUT)
    beat.wait_for_output("beat: Starting", START_TIMEOUT)
    return browser, worker


def accepts(program, port):
    """Whether the program accepts connections on ``port``; ``AssertionError`` if it exited."""
    if program.process.poll() is not None:
        raise AssertionError(f"{program.name} exited ({program.process.returncode}).")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def log_in(browser, username, password):
    """Logs in with the local login form (allauth) and lands where the portal sends the person."""
    page = browser.open("/comptes/login/")
    assert page.status_code == 200, page.text
    landed = browser.submit(page.page.form(field="login"), {"login": username, "password": password})
    assert landed.status_code == 200, landed.text
    assert "assistance_sessionid" in browser.cookies, "the login opened no session"
    return landed


def log_out(browser):
    """Logs out with the header's form, then checks a page that needs a login sends to the login page."""
    page = browser.open("/")
    browser.submit(page.page.form(action="/comptes/logout/"))
    assert "assistance_sessionid" not in browser.cookies
    browser.open("/deposer/")
    assert urlsplit(browser.url).path == "/comptes/login/"


def screenshot():
    """A small PNG, as a person's screenshot."""
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(picture, format="PNG")
    return picture.getvalue()


def file_ticket(browser, png):
    """Step 1 (the category) and step 2 (subject, description, the file) of the deposit; returns the
    ticket's number."""
    step1 = browser.open("/deposer/")
    assert step1.status_code == 200, step1.text
    category_link = next(link for link in step1.page.links if re.fullmatch(r"/deposer/\d+/", link))
    step2 = browser.open(category_link)
    assert step2.status_code == 200, step2.text
    created = browser.submit(
        step2.page.form(field="subject"),
        {"subject": "La messagerie refuse mes pièces jointes", "description": "<div>Message refusé.</div>"},
        files={"files": ("capture.png", png, "image/png")},
    )
    assert created.status_code == 200, created.text
    assert "Un nouveau ticket a été créé." in created.text
    return int(re.fullmatch(r"/ticket/(\d+)/", urlsplit(browser.url).path)[1])


def act(browser, number, action):
    """Posts one of the ticket page's one-button actions, with the version the page shows."""
    page = browser.open(f"/ticket/{number}/")
    assert page.status_code == 200, page.text
    done = browser.submit(page.page.form(action=f"/ticket/{number}/action/{action}/"))
    assert done.status_code == 200, done.text
    return done


def closure_mail(stack, owner_address):
    """The "Clôture demandée" mail the sink received for the owner, waited for."""

    def arrived():
        return next(
            (
                message
                for message in received_mail(stack.maildir)
                if "Clôture demandée" in message["Subject"] and owner_address in message["To"]
            ),
            None,
        )

    return wait_until(arrived, "the owner's closure mail in the mail sink", MAIL_TIMEOUT)


def approve_link(message):
    """The "Approuver la clôture" link of a mail's text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"Approuver la clôture\s*:\s*(\S+)", text)
    assert found, f"no approval link in the mail:\n{text}"
    return found[1]


def test_production_stack_end_to_end(stack):
    password = secrets.token_urlsafe(24)
    png = screenshot()
    with stack.explained():
        install(stack, password)
        browser, worker = start_services(stack)

        log_in(browser, OWNER, password)
        assert {"assistance_sessionid", "assistance_csrftoken"} <= browser.secure_cookies
        number = file_ticket(browser, png)
        log_out(browser)

        log_in(browser, MANAGER, password)
        act(browser, number, "take")
        act(browser, number, "request_closure")
        log_out(browser)

        link = approve_link(closure_mail(stack, f"{OWNER}@univ.example.org"))
        assert link.startswith(f"https://{HOST}/lien/")
        log_in(browser, OWNER, password)
        form_page = browser.open(link)
        assert form_page.status_code == 200, form_page.text
        approved = browser.submit(form_page.page.form(action=f"/ticket/{number}/action/approve_closure/"))
        assert approved.status_code == 200, approved.text
        assert '<dd class="status status-approved">Clôture approuvée</dd>' in approved.text

        file_url = next(link for link in approved.page.links if link.startswith("/fichiers/"))
        served = browser.open(file_url)
        assert (served.status_code, served.headers["Content-Type"], served.content) == (200, "image/png", png)
        style_sheet = next(href for href in approved.page.stylesheets if "/css/portal." in href)
        assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", style_sheet), style_sheet
        style = browser.open(style_sheet)
        assert (style.status_code, style.headers["Content-Type"].split(";")[0]) == (200, "text/css")

        worker.wait_for_output(r"Task tickets\.tasks\.sweep_outbox\[\S+\] succeeded", SWEEP_TIMEOUT)
        problems = stack.stop_all()
    assert problems == [], "\n".join(problems) + "\n\n" + stack.logs()
