"""The Journal: a service's activity (history entries, newest first) and the audit log of its administration.

A reader sees the entries of the tickets of the services they manage (every one, for an admin): a manager
reads every entry of their services' tickets, whatever its scope (``tickets.comments.scopes``), so the
service is the whole filter, and a managers-only note never reaches anyone else. The audit log shows the
changes of the services one manages (every change, those of no service too, for an admin). Pages are
read by key (the last row's date and id), in a fixed number of queries whatever the data.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import PERSON_FIELDS, label_of
from tickets.comments.phrases import OLDER_KINDS, with_sentences
from tickets.models import AdminChange, Category, Event, Membership, SavedResponse, Service, VisibilityRule
from tickets.permissions import memberships_of

PAGE_SIZE = 50
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# The kinds of history entries, as the filter names them.
KINDS = {
    "ticket.created": _("Création"),
    "ticket.taken": _("Prise en charge"),
    "ticket.assigned": _("Affectation"),
    "ticket.freed": _("Libération"),
    "ticket.information_requested": _("Demande d'informations"),
    "ticket.commented": _("Commentaire"),
    "ticket.postponed": _("Report"),
    "ticket.recalled": _("Rappel"),
    "ticket.closure_requested": _("Demande de clôture"),
    "ticket.closed": _("Clôture"),
    "ticket.closure_approved": _("Clôture approuvée"),
    "ticket.closure_refused": _("Clôture refusée"),
    "ticket.expired": _("Demande de clôture expirée"),
    "ticket.cancelled": _("Annulation"),
    "ticket.rejected": _("Refus du ticket"),
    "ticket.reopened": _("Ré-ouverture"),
    "ticket.moved": _("Déplacement"),
    "ticket.subject_changed": _("Changement de sujet"),
    "ticket.priority_changed": _("Changement de priorité"),
    "ticket.scope_changed": _("Changement de visibilité"),
    "ticket.owner_changed": _("Changement de propriétaire"),
    "ticket.invited": _("Invitation"),
    "ticket.uninvited": _("Retrait d'une invitation"),
    "ticket.file_added": _("Ajout d'un fichier"),
    "ticket.file_removed": _("Suppression d'un fichier"),
}


LINE_FIELDS = (
    "pk",
    "kind",
    "data",
    "created_at",
    "ticket__subject",
    "ticket__service__label",
    *(f"actor__{name}" for name in ("display_name", "first_name", "last_name", "username")),
)


@dataclass(frozen=True)
class Filters:
    """What the reader chose; None for "all". ``start`` and ``end`` are dates, both included."""

    service: int | None = None
    actor: int | None = None
    kind: str | None = None
    category: int | None = None
    start: object = None
    end: object = None


def service_ids(user):
    """The ids of the services whose journal ``user`` reads; None for an admin (all of them)."""
    return None if user.is_superuser else list(memberships_of(user))


def journal_choices(user):
    """The services, people and categories the filters offer ``user``, in three queries, as ``(id, label)``
    pairs: read as values, the labels are those of ``str()`` of their models, without building one."""
    ids = service_ids(user)
    services = Service.objects.order_by("label").values_list("pk", "label")
    categories = Category.objects.order_by("service__label", "path").values_list(
        "pk", "code", "label", "service__label"
    )
    people = Q(memberships__service__isnull=False) | Q(is_superuser=True)
    if ids is not None:
        services, categories = services.filter(pk__in=ids), categories.filter(service_id__in=ids)
        people = Q(memberships__service_id__in=ids)
    actors = (
        get_user_model()
        .objects.filter(people)
        .distinct()
        .order_by("last_name", "first_name", "username")
        .values_list("pk", *PERSON_FIELDS)
    )
    return {
        "services": list(services),
        "actors": [(pk, label_of(*names)) for pk, *names in actors],
        "categories": [
            (pk, f"{service_label} – {Category.title_of(code, label)}") for pk, code, label, service_label in categories
        ],
    }


def read_cursor(value):
    """``(date, id)`` of the last row of the page before, from the "apres" parameter; None if absent or bad."""
    found = _CURSOR.match(value or "")
    if not found:
        return None
    return _EPOCH + timedelta(microseconds=int(found.group(1))), int(found.group(2))


def cursor_of(row):
    delta = row.created_at - _EPOCH
    return f"{(delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds}-{row.pk}"


def _in_period(rows, filters):
    zone = timezone.get_current_timezone()
    if filters.start:
        rows = rows.filter(created_at__gte=datetime.combine(filters.start, time.min, tzinfo=zone))
    if filters.end:
        rows = rows.filter(created_at__lt=datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone))
    return rows


def _page(rows, after):
    rows = rows.order_by("-created_at", "-pk")
    if after is not None:
        moment, pk = after
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    found = list(rows[: PAGE_SIZE + 1])
    return found[:PAGE_SIZE], cursor_of(found[PAGE_SIZE - 1]) if len(found) > PAGE_SIZE else None


def activity(user, filters, after=None):
    """One page of the history entries of ``user``'s services, newest first, each with its ``sentence``
    (``tickets.comments.phrases``): ``(entries, cursor of the next page or None)``."""
    # What a line and its sentence read, and nothing more: not the comment's text nor the ticket's description.
    events = Event.objects.select_related("ticket", "ticket__service", "actor").only(*LINE_FIELDS)
    ids = service_ids(user)
    if ids is not None:
        events = events.filter(ticket__service_id__in=ids)
    if filters.service:
        events = events.filter(ticket__service_id=filters.service)
    if filters.actor:
        events = events.filter(actor_id=filters.actor)
    if filters.kind:
        older = [old for old, kind in OLDER_KINDS.items() if kind == filters.kind]
        events = events.filter(kind__in=[filters.kind, *older])
    if filters.category:
        events = events.filter(ticket__category_id=filters.category)
    entries, cursor = _page(_in_period(events, filters), after)
    return with_sentences(entries), cursor


def administration(user, filters, after=None):
    """One page of the audit log of ``user``'s services (all of it, for an admin), newest first, each change
    with its ``sentence`` and ``changes`` (``describe_change``): ``(changes, cursor of the next page)``."""
    changes = AdminChange.objects.select_related("actor", "service")
    ids = service_ids(user)
    if ids is not None:
        changes = changes.filter(service_id__in=ids)
    if filters.service:
        changes = changes.filter(service_id=filters.service)
    if filters.actor:
        changes = changes.filter(actor_id=filters.actor)
    found, cursor = _page(_in_period(changes, filters), after)
    for change in found:
        change.sentence, change.changes = describe_change(change)
    return found, cursor


# What an audit line says: "a modifié la catégorie « Apogée »", then each field before → after.
VERBS = {
    "added": _("a ajouté"),
    "created": _("a créé"),
    "updated": _("a modifié"),
    "deleted": _("a supprimé"),
    "removed": _("a retiré"),
    "moved": _("a déplacé"),
    "renamed": _("a renommé"),
    "reordered": _("a réordonné"),
    "hidden": _("a masqué"),
    "shown": _("a affiché"),
    "disabled": _("a désactivé"),
    "enabled": _("a activé"),
}
OBJECTS = {
    "service": _("le service"),
    "category": _("la catégorie"),
    "manager": _("le gestionnaire"),
    "membership": _("le gestionnaire"),
    "rule": _("la règle de visibilité"),
    "visibility": _("la visibilité"),
    "response": _("la réponse enregistrée"),
    "faq": _("l'entrée de FAQ"),
}
SENTENCE = _("%(verb)s %(object)s « %(target)s »")


class ChangeSentence:
    """What an audit line says, in the language active when it is turned into text."""

    def __init__(self, change):
        self.change = change

    def __str__(self):
        subject, _dot, verb = self.change.kind.partition(".")
        if subject not in OBJECTS or verb not in VERBS:
            return f"{self.change.kind} « {self.change.target} »"
        values = {"verb": VERBS[verb], "object": OBJECTS[subject], "target": self.change.target}
        return str(SENTENCE) % {name: str(value) for name, value in values.items()}


def describe_change(change):
    """``(sentence, [(field, before, after)])`` of an audit line; values as text, "—" for none."""
    details = change.details if isinstance(change.details, dict) else {}
    fields = []
    for name, values in details.items():
        before, after = values if isinstance(values, list | tuple) and len(values) == 2 else (None, values)
        fields.append((_field_label(str(name)), _as_text(before), _as_text(after)))
    return ChangeSentence(change), fields


def _field_label(name):
    """The field's name as the models call it ("libellé"), else as written."""
    for model in (Service, Category, Membership, VisibilityRule, SavedResponse):
        try:
            return model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            pass
    return name


def _as_text(value):
    if value is None or value == "":
        return "—"
    return str(value)
