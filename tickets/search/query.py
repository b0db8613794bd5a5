"""La RECHERCHE: the tickets a person may see whose text they may read matches their words, with filters,
sorting, pages, and the FAQ entries they may read alongside. Which rows a person reads, and how the matching
ones are listed: ``tickets.search.listing``.

Every search costs a fixed number of queries whatever the data. Pages go as far as ``MAX_RESULTS``: past
it, the most recent matches are kept, and sorting by relevance sorts those.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Lower

from accounts.models import label_of
from accounts.selectors import exact_login_first, find_person, login_holder
from tickets import permissions
from tickets.models import Category, SearchDocument
from tickets.search import engines
from tickets.search.listing import Match, listed_rows
from tickets.search.text import clean_query, query_terms, ticket_number

PER_PAGE = 20
MAX_RESULTS = 200
MAX_PERSONS = 5
SORTS = ("pertinence", "recent", "ancien")
ORDER = {"recent": ("-last_action_at", "-ticket_id"), "ancien": ("last_action_at", "ticket_id")}


@dataclass
class Filters:
    """What the results are narrowed to; every field may be empty."""

    services: list = field(default_factory=list)
    category: object = None
    statuses: object = None
    created_from: object = None
    created_to: object = None
    owner: object = None
    manager: object = None

    def as_q(self):
        condition = Q()
        if self.services:
            condition &= Q(service__in=self.services)
        if self.category is not None:
            condition &= Q(category=self.category)
        if self.statuses:
            condition &= Q(status__in=list(self.statuses))
        if self.created_from is not None:
            condition &= Q(created_at__date__gte=self.created_from)
        if self.created_to is not None:
            condition &= Q(created_at__date__lte=self.created_to)
        if self.owner is not None:
            condition &= Q(owner=self.owner)
        if self.manager is not None:
            condition &= Q(manager=self.manager)
        return condition


@dataclass(frozen=True)
class Hit:
    """A result as the page prints it: the index row's values, the people and category as their labels."""

    ticket_id: int
    subject_html: str
    snippet_html: str
    status: str
    last_action_at: datetime
    service: str
    category: str
    owner: str
    manager: str | None


_PERSON = ("display_name", "first_name", "last_name", "username")
# What a ``Hit`` is made of, read as values: instances of the row and of its four relations cost more to
# build than the query takes.
_HIT_FIELDS = (
    "ticket_id",
    "status",
    "last_action_at",
    "manager_id",
    "service__label",
    "category__code",
    "category__label",
    "category__short_label",
    *(f"owner__{name}" for name in _PERSON),
    *(f"manager__{name}" for name in _PERSON),
)


def _hit(row):
    return Hit(
        ticket_id=row["ticket_id"],
        subject_html=row["subject_html"],
        snippet_html=row["snippet_html"],
        status=row["status"],
        last_action_at=row["last_action_at"],
        service=row["service__label"],
        category=Category.short_title_of(row["category__code"], row["category__label"], row["category__short_label"]),
        owner=label_of(*(row[f"owner__{name}"] for name in _PERSON)),
        manager=label_of(*(row[f"manager__{name}"] for name in _PERSON)) if row["manager_id"] else None,
    )


@dataclass
class Results:
    query: str = ""
    rows: list = field(default_factory=list)
    count: int = 0
    page: int = 1
    pages: int = 1
    more: bool = False  # more than MAX_RESULTS matched
    number_hit: object = None  # the ticket whose number the query is
    persons: list = field(default_factory=list)
    faq: list = field(default_factory=list)


def persons_named(query):
    """The people whose login or address (``accounts.selectors.find_person``) or full name the query is:
    one query unless it is an address (``find_person`` alone then: names hold no "@")."""
    query = query.strip()
    if not query or len(query) > 150:
        return []
    if "@" in query:
        found = find_person(query)
        return [found] if found else []
    named = Q(display_name__iexact=query)
    parts = query.split()
    if len(parts) >= 2:
        named |= Q(first_name__iexact=parts[0], last_name__iexact=" ".join(parts[1:]))
        named |= Q(first_name__iexact=" ".join(parts[1:]), last_name__iexact=parts[0])
    # The login's holders first, exact first, then the namesakes: those past the first two logins are not needed.
    same_login = ExpressionWrapper(Q(username__iexact=query), output_field=BooleanField())
    people = list(
        get_user_model()
        .objects.filter(Q(username__iexact=query) | named, is_active=True)
        .annotate(same_login=same_login, is_named=ExpressionWrapper(named, output_field=BooleanField()))
        .order_by("-same_login", exact_login_first(query), Lower("username"))[: MAX_PERSONS + 2]
    )
    found = login_holder([person for person in people if person.same_login][:2], query)
    namesakes = [person for person in people if person.is_named]
    return list(dict.fromkeys([*([found] if found else []), *namesakes]))[:MAX_PERSONS]


def _match(query):
    """(words, persons, ``Match``): what a row must hold to match the query."""
    terms = query_terms(query)
    persons = persons_named(query)
    words = engines.match(terms) if terms else None
    rarity = engines.rarity(terms) if terms and not persons and engines.is_postgresql() else None
    return terms, persons, Match(words, tuple(person.pk for person in persons), rarity)


def search(user, raw_query, *, filters=None, sort="pertinence", page=1):
    """The results of ``raw_query`` for ``user``: one page of rows (each with ``subject_html`` and
    ``snippet_html``), the count (at most ``MAX_RESULTS``), the ticket whose number it is, the people it
    names. A fixed number of queries."""
    query = clean_query(raw_query)
    results = Results(query=query)
    if not query:
        return results
    number = ticket_number(query)
    if number is not None:
        results.number_hit = permissions.visible_tickets_for(user).select_related("service").filter(pk=number).first()
    terms, results.persons, match = _match(query)
    direction = "ancien" if sort == "ancien" else "recent"
    # One read of the numbers of the rows listed (at most MAX_RESULTS), in date order: the count, the pages.
    listed = listed_rows(user, match, filters, ORDER[direction], limit=MAX_RESULTS + 1)
    results.more = len(listed) > MAX_RESULTS
    listed = listed[:MAX_RESULTS]
    results.count = len(listed)
    results.pages = max(1, -(-results.count // PER_PAGE))
    results.page = min(max(1, page), results.pages)
    start = (results.page - 1) * PER_PAGE
    # The subjects and snippets with the words marked are read with the page's rows.
    shown = engines.with_snippets(SearchDocument.objects.all(), terms)
    fields = (*_HIT_FIELDS, *engines.snippet_fields())
    if not listed:
        page_rows = []
    elif sort == "pertinence" and terms:
        ranked = shown.filter(pk__in=listed).annotate(rank=engines.rank(terms))
        page_rows = list(ranked.order_by("-rank", *ORDER["recent"]).values(*fields)[start : start + PER_PAGE])
    else:
        wanted = listed[start : start + PER_PAGE]
        by_pk = {row["pk"]: row for row in shown.filter(pk__in=wanted).values("pk", *fields)}
        page_rows = [by_pk[pk] for pk in wanted if pk in by_pk]
    engines.set_snippets(page_rows, terms)
    page_rows = [_hit(row) for row in page_rows]
    results.rows = page_rows
    return results
