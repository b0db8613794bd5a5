"""A service's categories, run by its managers who hold "gérer les catégories": reading the tree, and every
change to it. Each change is one transaction that writes exactly one ``AdminChange``."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from tickets.administration.audit import changed_fields, record_admin_change
from tickets.models import Category, FaqEntry, Service, Ticket
from tickets.permissions import has_service_privilege

PRIVILEGE = "manage_categories"
# The positions of treebeard's ``move`` a category may be given, by the name the forms post.
POSITIONS = {"before": "left", "after": "right", "into": "last-child"}
# The fields the edit form writes, as the audit log names them; the relations are listed by id.
EDITED_FIELDS = [
    "code",
    "label",
    "short_label",
    "help_text",
    "default_subject",
    "default_message",
    "default_priority",
    "default_scope",
    "redirect_to",
    "accepts_tickets",
]


class CategoryChangeError(Exception):
    """A change the tree refuses (a move into its own branch, a deletion of a category with tickets…)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def service_for(user, service_id):
    """The service ``service_id`` whose categories ``user`` may manage; ``Http404`` otherwise, as for a
    service that does not exist."""
    if not str(service_id).isdigit() or not has_service_privilege(user, int(service_id), PRIVILEGE):
        raise Http404
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def category_of(service, category_id):
    """The category ``category_id`` of ``service``; ``Http404`` for one of another service or none."""
    category = Category.objects.filter(service=service, pk=category_id).first() if str(category_id).isdigit() else None
    if category is None:
        raise Http404
    return category


@dataclass
class AdminNode:
    category: Category
    children: list = field(default_factory=list)


def service_tree(service):
    """The roots of the service's whole tree (hidden and disabled categories included), each category with its
    ``managers`` and ``faq_count``: three queries whatever its size."""
    categories = (
        Category.objects.filter(service=service)
        .annotate(faq_count=Count("faq_entries"))
        .prefetch_related(Prefetch("managers", to_attr="manager_list"))
        .order_by("path")
    )
    nodes, roots = {}, []
    for category in categories:
        node = nodes[category.path] = AdminNode(category)
        parent = nodes.get(category.path[: -Category.steplen]) if category.depth > 1 else None
        (parent.children if parent else roots).append(node)
    return roots


def move_choices(category):
    """``[(value, label)]`` of where ``category`` may go in its service: before or after any other category,
    or inside one as its last child; never into its own branch."""
    others = Category.objects.filter(service_id=category.service_id).exclude(path__startswith=category.path)
    choices = []
    for other in others.order_by("path"):
        indent = "\u2003" * (other.depth - 1)
        title = other.title
        choices += [
            (f"before-{other.pk}", indent + _("Avant « %(title)s »") % {"title": title}),
            (f"after-{other.pk}", indent + _("Après « %(title)s »") % {"title": title}),
            (f"into-{other.pk}", indent + _("Dans « %(title)s »") % {"title": title}),
        ]
    return choices


def _snapshot(category):
    values = {name: getattr(category, name) for name in EDITED_FIELDS if name != "redirect_to"}
    values["redirect_to"] = category.redirect_to.title if category.redirect_to_id else None
    values["managers"] = sorted(str(person) for person in category.managers.all())
    values["faq_entries"] = sorted(entry.title for entry in category.faq_entries.all())
    return values


def _place(category):
    """Where a category sits, for the audit log: its parent's title and its rank among its siblings."""
    parent = Category.objects.get_parent(category, update=True) if category.depth > 1 else None
    siblings = Category.objects.filter(service_id=category.service_id, depth=category.depth)
    if parent is not None:
        siblings = siblings.filter(path__startswith=parent.path)
    return {
        "parent": parent.title if parent else None,
        "position": siblings.filter(path__lt=category.path).count() + 1,
    }


def add_category(*, actor, service, parent=None, values, managers=(), faq_entries=()):
    """A new category of ``service``, last among the roots or among ``parent``'s children."""
    if parent is not None and parent.service_id != service.pk:
        raise Http404
    with transaction.atomic():
        data = {**values, "service": service}
        category = Category.objects.add_child(parent, data) if parent else Category.objects.add_root(data)
        category.managers.set(managers)
        category.faq_entries.set(faq_entries)
        details = {name: value for name, value in _snapshot(category).items() if value not in ("", None, [])}
        details["parent"] = parent.title if parent else None
        record_admin_change(actor=actor, service=service, kind="category.added", target=category.title, details=details)
    return category


