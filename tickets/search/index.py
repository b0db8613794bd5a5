"""Keeping the search index current: ``index_tickets`` rewrites the rows of some tickets, in the caller's
transaction (the workflow calls it for every action, the file storage for every file); ``rebuild`` rewrites
them all (``manage.py rebuild_search_index``).

Each audience reads the subject, the description, and the history entries and file names whose scope its
relation opens (``tickets.comments.scopes``); audiences reading the same scopes among those the ticket has
share one row. On PostgreSQL the rows are written by one INSERT … SELECT (the same statement for one
ticket and for a million); on SQLite they are computed here.
"""

from django.db import connection

from tickets.comments.scopes import ALL_SCOPES, INVITEE_SCOPES, OWNER_SCOPES
from tickets.models import Attachment, EntryScope, Event, SearchDocument, Ticket, TicketScope
from tickets.models.search import MANAGER_INVITEES, MANAGERS, OWNER, OWNER_INVITEES, PUBLIC_VIEWERS
from tickets.richtext import html_to_text
from tickets.search.text import normalize

MAX_TEXT_CHARS = 100_000
SCOPE_BITS = {EntryScope.PUBLIC: 1, EntryScope.INVITED: 2, EntryScope.INVITED_MANAGERS: 4, EntryScope.OWNER: 8}
SCOPE_BITS[EntryScope.MANAGERS] = 16


def _bits(scopes):
    return sum(SCOPE_BITS[scope] for scope in scopes)


# (audience, the scopes it reads, whether it exists only on a public ticket)
AUDIENCES = [
    (MANAGERS, _bits(ALL_SCOPES), False),
    (OWNER, _bits(OWNER_SCOPES), False),
    (MANAGER_INVITEES, _bits(INVITEE_SCOPES), False),
    (OWNER_INVITEES, _bits(INVITEE_SCOPES - {EntryScope.INVITED_MANAGERS}), False),
    (PUBLIC_VIEWERS, _bits({EntryScope.PUBLIC}), True),
]
# The first entry repeats the description, indexed once as such.
CREATION_KIND = "ticket.created"


def index_tickets(ticket_ids):
    """Rewrites the index rows of these tickets from what the database holds now."""
    ticket_ids = sorted({int(pk) for pk in ticket_ids})
    if not ticket_ids:
        return
    if connection.vendor == "postgresql":
        # One statement: the old rows are deleted in its WITH, the new ones written from the same snapshot.
        with connection.cursor() as cursor:
            cursor.execute(POSTGRESQL_REPLACE.format(where="t.id = ANY(%s)"), [ticket_ids, ticket_ids])
        return
    SearchDocument.objects.filter(ticket_id__in=ticket_ids).delete()
    SearchDocument.objects.bulk_create(_rows(ticket_ids))


def index_ticket(ticket):
    index_tickets([ticket.pk])


def rebuild(*, batch_size=100_000, progress=None):
    """Rewrites the whole index; returns the number of rows. On PostgreSQL: set-based, by ranges of ids,
    with the words' GIN indexes dropped meanwhile and created again at the end."""
    last = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if connection.vendor != "postgresql":
        SearchDocument.objects.all().delete()
        for start in range(0, last + 1, batch_size):
            ids = list(Ticket.objects.filter(pk__gte=start, pk__lt=start + batch_size).values_list("pk", flat=True))
            SearchDocument.objects.bulk_create(_rows(ids), batch_size=2000)
            if progress:
                progress(min(start + batch_size, last))
        return SearchDocument.objects.count()
    with connection.cursor() as cursor:
        # Deferred checks of the transaction first: TRUNCATE refuses a table with pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE tickets_searchdocument")
        # The words' indexes (migrations 0012, 0022, 0023) are built once at the end, faster than row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets_searchdocument' "
            "AND indexdef LIKE %s",
            ["% USING gin %"],
        )
        words_indexes = cursor.fetchall()
        for name, _definition in words_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for start in range(0, last + 1, batch_size):
            cursor.execute(POSTGRESQL_INSERT.format(where="t.id >= %s AND t.id < %s"), [start, start + batch_size])
            if progress:
                progress(min(start + batch_size, last))
        for _name, definition in words_indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE tickets_searchdocument")
    return SearchDocument.objects.count()


