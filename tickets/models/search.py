"""The search index of tickets: per ticket, one row per group of audiences reading the same text.

An audience is a relation to the ticket that opens a set of history-entry scopes (the service's managers,
the owner, invitees by a manager, invitees by the owner, anyone who may see a public ticket); audiences
reading the same text share one row (``audiences`` is a bit mask). Written by ``tickets.search.index``
in the transaction of every action; on PostgreSQL the table also has a weighted ``document`` tsvector
generated from the text columns, with GIN indexes (migrations 0012, 0022, 0023).
"""

from django.conf import settings
from django.db import models

from tickets.models.categories import Category
from tickets.models.services import Service
from tickets.models.tickets import Ticket

MANAGERS, OWNER, MANAGER_INVITEES, OWNER_INVITEES, PUBLIC_VIEWERS = 1, 2, 4, 8, 16


def _reference(model, **options):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+", **options
    )


class SearchDocument(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    audiences = models.PositiveSmallIntegerField()
    # The ticket's columns the search filters and sorts on, copied so that it needs no join.
    service = _reference(Service)
    category = _reference(Category)
    owner = _reference(settings.AUTH_USER_MODEL)
    manager = _reference(settings.AUTH_USER_MODEL, null=True)
    status = models.CharField(max_length=20)
    public = models.BooleanField()
    created_at = models.DateTimeField()
    last_action_at = models.DateTimeField()
    # Plain text the audiences read: weights A, B, C and D.
    subject = models.TextField()
    description = models.TextField()
    entries = models.TextField()
    files = models.TextField()
    # SQLite only: the words of all four, normalised (``tickets.search.text``), between spaces.
    normalized = models.TextField(blank=True)
    normalized_subject = models.TextField(blank=True)

    class Meta:
        # The search lists rows by date, then number (``tickets.search.query.ORDER``): the number is in each
        # index so that a date many rows share (a bulk import) is not read whole and sorted before the first page.
        indexes = [
            models.Index(fields=["-last_action_at", "-ticket"], name="search_last_action"),
            models.Index(fields=["owner", "-last_action_at", "-ticket"], name="search_owner_action"),
            models.Index(fields=["service", "-last_action_at", "-ticket"], name="search_service_action"),
            # A person's tickets as their manager, when the search names them (with the owner's index above).
            models.Index(fields=["manager", "-last_action_at", "-ticket"], name="search_manager_action"),
            # Public viewers' rows have indexes of their own on PostgreSQL (migration 0022).
        ]

    def __str__(self):
        return f"{self.ticket_id} ({self.audiences})"
