"""What the benchmark scripts share: a database of their own on the PostgreSQL server of BENCH_DATABASE_URL
(by default postgres://postgres@127.0.0.1:5432/postgres), Django set up to use it, and words of the data."""

import os
from contextlib import contextmanager
from urllib.parse import urlparse


def database_server():
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@contextmanager
def bench_database(name, *, reuse=False, keep=False):
    """Creates the database ``name``, anew unless ``reuse`` is given and it exists, and sets Django up on it
    (DEBUG off: it would keep every query in memory; mail tasks in-process unless a test replaces them).
    Yields whether the database was reused. Drops it at the end unless ``keep``."""
    import psycopg2

    server = database_server()
    admin = psycopg2.connect(server)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            reused = reuse and cursor.fetchone() is not None
            if not reused:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        os.environ.update(
            DATABASE_URL=urlparse(server)._replace(path=f"/{name}").geturl(),
            DJANGO_SETTINGS_MODULE="helpdesk.settings",
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="testserver",
            CELERY_BROKER_URL="",
        )
        import django

        django.setup()
        try:
            yield reused
        finally:
            from django.db import connections

            connections.close_all()
            if not keep:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()


def foreign_word(service_id):
    """A word of another service's vocabulary than ``service_id``'s in the synthetic tickets: frequent overall,
    absent from that service (``tickets.demo.generator.SERVICE_TOPICS``)."""
    from tickets.demo.generator import topics_of
    from tickets.models import Category

    services = Category.objects.filter(accepts_tickets=True, enabled=True).values_list("service_id", flat=True)
    topics = topics_of(sorted(set(services)))
    return next(topic for service, topic in topics.items() if service != service_id)
