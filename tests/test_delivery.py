"""Mail delivery through a real Redis broker and a real Celery worker process started by the test.

The worker reads the test database, so these tests need PostgreSQL (DATABASE_URL): the SQLite test
database lives in the memory of the test process. Each test has its own queue, so other test runs
sharing the same Redis database do not take its tasks. A test takes about ten seconds.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from django.conf import settings as django_settings
from django.db import connection

from helpdesk.celery import app as celery_app
from tests.test_mail import ticket_in, world  # noqa: F401 -- the people around a ticket
from tickets import workflow
from tickets.models import MailStatus, OutgoingMail, Status, Ticket
from tickets.notifications import tasks

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")
REDIS_URL = os.environ.get("CELERY_BROKER_URL", "")
if not REDIS_URL.startswith("redis://"):
    REDIS_URL = "redis://127.0.0.1:6379/15"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
TIMEOUT = 30

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="a Celery worker process cannot reach the in-memory SQLite test database; "
        "these tests run on PostgreSQL (DATABASE_URL=postgres://…), as CI does",
    ),
]


@pytest.fixture(scope="session")
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


def forget_broker_connections():
    """Drops the connections to the broker, so the next task goes to the broker named now."""
    kombu.pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


class Broker:
    def __init__(self, settings, url, queue):
        self.settings, self.url, self.queue = settings, url, queue

    @contextmanager
    def down(self):
        """The broker is unreachable within the block (a closed port)."""
        self.settings.CELERY_BROKER_URL = CLOSED_PORT_URL
        forget_broker_connections()
        try:
            yield
        finally:
            self.settings.CELERY_BROKER_URL = self.url
            forget_broker_connections()


@pytest.fixture
def broker(settings, redis_url):
    """Tasks of this test go to Redis, into a queue of their own."""
    import redis

    queue = f"assistance-test-{uuid.uuid4().hex[:12]}"
    settings.CELERY_BROKER_URL = redis_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MAIL_QUEUE = queue
    settings.MAIL_GROUP_SECONDS = 0
    forget_broker_connections()
    yield Broker(settings, redis_url, queue)
    forget_broker_connections()
    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    # A killed worker leaves its message unacknowledged; a later worker would put it back in the queue.
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mailbox"


def database_url():
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(database['NAME'], safe='')}"


@pytest.fixture
def start_worker(broker, mail_dir, tmp_path):
    """Starts a Celery worker on the test's queue, database and mailbox; stops every one at the end."""
    workers = []

    def start(**environment):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "ASSISTANCE_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            PYTHONPATH=str(ROOT),
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=broker.url,
            ASSISTANCE_MAIL_QUEUE=broker.queue,
            ASSISTANCE_MAIL_DIR=str(mail_dir),
            ASSISTANCE_VAR_DIR=str(tmp_path / "var"),
            **environment,
        )
        log = tmp_path / f"worker-{len(workers) + 1}.log"
        command = [str(CELERY), "-A", "helpdesk", "worker", "--pool", "solo", "--concurrency", "1"]
        command += ["-Q", broker.queue, "--without-gossip", "--without-mingle", "--without-heartbeat"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*command, "--loglevel", "INFO"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.log = log
        workers.append(process)
        return process

    yield start
    for process in workers:
        stop(process)


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def worker_logs(*processes):
    return "\n".join(process.log.read_text(errors="replace")[-3000:] for process in processes)


def wait_for(condition, what, *workers):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Still waiting after {TIMEOUT} s for {what}.\n{worker_logs(*workers)}")


def mailbox(mail_dir):
    """The addressee of each .eml file in the folder."""
    return sorted(message_from_bytes(path.read_bytes())["To"] for path in mail_dir.glob("*.eml"))


def statuses(ticket):
    return list(OutgoingMail.objects.filter(ticket=ticket).values_list("status", flat=True))


def all_sent(ticket):
    return lambda: set(statuses(ticket)) == {MailStatus.SENT}


def test_an_action_gives_exactly_one_mail_per_recipient(world, start_worker, mail_dir):  # noqa: F811
    worker = start_worker()
    ticket = ticket_in(world, Status.IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    addresses = sorted(OutgoingMail.objects.filter(ticket=ticket).values_list("to_address", flat=True))
    assert len(addresses) == 4 and len(set(addresses)) == 4

    wait_for(all_sent(ticket), "the mails to be sent", worker)
    wait_for(lambda: len(mailbox(mail_dir)) >= len(addresses), "the .eml files", worker)
    time.sleep(1)  # a second copy would show up now
    assert mailbox(mail_dir) == addresses


def test_a_mail_queued_while_the_broker_is_down_goes_out_once_with_the_sweep(
    world,  # noqa: F811
    broker,
    start_worker,
    mail_dir,
    settings,
):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    started = time.monotonic()
    with broker.down():
        workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    assert time.monotonic() - started < 15, "a broker that is down costs little"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSURE_REQUESTED
    assert set(statuses(ticket)) == {MailStatus.PENDING}

    worker = start_worker()
    settings.MAIL_SWEEP_GRACE_SECONDS = 0
    assert tasks.sweep_outbox() == 4
    wait_for(all_sent(ticket), "the swept mails to be sent", worker)
    assert tasks.sweep_outbox() == 0
    time.sleep(1)
    addresses = sorted(OutgoingMail.objects.filter(ticket=ticket).values_list("to_address", flat=True))
    assert mailbox(mail_dir) == addresses


def test_a_worker_killed_while_sending_leaves_a_mail_sent_once_in_the_end(
    world,  # noqa: F811
    start_worker,
    mail_dir,
    settings,
):
    slow = start_worker(
        ASSISTANCE_MAIL_BACKEND="tests.slow_mail_backend.SlowEmlBackend", ASSISTANCE_TEST_SEND_DELAY="60"
    )
    ticket = ticket_in(world, Status.IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    rows = OutgoingMail.objects.filter(ticket=ticket)
    wait_for(lambda: MailStatus.SENDING in statuses(ticket), "a mail being sent", slow)
    caught = rows.get(status=MailStatus.SENDING)
    stop(slow, signal.SIGKILL)
    assert mailbox(mail_dir) == []
    assert OutgoingMail.objects.get(pk=caught.pk).status == MailStatus.SENDING

    fresh = start_worker()
    others = rows.exclude(pk=caught.pk)
    wait_for(lambda: set(others.values_list("status", flat=True)) == {MailStatus.SENT}, "the other mails", fresh)
    assert OutgoingMail.objects.get(pk=caught.pk).status == MailStatus.SENDING, "not taken back before the delay"

    settings.MAIL_SWEEP_GRACE_SECONDS = 0
    settings.MAIL_ABANDONED_AFTER_MINUTES = 0
    assert tasks.sweep_outbox() == 1
    wait_for(all_sent(ticket), "the abandoned mail to be sent again", fresh)
    time.sleep(1)
    assert mailbox(mail_dir) == sorted(rows.values_list("to_address", flat=True))
    assert OutgoingMail.objects.get(pk=caught.pk).attempts == 2
