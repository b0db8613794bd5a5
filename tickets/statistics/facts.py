"""What a ticket contributes to the pre-computed figures (``tickets.models.statistics``), and keeping them
current in the transaction of every workflow action.

``contributions(state, transitions)`` is the one definition of those figures: the workflow applies the
difference between a ticket's contributions after and before an action, ``rebuild`` sums them for every
ticket. A ticket counts where it is now (README, "Statistiques"): all its rows carry its current key, so an
action that changes the key (move, take, assign, free, hand over) takes the rows of its past transitions
from the old key to the new one; any other action only adds what it did, and needs no history read.
"""

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from tickets.models import FINAL_STATUSES, Event
from tickets.models.statistics import DAY_SPAN, MONTH_SPAN, NO_MANAGER
from tickets.statistics.upsert import write_facts

COUNTS, DELAYS, SUBJECTS = "counts", "delays", "subjects"
TAKEN, CLOSED = 0, 1
REFUSAL_KIND = "ticket.closure_refused"
FINAL = sorted(FINAL_STATUSES)
# The history entries that count: closures, reopenings, closure refusals.
TRANSITIONS = (
    (Q(new_status__in=FINAL) & ~Q(old_status__in=FINAL))
    | (Q(old_status__in=FINAL) & ~Q(new_status__in=FINAL))
    | Q(kind=REFUSAL_KIND)
)
TRANSITION_FIELDS = ("kind", "old_status", "new_status", "created_at")
# Delays fall in classes a quarter of an octave wide: class b holds [2^(b/4), 2^((b+1)/4)) minutes, so a
# class is 19 % (2^(1/4) - 1) of its lower bound wide; class -1 holds what is under a minute.
CLASSES_PER_OCTAVE = 4


@dataclass(frozen=True)
class TicketState:
    """What the figures read of a ticket."""

    service_id: int
    category_id: int
    manager_id: int | None
    origin: str
    subject: str
    status: str
    created_at: datetime
    taken_at: datetime | None
    closed_at: datetime | None

    @property
    def key(self):
        return (self.service_id, self.category_id, self.manager_id or NO_MANAGER, self.origin)


STATE_FIELDS = tuple(TicketState.__dataclass_fields__)


def state_of(ticket):
    return TicketState(*(getattr(ticket, name) for name in STATE_FIELDS))


def transitions_of(ticket_id):
    """(kind, old status, new status, date) of the ticket's history entries that count, in one query."""
    entries = Event.objects.filter(TRANSITIONS, ticket_id=ticket_id)
    return list(entries.values_list(*TRANSITION_FIELDS))


def local_day(moment):
    """The portal's local date of ``moment`` (settings.TIME_ZONE, whatever the reader's)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def normalise_subject(subject):
    """Lower case, accents and punctuation dropped, every number as "#", spaces collapsed:
    "Connexion Apogée impossible (n°2)" → "connexion apogee impossible n#"."""
    text = unicodedata.normalize("NFKD", subject or "").encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"\d+", "#", text)
    text = re.sub(r"[^a-z#]+", " ", text)
    return " ".join(text.split())


def delay_class(start, end):
    """The class of the delay from ``start`` to ``end`` (a negative delay, from a clock set back, is 0)."""
    minutes = (end - start).total_seconds() / 60
    if minutes < 1:
        return -1
    return math.floor(CLASSES_PER_OCTAVE * math.log2(minutes))


def class_bounds(bucket):
    """[low, high) of a class, in minutes."""
    if bucket < 0:
        return 0.0, 1.0
    return 2 ** (bucket / CLASSES_PER_OCTAVE), 2 ** ((bucket + 1) / CLASSES_PER_OCTAVE)


def contributions(state, transitions):
    """{(table, day, key, detail, column): n}: what a ticket in ``state`` with these history entries (as
    ``transitions_of``) adds to the figures, by local day. Filed: its filing day (and its subject's row);
    each closure (per final status), reopening and closure refusal: its day; its delay to its latest taking
    in charge, on that day; its resolution time when it is closed now, on the day of its latest closure."""
    facts = defaultdict(int)
    if state is None:
        return facts
    key = state.key
    filed = local_day(state.created_at)
    facts[(COUNTS, filed, key, None, "opened")] += 1
    subject = normalise_subject(state.subject)
    if subject:
        facts[(SUBJECTS, filed, key, subject, "n")] += 1
    for kind, old, new, moment in transitions:
        if new in FINAL_STATUSES and old not in FINAL_STATUSES:
            facts[(COUNTS, local_day(moment), key, None, new)] += 1
        elif old in FINAL_STATUSES and new not in FINAL_STATUSES:
            facts[(COUNTS, local_day(moment), key, None, "reopened")] += 1
        elif kind == REFUSAL_KIND:
            facts[(COUNTS, local_day(moment), key, None, "refused")] += 1
    if state.taken_at is not None:
        detail = (TAKEN, delay_class(state.created_at, state.taken_at))
        facts[(DELAYS, local_day(state.taken_at), key, detail, "n")] += 1
    if state.status in FINAL_STATUSES and state.closed_at is not None:
        detail = (CLOSED, delay_class(state.created_at, state.closed_at))
        facts[(DELAYS, local_day(state.closed_at), key, detail, "n")] += 1
    return facts


def by_span(facts, into=None):
    """The day facts as rows of both spans: {(table, span, day, key, detail): {column: n}}, zeros left out."""
    rows = into if into is not None else defaultdict(lambda: defaultdict(int))
    for (table, day, key, detail, column), n in facts.items():
        if n:
            rows[(table, DAY_SPAN, day, key, detail)][column] += n
            rows[(table, MONTH_SPAN, day.replace(day=1), key, detail)][column] += n
    return rows


def difference(after, before):
    changed = defaultdict(int, after)
    for fact, n in before.items():
        changed[fact] -= n
    return changed


def record_change(before, after, transition=None, *, ticket_id=None):
    """Applies what an action changed to the figures, in the caller's transaction: ``before`` and ``after``
    are the ticket's ``TicketState`` (``before`` None for a new ticket), ``transition`` the history entry the
    action wrote (kind, old status, new status, date). One statement on PostgreSQL when the key is kept (none
    when nothing counted changed), two when it changes (the ticket's transitions are read first)."""
    past = transitions_of(ticket_id) if before is not None and before.key != after.key else []
    new = [transition] if transition is not None else []
    changed = difference(contributions(after, [*past, *new]), contributions(before, past))
    write_facts(by_span(changed))