def _rows(ticket_ids):
    """The index rows of these tickets, computed here (SQLite)."""
    pieces = {}
    for model in (Event, Attachment):
        queryset = model.objects.filter(ticket_id__in=ticket_ids).order_by("created_at", "pk")
        if model is Event:
            queryset = queryset.exclude(kind=CREATION_KIND).exclude(text="")
            values = queryset.values_list("ticket_id", "scope", "text")
        else:
            values = queryset.values_list("ticket_id", "scope", "name")
        for ticket_id, scope, text in values:
            plain = html_to_text(text) if model is Event else text
            pieces.setdefault(ticket_id, {}).setdefault(model, []).append((SCOPE_BITS[scope], plain))
    rows = []
    for ticket in Ticket.objects.filter(pk__in=ticket_ids):
        found = pieces.get(ticket.pk, {})
        present = 0
        for parts in found.values():
            for bit, _text in parts:
                present |= bit
        groups = {}
        for audience, reads, public_only in AUDIENCES:
            if public_only and ticket.scope != TicketScope.PUBLIC:
                continue
            key = reads & present
            groups[key] = groups.get(key, 0) | audience
        description = html_to_text(ticket.description)[:MAX_TEXT_CHARS]
        for key, audiences in groups.items():
            entries = "\n".join(text for bit, text in found.get(Event, []) if bit & key)[:MAX_TEXT_CHARS]
            files = "\n".join(text for bit, text in found.get(Attachment, []) if bit & key)[:MAX_TEXT_CHARS]
            rows.append(
                SearchDocument(
                    ticket=ticket,
                    audiences=audiences,
                    service_id=ticket.service_id,
                    category_id=ticket.category_id,
                    owner_id=ticket.owner_id,
                    manager_id=ticket.manager_id,
                    status=ticket.status,
                    public=ticket.scope == TicketScope.PUBLIC,
                    created_at=ticket.created_at,
                    last_action_at=ticket.last_action_at,
                    subject=ticket.subject,
                    description=description,
                    entries=entries,
                    files=files,
                    normalized=normalize(" ".join((ticket.subject, description, entries, files))),
                    normalized_subject=normalize(ticket.subject),
                )
            )
    return rows


def _scope_bit(column):
    cases = " ".join(f"WHEN '{scope}' THEN {bit}" for scope, bit in SCOPE_BITS.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


# Plain text of sanitised rich text: tags out, the entities the sanitiser writes decoded.
def _plain(column):
    text = f"regexp_replace({column}, '<[^>]*>', ' ', 'g')"
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "''"), ("&nbsp;", " ")):
        text = f"replace({text}, '{entity}', '{char}')"
    return f"replace({text}, '&amp;', '&')"


_AUDIENCE_VALUES = ", ".join(f"({audience}, {reads}, {str(public).lower()})" for audience, reads, public in AUDIENCES)
_EVENT_TEXT = f"e.kind <> '{CREATION_KIND}' AND e.text <> ''"
# Built from constants only; ids are parameters.
POSTGRESQL_INSERT = f"""
INSERT INTO tickets_searchdocument (
    ticket_id, audiences, service_id, category_id, owner_id, manager_id, status, public, created_at,
    last_action_at, subject, description, entries, files, normalized, normalized_subject
)
SELECT t.id, g.audiences, t.service_id, t.category_id, t.owner_id, t.manager_id, t.status, t.scope = 'public',
    t.created_at, t.last_action_at, t.subject, left({_plain("t.description")}, {MAX_TEXT_CHARS}),
    left(coalesce((
        SELECT string_agg({_plain("e.text")}, E'\\n' ORDER BY e.created_at, e.id) FROM tickets_event e
        WHERE e.ticket_id = t.id AND {_EVENT_TEXT} AND ({_scope_bit("e.scope")} & g.key) <> 0
    ), ''), {MAX_TEXT_CHARS}),
    left(coalesce((
        SELECT string_agg(a.name, E'\\n' ORDER BY a.created_at, a.id) FROM tickets_attachment a
        WHERE a.ticket_id = t.id AND ({_scope_bit("a.scope")} & g.key) <> 0
    ), ''), {MAX_TEXT_CHARS}),
    '', ''
FROM tickets_ticket t
CROSS JOIN LATERAL (
    SELECT coalesce(bit_or(bit), 0) AS present FROM (
        SELECT {_scope_bit("e.scope")} AS bit FROM tickets_event e WHERE e.ticket_id = t.id AND {_EVENT_TEXT}
        UNION ALL
        SELECT {_scope_bit("a.scope")} FROM tickets_attachment a WHERE a.ticket_id = t.id
    ) scopes
) p
CROSS JOIN LATERAL (
    SELECT audience.reads & p.present AS key, bit_or(audience.bit) AS audiences
    FROM (VALUES {_AUDIENCE_VALUES}) AS audience(bit, reads, public_only)
    WHERE NOT audience.public_only OR t.scope = 'public'
    GROUP BY 1
) g
WHERE {{where}}
"""  # noqa: S608
# The rows of some tickets written again: the DELETE in the WITH does not see the rows the INSERT adds.
POSTGRESQL_REPLACE = "WITH gone AS (DELETE FROM tickets_searchdocument WHERE ticket_id = ANY(%s))" + POSTGRESQL_INSERT  # noqa: S608
