"""Who may read and who may manage each FAQ entry.

A reader's level depends on the FAQ: 0 for a visitor, 1 for anyone logged in, 2 for a manager of the
entry's service (any manager for the general FAQ) and for admins. An entry is read when its scope and the
scope of every one of its ancestors are within that level, none of them is hidden (hidden entries are
read by those who manage the FAQ only), and its service is enabled and visible to the reader (the visibility
rules; its managers and admins see it always). ``readable_faq_entries`` is the same
rule as one queryset, and always agrees with ``can_read_faq_entry``.
"""

from functools import lru_cache

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Substr

from tickets.models import SCOPE_RANK, FaqEntry, FaqScope
from tickets.permissions import is_manager, memberships_of, sees_service, visible_service_ids

VISITOR, USER, MANAGER = 0, 1, 2


def faq_level(user, service_id):
    """How far the user reads in the FAQ of ``service_id`` (None: the general FAQ)."""
    if not user.is_authenticated:
        return VISITOR
    if user.is_superuser:
        return MANAGER
    if service_id is None:
        return MANAGER if is_manager(user) else USER
    return MANAGER if service_id in memberships_of(user) else USER


def can_manage_faq(user, service_id):
    """Admins manage every FAQ; a service's managers with the "gérer la FAQ" privilege manage theirs."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    found = memberships_of(user).get(service_id) if service_id is not None else None
    return found is not None and found.can_manage_faq


def managed_faq_service_ids(user):
    """The ids of the services whose FAQ the user manages (admins: see ``can_manage_faq``)."""
    return {service_id for service_id, found in memberships_of(user).items() if found.can_manage_faq}


def _entry_allowed(entry, user):
    """The entry on its own, without its ancestors."""
    outside = entry.service_id is not None and not user.is_superuser
    if outside and not (entry.service.enabled and sees_service(user, entry.service_id)):
        return False
    if entry.hidden and not can_manage_faq(user, entry.service_id):
        return False
    return SCOPE_RANK[entry.scope] <= faq_level(user, entry.service_id)


def can_read_faq_entry(user, entry, ancestors=None):
    """Whether the user may read ``entry``; ``ancestors`` are its ancestors when already fetched."""
    if ancestors is None:
        ancestors = FaqEntry.objects.get_ancestors(entry).select_related("service")
    return all(_entry_allowed(node, user) for node in [*ancestors, entry])


def _scopes_up_to(level):
    return [scope for scope, rank in SCOPE_RANK.items() if rank <= level]


def _reader(user):
    """What decides which entries ``user`` reads, as a key: (everyone, scopes, managed services, whether a
    manager, services whose FAQ they manage, visible services)."""
    if user.is_superuser:
        return (True, (), (), False, (), ())
    visitor_or_user = VISITOR if not user.is_authenticated else USER
    return (
        False,
        tuple(_scopes_up_to(visitor_or_user)),
        tuple(sorted(memberships_of(user))),
        is_manager(user),
        tuple(sorted(managed_faq_service_ids(user))),
        tuple(sorted(visible_service_ids(user))),
    )


def _allowed_q(everyone, scopes, managed, manager, managing_faq, visible):
    """The entries allowed on their own, as a condition (``_entry_allowed`` for every entry at once)."""
    if everyone:
        return Q()
    scope = Q(scope__in=scopes)
    if managed:
        scope |= Q(service_id__in=managed)
    if manager:
        scope |= Q(service_id__isnull=True)
    allowed = scope & (~Q(hidden=True) | Q(service_id__in=managing_faq))
    # ``visible_service_ids`` holds enabled services only: no join to the services to test it again.
    return allowed & (Q(service_id__isnull=True) | Q(service_id__in=visible))


# Few people differ in what decides their reading (most share the same services and rules): the queryset
# is built once for each such key and cloned, as building it cost more than the query takes.
@lru_cache(maxsize=256)
def _readable(reader):
    allowed = _allowed_q(*reader)
    if not allowed:
        return FaqEntry.objects.all()
    # An ancestor's path is the start of the entry's path, ``steplen`` characters per level.
    refused_ancestor = FaqEntry.objects.filter(
        ~allowed,
        depth__lt=OuterRef("depth"),
        path=Substr(OuterRef("path"), 1, F("depth") * FaqEntry.steplen),
    )
    return FaqEntry.objects.filter(allowed).filter(~Exists(refused_ancestor))


def readable_faq_entries(user):
    """The entries ``can_read_faq_entry`` lets the user read, as one queryset."""
    # A clone: the kept queryset is never evaluated, so never holds rows.
    return _readable(_reader(user)).all()


def restricted_for_visitor(entry, ancestors):
    """Whether a visitor who cannot read ``entry`` should be asked to log in rather than told "not found":
    it is restricted to people logged in or to managers, and nothing on its way is hidden or disabled."""
    nodes = [*ancestors, entry]
    if any(node.hidden for node in nodes) or (entry.service_id is not None and not entry.service.enabled):
        return False
    return any(node.scope != FaqScope.EVERYONE for node in nodes)
