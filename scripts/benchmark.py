"""Server-time benchmark of the busiest pages, on PostgreSQL with many synthetic tickets.

Usage (from the project folder, PostgreSQL reachable):
    .venv/bin/python scripts/benchmark.py [--tickets 100000] [--runs 20] [--database NAME] [--keep] [--reuse]
    .venv/bin/python scripts/benchmark.py --statistics [--tickets 1000000] [--database NAME] [--keep] [--reuse]

It creates a database of its own (``assistance_bench`` unless --database names another, on the server of
BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo
data and the synthetic tickets (written with COPY), then times each page through Django's full request
handling (middleware, views, templates, queries) in this process, for four people: a manager of one
service (gest-scol), a manager of every service, an administrator and a user with 200 tickets. It prints
the median and the 95th percentile in milliseconds and the number of queries of each page (the first
request's, which may write the person's Historique row). Mail is queued as in production (the broker is
replaced by a stub that takes the task), never delivered in the request.
The database is dropped at the end unless --keep is given; --reuse measures a kept database again (after
migrating it) without writing the tickets anew. Each person's pages include the search (a common word, a
rare one, a word of comments, a person, a word of another service's vocabulary), the FAQ, Signets/Historique,
the Journal (managers), the ENT tab's portlet and the badge's counter; the search index is built once,
set-based, for the synthetic tickets.

With --statistics it times the STATISTIQUES pages instead (an admin, every service, the last 12 months, each
tab and one CSV), after adding a satisfaction rating to one approved ticket in three when there is none.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchdb import bench_database, foreign_word  # noqa: E402 (next to this script)

# A word in the long ticket's description only: the search's rare-word path (read through the words' index).
RARE_WORD = "ornithorynque"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--database",
        # BENCH_DATABASE_NAME: another name, for two benchmarks on one server.
        default=os.environ.get("BENCH_DATABASE_NAME", "assistance_bench"),
        help="name of the benchmark database",
    )
    parser.add_argument("--statistics", action="store_true", help="time the statistics pages")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    parser.add_argument("--prepare-only", action="store_true", help="write the data set and stop (with --keep)")
    arguments = parser.parse_args()

    with bench_database(arguments.database, reuse=arguments.reuse, keep=arguments.keep) as reused:
        run(arguments, fill=not reused)


def prepare(tickets):
    """The data set: the demo, ``tickets`` synthetic tickets, a manager of every service and a user with
    200 tickets spread over the whole past (taken from other owners; history entries stay as written)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tickets.demo.data import load_demo_data
    from tickets.demo.generator import generate_tickets
    from tickets.models import Membership, Service

    started = time.monotonic()
    load_demo_data()

    def progress(done, events):
        if done % 100_000 == 0 or done == tickets:
            print(f"  {done} tickets, {events} history entries, {time.monotonic() - started:.0f} s", flush=True)

    generate_tickets(tickets, seed=1, progress=progress)
    User = get_user_model()
    everywhere = User.objects.create(username="bench-tous", first_name="Gestionnaire", last_name="Partout")
    Membership.objects.bulk_create(Membership(service=service, user=everywhere) for service in Service.objects.all())
    owner = User.objects.create(username="bench-usager", first_name="Usager", last_name="Deux-cents")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET owner_id = %s WHERE id IN "
            "(SELECT id FROM tickets_ticket WHERE id %% %s = 7 ORDER BY id LIMIT 200)",
            [owner.pk, max(1, tickets // 200)],
        )
    print(f"{tickets} tickets ready in {time.monotonic() - started:.0f} s", flush=True)


def long_ticket():
    """A ticket of gest-scol's service with 50 history entries."""
    from django.contrib.auth import get_user_model

    from tickets import workflow
    from tickets.models import Category, Ticket

    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    found = Ticket.objects.filter(subject="Bench: 50 entrées").first()
    if found:
        return found
    category = Category.objects.get(code="02_App_Gestion")
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject="Bench: 50 entrées", description=f"<p>{RARE_WORD}</p>"
    )
    ticket = workflow.take(ticket, actor=manager)
    for number in range(48):
        author = owner if number % 2 else manager
        ticket = workflow.comment(ticket, actor=author, text=f"<p>Échange n°{number}</p>")
    return ticket


