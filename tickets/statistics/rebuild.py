"""Recomputing every pre-computed figure from the tickets and their history, with the same ``contributions``
as the workflow: after a restore, an import, a bulk load or a change made in the Django admin.

Tickets are read by ranges of ids, each range with its history entries that count (two queries), summed in
memory (the sums are per day and key, not per ticket: a few hundred thousand rows for a million tickets),
then the tables are emptied and written at once: COPY on PostgreSQL, bulk inserts elsewhere.
"""

import io
from collections import defaultdict

from django.db import connection

from tickets.models import Event, Ticket
from tickets.models.statistics import KEY
from tickets.statistics.facts import STATE_FIELDS, TRANSITION_FIELDS, TRANSITIONS, TicketState, by_span, contributions
from tickets.statistics.upsert import TABLES, table_rows


def summed_facts(*, batch_size=20_000, progress=None):
    """Every ticket's contributions, summed: {(table, span, day, key, detail): {column: n}}."""
    rows = defaultdict(lambda: defaultdict(int))
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, batch_size):
        in_range = {"gte": start, "lt": start + batch_size}
        transitions = defaultdict(list)
        entries = Event.objects.filter(TRANSITIONS, ticket_id__gte=in_range["gte"], ticket_id__lt=in_range["lt"])
        for ticket_id, *transition in entries.values_list("ticket_id", *TRANSITION_FIELDS):
            transitions[ticket_id].append(transition)
        tickets = Ticket.objects.filter(pk__gte=in_range["gte"], pk__lt=in_range["lt"])
        for ticket_id, *state in tickets.values_list("pk", *STATE_FIELDS).iterator(chunk_size=batch_size):
            by_span(contributions(TicketState(*state), transitions.get(ticket_id, ())), into=rows)
        if progress:
            progress(min(start + batch_size, last))
    return rows


def rebuild(*, batch_size=20_000, progress=None):
    """Replaces the three tables' rows by the sums of every ticket's contributions; returns
    {table: rows written}. Run it in a transaction: readers see the old figures until it writes the new ones.

    On PostgreSQL the tables are locked against writes first: an action meanwhile waits, uncommitted, at its
    figures, so the tickets read leave it out and it adds itself once the new rows are committed; an action
    already writing is waited for, and read."""
    if connection.vendor == "postgresql":
        names = ", ".join(model._meta.db_table for model, _details, _columns in TABLES.values())
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
    rows = summed_facts(batch_size=batch_size, progress=progress)
    written = {}
    for table, (model, details, columns) in TABLES.items():
        values = table_rows(rows, table)
        ordered = [*KEY, *details, *columns]
        if connection.vendor == "postgresql":
            _copy(model, ordered, values)
        else:
            model.objects.all().delete()
            model.objects.bulk_create((model(**dict(zip(ordered, row, strict=True))) for row in values), batch_size=500)
        written[table] = len(values)
    return written


def _copy(model, columns, values):
    table = model._meta.db_table
    lines = io.StringIO()
    # Plain values only: numbers, dates, a status, a normalised subject (letters, "#" and spaces).
    for row in values:
        lines.write("\t".join(str(value) for value in row) + "\n")
    lines.seek(0)
    with connection.cursor() as cursor:
        # Deferred checks of the transaction first: TRUNCATE refuses a table with pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {table}")
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", lines)
        cursor.execute(f"ANALYZE {table}")
