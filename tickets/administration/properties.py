"""A service's properties, changed from the portal by who holds "gérer les propriétés du service"."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from tickets.administration.audit import changed_fields, record_admin_change
from tickets.models import Service
from tickets.permissions import has_service_privilege

# The properties the page changes, in its order.
PROPERTY_FIELDS = [
    "label",
    "short_label",
    "mail_in_address",
    "mail_in_category",
    "closure_delay_days",
    "auto_assign",
    "assignment_mode",
    "default_priority",
    "default_scope",
]


def administered_service(user, service_id, privilege):
    """The service ``service_id`` when ``user`` holds ``can_<privilege>`` there (admins hold all); raises
    ``Http404`` otherwise, as for a service that does not exist."""
    service = Service.objects.filter(pk=service_id).first()
    if service is None or not has_service_privilege(user, service.pk, privilege):
        raise Http404
    return service


def plain_properties(service):
    """The page's properties as plain JSON values; a category by its title."""
    values = {name: getattr(service, name) for name in PROPERTY_FIELDS if name != "mail_in_category"}
    category = service.mail_in_category
    values["mail_in_category"] = category.title if category is not None else None
    return values


def update_service_properties(service, *, actor, values):
    """Saves the properties of ``values`` ({field: cleaned value}, as the page's form cleans them) together,
    with one ``AdminChange`` ("service.updated") naming the changed fields; nothing when none changed.
    Returns the changed fields. Raises ``PermissionDenied`` when ``actor`` does not hold the privilege."""
    with transaction.atomic():
        locked = Service.objects.select_for_update(of=("self",)).select_related("mail_in_category").get(pk=service.pk)
        if not has_service_privilege(actor, locked.pk, "manage_service"):
            raise PermissionDenied
        before = plain_properties(locked)
        for name in PROPERTY_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        changed = changed_fields(before, plain_properties(locked))
        if changed:
            locked.save(update_fields=[name for name in PROPERTY_FIELDS if name in changed])
            record_admin_change(
                actor=actor, service=locked, kind="service.updated", target=locked.label, details=changed
            )
    return changed