def cases_for(label, client, *, manager, ticket, deep_page, foreign):
    """(name, request, expected status) for the pages one person uses."""
    from django.urls import reverse

    from tickets.dashboards import SORT_CHOICES
    from tickets.models import Ticket

    dashboard = reverse("dashboard")

    def get(url, params=None):
        return lambda: client.get(url, params or {})

    views = ["libres", "miens", "libres_ou_miens", "services"] if manager else []
    views += ["mes", "invites", "surveilles", "tous"]
    wide = "services" if manager else "tous"
    cases = [(f"{label}: dashboard, default view", get(dashboard), 200)]
    cases += [(f"{label}: view {view}", get(dashboard, {"vue": view}), 200) for view in views]
    cases += [
        (f"{label}: {wide}, status {status}", get(dashboard, {"vue": wide, "statut": status}), 200)
        for status in ("clos", "tous")
    ]
    if manager:
        cases += [
            (f"{label}: services, one service", get(dashboard, {"vue": "services", "service": ticket.service_id}), 200),
            (
                f"{label}: services, one category",
                get(dashboard, {"vue": "services", "categorie": ticket.category_id}),
                200,
            ),
            (f"{label}: services, no manager", get(dashboard, {"vue": "services", "gestionnaire": "aucun"}), 200),
        ]
    cases += [
        (f"{label}: {wide}, all, sort {sort}", get(dashboard, {"vue": wide, "statut": "tous", "tri": sort}), 200)
        for sort in SORT_CHOICES
    ]
    cases += [
        (
            f"{label}: {wide}, all, page {deep_page}",
            get(dashboard, {"vue": wide, "statut": "tous", "page": deep_page}),
            200,
        ),
        (f"{label}: bookmarks", get(reverse("bookmarks")), 200),
        (f"{label}: FAQ", get(reverse("faq")), 200),
        (f"{label}: search, a common word (apogee)", get(reverse("search"), {"q": "apogee"}), 200),
        (f"{label}: search, a rare word ({RARE_WORD})", get(reverse("search"), {"q": RARE_WORD}), 200),
        # A word of history entries, which public viewers never read, and a person: both once walked every
        # public row to find none.
        (f"{label}: search, a word of comments (navigateur)", get(reverse("search"), {"q": "navigateur"}), 200),
        (f"{label}: search, a person (seclier5)", get(reverse("search"), {"q": "seclier5"}), 200),
        (f"{label}: search, another service's word ({foreign})", get(reverse("search"), {"q": foreign}), 200),
    ]
    if manager:
        cases += [
            (f"{label}: ticket page, 50 entries", get(reverse("ticket", args=[ticket.pk])), 200),
            (f"{label}: journal", get(reverse("journal")), 200),
        ]
    else:
        own = Ticket.objects.filter(owner=client.session_user).order_by("-pk").first()
        cases.append((f"{label}: own ticket page", get(reverse("ticket", args=[own.pk])), 200))
    return cases


def measure(name, request, expected, runs):
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # also the warm-up
        response = request()
    assert response.status_code == expected, (name, response.status_code)
    request()
    timings = []
    for _ in range(runs):
        before = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - before) * 1000)
        assert response.status_code == expected, name
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"{name:<62} {statistics.median(timings):>8.1f} {p95:>8.1f} {len(queries):>5}", flush=True)


