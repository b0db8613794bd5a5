"""Reads of the personal lists: the Tableau de bord (views, counts, filters, sorting, unread marks) and
Signets/Historique.

Every function here costs a fixed number of queries whatever the number of tickets: rows come with their
owner, manager, category and service joined, and the unread mark is a subquery, never a query per row.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import PERSON_FIELDS, name_of
from tickets import permissions
from tickets.models import (
    DASHBOARD_OPEN_STATUSES,
    FINAL_STATUSES,
    STATUS_ORDER,
    Category,
    Follower,
    Invitation,
    Service,
    Status,
    Ticket,
    View,
)

PER_PAGE = 25
# Counts stop there: beyond, a tab says "plus de 1 000" and the list shows the first 1,000 in the chosen order.
SHOWN_LIMIT = 1000

# The dashboard's views, in the order of their tabs. Managers see theirs first: that is their work.
USER_VIEWS = {
    "mes": _("Mes tickets"),
    "invites": _("Mes invitations"),
    "surveilles": _("Surveillés"),
    "tous": _("Tous"),
}
# The managers' views other pages link to (the daily summary's lists).
FREE_VIEW, MINE_VIEW, SERVICES_VIEW = "libres", "miens", "services"
EITHER_VIEW, BOTH_KEY = "libres_ou_miens", "libres_et_miens"
# Not a view: the public tickets a user sees under the same filters, which "Tous" holds (see counts_for).
PUBLIC_KEY = "publics"
MANAGER_VIEWS = {
    FREE_VIEW: _("Libres"),
    MINE_VIEW: _("Pris en charge par moi"),
    EITHER_VIEW: _("Libres ou pris en charge par moi"),
    SERVICES_VIEW: _("Mes services"),
}
USER_DEFAULT_VIEW = "mes"
MANAGER_DEFAULT_VIEW = MINE_VIEW

# Views whose own condition already implies that the user may see the ticket: their lists skip the
# visibility predicate, whose OR over four branches would keep the database from using its indexes.
SELF_VISIBLE_VIEWS = frozenset({"mes", "invites", "libres", "miens", "libres_ou_miens", "services"})

STATUS_FILTERS = {
    "ouverts": (_("Ouverts"), DASHBOARD_OPEN_STATUSES),
    "clos": (_("Clos"), FINAL_STATUSES),
    "tous": (_("Tous"), None),
}
DEFAULT_STATUS_FILTER = "ouverts"
# What a view lists when no status filter is chosen.
DEFAULT_STATUSES = STATUS_FILTERS[DEFAULT_STATUS_FILTER][1]
NO_MANAGER = "aucun"

SORT_KEYS = {
    "numero": ("pk",),
    "sujet": (Lower("subject"), "pk"),
    "statut": (STATUS_ORDER, "pk"),
    "derniere_action": ("last_action_at", "pk"),
    "creation": ("created_at", "pk"),
}
SORT_CHOICES = {
    "-derniere_action": _("Dernière action, la plus récente d'abord"),
    "derniere_action": _("Dernière action, la plus ancienne d'abord"),
    "-numero": _("N°, décroissant"),
    "numero": _("N°, croissant"),
    "sujet": _("Sujet, de A à Z"),
    "-sujet": _("Sujet, de Z à A"),
    "statut": _("Statut, dans l'ordre du traitement"),
    "-statut": _("Statut, dans l'ordre inverse du traitement"),
    "-creation": _("Création, la plus récente d'abord"),
    "creation": _("Création, la plus ancienne d'abord"),
}
DEFAULT_SORT = "-derniere_action"
OLDEST_ACTION_FIRST = "derniere_action"

# What a list row shows, and nothing more, read as values: a page of 25 rows would otherwise build 125
# model instances (ticket, owner, manager, category, service) for a dozen fields.
ROW_VALUES = (
    "pk",
    "subject",
    "status",
    "last_action_at",
    "manager_id",
    *(f"owner__{name}" for name in PERSON_FIELDS),
    *(f"manager__{name}" for name in PERSON_FIELDS),
    "category__code",
    "category__label",
    "category__short_label",
    "service__label",
)


# The views and what they hold.


def managed_service_ids(user):
    """The ids of the services whose tickets the user handles; ``None`` for an admin, who handles them all."""
    if user.is_superuser:
        return None
    return sorted(permissions.memberships_of(user))


def dashboard_views_for(user):
    """The views the user may choose, as ``{key: label}`` in the order of the tabs."""
    if permissions.is_manager(user):
        return {**MANAGER_VIEWS, **USER_VIEWS}
    return dict(USER_VIEWS)


def default_view_for(user):
    return MANAGER_DEFAULT_VIEW if permissions.is_manager(user) else USER_DEFAULT_VIEW


def view_conditions(user):
    """Each view as a condition on the tickets the user may see."""
    service_ids = managed_service_ids(user)
    in_my_services = Q() if service_ids is None else Q(service_id__in=service_ids)
    return {
        "mes": Q(owner=user),
        "invites": Q(pk__in=Invitation.objects.filter(user=user).values("ticket_id")),
        "surveilles": Q(pk__in=Follower.objects.filter(user=user).values("ticket_id")),
        "tous": Q(),
        "libres": in_my_services & Q(status=Status.FREE),
        "miens": in_my_services & Q(manager=user),
        "libres_ou_miens": in_my_services & (Q(status=Status.FREE) | Q(manager=user)),
        "services": in_my_services,
    }


def dashboard_queryset(user, view):
    """The tickets of one view of the dashboard (a key of ``dashboard_views_for``), unfiltered and unsorted."""
    return view_querysets(user).get(view, Ticket.objects.none())


def view_querysets(user, query=None, choices=None, *, in_own_service=False):
    """``{view: its tickets}`` for every view the user may choose, the conditions built once, each with the
    filters of ``query`` (a ``DashboardQuery``) if given, applied in the same call.

    Given the statuses a filter keeps, a view's free tickets are left out when free is not one of them:
    the result is the same, and PostgreSQL no longer scans the whole table to find nothing. With
    ``in_own_service`` (a filter keeps one of the manager's services or one of their categories), every
    view skips the visibility predicate: a manager sees every ticket of their services. For a user, the
    result also holds ``PUBLIC_KEY``, the public tickets they see under the same filters."""
    conditions = view_conditions(user)
    statuses = STATUS_FILTERS[query.status][1] if query is not None else None
    if statuses is not None and Status.FREE not in statuses:
        conditions["libres_ou_miens"] = conditions["miens"]
        conditions["libres"] = None
    filters = filter_condition(query, choices or FilterChoices()) if query is not None else Q()
    visible = None
    querysets = {}
    for view in dashboard_views_for(user):
        if conditions[view] is None:
            querysets[view] = Ticket.objects.none()
            continue
        if view in SELF_VISIBLE_VIEWS or in_own_service:
            base = Ticket.objects.all()
        else:
            visible = visible if visible is not None else permissions.visible_tickets_for(user)
            base = visible
        querysets[view] = base.filter(conditions[view], filters)
    if not permissions.is_manager(user) and not in_own_service:
        querysets[PUBLIC_KEY] = permissions.public_tickets_for(user).filter(filters)
    return querysets


# Filters and sorting, from the query string.


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer: empty for users, who only filter by status. Read as values, not models."""

    services: list = field(default_factory=list)  # [(id, label)]
    categories: list = field(default_factory=list)  # [(service label, [(id, label, subtree ids)])]
    managers: list = field(default_factory=list)  # [(id, name)]

    @property
    def service_ids(self):
        return {pk for pk, _label in self.services}

    @property
    def category_subtrees(self):
        return {pk: subtree for _label, options in self.categories for pk, _name, subtree in options}

    @property
    def manager_ids(self):
        return {pk for pk, _name in self.managers}


def filter_choices(user):
    """The services, categories and managers a manager may filter by: those of their services (all of
    them for an admin). Three queries, whatever their number."""
    if not permissions.is_manager(user):
        return FilterChoices()
    service_ids = managed_service_ids(user)
    services = Service.objects.order_by("label").values_list("pk", "label")
    categories = Category.objects.order_by("service__label", "path").values_list(
        "pk", "path", "depth", "code", "label", "short_label", "service__label"
    )
    managers = (
        get_user_model().objects.order_by("last_name", "first_name", "username").values_list("pk", *PERSON_FIELDS)
    )
    if service_ids is None:
        managers = managers.filter(memberships__isnull=False)
    else:
        services = services.filter(pk__in=service_ids)
        categories = categories.filter(service_id__in=service_ids)
        managers = managers.filter(memberships__service_id__in=service_ids)
    return FilterChoices(
        services=list(services),
        categories=_category_groups(list(categories)),
        managers=[(pk, name_of(*names)) for pk, *names in managers.distinct()],
    )


def _category_groups(categories):
    # A category stands for its whole subtree: filtering by "Polytech Nancy" finds its sub-categories' tickets.
    groups = {}
    for pk, path, depth, code, label, short_label, service_label in categories:
        subtree = [other[0] for other in categories if other[1].startswith(path)]
        title = "– " * (depth - 1) + Category.short_title_of(code, label, short_label)
        groups.setdefault(service_label, []).append((pk, title, subtree))
    return list(groups.items())


@dataclass(frozen=True)
class DashboardQuery:
    """The dashboard's query string, validated: anything unknown falls back to its default."""

    view: str
    status: str = DEFAULT_STATUS_FILTER
    service: int | None = None
    category: int | None = None
    manager: int | str | None = None
    sort: str = DEFAULT_SORT
    page: str = "1"

    def params(self):
        """The query string's values that differ from the defaults, for links that keep them."""
        values = {
            "vue": self.view,
            "statut": self.status if self.status != DEFAULT_STATUS_FILTER else None,
            "service": self.service,
            "categorie": self.category,
            "gestionnaire": self.manager,
            "tri": self.sort if self.sort != DEFAULT_SORT else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def _known_id(value, known):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in known else None


def clean_query(user, data, choices):
    """Reads the dashboard's GET parameters; a value that is not offered to this user is dropped."""
    view = data.get("vue")
    if view not in dashboard_views_for(user):
        view = default_view_for(user)
    status = data.get("statut")
    if status not in STATUS_FILTERS:
        status = DEFAULT_STATUS_FILTER
    manager = data.get("gestionnaire")
    if manager != NO_MANAGER or not permissions.is_manager(user):
        manager = _known_id(manager, choices.manager_ids)
    sort = data.get("tri")
    if sort not in SORT_CHOICES:
        sort = DEFAULT_SORT
    return DashboardQuery(
        view=view,
        status=status,
        service=_known_id(data.get("service"), choices.service_ids),
        category=_known_id(data.get("categorie"), choices.category_subtrees),
        manager=manager,
        sort=sort,
        page=str(data.get("page", "1"))[:20],
    )


def filter_condition(query, choices):
    """The status, service, category and manager filters of ``query``, as one condition: each view's
    queryset takes it in the same ``filter()`` as the view's own condition (one condition to build per view,
    not one per filter)."""
    condition = Q()
    statuses = STATUS_FILTERS[query.status][1]
    if statuses is not None:
        condition &= Q(status__in=sorted(statuses))
    if query.service is not None:
        condition &= Q(service_id=query.service)
    if query.category is not None:
        condition &= Q(category_id__in=choices.category_subtrees[query.category])
    if query.manager == NO_MANAGER:
        condition &= Q(manager__isnull=True)
    elif query.manager is not None:
        condition &= Q(manager_id=query.manager)
    return condition


def sort_tickets(queryset, sort):
    """Orders by one of ``SORT_CHOICES``; the ticket number breaks ties so that pages never overlap."""
    descending = sort.startswith("-")
    keys = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["derniere_action"])
    order = []
    for key in keys:
        if isinstance(key, str):
            order.append(f"-{key}" if descending else key)
        else:
            order.append(key.desc() if descending else key.asc())
    return queryset.order_by(*order)


def counts_for(user, querysets=None):
    """How many tickets each view of ``querysets`` (``view_querysets``, filtered or not) holds, in one query
    whose cost does not grow with the past: each view counts at most ``SHOWN_LIMIT + 1`` rows, so a count
    above ``SHOWN_LIMIT`` means "more than SHOWN_LIMIT" (``is_capped``).

    "Libres ou pris en charge par moi" is counted as free + mine - both: an OR over two indexes would have
    PostgreSQL walk one of them to its end to find the other's rows."""
    querysets = dict(querysets or view_querysets(user))
    # Views (or sets) that "Tous" holds whole, counted first: "Mes services" for a manager; for a user, their
    # own tickets and the public ones they see.
    within_all = [SERVICES_VIEW] if SERVICES_VIEW in querysets else ["mes"]
    if PUBLIC_KEY in querysets:
        within_all.append(PUBLIC_KEY)
    union = querysets.pop(EITHER_VIEW, None)
    if union is not None:
        querysets[BOTH_KEY] = querysets[FREE_VIEW].filter(manager=user)
    counted = []
    for key, tickets in querysets.items():
        counted.append((key, tickets.order_by().values("pk")[: SHOWN_LIMIT + 1]))
    expressions = {}
    for key, tickets in counted:
        try:
            inner, inner_params = tickets.query.sql_with_params()
        except EmptyResultSet:  # a view that holds nothing under these filters
            expressions[key] = ("0", ())
            continue
        # The inner SQL is the ORM's, its values stay parameters.
        expressions[key] = (f"(SELECT COUNT(*) FROM ({inner}) AS counted)", tuple(inner_params))  # noqa: S608
    # When one of the sets "Tous" holds passes the limit, so does "Tous", and its visibility predicate (an OR
    # no index serves, tested on each ticket) is never evaluated.
    wider = [expressions[key] for key in within_all]
    conditions = " OR ".join(f"{sql} > {SHOWN_LIMIT}" for sql, _params in wider)
    all_sql, all_params = expressions["tous"]
    case = f"CASE WHEN {conditions} THEN {SHOWN_LIMIT + 1} ELSE {all_sql} END"
    expressions["tous"] = (case, tuple(param for _sql, params in wider for param in params) + all_params)
    counted = [(key, tickets) for key, tickets in counted if key != PUBLIC_KEY]
    sql = ", ".join(expressions[key][0] for key, _tickets in counted)
    params = [param for key, _tickets in counted for param in expressions[key][1]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + sql, params)
        row = cursor.fetchone()
    counts = {key: int(count) for (key, _tickets), count in zip(counted, row, strict=True)}
    if union is not None:
        both, free, mine = counts.pop(BOTH_KEY), counts[FREE_VIEW], counts[MINE_VIEW]
        either = SHOWN_LIMIT + 1 if is_capped(free) or is_capped(mine) else free + mine - both
        counts[EITHER_VIEW] = min(either, SHOWN_LIMIT + 1)
    return {key: counts[key] for key in dashboard_views_for(user)}


def is_capped(count):
    return count > SHOWN_LIMIT


# Rows.


def ticket_rows(queryset, user):
    """The tickets as dicts of what a list row shows (``ROW_VALUES``), and ``unread``: the user never opened
    the ticket, or opened it before its last action."""
    seen_since = View.objects.filter(user=user, ticket=OuterRef("pk"), created_at__gte=OuterRef("last_action_at"))
    return queryset.values(*ROW_VALUES).annotate(unread=~Exists(seen_since))


class CountedPaginator(Paginator):
    """A paginator told its count, so that the tab counts' aggregate spares a second COUNT(*)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    count: int
    link: str = ""  # set by the view

    @property
    def capped(self):
        return is_capped(self.count)


def dashboard_page(user, data):
    """Everything the Tableau de bord shows for the GET parameters ``data``."""
    choices = filter_choices(user)
    query = clean_query(user, data, choices)
    # The filters offer only the manager's own services and categories.
    in_own_service = query.service is not None or query.category is not None
    querysets = view_querysets(user, query, choices, in_own_service=in_own_service)
    counts = counts_for(user, querysets)
    tickets = sort_tickets(querysets[query.view], query.sort)
    total = counts[query.view]
    if not total:
        tickets = tickets.none()
    # Beyond SHOWN_LIMIT the pages stop: the filters and the sorts reach the other tickets.
    shown = min(total, SHOWN_LIMIT)
    page = CountedPaginator(tickets.values_list("pk", flat=True), PER_PAGE, count=shown).get_page(query.page)
    # The page's numbers are chosen first, then only their rows are joined: a deep page would otherwise join
    # the people, category, service and unread mark of every row its OFFSET skips.
    page.object_list = sort_tickets(ticket_rows(Ticket.objects.filter(pk__in=page.object_list), user), query.sort)
    return {
        "query": query,
        "params": query.params(),
        "tabs": [Tab(key, label, counts[key]) for key, label in dashboard_views_for(user).items()],
        "choices": choices,
        "status_filters": {key: label for key, (label, _statuses) in STATUS_FILTERS.items()},
        "sort_choices": SORT_CHOICES,
        "page_obj": page,
        "capped": is_capped(total),
        "shown_limit": SHOWN_LIMIT,
        "no_manager": NO_MANAGER,
    }
