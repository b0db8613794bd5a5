"""La RECHERCHE: the tickets a person may see whose text they may read matches their words, with filters,
sorting, pages, and the FAQ entries they may read alongside.

Exact about permissions: each index row (``tickets.models.search``) holds the text of a group of audiences,
and a person matches only the rows of the one audience their relation to the ticket gives them, the
relations checked in the order that ``tickets.comments.scopes.readable_scopes`` gives them (manager of the
service, then owner, then invitee, then anyone for a public ticket). So a word only in a managers-only note
does not match for the owner, and no snippet shows it to them.

Every search costs a fixed number of queries whatever the data. Pages go as far as ``MAX_RESULTS``: past
it, the most recent matches are kept, and sorting by relevance sorts those.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Lower

from accounts.models import label_of
from accounts.selectors import exact_login_first, find_person, login_holder
from tickets import permissions
from tickets.models import Category, Invitation, SearchDocument
from tickets.models.search import MANAGER_INVITEES, MANAGERS, OWNER, OWNER_INVITEES, PUBLIC_VIEWERS
from tickets.search import engines
from tickets.search.text import clean_query, query_terms, ticket_number

PER_PAGE = 20
MAX_RESULTS = 200
MAX_PERSONS = 5
SORTS = ("pertinence", "recent", "ancien")
ORDER = {"recent": ("-last_action_at", "-ticket_id"), "ancien": ("last_action_at", "ticket_id")}


def _masks(bit):
    """The values of ``audiences`` that hold ``bit``."""
    return [mask for mask in range(1, 32) if mask & bit]


class Branch(NamedTuple):
    """The index rows a person reads through one relation to their tickets."""

    condition: Q
    # For the rows of public tickets, which the person reads as one of the public: the condition without
    # "public" and the audiences, which the match on ``engines.PUBLIC_WORDS`` implies (``Match.as_sql``).
    public_rest: Q | None = None


def readable_branches(user):
    """The ``Branch`` of each relation by which ``user`` reads index rows (and one per managed service): no
    row meets two of them, and each is read in date order through an index of its own (service, owner,
    public rows). None for nobody. One query (invitations), plus the memberships and the visibility rules
    when not known yet."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return [Branch(Q(audiences__in=_masks(MANAGERS)))]
    managed = list(permissions.memberships_of(user))
    invited = list(Invitation.objects.filter(user=user).values_list("ticket_id", "invited_by_id", "ticket__owner_id"))
    by_owner = [ticket for ticket, inviter, owner in invited if inviter == owner]
    by_managers = [ticket for ticket, inviter, owner in invited if inviter != owner]
    # Public tickets are read only in the enabled services the visibility rules show the person, and not in
    # those they manage (the first branches hold them): listed here rather than left to "NOT IN", so that for
    # a manager of every service this branch is empty instead of a walk through every public ticket.
    seen = sorted(permissions.visible_service_ids(user) - set(managed))
    not_managed = ~Q(service_id__in=managed)
    not_owned = ~Q(owner_id=user.pk)
    invited_to = [ticket for ticket, _inviter, _owner in invited]
    public_rest = Q(service_id__in=seen) & not_owned & ~Q(ticket_id__in=invited_to)
    return [
        *(Branch(Q(audiences__in=_masks(MANAGERS), service_id=service)) for service in managed),
        Branch(Q(audiences__in=_masks(OWNER), owner_id=user.pk) & not_managed),
        Branch(Q(audiences__in=_masks(MANAGER_INVITEES), ticket_id__in=by_managers) & not_managed & not_owned),
        Branch(Q(audiences__in=_masks(OWNER_INVITEES), ticket_id__in=by_owner) & not_managed & not_owned),
        Branch(Q(audiences__in=_masks(PUBLIC_VIEWERS), public=True) & public_rest, public_rest),
    ]


def readable_rows_of(branches):
    condition = Q()
    for branch in branches:
        condition |= branch.condition
    return SearchDocument.objects.filter(condition)


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


@dataclass(frozen=True)
class Match:
    """What a row must hold to match a query: its words (``engines.match``'s SQL and parameters), or one of
    ``people`` as its owner or manager."""

    words: tuple | None = None
    people: tuple = ()
    rarity: tuple | None = None  # ``engines.rarity`` of the words, when no person is named

    def as_sql(self, *, public=False, not_owned_by=None):
        """(SQL, params), or None when nothing can match. ``public``: for the rows public viewers read, and
        only those (PostgreSQL): the words on their own expression (``engines.PUBLIC_WORDS``), the people on
        public viewers' rows. ``not_owned_by``: a person whose tickets the rows exclude, no longer looked for
        as an owner (searching for oneself among others' tickets would otherwise have the planner expect one's
        many tickets there)."""
        words, people, params = [], [], []
        if self.words is not None:
            sql, words_params = self.words
            words.append(engines.on_public_words(sql) if public else sql)
            params += words_params
        owners = [pk for pk in self.people if pk != not_owned_by]
        for column, ids in (("owner_id", owners), ("manager_id", list(self.people))):
            if ids:
                people.append(f'{engines.TABLE}."{column}" IN ({", ".join(["%s"] * len(ids))})')
                params += ids
        if public and people:
            people = [f"({engines.PUBLIC_ROW} AND ({' OR '.join(people)}))"]
        conditions = words + people
        if not conditions:
            return None
        return "(" + " OR ".join(conditions) + ")", params


