"""Who may do what. Every check of a right in the portal goes through this module.

One predicate per right, and one queryset of the tickets a user may see that always agrees with
``can_view``. Which history entries and files a viewer sees is ``tickets.comments.scopes``.
"""

import contextlib

from django.db.models import Q

from tickets.administration.visibility import visibility_for
from tickets.models import Category, Invitation, Membership, Ticket, TicketScope


def memberships_of(user):
    """The user's memberships by service id, read once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_memberships_by_service", None)
    if cached is None:
        cached = {m.service_id: m for m in Membership.objects.filter(user=user, service__enabled=True)}
        user._memberships_by_service = cached
    return cached


def remember_memberships(users):
    """Reads what ``memberships_of`` answers for each of ``users`` (logged-in users) not read yet, in one
    query."""
    missing = [user for user in users if getattr(user, "_memberships_by_service", None) is None]
    if not missing:
        return
    found = {user.pk: {} for user in missing}
    for membership in Membership.objects.filter(user__in=[user.pk for user in missing], service__enabled=True):
        found[membership.user_id][membership.service_id] = membership
    for user in missing:
        user._memberships_by_service = found[user.pk]


def forget_memberships(user):
    """Drops what ``memberships_of`` remembered, after memberships changed (``request.user`` too: deleting
    through its lazy wrapper reaches the user)."""
    with contextlib.suppress(AttributeError):
        del user._memberships_by_service


def is_manager(user):
    """Whether the user manages at least one enabled service; admins count as managers."""
    return user.is_authenticated and (user.is_superuser or bool(memberships_of(user)))


def has_service_privilege(user, service_id, name):
    """Whether the user holds the privilege ``can_<name>`` in the service ``service_id``; admins hold all.

    The administration pages check it on the server for every change, whatever the form posted."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    found = memberships_of(user).get(service_id)
    return found is not None and getattr(found, f"can_{name}")


def services_with_privilege(user, name):
    """The ids of the enabled services where the user holds ``can_<name>`` (every one of them, for admins:
    the caller lists all services then)."""
    return {service_id for service_id, found in memberships_of(user).items() if getattr(found, f"can_{name}")}


def visible_service_ids(user):
    """The ids of the enabled services the user sees: those the visibility rules show them, and those they
    manage; admins see every one. Read once per user object."""
    visibility = visibility_for(user)
    if user.is_authenticated and user.is_superuser:
        return set(visibility.defaults)
    return visibility.visible_service_ids() | set(memberships_of(user))


def sees_service(user, service_id):
    return service_id in visible_service_ids(user)


def sees_category(user, category):
    """Whether the category shows to the user at the deposit: the rules of the category and its ancestors,
    then of its service, decide; a service's managers and admins see all of it."""
    if user.is_authenticated and (user.is_superuser or category.service_id in memberships_of(user)):
        return category.service_id in visibility_for(user).defaults
    return visibility_for(user).category(category.service_id, category.path, Category.steplen).visible


def visible_category_ids(user):
    """The ids of the enabled categories of enabled services the user sees (``sees_category``), read once per
    user object."""
    cached = getattr(user, "_visible_category_ids", None)
    if cached is None:
        rows = Category.objects.filter(enabled=True, service__enabled=True).only("pk", "service_id", "path")
        cached = {category.pk for category in rows if sees_category(user, category)}
        user._visible_category_ids = cached
    return cached


def membership(user, ticket):
    return memberships_of(user).get(ticket.service_id)


def is_service_manager(user, ticket):
    """A manager of the ticket's service, or an admin."""
    return user.is_authenticated and (user.is_superuser or membership(user, ticket) is not None)


def is_owner(user, ticket):
    return user.is_authenticated and ticket.owner_id == user.pk


def is_in_charge(user, ticket):
    return user.is_authenticated and ticket.manager_id is not None and ticket.manager_id == user.pk


def inviter_of(user, ticket):
    """The id of who invited ``user`` on ``ticket``, or None when they are not invited.

    Pages that ask it for many rights at once set ``ticket._invitations`` ({invitee id: inviter id}) first.
    """
    if not user.is_authenticated:
        return None
    cached = getattr(ticket, "_invitations", None)
    if cached is not None:
        return cached.get(user.pk)
    return Invitation.objects.filter(ticket=ticket, user=user).values_list("invited_by_id", flat=True).first()


def is_invitee(user, ticket):
    return inviter_of(user, ticket) is not None


def has_invitees(ticket):
    cached = getattr(ticket, "_invitations", None)
    if cached is not None:
        return bool(cached)
    return Invitation.objects.filter(ticket=ticket).exists()


