"""A service's managers, changed from the portal by who holds "gérer les gestionnaires du service": add one,
set privileges and availability, remove one (their open tickets freed or handed to a colleague)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tickets import workflow
from tickets.administration.audit import changed_fields, record_admin_change
from tickets.models import Membership, Ticket
from tickets.permissions import forget_memberships, has_service_privilege

# The settings of a membership the managers page shows as columns, in the page's order.
SETTINGS = ["available", *Membership.PRIVILEGES]
# The tickets a leaving manager hands over: those in their charge that are not closed.
HANDED_OVER_STATUSES = workflow.MOVES["hand_over"][0]

LAST_MANAGER_OF_MANAGERS = _(
    "Le service doit garder au moins un gestionnaire qui gère ses gestionnaires : ce changement retirerait ce "
    "droit au dernier qui le détient."
)


class ManagersError(Exception):
    """A change of the managers that cannot be done; ``message`` is translated, for the person who tried."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Removal:
    membership: Membership
    handed_over: int


def service_memberships(service):
    """The service's memberships with their users, by name."""
    return (
        Membership.objects.filter(service=service)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def _check_actor(actor, service):
    if not has_service_privilege(actor, service.pk, "manage_managers"):
        raise PermissionDenied


def _keeps_a_manager_of_managers(actor, service, holders_after):
    """Refuses a change that leaves no manager of managers where there was one; admins may."""
    if actor.is_superuser or holders_after:
        return
    if Membership.objects.filter(service=service, can_manage_managers=True).exists():
        raise ManagersError(LAST_MANAGER_OF_MANAGERS)


def add_manager(service, *, actor, user):
    """Makes ``user`` a manager of ``service`` with the default privileges; one ``AdminChange``
    ("manager.added"). Raises ``ManagersError`` when they already are one."""
    with transaction.atomic():
        _check_actor(actor, service)
        if Membership.objects.filter(service=service, user=user).exists():
            raise ManagersError(_("Cette personne est déjà gestionnaire du service."))
        membership = Membership.objects.create(service=service, user=user)
        record_admin_change(actor=actor, service=service, kind="manager.added", target=user, details={})
    forget_memberships(user)
    return membership


def update_managers(service, *, actor, settings):
    """Sets the privileges and availability of several managers at once: ``settings`` is
    {membership id: {setting: bool}} for memberships of ``service``. All or nothing; one ``AdminChange``
    ("manager.updated", the changed settings) per manager changed. Returns the number of managers changed.
    Raises ``ManagersError`` when no one would manage the managers any more, ``PermissionDenied`` when the
    actor may not, ``Membership.DoesNotExist`` for a membership of another service."""
    with transaction.atomic():
        _check_actor(actor, service)
        memberships = {m.pk: m for m in service_memberships(service).select_for_update(of=("self",))}
        if set(settings) - set(memberships):
            raise Membership.DoesNotExist
        changes = []
        for pk, values in settings.items():
            membership = memberships[pk]
            before = {name: getattr(membership, name) for name in SETTINGS}
            after = {name: bool(values.get(name, before[name])) for name in SETTINGS}
            changed = changed_fields(before, after)
            if changed:
                for name in changed:
                    setattr(membership, name, after[name])
                changes.append((membership, changed))
        holders = [m for m in memberships.values() if m.can_manage_managers]
        _keeps_a_manager_of_managers(actor, service, holders)
        for membership, changed in changes:
            membership.save(update_fields=list(changed))
            record_admin_change(
                actor=actor, service=service, kind="manager.updated", target=membership.user, details=changed
            )
    forget_memberships(actor)
    return len(changes)


def open_tickets_of(membership):
    """The tickets of the service in this manager's charge that a removal hands over."""
    return Ticket.objects.filter(
        service_id=membership.service_id, manager_id=membership.user_id, status__in=HANDED_OVER_STATUSES
    ).order_by("pk")


def successors_for(membership):
    """The managers who may take over the tickets of ``membership``'s manager: the service's other
    available managers."""
    return service_memberships(membership.service_id).filter(available=True).exclude(pk=membership.pk)


def remove_manager(membership, *, actor, successor=None):
    """Removes a manager from their service. Their open tickets go back to "Libre", or to ``successor``
    (another available manager of the service), each with a history entry saying why (``workflow.hand_over``);
    they stop being first managers of the service's categories. One ``AdminChange`` ("manager.removed").
    Raises ``ManagersError`` (last manager of managers), ``workflow.WorkflowError`` (a ticket that cannot be
    handed over) or ``PermissionDenied``; nothing changes then."""
    service = membership.service
    with transaction.atomic():
        _check_actor(actor, service)
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        holders = Membership.objects.filter(service=service, can_manage_managers=True).exclude(pk=locked.pk)
        _keeps_a_manager_of_managers(actor, service, holders.exists())
        if successor is not None and not successors_for(locked).filter(user=successor).exists():
            raise ManagersError(_("Ce gestionnaire ne peut pas recevoir les tickets."))
        tickets = list(open_tickets_of(locked))
        for ticket in tickets:
            workflow.hand_over(ticket, actor=actor, manager=successor)
        locked.user.first_categories.remove(*locked.user.first_categories.filter(service=service))
        locked.delete()
        details = {"tickets": len(tickets), "successor": successor.username if successor is not None else None}
        record_admin_change(actor=actor, service=service, kind="manager.removed", target=locked.user, details=details)
    forget_memberships(locked.user)
    forget_memberships(actor)
    return Removal(locked, len(tickets))
