"""Rewrites the whole search index from the tickets, their history entries and files.

The index is kept current by every action; this is for after a restore, an import or a change of the
indexed text.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from tickets.search.index import rebuild


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche des tickets."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100_000)

    def handle(self, *args, batch_size, **options):
        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"… ticket {done}")

        with transaction.atomic():
            rows = rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(f"{rows} index rows written.")
