"""The search's public rows. On PostgreSQL, the words public viewers read (``tickets.search.engines.PUBLIC_WORDS``,
NULL on other rows; 16 is PUBLIC_VIEWERS) get a GIN index, whose statistics tell the planner how often a word
occurs in public text, and their rows an index in date order. And the rows by manager, for searches that
name a person."""

from django.conf import settings
from django.db import migrations, models

POSTGRESQL_UP = """
CREATE INDEX search_public_words ON tickets_searchdocument USING gin (
    (CASE WHEN "public" AND "audiences" >= 16 THEN "document" END)
);
CREATE INDEX search_public_words_action ON tickets_searchdocument ("last_action_at" DESC, "ticket_id" DESC)
    WHERE (CASE WHEN "public" AND "audiences" >= 16 THEN "document" END) IS NOT NULL;
ANALYZE tickets_searchdocument;
"""
POSTGRESQL_DOWN = """
DROP INDEX IF EXISTS search_public_words_action;
DROP INDEX IF EXISTS search_public_words;
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0021_dashboard_cover_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='searchdocument',
            index=models.Index(fields=['manager', '-last_action_at', '-ticket'], name='search_manager_action'),
        ),
        migrations.RunPython(run(POSTGRESQL_UP), run(POSTGRESQL_DOWN)),
    ]
