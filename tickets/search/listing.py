"""Which index rows a person reads and how the ones matching a search are listed, in date order.

Exact about permissions: each index row (``tickets.models.search``) holds the text of a group of audiences,
and a person matches only the rows of the one audience their relation to the ticket gives them, the
relations checked in the order that ``tickets.comments.scopes.readable_scopes`` gives them (manager of the
service, then owner, then invitee, then anyone for a public ticket). So a word only in a managers-only note
does not match for the owner, and no snippet shows it to them.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q

from tickets import permissions
from tickets.models import Invitation, SearchDocument
from tickets.models.search import MANAGER_INVITEES, MANAGERS, OWNER, OWNER_INVITEES, PUBLIC_VIEWERS
from tickets.search import engines


def _masks(bit):
    """The values of ``audiences`` that hold ``bit``."""
    return [mask for mask in range(1, 32) if mask & bit]


class Branch(NamedTuple):
    """The index rows a person reads through one relation to their tickets."""

    condition: Q
    # For the rows of public tickets, which the person reads as one of the public: the condition without
    # "public" and the audiences, which the match on ``engines.PUBLIC_WORDS`` implies (``Match.as_sql``).
    public_rest: Q | None = None
    # The services whose rows these are, when the branch reads only some: its sparse read goes through their
    # own words (``engines.on_service_words``).
    services: tuple = ()


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
        *(Branch(Q(audiences__in=_masks(MANAGERS), service_id=service), services=(service,)) for service in managed),
        Branch(Q(audiences__in=_masks(OWNER), owner_id=user.pk) & not_managed),
        Branch(Q(audiences__in=_masks(MANAGER_INVITEES), ticket_id__in=by_managers) & not_managed & not_owned),
        Branch(Q(audiences__in=_masks(OWNER_INVITEES), ticket_id__in=by_owner) & not_managed & not_owned),
        Branch(Q(audiences__in=_masks(PUBLIC_VIEWERS), public=True) & public_rest, public_rest, tuple(seen)),
    ]


def readable_rows_of(branches):
    condition = Q()
    for branch in branches:
        condition |= branch.condition
    return SearchDocument.objects.filter(condition)


@dataclass(frozen=True)
class Match:
    """What a row must hold to match a query: its words (``engines.match``'s SQL and parameters), or one of
    ``people`` as its owner or manager."""

    words: tuple | None = None
    people: tuple = ()
    rarity: tuple | None = None  # ``engines.rarity`` of the words, when no person is named

    def as_sql(self, *, public=False, services=(), not_owned_by=None):
        """(SQL, params), or None when nothing can match. ``public``: for the rows public viewers read, and
        only those (PostgreSQL): the words on their own expression (``engines.PUBLIC_WORDS``), the people on
        public viewers' rows. ``services``: for rows of these services only (PostgreSQL), the words on the
        services' own (``engines.on_service_words``). ``not_owned_by``: a person whose tickets the rows
        exclude, no longer looked for as an owner (searching for oneself among others' tickets would otherwise
        have the planner expect one's many tickets there)."""
        words, people, params = [], [], []
        if self.words is not None:
            sql, words_params = self.words
            if services:
                sql, words_params = engines.on_service_words(self.words, services, public=public)
            elif public:
                sql = engines.on_public_words(sql)
            words.append(sql)
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
# index, or for some services' rows from these services' own words (``engines.on_service_words``). A word
# frequent overall can be rare in one relation: a service's vocabulary (payroll in human resources), a word of
# history entries public viewers never read, a rare word everywhere.
SAMPLE_ROWS, DENSE_HITS = 200, 3
UNINDEXED_ORDER_SQL = 'ORDER BY "last_action_at" + interval \'0\' {direction}, "ticket_id" + 0 {direction}'


class Relation(NamedTuple):
    """A ``Branch`` as ``listed_rows`` reads it: (SQL, params) of its match and of its scope (the branch's
    condition and the filters), whether it is the public one, and its ``Branch.services``."""

    matched: tuple
    scope: tuple
    public: bool
    services: tuple


def listed_rows(user, match, filters, order, *, limit):
    """The numbers of the first ``limit`` readable rows matching ``match`` (a ``Match``) in ``order``
    (``tickets.search.query.ORDER``'s "recent" or "ancien"). On PostgreSQL, each relation's rows are read as
    its sample tells (two queries, three when both kinds are met); on SQLite, one query."""
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
            relations_read.append(Relation(matched, scope, public, branch.services))
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
            f"WHERE ({relation.matched[0]}) AND {relation.scope[0]} {in_order} LIMIT {int(limit)})",
            [*relation.matched[1], *relation.scope[1]],
        )
        for relation, is_dense in zip(relations_read, dense, strict=True)
        if is_dense
    ]
    if parts:
        read += _read_parts(parts, in_order, limit)
    bound = read[limit - 1][1] if len(read) >= limit else None
    parts = _sparse_parts(
        match, relations_read, dense, searcher=user.pk, bound=bound, rare=rare, direction=direction, limit=limit
    )
    if parts:
        read += _read_parts(parts, in_order, limit)
    read.sort(key=lambda row: (row[1], row[2]), reverse=direction == "DESC")
    return [pk for pk, _date, _number in read[:limit]]