def update_category(category, *, actor, values, managers, faq_entries):
    """Writes the edit form's fields, managers and FAQ entries; one audit line lists what changed."""
    with transaction.atomic():
        before = _snapshot(category)
        target = category.title
        for name, value in values.items():
            setattr(category, name, value)
        category.save(update_fields=list(values))
        category.managers.set(managers)
        category.faq_entries.set(faq_entries)
        changes = changed_fields(before, _snapshot(category))
        if changes:
            record_admin_change(
                actor=actor, service=category.service, kind="category.updated", target=target, details=changes
            )
    return category


def _siblings(category):
    """The category's siblings in its service (roots of all services are siblings in the table)."""
    return Category.objects.get_siblings(category).filter(service_id=category.service_id)


def move_category(category, *, actor, position=None, target=None, direction=None):
    """Moves ``category`` ``before``, ``after`` or ``into`` ``target`` (a category of its service), or one
    step ``up`` or ``down`` among its siblings. Refuses its own branch as a target."""
    if direction is not None:
        siblings = _siblings(category)
        if direction == "up":
            target, position = siblings.filter(path__lt=category.path).order_by("path").last(), "before"
        else:
            target, position = siblings.filter(path__gt=category.path).order_by("path").first(), "after"
        if target is None:
            message = _("Cette catégorie est déjà la première.") if direction == "up" else None
            raise CategoryChangeError(message or _("Cette catégorie est déjà la dernière."))
    if target.service_id != category.service_id:
        raise Http404
    if target.path.startswith(category.path):
        raise CategoryChangeError(_("Une catégorie ne peut pas aller dans sa propre branche."))
    with transaction.atomic():
        before = _place(category)
        Category.objects.move(category, target, POSITIONS[position])
        category = Category.objects.get(pk=category.pk)
        after = _place(category)
        record_admin_change(
            actor=actor,
            service=category.service,
            kind="category.moved",
            target=category.title,
            details={"from": before, "to": after},
        )
    return category


def set_category_flag(category, *, actor, change):
    """``hide``, ``show``, ``disable`` or ``enable`` the category; a disabled category keeps its tickets."""
    name, value, kind = {
        "hide": ("hidden", True, "category.hidden"),
        "show": ("hidden", False, "category.shown"),
        "disable": ("enabled", False, "category.disabled"),
        "enable": ("enabled", True, "category.enabled"),
    }[change]
    with transaction.atomic():
        if getattr(category, name) == value:
            return category
        setattr(category, name, value)
        category.save(update_fields=[name])
        record_admin_change(actor=actor, service=category.service, kind=kind, target=category.title)
    return category


def deletion_refusal(category):
    """Why ``category`` cannot be deleted, or None: a category with tickets, or with sub-categories, stays."""
    if Ticket.objects.filter(category=category).exists():
        return _("Cette catégorie a des tickets : elle ne peut pas être supprimée. Désactivez-la plutôt.")
    if Category.objects.get_children_count(category):
        return _("Cette catégorie a des sous-catégories : supprimez-les ou déplacez-les d'abord.")
    return None


def delete_category(category, *, actor):
    """Deletes an empty category (no ticket, no sub-category)."""
    with transaction.atomic():
        category = Category.objects.select_for_update().get(pk=category.pk)
        refusal = deletion_refusal(category)
        if refusal:
            raise CategoryChangeError(refusal)
        title, service = category.title, category.service
        Category.objects.filter(pk=category.pk).delete()
        record_admin_change(actor=actor, service=service, kind="category.deleted", target=title)


def faq_entries_for(service):
    """The FAQ entries a category of ``service`` may link to: the service's own and the general FAQ's."""
    return (
        FaqEntry.objects.filter(Q(service=service) | Q(service=None))
        .select_related("service")
        .order_by(F("service").asc(nulls_first=True), "path")
    )