def _match(query):
    """(words, persons, ``Match``): what a row must hold to match the query."""
    terms = query_terms(query)
    persons = persons_named(query)
    words = engines.match(terms) if terms else None
    rarity = engines.rarity(terms) if terms and not persons and engines.is_postgresql() else None
    return terms, persons, Match(words, tuple(person.pk for person in persons), rarity)


def _matched(rows, filters, where):
    if filters is not None:
        rows = rows.filter(filters.as_q())
    if where is None:
        return rows.none()
    return rows.extra(where=[where[0]], params=where[1])  # noqa: S610 (fixed SQL, the words and ids are parameters)


def _conditions_sql(conditions):
    """(SQL, params) of each condition on the index rows' own columns (no join), or None for one no row can
    meet."""
    return [_condition_sql(condition) for condition in conditions]


# Compiling a condition costs more than reading the rows it picks, and the same ones come back: a service's
# managers share theirs, the public tickets' one is shared by all who see the same services, and each person
# has the same ones from one search to the next. The SQL depends on the condition only.
@lru_cache(maxsize=2048)
def _condition_sql(condition):
    query = SearchDocument.objects.all().query
    try:
        return query.get_compiler(connection=connection).compile(query.build_where(condition))
    except EmptyResultSet:
        return None


# How a relation's matches are read on PostgreSQL. A first query tells, from its SAMPLE_ROWS newest rows (which
# its date index gives at once), whether at least DENSE_HITS match, or whether it has fewer rows. Dense
# relations are read in date order through their own index and merged (about SAMPLE_ROWS / DENSE_HITS rows
# read per row listed at worst). A sparse relation, where a walk in date order would go through all its rows
# to find few or none, has its matches found first and sorted: when the dense ones listed enough rows, only
# those newer than the last of them (its date index reads that range); otherwise all of them, from the words'
# index. A word frequent overall can be rare in one relation: a service's vocabulary (payroll in human
# resources), a word of history entries public viewers never read, a rare word everywhere.
SAMPLE_ROWS, DENSE_HITS = 200, 3
UNINDEXED_ORDER_SQL = 'ORDER BY "last_action_at" + interval \'0\' {direction}, "ticket_id" + 0 {direction}'


def listed_rows(user, match, filters, order, *, limit=MAX_RESULTS + 1):
    """The numbers of the first ``limit`` readable rows matching ``match`` (a ``Match``) in ``order`` (``ORDER``'s
    "recent" or "ancien"). On PostgreSQL, each relation's rows are read as its sample tells (two queries, three
    when both kinds are met); on SQLite, one query."""
    branches = readable_branches(user)
    where = match.as_sql()
    if branches is None or where is None:
        return []
    if not engines.is_postgresql():
        rows = SearchDocument.objects.none() if not branches else _matched(readable_rows_of(branches), filters, where)
        return list(rows.order_by(*order).values_list("pk", flat=True)[:limit])
    # Every part has the same words and filters and differs only by its relation: each condition is compiled
    # once and the parts written here, as compiling a whole queryset per relation cost more than reading them.
    narrowed = filters.as_q() if filters is not None else Q()
    relations = [branch.condition if branch.public_rest is None else branch.public_rest for branch in branches]
    compiled = _conditions_sql([*relations, *([narrowed] if narrowed else [])])
    relations, shared = compiled[: len(branches)], compiled[len(branches) :]
    if None in shared:
        return []
    relations_read = []
    for branch, relation in zip(branches, relations, strict=True):
        public = branch.public_rest is not None
        matched = match.as_sql(public=True, not_owned_by=user.pk) if public else where
        if relation is not None and matched is not None:
            conditions = [relation, *shared]
            scope = (
                " AND ".join(f"({sql})" for sql, _params in conditions),
                [param for _sql, condition_params in conditions for param in condition_params],
            )
            relations_read.append((matched, scope, public))
    if not relations_read:
        return []
    direction = "DESC" if order[0].startswith("-") else "ASC"
    in_order = f'ORDER BY "last_action_at" {direction}, "ticket_id" {direction}'
    *dense, rare = _dense(relations_read, in_order, match.rarity)
    if rare:
        # A rare word's rows are a handful: found through the words' index alone, for every relation.
        dense = [False] * len(dense)
    table, read = engines.TABLE, []
    parts = [
        (
            f'(SELECT "id", "last_action_at", "ticket_id" FROM {table} '  # noqa: S608 (compiled conditions, parameters)
            f"WHERE ({matched[0]}) AND {scope[0]} {in_order} LIMIT {int(limit)})",
            [*matched[1], *scope[1]],
        )
        for (matched, scope, _public), is_dense in zip(relations_read, dense, strict=True)
        if is_dense
    ]
    if parts:
        read += _read_parts(parts, in_order, limit)
    bound = read[limit - 1][1] if len(read) >= limit else None
    parts = _sparse_parts(relations_read, dense, bound=bound, rare=rare, direction=direction, limit=limit)
    if parts:
        read += _read_parts(parts, in_order, limit)
    read.sort(key=lambda row: (row[1], row[2]), reverse=direction == "DESC")
    return [pk for pk, _date, _number in read[:limit]]


