"""History entries are never edited or deleted: the database refuses it too.

PostgreSQL refuses UPDATE and DELETE on tickets_event. SQLite (the demo database) refuses UPDATE;
it cannot tell a test's table flush from a deletion, so DELETE stays open there.
"""

from django.db import migrations

POSTGRESQL_UP = """
CREATE OR REPLACE FUNCTION tickets_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket history entries are never edited or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_event_append_only
    BEFORE UPDATE OR DELETE ON tickets_event
    FOR EACH ROW EXECUTE FUNCTION tickets_event_append_only();
"""
POSTGRESQL_DOWN = """
DROP TRIGGER IF EXISTS tickets_event_append_only ON tickets_event;
DROP FUNCTION IF EXISTS tickets_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_event
BEGIN
    SELECT RAISE(ABORT, 'ticket history entries are never edited or deleted');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS tickets_event_append_only;"


def run(statements):
    def apply(apps, schema_editor):
        sql = statements.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP}),
            run({"postgresql": POSTGRESQL_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
