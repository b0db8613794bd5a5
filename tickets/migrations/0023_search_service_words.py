"""The words of each service's rows, on PostgreSQL: each lexeme of ``document`` prefixed with the row's
service ("3.salair"), in a GIN index of its own (``tickets.search.engines.SERVICE_WORDS``), and the same of
the public viewers' rows (16 is PUBLIC_VIEWERS). A word frequent in one service and absent from another is
found absent there from one posting list, where the words' index and the service's index together read every
row of either; and the planner's statistics of the expressions tell a word's frequency per service. The
partial index of public rows in date order, no longer read, goes."""

from django.db import migrations

POSTGRESQL_UP = """
CREATE FUNCTION search_service_words(service bigint, document tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT array_to_tsvector(ARRAY(
            SELECT service::text || '.' || lexeme FROM unnest(tsvector_to_array(document)) AS lexeme
        ))
    $$;
CREATE INDEX search_service_words ON tickets_searchdocument USING gin (search_service_words("service_id", "document"));
CREATE INDEX search_public_service_words ON tickets_searchdocument USING gin (
    search_service_words("service_id", (CASE WHEN "public" AND "audiences" >= 16 THEN "document" END))
);
ANALYZE tickets_searchdocument;
"""
POSTGRESQL_DOWN = """
DROP INDEX IF EXISTS search_public_service_words;
DROP INDEX IF EXISTS search_service_words;
DROP FUNCTION IF EXISTS search_service_words(bigint, tsvector);
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0022_search_public_words'),
    ]

    operations = [
        migrations.RunPython(run(POSTGRESQL_UP), run(POSTGRESQL_DOWN)),
        # Public rows are read through the indexes of migration 0022 and the ones above.
        migrations.RemoveIndex(model_name='searchdocument', name='search_public_action'),
    ]