def _sparse_parts(match, relations_read, dense, *, searcher, bound, rare, direction, limit):
    """The (SQL, params) parts reading the sparse relations of ``match``: past ``bound`` (the dense ones' last
    row listed) when there is one; else through the words' index alone for a ``rare`` word; else through
    their services' own words, or with their conditions. ``searcher``: the person searching."""
    table, unindexed = engines.TABLE, UNINDEXED_ORDER_SQL.format(direction=direction)
    # The sparse relations of the same kind are read together: the words' index read once for them all. Those
    # of some services' rows together through these services' words, which no row of another service holds.
    groups = {}
    for relation, is_dense in zip(relations_read, dense, strict=True):
        if not is_dense:
            by_service = bool(relation.services) and not rare
            group = groups.setdefault((relation.public, by_service), (relation.matched, [], []))
            group[1].append(relation.scope)
            group[2].extend(relation.services)
    parts = []
    for (public, by_service), (matched, scopes, services) in groups.items():
        if by_service:
            matched = match.as_sql(public=public, services=tuple(services), not_owned_by=searcher if public else None)
        matched_sql, matched_params = matched
        if bound is not None:
            newer = f'"last_action_at" {">=" if direction == "DESC" else "<="} %s'
            found = (f"({matched_sql}) AND {newer}", [*matched_params, bound])
        elif rare:
            # "OFFSET 0" keeps the planner from and-ing the words' index with the relations': a service's
            # bitmap is a read of the whole service, where a rare word's rows are a handful.
            found = (f'{table}."id" IN (SELECT "id" FROM {table} WHERE {matched_sql} OFFSET 0)', matched_params)  # noqa: S608 (compiled)
        else:
            found = (f"({matched_sql})", matched_params)
        within = "(" + " OR ".join(f"({scope_sql})" for scope_sql, _params in scopes) + ")"
        if bound is None and (public or by_service):
            # The words' index of the services (or of public rows) finds the rows: the services' conditions
            # only test them (and-ed with those of the services' index, they read every row of the services).
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
    """Whether, for each ``Relation``, at least DENSE_HITS of its SAMPLE_ROWS newest rows (read through its
    date index) match, or it has fewer rows (all read already); then whether the words are rare (``rarity``,
    false without one): one query."""
    samples, params = [], []
    for relation in relations_read:
        (matched_sql, matched_params), (scope_sql, scope_params) = relation.matched, relation.scope
        newest = f"{scope_sql} AND {engines.PUBLIC_ROW}" if relation.public else scope_sql
        samples.append(
            f"(SELECT count(*) FILTER (WHERE hit) >= {DENSE_HITS} OR count(*) < {SAMPLE_ROWS} "  # noqa: S608 (compiled conditions, parameters)
            f"FROM (SELECT ({matched_sql}) AS hit FROM {engines.TABLE} WHERE {newest} {in_order} "
            f"LIMIT {SAMPLE_ROWS}) AS newest)"
        )
        params += [*matched_params, *scope_params]
    samples.append(rarity[0] if rarity else "FALSE")
    params += rarity[1] if rarity else []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(samples), params)
        return cursor.fetchone()
