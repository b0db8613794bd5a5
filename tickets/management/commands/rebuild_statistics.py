"""Recomputes the pre-computed figures of STATISTIQUES from the tickets and their history.

Every workflow action keeps them current; this is for data changed past the workflow: a restore, an import,
a bulk load, an edit in the Django admin.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from tickets.statistics.rebuild import rebuild


class Command(BaseCommand):
    help = "Recalcule les chiffres des statistiques à partir des tickets et de leur historique."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(self, *args, batch_size, **options):
        def progress(done):
            if options["verbosity"] > 1:
                self.stdout.write(f"… ticket {done}")

        started = time.monotonic()
        with transaction.atomic():
            written = rebuild(batch_size=batch_size, progress=progress)
        rows = ", ".join(f"{n} {table}" for table, n in written.items())
        self.stdout.write(f"Statistics rebuilt in {time.monotonic() - started:.1f} s: {rows} rows.")