def run(arguments, *, fill):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from tickets.dashboards import PER_PAGE, SHOWN_LIMIT
    from tickets.models import Category, Event, Satisfaction, SearchDocument, Ticket
    from tickets.search.index import rebuild

    call_command("migrate", verbosity=0)
    if fill:
        prepare(arguments.tickets)
    if arguments.statistics and not Satisfaction.objects.exists():
        add_satisfaction()
    first = Ticket.objects.order_by("pk").values("pk")[:1]
    if not arguments.statistics and not SearchDocument.objects.filter(ticket_id=first).exists():
        # The search index of the synthetic tickets, which the workflow writes in production (set-based).
        started = time.monotonic()
        with transaction.atomic():
            print(f"search index: {rebuild()} rows in {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:  # what autovacuum does in production after a bulk load
        cursor.execute("VACUUM ANALYZE")
    if arguments.prepare_only:
        return
    if arguments.statistics:
        return time_statistics(arguments)
    ticket = long_ticket()
    print(f"{Ticket.objects.count()} tickets, {Event.objects.count()} history entries; ", end="")
    print(f"ticket n°{ticket.pk} has {ticket.events.count()} history entries")

    User = get_user_model()
    people = [
        ("one service (gest-scol)", "gest-scol", True),
        ("every service", "bench-tous", True),
        ("administrator", "admin", True),
        ("user, 200 tickets", "bench-usager", False),
    ]
    deep_page = SHOWN_LIMIT // PER_PAGE
    foreign = foreign_word(ticket.service_id)
    print(f"{'page':<62} {'median':>8} {'p95':>8} {'queries':>5}  (ms; runs: {arguments.runs})")
    for label, username, manager in people:
        client = Client()
        client.session_user = User.objects.get(username=username)
        client.force_login(client.session_user)
        cases = cases_for(label, client, manager=manager, ticket=ticket, deep_page=deep_page, foreign=foreign)
        for name, request, expected in cases:
            measure(name, request, expected, arguments.runs)
        # The ENT tab: its portlet, and the badge's counter polled by every open ENT page.
        measure(f"{label}: ENT portlet", lambda client=client: client.get(reverse("ent_portlet")), 200, arguments.runs)
        measure(f"{label}: ENT counter", lambda client=client: client.get(reverse("ent_counter")), 200, arguments.runs)
    owner = Client()
    owner.force_login(User.objects.get(username="bench-usager"))
    category = Category.objects.get(code="02_App_Gestion")
    deposit_url = reverse("deposit_form", args=[category.pk])
    data = {"subject": "Bench", "description": "<p>Bench</p>", "scope": "private", "priority": "2"}
    queued = []
    # The broker takes the task, as in production: the mail is written to the outbox and queued, not sent.
    with mock.patch("tickets.notifications.tasks.deliver_mail.apply_async", lambda *a, **k: queued.append(a)):
        measure("user: deposit a ticket (mail queued)", lambda: owner.post(deposit_url, data), 302, arguments.runs)
    print(f"mails queued by the deposits: {len(queued)}")


def add_satisfaction():
    """A rating for one approved ticket in three, as if given at its approval, in one statement."""
    from django.db import connection

    from tickets.models import Satisfaction, Ticket

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Satisfaction._meta.db_table} "  # noqa: S608 (the models' own table names)
            "(ticket_id, rating, comment, author_id, service_id, category_id, manager_id, created_at) "
            "SELECT id, 1 + (id * 7) % 5, '', owner_id, service_id, category_id, manager_id, closed_at "
            f"FROM {Ticket._meta.db_table} WHERE status = 'approved' AND id % 3 = 0"
        )
        print(f"{cursor.rowcount} satisfaction ratings")


def time_statistics(arguments):
    """The statistics pages for an admin, every service, the last 12 months: median, p95, queries."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from tickets.statistics.tables import TABS

    reader = Client()
    reader.force_login(get_user_model().objects.get(username="admin"))
    cases = [(f"statistics, {tab}", reverse("statistics"), {"vue": tab, "periode": "12m"}) for tab in TABS]
    cases.append(
        ("statistics CSV, delays per service", reverse("statistics_csv", args=["delais-service"]), {"periode": "12m"})
    )
    print(f"{'page':<62} {'median':>8} {'p95':>8} {'queries':>5}  (ms; runs: {arguments.runs})")
    for name, url, params in cases:
        measure(name, lambda url=url, params=params: reader.get(url, params), 200, arguments.runs)


if __name__ == "__main__":
    main()
