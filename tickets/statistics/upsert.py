"""Adding to the pre-computed figures: INSERT … ON CONFLICT DO UPDATE (column = column + EXCLUDED.column), so
that two actions on tickets of the same day and key add up whatever their order, and no row is read first.

On PostgreSQL the rows of the three tables go in one statement (the first two as data-modifying WITH
clauses): filing a ticket costs one query. SQLite, the demo's database, has no such clause: one statement
per table.
"""

from django.db import connection

from tickets.models import StatisticsCount, StatisticsDelay, StatisticsSubject
from tickets.models.statistics import KEY

COUNT_COLUMNS = ("opened", "approved", "expired", "cancelled", "rejected", "reopened", "refused")
# table name of ``tickets.statistics.facts`` → (model, columns of its detail, columns added to)
TABLES = {
    "counts": (StatisticsCount, (), COUNT_COLUMNS),
    "delays": (StatisticsDelay, ("measure", "bucket"), ("n",)),
    "subjects": (StatisticsSubject, ("subject",), ("n",)),
}


def table_rows(rows, table):
    """The value tuples of ``table`` among ``rows`` (as ``facts.by_span``), in the column order of its statement,
    sorted: concurrent actions then lock the rows they share in the same order, and never deadlock."""
    _model, details, columns = TABLES[table]
    found = []
    for (name, span, day, key, detail), values in rows.items():
        if name == table and any(values.values()):
            detail = () if not details else detail if isinstance(detail, tuple) else (detail,)
            found.append((span, day, *key, *detail, *(values.get(column, 0) for column in columns)))
    return sorted(found)


def _statement(table, count):
    model, details, columns = TABLES[table]
    names = [*KEY, *details, *columns]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * count)
    db_table = model._meta.db_table
    updates = ", ".join(f"{column} = {db_table}.{column} + EXCLUDED.{column}" for column in columns)
    return (
        f"INSERT INTO {db_table} ({', '.join(names)}) VALUES {placeholders} "  # noqa: S608 (the models' own names)
        f"ON CONFLICT ({', '.join([*KEY, *details])}) DO UPDATE SET {updates}"
    )


def write_facts(rows):
    """Adds ``rows`` (as ``facts.by_span``) to the tables; nothing when they are all zero."""
    statements = []
    for table in TABLES:
        values = table_rows(rows, table)
        if values:
            statements.append((_statement(table, len(values)), [value for row in values for value in row]))
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *first, (last_sql, _last_params) = statements
            clauses = [f"w{index} AS ({sql})" for index, (sql, _params) in enumerate(first)]
            sql = (f"WITH {', '.join(clauses)} " if clauses else "") + last_sql
            cursor.execute(sql, [value for _sql, params in statements for value in params])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
