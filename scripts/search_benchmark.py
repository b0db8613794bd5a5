"""Search benchmark: RECHERCHE and the deposit's suggestions on PostgreSQL with 1,000,000 synthetic tickets.

Usage (from the project folder, PostgreSQL reachable):
    .venv/bin/python scripts/search_benchmark.py [--tickets 1000000] [--runs 40] [--keep] [--reuse]

It creates a database of its own (``searchbench`` on the server of BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo data and the benchmark's
synthetic tickets with their histories (``tickets.demo.generator``), builds the search index with the
set-based rebuild, adds a few tickets through the workflow (a rare word in their subject, a word in their
history only), then times each search through Django's full request handling and prints the median, the
95th percentile (ms) and the number of queries. ``--reuse`` keeps an existing ``searchbench`` (made with
``--keep``, or one kept by benchmark.py, which gets the index and the 20 tickets if it lacks them) and
only times; ``--database NAME`` names the database; the database is dropped at the end unless ``--keep`` is
given.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchdb import bench_database, foreign_word  # noqa: E402 (next to this script)

RARE, HISTORY_ONLY = "ornithorynque", "zorglub"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="time an existing benchmark database")
    parser.add_argument("--database", default="searchbench", help="name of the benchmark database")
    arguments = parser.parse_args()
    database = arguments.database

    with bench_database(database, reuse=arguments.reuse, keep=arguments.keep) as reused:
        if not reused:
            fill(arguments.tickets)
        complete()
        if arguments.runs:
            measure(arguments.runs)


def fill(count):
    """The demo data and ``count`` synthetic tickets with their histories."""
    from django.core.management import call_command

    from tickets.demo.data import load_demo_data
    from tickets.demo.generator import generate_tickets

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    load_demo_data()
    events = generate_tickets(count, seed=1)
    print(f"{count} tickets, {events} history entries generated in {time.monotonic() - started:.0f} s", flush=True)


def complete():
    """What a database (this script's, or one kept by benchmark.py) still lacks: the search index of the
    synthetic tickets, built set-based, and the 20 tickets added through the workflow (a rare word in their
    subject, a word in their history only)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from tickets import workflow
    from tickets.models import Category, EntryScope, SearchDocument, Ticket
    from tickets.search.index import rebuild

    call_command("migrate", verbosity=0)
    first = Ticket.objects.order_by("pk").values("pk")[:1]
    if not SearchDocument.objects.filter(ticket_id=first).exists():
        started = time.monotonic()
        with transaction.atomic():
            rows = rebuild()
        print(f"search index: {rows} rows built in {time.monotonic() - started:.0f} s", flush=True)
    if Ticket.objects.filter(subject__startswith=f"Souris {RARE}").exists():
        return
    User = get_user_model()
    owner, manager = User.objects.get(username="seclier5"), User.objects.get(username="gest-scol")
    category = Category.objects.get(code="02_App_Gestion")
    for number in range(20):
        ticket = workflow.create_ticket(
            actor=owner, category=category, subject=f"Souris {RARE} n°{number}", description="<p>Bonjour</p>"
        )
        ticket = workflow.take(ticket, actor=manager)
        workflow.comment(
            ticket, actor=manager, text=f"<p>Le serveur {HISTORY_ONLY} redémarre</p>", scope=EntryScope.INVITED
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(runs):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tickets.models import Category, SearchDocument, Ticket

    User = get_user_model()
    print(f"{Ticket.objects.count()} tickets, {SearchDocument.objects.count()} index rows", flush=True)
    clients = {}
    for username in ("seclier5", "gest-scol"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    search, suggest = reverse("search"), reverse("search_suggestions")
    foreign = foreign_word(Category.objects.get(code="02_App_Gestion").service_id)
    cases = [
        ("common word (apogee)", "gest-scol", search, {"q": "apogee"}),
        ("common word, by date", "gest-scol", search, {"q": "apogee", "tri": "recent"}),
        ("common word, owner", "seclier5", search, {"q": "connexion"}),
        ("two words, page 3", "gest-scol", search, {"q": "connexion apogee", "page": "3"}),
        (f"rare word ({RARE})", "gest-scol", search, {"q": RARE}),
        ("rare word, owner", "seclier5", search, {"q": RARE}),
        ("history only, common (navigateur)", "gest-scol", search, {"q": "navigateur"}),
        (f"history only, rare ({HISTORY_ONLY})", "seclier5", search, {"q": HISTORY_ONLY}),
        ("person (Benjamin Seclier)", "gest-scol", search, {"q": "Benjamin Seclier"}),
        ("person (login), owner", "seclier5", search, {"q": "seclier5"}),
        (f"another service's word ({foreign})", "gest-scol", search, {"q": foreign}),
        ("another service's word, owner", "seclier5", search, {"q": foreign}),
        ("no match", "gest-scol", search, {"q": "inexistant"}),
        ("suggestions, owner", "seclier5", suggest, {"subject": "Connexion apog"}),
        ("suggestions, manager", "gest-scol", suggest, {"subject": "Bulletin de paie introu"}),
        ("suggestions, rare", "seclier5", suggest, {"subject": f"Probleme {RARE}"}),
    ]
    print(f"{'case':<36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  (runs: {runs})")
    for name, username, url, params in cases:
        client = clients[username]
        for _ in range(3):  # warm-up
            assert client.get(url, params).status_code == 200, name
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, params)
        timings = []
        for _ in range(runs):
            before = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - before) * 1000)
            assert response.status_code == 200, name
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{name:<36} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries):>8}", flush=True)


if __name__ == "__main__":
    main()