def _sparse_parts(relations_read, dense, *, bound, rare, direction, limit):
    """The (SQL, params) parts reading the sparse relations: past ``bound`` (the dense ones' last row listed)
    when there is one, else through the words' index alone for a ``rare`` word, else with their conditions."""
    table, unindexed = engines.TABLE, UNINDEXED_ORDER_SQL.format(direction=direction)
    # The sparse relations with the same match are read together (the words' index read once for them all).
    sparse = {}
    for (matched, scope, public), is_dense in zip(relations_read, dense, strict=True):
        if not is_dense:
            sparse.setdefault(matched[0], (matched[1], [], public))[1].append(scope)
    parts = []
    for matched_sql, (matched_params, scopes, public) in sparse.items():
        if bound is None and rare:
            # "OFFSET 0" keeps the planner from and-ing the words' index with the relations': a service's
            # bitmap is a read of the whole service, where a rare word's rows are a handful.
            found = (f'{table}."id" IN (SELECT "id" FROM {table} WHERE {matched_sql} OFFSET 0)', matched_params)  # noqa: S608 (compiled)
        elif bound is None:
            found = (f"({matched_sql})", matched_params)
        else:
            newer = f'"last_action_at" {">=" if direction == "DESC" else "<="} %s'
            found = (f"({matched_sql}) AND {newer}", [*matched_params, bound])
        within = "(" + " OR ".join(f"({scope_sql})" for scope_sql, _params in scopes) + ")"
        if public and bound is None:
            # The public words' index finds the public rows: the services' conditions only test them (and-ed
            # with those of the services' index, they read every row of the services seen).
            within += " IS TRUE"
        parts.append(
            (
                f'(SELECT "id", "last_action_at", "ticket_id" FROM {table} WHERE {found[0]} AND {within} '  # noqa: S608 (compiled conditions, parameters)
                f"{unindexed} LIMIT {int(limit)})",
                [*found[1], *(param for _sql, scope_params in scopes for param in scope_params)],
            )
        )
    return parts


def _read_parts(parts, in_order, limit):
    """The first ``limit`` (id, date, number) rows of the parts ``[(SQL, params)]`` together, in order."""
    sql = f"SELECT * FROM ({' UNION ALL '.join(sql for sql, _params in parts)}) AS listed {in_order} LIMIT {int(limit)}"  # noqa: S608 (compiled conditions, parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _sql, params in parts for param in params])
        return cursor.fetchall()


def _dense(relations_read, in_order, rarity):
    """Whether, for each (match, scope, public) relation, at least DENSE_HITS of its SAMPLE_ROWS newest rows
    (read through its date index) match, or it has fewer rows (all read already); then whether the words are
    rare (``rarity``, false without one): one query."""
    samples, params = [], []
    for matched, scope, public in relations_read:
        newest = f"{scope[0]} AND {engines.PUBLIC_ROW}" if public else scope[0]
        samples.append(
            f"(SELECT count(*) FILTER (WHERE hit) >= {DENSE_HITS} OR count(*) < {SAMPLE_ROWS} "  # noqa: S608 (compiled conditions, parameters)
            f"FROM (SELECT ({matched[0]}) AS hit FROM {engines.TABLE} WHERE {newest} {in_order} "
            f"LIMIT {SAMPLE_ROWS}) AS newest)"
        )
        params += [*matched[1], *scope[1]]
    samples.append(rarity[0] if rarity else "FALSE")
    params += rarity[1] if rarity else []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(samples), params)
        return cursor.fetchone()


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
    listed = listed_rows(user, match, filters, ORDER[direction])
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
