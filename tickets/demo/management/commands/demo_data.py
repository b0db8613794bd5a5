import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tickets.demo.data import DEMO_PASSWORD, PEOPLE, load_demo_data
from tickets.demo.generator import generate_tickets
from tickets.search.index import rebuild


class Command(BaseCommand):
    help = "Loads the demo people, services and categories; optionally adds N synthetic tickets."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=0, metavar="N", help="add N synthetic tickets")
        parser.add_argument("--seed", type=int, default=0, help="random seed of the synthetic tickets")

    def handle(self, *args, tickets, seed, **options):
        if not settings.DEBUG:
            raise CommandError("The demo data has well-known passwords: it is only loaded with DEBUG on.")
        if tickets < 0:
            raise CommandError("--tickets must be zero or more.")
        load_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<11} {person.first_name} {person.last_name} — {person.role}")
        if tickets:
            started = time.monotonic()

            def progress(done, events):
                self.stdout.write(f"  {done} tickets, {events} history entries ({time.monotonic() - started:.1f} s)")

            events = generate_tickets(tickets, seed=seed, progress=progress)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{tickets} synthetic tickets and {events} history entries in {time.monotonic() - started:.1f} s."
                )
            )
            # Written in bulk, past the workflow: their search index is built at once, set-based.
            started = time.monotonic()
            rows = rebuild()
            self.stdout.write(f"Search index: {rows} rows in {time.monotonic() - started:.1f} s.")
