"""The rows of a list of tickets (the dashboard, Signets/Historique), of a ticket's history, of the Journal
and of the search's results, ready to print.

A list shows 25 rows of 7 cells, a history up to hundreds of entries, the Journal 50 lines, the search 20
results and 10 FAQ entries: formatting them
here, with what every row shares (the status and scope labels, the time zone) read once, spares the template
a filter, a translation and a URL lookup per cell; they cost more to draw than to read.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from accounts.models import label_of
from tickets.models import Category, EntryScope, Status

# The `date` filter's "d/m/y H:i", which the ticket page shows too.
SHORT_DATETIME = "%d/%m/%y %H:%M"
# Its "d/m/Y H:i", which the search's results show.
DATETIME = "%d/%m/%Y %H:%M"


def _status_labels():
    return {value: str(label) for value, label in Status.choices}


def _moment(value, zone, pattern=SHORT_DATETIME):
    """(ISO 8601, printed) of ``value`` in ``zone``: a ``<time>``'s ``datetime`` and its text."""
    local = timezone.localtime(value, zone)
    return local.isoformat(), local.strftime(pattern)


@dataclass(frozen=True)
class TicketRow:
    pk: int
    url: str
    subject: str
    unread: bool
    status: str
    status_label: str
    category: str
    service: str
    owner: str
    manager: str | None
    last_action_iso: str
    last_action_text: str


def ticket_table_rows(tickets):
    """``TicketRow``s of the dicts of ``tickets.dashboards.ticket_rows``, in the active language and time zone."""
    status_labels = _status_labels()
    zone = timezone.get_current_timezone()
    rows = []
    for ticket in tickets:
        last_action_iso, last_action_text = _moment(ticket["last_action_at"], zone)
        rows.append(
            TicketRow(
                pk=ticket["pk"],
                url=reverse("ticket", args=[ticket["pk"]]),
                subject=ticket["subject"],
                unread=ticket["unread"],
                status=ticket["status"],
                status_label=status_labels.get(ticket["status"], ticket["status"]),
                category=Category.short_title_of(
                    ticket["category__code"], ticket["category__label"], ticket["category__short_label"]
                ),
                service=ticket["service__label"],
                owner=_person(ticket, "owner"),
                manager=_person(ticket, "manager") if ticket["manager_id"] else None,
                last_action_iso=last_action_iso,
                last_action_text=last_action_text,
            )
        )
    return rows


def _person(ticket, role):
    """What ``str(user)`` says of the ticket's ``role`` (owner, manager), from its values."""
    return label_of(*(ticket[f"{role}__{name}"] for name in ("display_name", "first_name", "last_name", "username")))


@dataclass(frozen=True)
class EntryRow:
    created_iso: str
    created_text: str
    author: str
    sentence: str
    text: str
    files: list
    visibility: str


def history_rows(entries):
    """``EntryRow``s of history entries from ``tickets.selectors.ticket_page`` (with their ``sentence`` and
    ``files``), in the active language and time zone."""
    visibility = {value: gettext("Visibilité %(scope)s") % {"scope": label} for value, label in EntryScope.choices}
    zone = timezone.get_current_timezone()
    rows = []
    for entry in entries:
        created_iso, created_text = _moment(entry.created_at, zone)
        rows.append(
            EntryRow(
                created_iso=created_iso,
                created_text=created_text,
                author=entry.sentence.author,
                sentence=str(entry.sentence),
                text=entry.text,
                files=entry.files,
                visibility=visibility.get(entry.scope) or gettext("Visibilité %(scope)s") % {"scope": entry.scope},
            )
        )
    return rows


@dataclass(frozen=True)
class JournalRow:
    pk: int
    created_iso: str
    created_text: str
    url: str
    ticket: str
    service: str
    author: str
    sentence: str


def journal_rows(entries):
    """``JournalRow``s of history entries from ``tickets.administration.journal.activity`` (with their
    ``sentence``), in the active language and time zone."""
    number = gettext("n°%(number)s")
    zone = timezone.get_current_timezone()
    rows = []
    for entry in entries:
        created_iso, created_text = _moment(entry.created_at, zone)
        rows.append(
            JournalRow(
                pk=entry.pk,
                created_iso=created_iso,
                created_text=created_text,
                url=reverse("ticket", args=[entry.ticket_id]),
                ticket=f"{number % {'number': entry.ticket_id}} – {entry.ticket.subject}",
                service=entry.ticket.service.label,
                author=entry.sentence.author or "—",
                sentence=str(entry.sentence),
            )
        )
    return rows


@dataclass(frozen=True)
class SearchRow:
    url: str
    number: int
    subject_html: str
    status: str
    status_label: str
    snippet_html: str
    service: str
    category: str
    owner: str
    manager: str | None
    last_action_iso: str
    last_action_text: str


def search_rows(rows):
    """``SearchRow``s of the ``Hit``s of ``tickets.search.query.search`` (``subject_html`` and ``snippet_html``
    escaped with the words marked), in the active language and time zone."""
    status_labels = _status_labels()
    zone = timezone.get_current_timezone()
    formatted = []
    for row in rows:
        last_action_iso, last_action_text = _moment(row.last_action_at, zone, DATETIME)
        formatted.append(
            SearchRow(
                url=reverse("ticket", args=[row.ticket_id]),
                number=row.ticket_id,
                subject_html=mark_safe(row.subject_html),  # noqa: S308 (escaped by marked_html)
                status=row.status,
                status_label=status_labels.get(row.status, row.status),
                snippet_html=mark_safe(row.snippet_html),  # noqa: S308 (escaped by marked_html)
                service=row.service,
                category=row.category,
                owner=row.owner,
                manager=row.manager,
                last_action_iso=last_action_iso,
                last_action_text=last_action_text,
            )
        )
    return formatted


@dataclass(frozen=True)
class FaqRow:
    url: str
    title_html: str
    snippet_html: str


def faq_rows(entries):
    """``FaqRow``s of the entries of ``tickets.search.faq.matching_faq`` (title and snippet escaped, the words
    marked)."""
    return [
        FaqRow(
            url=reverse("faq_entry", args=[entry.pk]),
            title_html=mark_safe(entry.title_html),  # noqa: S308 (escaped by marked_html)
            snippet_html=mark_safe(entry.snippet_html),  # noqa: S308 (escaped by marked_html)
        )
        for entry in entries
    ]
