"""Server-time benchmark of the busiest pages, on PostgreSQL with 100,000 synthetic tickets.

Usage (from the project folder, PostgreSQL reachable):
    .venv/bin/python scripts/benchmark.py [--tickets 100000] [--runs 60] [--keep] [--database NAME]
    .venv/bin/python scripts/benchmark.py --statistics --tickets 1000000 --runs 30 --database statbench
    .venv/bin/python scripts/benchmark.py --statistics --runs 30 --database statbench --keep --reuse

It creates a database of its own (``assistance_bench`` on the server of BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo data and the synthetic
tickets, then times each page through Django's full request handling (middleware, views, templates,
queries) in this process, and prints the median and the 95th percentile in milliseconds. The
database is dropped at the end unless --keep is given.

With --statistics it times the STATISTIQUES pages instead (an admin, every service, the last 12 months, each
tab and one CSV), after adding a satisfaction rating to one approved ticket in three, and prints the number
of queries of each page too.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--database",
        # BENCH_DATABASE_NAME: another name, for two benchmarks on one server.
        default=os.environ.get("BENCH_DATABASE_NAME", "assistance_bench"),
        help="name of the benchmark database",
    )
    parser.add_argument("--statistics", action="store_true", help="time the statistics pages")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no new tickets)")
    arguments = parser.parse_args()
    name = arguments.database
    if not name.replace("_", "").isalnum():
        parser.error("--database: letters, digits and underscores only")

    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    bench_url = urlparse(server)._replace(path=f"/{name}").geturl()
    import psycopg2

    admin = psycopg2.connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if arguments.reuse and not cursor.fetchone():
            parser.error(f"--reuse: no database {name}")
        if not arguments.reuse:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')

    os.environ.update(
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DJANGO_DEBUG="false",  # DEBUG would keep every query in memory and slow everything down
        DJANGO_ALLOWED_HOSTS="testserver",
        CELERY_BROKER_URL="",
    )
    import django

    django.setup()
    try:
        run(arguments)
    finally:
        from django.db import connections

        connections.close_all()
        if not arguments.keep:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def run(arguments):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tickets import workflow
    from tickets.demo.data import load_demo_data
    from tickets.demo.generator import generate_tickets
    from tickets.models import Category, Ticket
    from tickets.portlet import counter

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not arguments.reuse:
        load_demo_data()
        generate_tickets(arguments.tickets, seed=1)
        if arguments.statistics:
            add_satisfaction()
    with connection.cursor() as cursor:
        # As autovacuum does in production: statistics for the planner, and the visibility map that lets
        # index-only scans skip the tables.
        cursor.execute("VACUUM ANALYZE")
    print(f"{Ticket.objects.count()} tickets ready in {time.monotonic() - started:.0f} s")
    if arguments.statistics:
        return time_statistics(arguments)

    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    category = Category.objects.get(code="02_App_Gestion")
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject="Connexion apogee impossible", description="x"
    )
    ticket = workflow.take(ticket, actor=manager)
    for number in range(48):
        author = owner if number % 2 else manager
        ticket = workflow.comment(ticket, actor=author, text=f"<p>Échange n°{number}</p>")
    print(f"ticket n°{ticket.pk} has {ticket.events.count()} history entries")
    # The ENT tab's counter, polled by every ENT page: for seclier5, who files a fifth of the synthetic
    # tickets, and for a newcomer with 10 tickets, as most people have.
    newcomer = User.objects.create_user("bench-newcomer", first_name="Nouveau", last_name="Venu")
    for number in range(10):
        workflow.create_ticket(actor=newcomer, category=category, subject=f"Ticket {number}", description="x")
    print(f"seclier5 has {owner.owned_tickets.count()} tickets, {counter(owner)['open']} of them open")

    as_manager, as_owner = Client(), Client()
    as_manager.force_login(manager)
    as_owner.force_login(owner)
    as_newcomer = Client()
    as_newcomer.force_login(newcomer)
    deposit_url = reverse("deposit_form", args=[category.pk])
    deposit_data = {"subject": "Bench", "description": "<p>Bench</p>", "scope": "private", "priority": "2"}
    cases = [
        ("manager dashboard, first page", lambda: as_manager.get(reverse("dashboard"))),
        (
            "manager dashboard, filtered",
            lambda: as_manager.get(
                reverse("dashboard"),
                {"vue": "services", "statut": "ouverts", "categorie": category.pk, "tri": "-derniere_action"},
            ),
        ),
        ("user dashboard", lambda: as_owner.get(reverse("dashboard"))),
        ("ticket page, 50 history entries", lambda: as_manager.get(reverse("ticket", args=[ticket.pk]))),
        ("deposit a ticket", lambda: as_owner.post(deposit_url, deposit_data)),
        ("ENT counter, seclier5", lambda: as_owner.get(reverse("ent_counter"))),
        ("ENT counter, 10 tickets", lambda: as_newcomer.get(reverse("ent_counter"))),
        ("ENT portlet, seclier5", lambda: as_owner.get(reverse("ent_portlet"))),
        ("ENT portlet, manager", lambda: as_manager.get(reverse("ent_portlet"))),
    ]
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8}  (runs: {arguments.runs})")
    for name, request in cases:
        expected = 302 if name.startswith("deposit") else 200
        for _ in range(3):  # warm-up
            assert request().status_code == expected, name
        timings = []
        for _ in range(arguments.runs):
            before = time.perf_counter()
            response = request()
            timings.append((time.perf_counter() - before) * 1000)
            assert response.status_code == expected, name
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{name:<34} {statistics.median(timings):>10.1f} {p95:>8.1f}")


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
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tickets.statistics.tables import TABS

    reader = Client()
    reader.force_login(get_user_model().objects.get(username="admin"))
    cases = [(f"statistics, {tab}", reverse("statistics"), {"vue": tab, "periode": "12m"}) for tab in TABS]
    cases.append(
        ("statistics CSV, delays per service", reverse("statistics_csv", args=["delais-service"]), {"periode": "12m"})
    )
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  (runs: {arguments.runs})")
    for name, url, params in cases:
        for _ in range(2):  # warm-up
            assert reader.get(url, params).status_code == 200, name
        queries = []

        def counted(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(counted):
            reader.get(url, params)
        timings = []
        for _ in range(arguments.runs):
            before = time.perf_counter()
            response = reader.get(url, params)
            timings.append((time.perf_counter() - before) * 1000)
            assert response.status_code == 200, name
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{name:<40} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries):>8}")


if __name__ == "__main__":
    main()
