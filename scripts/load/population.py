"""The load benchmark's data: the demo's services and categories, the simulated people, the synthetic tickets;
and the outbox's counts at the end. Django must be set up, on the benchmark's own database.
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q

from accounts.services import mark_email_verified
from tickets.demo.data import load_demo_data
from tickets.demo.generator import generate_tickets
from tickets.models import MailStatus, Membership, OutgoingMail, Service

MAIL_DOMAIN = "load.example.org"


def prepare(*, tickets, owners, managers, password, say=print):
    """Migrates, loads the demo's services, creates the people, then the tickets (spread over them too).

    Returns the logins: ``{"owners": [...], "managers": [...]}``.
    """
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    load_demo_data()
    accounts = create_people(owners, managers, password)
    say(f"database migrated, {owners} owners and {managers} managers created ({time.monotonic() - started:.0f} s)")

    def progress(done, events):
        if done % 20_000 == 0 or done == tickets:
            say(f"  {done} tickets, {events} history entries ({time.monotonic() - started:.0f} s)")

    if tickets:
        generate_tickets(tickets, seed=1, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return accounts


@transaction.atomic
def create_people(owners, managers, password):
    """Local accounts with verified addresses: ``load-owner-N`` and ``load-manager-N``, the managers spread
    over the demo's services in turn. All share one password hash: hashing it once per account would take
    minutes, and the login still checks it in full."""
    User = get_user_model()
    hashed = make_password(password)
    services = list(Service.objects.order_by("pk"))
    accounts = {"owners": [], "managers": []}
    for kind, number in [("owner", n) for n in range(1, owners + 1)] + [("manager", n) for n in range(1, managers + 1)]:
        login = f"load-{kind}-{number:03d}"
        user = User.objects.create(
            username=login,
            email=f"{login}@{MAIL_DOMAIN}",
            first_name=kind.capitalize(),
            last_name=f"{number:03d}",
            password=hashed,
        )
        mark_email_verified(user)
        if kind == "manager":
            Membership.objects.create(service=services[(number - 1) % len(services)], user=user)
        accounts[f"{kind}s"].append(login)
    return accounts


def mail_counts():
    """The outbox by state: (written, sent, pending or being sent, failed)."""
    counts = OutgoingMail.objects.aggregate(
        written=Count("pk"),
        sent=Count("pk", filter=Q(status=MailStatus.SENT)),
        pending=Count("pk", filter=Q(status__in=[MailStatus.PENDING, MailStatus.SENDING])),
        failed=Count("pk", filter=Q(status=MailStatus.FAILED)),
    )
    return counts["written"], counts["sent"], counts["pending"], counts["failed"]


def wait_for_outbox(timeout, *, say=print):
    """Waits, ``timeout`` seconds at most, until no mail is pending or being sent; returns the last counts."""
    deadline = time.monotonic() + timeout
    while True:
        counts = mail_counts()
        if counts[2] == 0 or time.monotonic() >= deadline:
            return counts
        say(f"  outbox: {counts[2]} mails still to send")
        time.sleep(2)
