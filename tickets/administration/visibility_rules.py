"""Writing a service's visibility rules from the portal: add, edit, move, delete, and the "visible when no
rule applies" setting. The pages check the privilege ("gérer les propriétés du service") before calling;
each change writes one line of the audit log in its transaction."""

from django.db import transaction
from django.db.models import Max
from django.http import Http404

from tickets.administration.audit import changed_fields, record_admin_change
from tickets.models import Category, Service, VisibilityRule
from tickets.permissions import has_service_privilege, services_with_privilege

PRIVILEGE = "manage_service"
RULE_FIELDS = ("category", "effect", "test", "attribute", "value")


def administered_services(user):
    """The enabled and disabled services whose visibility the user may set: every one for admins, those
    where they hold "gérer les propriétés du service" for managers."""
    services = Service.objects.order_by("label")
    if user.is_superuser:
        return services
    return services.filter(pk__in=services_with_privilege(user, PRIVILEGE))


def administered_service(user, service_id):
    """The service ``service_id`` if the user may set its visibility; ``Http404`` otherwise."""
    if not has_service_privilege(user, int(service_id), PRIVILEGE):
        raise Http404
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def rule_of(service, rule_id):
    """A rule of ``service``; ``Http404`` for a missing one and another service's alike."""
    rule = VisibilityRule.objects.select_related("category").filter(pk=rule_id, service=service).first()
    if rule is None:
        raise Http404
    return rule


def rules_of(service):
    """The service's rules: its own first, then its categories' in tree order, each in its order."""
    return list(
        VisibilityRule.objects.filter(service=service)
        .select_related("category")
        .order_by("category__path", "position", "pk")
    )


def label_of(rule):
    """What the audit log calls a rule: where it stands and what it says."""
    where = rule.category.title if rule.category_id else rule.service.label
    condition = " ".join(part for part in (rule.attribute, rule.test, rule.value) if part)
    return f"{where} – {rule.effect} {condition}"


def values_of(rule):
    return {
        "category": rule.category.title if rule.category_id else None,
        "position": rule.position,
        "effect": rule.effect,
        "test": rule.test,
        "attribute": rule.attribute,
        "value": rule.value,
    }


def _check_category(service, category):
    if category is not None and category.service_id != service.pk:
        raise Http404


@transaction.atomic
def add_rule(*, actor, service, category=None, effect, test, attribute="", value=""):
    """A rule at the end of its service's (or category's) rules."""
    _check_category(service, category)
    last = VisibilityRule.objects.filter(service=service, category=category).aggregate(last=Max("position"))["last"]
    rule = VisibilityRule.objects.create(
        service=service,
        category=category,
        position=0 if last is None else last + 1,
        effect=effect,
        test=test,
        attribute=attribute,
        value=value,
    )
    record_admin_change(actor=actor, service=service, kind="rule.added", target=label_of(rule), details=values_of(rule))
    return rule


@transaction.atomic
def update_rule(*, actor, rule, **fields):
    """Changes what a rule says (``RULE_FIELDS``); a rule that changes category goes last in its new one."""
    _check_category(rule.service, fields.get("category"))
    before = values_of(rule)
    if "category" in fields and fields["category"] != rule.category:
        siblings = VisibilityRule.objects.filter(service=rule.service, category=fields["category"])
        last = siblings.aggregate(last=Max("position"))["last"]
        rule.position = 0 if last is None else last + 1
    for name in RULE_FIELDS:
        if name in fields:
            setattr(rule, name, fields[name])
    details = changed_fields(before, values_of(rule))
    if details:
        rule.save()
        record_admin_change(
            actor=actor, service=rule.service, kind="rule.updated", target=label_of(rule), details=details
        )
    return rule


@transaction.atomic
def move_rule(*, actor, rule, up):
    """Swaps the rule with the one before (``up``) or after it among the rules of its service or category;
    the first cannot go up nor the last down (nothing changes then)."""
    siblings = list(
        VisibilityRule.objects.select_for_update()
        .filter(service=rule.service_id, category=rule.category_id)
        .order_by("position", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == rule.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return rule
    siblings[index], siblings[other] = siblings[other], siblings[index]
    before = rule.position
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            VisibilityRule.objects.filter(pk=sibling.pk).update(position=position)
    rule.position = other
    record_admin_change(
        actor=actor,
        service=rule.service,
        kind="rule.moved",
        target=label_of(rule),
        details={"position": [before, other]},
    )
    return rule


@transaction.atomic
def delete_rule(*, actor, rule):
    label, values = label_of(rule), values_of(rule)
    rule.delete()
    record_admin_change(actor=actor, service=rule.service, kind="rule.deleted", target=label, details=values)


@transaction.atomic
def set_visible_by_default(*, actor, service, visible):
    """What holds for the service when none of its rules applies."""
    if service.visible_by_default == visible:
        return service
    details = {"visible_by_default": [service.visible_by_default, visible]}
    service.visible_by_default = visible
    service.save(update_fields=["visible_by_default"])
    record_admin_change(
        actor=actor, service=service, kind="service.visibility_default", target=service.label, details=details
    )
    return service


def categories_of(service):
    return Category.objects.filter(service=service).order_by("path")
