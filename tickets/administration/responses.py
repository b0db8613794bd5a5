"""Saved responses: who may use and manage which, their changes, and their text for one ticket.

Three kinds: personal (``owner``: only its owner uses and manages it), of a service (``service``: every
manager of the service uses it, adds to it, edits and deletes it; the audit log says who did what), global
(neither: every manager uses them, only admins manage them). An admin manages every service's responses
too. A response keeps its kind; changes to service and global responses write one line of the audit log
each, in their transaction; personal responses concern nobody else and are not logged.
"""

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape

from tickets.administration.audit import changed_fields, record_admin_change
from tickets.models import SavedResponse, Service
from tickets.permissions import is_manager, is_service_manager, memberships_of
from tickets.richtext import sanitize_html

PERSONAL, GLOBAL = "personal", "global"
PLACEHOLDERS = ("{nom}", "{numero}", "{sujet}")
AUDITED_FIELDS = ("label", "text")


def managed_services(user):
    """The services whose responses ``user`` manages: those they manage (every enabled one, for admins)."""
    services = Service.objects.filter(enabled=True).order_by("label")
    return list(services if user.is_superuser else services.filter(pk__in=list(memberships_of(user))))


def _readable(user):
    """What ``user`` may use and see on the page: theirs, their services', the global ones."""
    if not is_manager(user):
        return Q(pk__in=[])
    services = Q(service__isnull=False) if user.is_superuser else Q(service_id__in=list(memberships_of(user)))
    return Q(owner=user) | services | Q(owner__isnull=True, service__isnull=True)


def responses_page(user):
    """The responses ``user`` may use, grouped as the page shows them: ``[(title, service, [response…])]``,
        personal first, then each service, then global ones; each response knows whether ``user`` may change it
    (``manageable``). One query, memberships aside."""
    responses = SavedResponse.objects.filter(_readable(user)).select_related("service").order_by("label", "pk")
    personal, by_service, shared = [], {}, []
    for response in responses:
        response.manageable = can_manage(user, response)
        if response.owner_id is not None:
            personal.append(response)
        elif response.service_id is not None:
            by_service.setdefault(response.service, []).append(response)
        else:
            shared.append(response)
    groups = [(PERSONAL, None, personal)]
    groups += [(response_service.pk, response_service, found) for response_service, found in by_service.items()]
    groups.sort(key=lambda group: (group[1] is not None, group[1].label if group[1] else ""))
    groups.append((GLOBAL, None, shared))
    return groups


def kinds_for(user):
    """The kinds of response ``user`` may add: ``[(value, service or None)]``: "personal", each service's
    id, "global" (admins)."""
    kinds = [(PERSONAL, None)] + [(str(service.pk), service) for service in managed_services(user)]
    if user.is_superuser:
        kinds.append((GLOBAL, None))
    return kinds


def can_manage(user, response):
    """Whether ``user`` may edit or delete ``response``."""
    if not is_manager(user):
        return False
    if response.owner_id is not None:
        return response.owner_id == user.pk
    if response.service_id is None:
        return user.is_superuser
    return user.is_superuser or response.service_id in memberships_of(user)


def get_response_for(user, pk):
    """The response ``pk`` if ``user`` may manage it; ``Http404`` otherwise, as for one that does not exist."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    response = SavedResponse.objects.select_related("service").filter(pk=pk).first()
    if response is None or not can_manage(user, response):
        raise Http404
    return response


def _values(response):
    return {name: getattr(response, name) for name in AUDITED_FIELDS}


def _audit(actor, response, kind, before, after):
    if response.owner_id is None:
        details = changed_fields(before, after)
        record_admin_change(actor=actor, service=response.service, kind=kind, target=response.label, details=details)


def add_response(*, actor, kind, label, text):
    """Adds a response of ``kind`` ("personal", "global" or a service's id as ``kinds_for`` gives them).

    Raises ``Http404`` for a kind ``actor`` may not add (another service, global for a non-admin)."""
    allowed = dict(kinds_for(actor)) if is_manager(actor) else {}
    if kind not in allowed:
        raise Http404
    response = SavedResponse(label=label, text=sanitize_html(text))
    if kind == PERSONAL:
        response.owner = actor
    elif kind != GLOBAL:
        response.service = allowed[kind]
    with transaction.atomic():
        response.save()
        _audit(actor, response, "response.added", {}, _values(response))
    return response


def update_response(response, *, actor, label, text):
    """Changes the label and text of a response ``actor`` may manage (``Http404`` otherwise)."""
    if not can_manage(actor, response):
        raise Http404
    before = _values(response)
    response.label, response.text, response.updated_at = label, sanitize_html(text), timezone.now()
    with transaction.atomic():
        response.save(update_fields=["label", "text", "updated_at"])
        _audit(actor, response, "response.updated", before, _values(response))
    return response


def delete_response(response, *, actor):
    """Deletes a response ``actor`` may manage (``Http404`` otherwise)."""
    if not can_manage(actor, response):
        raise Http404
    before = _values(response)
    with transaction.atomic():
        _audit(actor, response, "response.deleted", before, dict.fromkeys(AUDITED_FIELDS))
        response.delete()


def responses_for_ticket(user, ticket):
    """The responses a manager of the ticket's service may insert into an action's text, their text filled
    for this ticket (``fill_placeholders``); empty for anyone else. One query."""
    if not is_service_manager(user, ticket):
        return []
    found = SavedResponse.objects.filter(
        Q(owner=user) | Q(service_id=ticket.service_id) | Q(owner__isnull=True, service__isnull=True)
    ).order_by("label", "pk")
    responses = list(found.only("pk", "label", "text", "owner_id", "service_id"))
    for response in responses:
        response.filled = fill_placeholders(response.text, ticket)
    return responses


def fill_placeholders(text, ticket):
    """The response's rich text with {nom} (the ticket owner's name), {numero} and {sujet} filled in; the
    values are escaped, and the result sanitised again."""
    values = {"{nom}": ticket.owner.name, "{numero}": str(ticket.pk), "{sujet}": ticket.subject}
    filled = sanitize_html(text)
    for placeholder in PLACEHOLDERS:
        filled = filled.replace(placeholder, escape(values[placeholder]))
    return sanitize_html(filled)