def can_view(user, ticket):
    """Admin, owner, invitee, manager of the ticket's service, or anyone logged in for a public ticket of a
    service they see (``visible_service_ids``). Owners and invitees keep their tickets whatever the rules."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or is_owner(user, ticket)
        or membership(user, ticket) is not None
        or (ticket.scope == TicketScope.PUBLIC and ticket.service.enabled and sees_service(user, ticket.service_id))
        or is_invitee(user, ticket)
    )


def visible_tickets_for(user):
    """The tickets ``can_view`` lets the user see, as one queryset."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    if user.is_superuser:
        return Ticket.objects.all()
    managed = list(memberships_of(user))
    condition = Q(owner=user) | Q(service_id__in=managed)
    public_service_ids = _public_service_ids(user)
    # A manager of every service whose public tickets they see finds those among their services' tickets:
    # the branch would only lengthen the OR, which costs to build, to plan and to test on each row.
    if not set(public_service_ids) <= set(managed):
        condition |= Q(scope=TicketScope.PUBLIC, service_id__in=public_service_ids)
    return Ticket.objects.filter(condition | Q(pk__in=Invitation.objects.filter(user=user).values("ticket_id")))


def public_tickets_for(user):
    """The public tickets among ``visible_tickets_for(user)``: those of the enabled services the user sees."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(_public_condition(user))


def _public_condition(user):
    return Q(scope=TicketScope.PUBLIC, service_id__in=_public_service_ids(user))


def _public_service_ids(user):
    # The enabled services are known here (the visibility rules read them): naming them spares every list a
    # join with the services, which cost more to plan than the dashboard's counts cost to run.
    enabled = visibility_for(user).defaults
    return sorted(pk for pk in visible_service_ids(user) if pk in enabled)


# Rights of the actions. Whether the ticket's status allows an action is the workflow's table.


def privilege(user, ticket, name):
    """Admins hold every privilege; a manager holds the ones their membership grants."""
    if user.is_authenticated and user.is_superuser:
        return True
    found = membership(user, ticket)
    return found is not None and getattr(found, name)


def can_take(user, ticket):
    if not is_service_manager(user, ticket) or is_in_charge(user, ticket):
        return False
    return privilege(user, ticket, "can_take_assigned" if ticket.manager_id else "can_take_free")


def can_assign(user, ticket):
    return privilege(user, ticket, "can_assign")


def can_assign_to(user, ticket, target):
    """Whether ``user`` may give the ticket to ``target``: an available manager of the service."""
    if not can_assign(user, ticket) or target.pk == ticket.manager_id:
        return False
    target_membership = memberships_of(target).get(ticket.service_id)
    return target_membership is not None and target_membership.available


def can_work(user, ticket):
    """Free, ask for information, postpone, recall, ask for closure: the manager in charge."""
    return is_in_charge(user, ticket)


def can_comment(user, ticket):
    return is_owner(user, ticket) or is_invitee(user, ticket) or is_service_manager(user, ticket)


def can_act_as_owner(user, ticket):
    """Close, approve or refuse a closure, cancel: the owner only."""
    return is_owner(user, ticket)


def can_reject(user, ticket):
    return is_in_charge(user, ticket) and privilege(user, ticket, "can_reject")


def can_reopen(user, ticket):
    return is_owner(user, ticket) or is_in_charge(user, ticket) or privilege(user, ticket, "can_reopen")


def can_move(user, ticket, target_service=None):
    """Any manager of the service while open, the manager in charge at any time (the workflow checks the
    status); leaving the service also needs the move privilege."""
    if not is_service_manager(user, ticket):
        return False
    if target_service is not None and target_service.pk != ticket.service_id:
        return privilege(user, ticket, "can_move")
    return True


def can_edit_properties(user, ticket):
    """Subject, priority, visibility: the owner or the manager in charge (or an admin)."""
    return is_owner(user, ticket) or is_in_charge(user, ticket) or (user.is_authenticated and user.is_superuser)


def can_change_owner(user, ticket):
    return is_in_charge(user, ticket) or (user.is_authenticated and user.is_superuser)


def can_invite(user, ticket):
    return is_owner(user, ticket) or is_service_manager(user, ticket)


def can_remove_invitations(user, ticket):
    """Whether "Retirer l'invitation" applies: someone is invited and the user may remove them (or is one)."""
    return is_invitee(user, ticket) or (can_invite(user, ticket) and has_invitees(ticket))


def can_uninvite(user, ticket, invitee):
    return can_invite(user, ticket) or (user.is_authenticated and invitee.pk == user.pk)


def can_add_file(user, ticket):
    return can_comment(user, ticket)


def can_remove_file(user, ticket):
    """Supprimer un fichier: the service's managers and admins, never the owner nor invitees."""
    return is_service_manager(user, ticket)


def can_hand_over(user, ticket):
    """Free or reassign the tickets of a manager who leaves the service: who manages its managers."""
    return has_service_privilege(user, ticket.service_id, "manage_managers")


def can_see_satisfaction(user, ticket):
    """The rating the owner gave at approval: the service's managers and admins; the owner sees their own."""
    return is_service_manager(user, ticket)
