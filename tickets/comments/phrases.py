"""What each history entry says: its author and a sentence naming what changed ("a affecté le ticket à Paul
Girard (gest-scol2)."), the same on the ticket page, the print view, the action forms and in mails.

``sentences_for(entries)`` reads what the entries name (people; categories with their services) in at most
two queries whatever their number. A ``Sentence`` is said in the language and time zone active when it is
turned into text, so that the page and each mail speak their reader's. An entry whose ``data`` lacks what
its sentence needs (written before the data held it, or naming what is gone) keeps its short sentence.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Priority, TicketScope

# What each kind says when there is nothing more to tell, after the author's name.
SHORT = {
    "ticket.created": _("a créé le ticket."),
    "ticket.taken": _("a pris en charge le ticket."),
    "ticket.assigned": _("a affecté le ticket."),
    "ticket.freed": _("a libéré le ticket."),
    "ticket.information_requested": _("a demandé des informations."),
    "ticket.commented": _("a ajouté un commentaire."),
    "ticket.postponed": _("a reporté le ticket."),
    "ticket.recalled": _("a rappelé le ticket."),
    "ticket.closure_requested": _("a demandé la clôture du ticket."),
    "ticket.closed": _("a clos le ticket."),
    "ticket.closure_approved": _("a approuvé la clôture."),
    "ticket.closure_refused": _("a refusé la clôture."),
    "ticket.expired": _("La demande de clôture a expiré."),
    "ticket.cancelled": _("a annulé le ticket."),
    "ticket.rejected": _("a refusé le ticket."),
    "ticket.reopened": _("a ré-ouvert le ticket."),
    "ticket.moved": _("a déplacé le ticket."),
    "ticket.subject_changed": _("a changé le sujet."),
    "ticket.priority_changed": _("a changé la priorité."),
    "ticket.scope_changed": _("a changé la visibilité."),
    "ticket.owner_changed": _("a changé le propriétaire."),
    "ticket.invited": _("a invité une personne."),
    "ticket.uninvited": _("a retiré une invitation."),
    "ticket.file_added": _("a ajouté un fichier."),
    "ticket.file_removed": _("a supprimé un fichier."),
    "ticket.handed_over": _("a confié à nouveau le ticket : son gestionnaire a quitté le service."),
}
# Kinds the first version of the workflow wrote, still in databases.
OLDER_KINDS = {"ticket.take": "ticket.taken", "ticket.assign": "ticket.assigned", "ticket.free": "ticket.freed"}
# Sentences that name no author: the scheduler's, written whole.
AUTHORLESS_KINDS = frozenset({"ticket.expired"})
# The keys of ``data`` that hold a person's id, and those that hold a category's, by kind.
PERSON_KEYS = {
    "ticket.created": ("owner", "manager"),
    "ticket.taken": ("previous_manager",),
    "ticket.assigned": ("manager", "previous_manager"),
    "ticket.freed": ("previous_manager",),
    "ticket.reopened": ("manager",),
    "ticket.moved": ("freed_manager",),
    "ticket.owner_changed": ("old", "new"),
    "ticket.invited": ("user",),
    "ticket.uninvited": ("user",),
    "ticket.handed_over": ("previous_manager", "manager"),
}
CATEGORY_KEYS = {"ticket.moved": ("from_category", "to_category")}
# Ids are 64-bit: a larger number in ``data`` names nothing, and no database is asked about it.
LARGEST_ID = 2**63


class Sentence:
    """What one entry says: ``author`` (empty when the sentence names none) and, as ``str()``, the rest, in
    the language and time zone active then."""

    def __init__(self, author, message, values=None):
        self._author = author
        self._message = message
        self._values = values or {}

    @property
    def author(self):
        return str(self._author) if self._author else ""

    def __str__(self):
        return str(self._message) % {name: str(value) for name, value in self._values.items()}


class Moment:
    """A date said in the active time zone: "12/01/2027", or "12/01/2027 à 09:30" when not at midnight there."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        local = timezone.localtime(self.value)
        day = formats.date_format(local, "d/m/Y")
        if local.time() == time(0, 0):
            return day
        return str(_("%(date)s à %(time)s")) % {"date": day, "time": formats.date_format(local, "H:i")}


def sentences_for(entries):
    """The ``Sentence`` of each history entry, in their order; reads the people and categories they name
    in at most two queries."""
    named = _Named.read(entries)
    return [_sentence(entry, named) for entry in entries]


def with_sentences(entries):
    """Sets ``sentence`` on each entry that has none yet (see ``sentences_for``) and returns the entries."""
    missing = [entry for entry in entries if not hasattr(entry, "sentence")]
    for entry, sentence in zip(missing, sentences_for(missing), strict=True):
        entry.sentence = sentence
    return entries


def _kind(entry):
    return OLDER_KINDS.get(entry.kind, entry.kind)


def _data(entry):
    return entry.data if isinstance(entry.data, dict) else {}


def _id(value):
    """An id kept in ``data``, or None for anything else an older or damaged entry may hold."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < LARGEST_ID:
        return value
    return None


class _Named:
    """The people and categories a list of entries names, read at once."""

    def __init__(self, people, categories):
        self.people = people
        self.categories = categories

    @classmethod
    def read(cls, entries):
        people, categories = set(), set()
        for entry in entries:
            data, kind = _data(entry), _kind(entry)
            people.update(_id(data.get(key)) for key in PERSON_KEYS.get(kind, ()))
            categories.update(_id(data.get(key)) for key in CATEGORY_KEYS.get(kind, ()))
        people.discard(None)
        categories.discard(None)
        return cls(
            _by_id(get_user_model().objects, people), _by_id(Category.objects.select_related("service"), categories)
        )


def _by_id(queryset, ids):
    """The rows of ``ids`` by id, in one query; none when there is nothing to read."""
    return {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}


class _Entry:
    """One entry as its sentence reads it: its actor's id, and what its data names, found."""

    def __init__(self, entry, named):
        self.actor_id = entry.actor_id
        self.data = _data(entry)
        self._named = named

    def person(self, key):
        return self._named.people.get(_id(self.data.get(key)))

    def category(self, key):
        return self._named.categories.get(_id(self.data.get(key)))

    def other_than_actor(self, key):
        """The person under ``key`` unless it is the actor, whose name the sentence already starts with."""
        person = self.person(key)
        return person if person is not None and person.pk != self.actor_id else None


def _sentence(entry, named):
    kind = _kind(entry)
    author = "" if kind in AUTHORLESS_KINDS else entry.actor if entry.actor_id else settings.SITE_NAME
    said = SAYINGS[kind](_Entry(entry, named)) if kind in SAYINGS else None
    message, values = said or (SHORT.get(kind, kind), {})
    return Sentence(author, message, values)


# What each kind says when its data tells more: (message, values), or None for the short sentence.


def _created(entry):
    owner, manager = entry.other_than_actor("owner"), entry.person("manager")
    if owner and manager:
        return _("a créé le ticket pour %(owner)s, affecté automatiquement à %(manager)s."), {
            "owner": owner,
            "manager": manager,
        }
    if owner:
        return _("a créé le ticket pour %(owner)s."), {"owner": owner}
    if manager:
        return _("a créé le ticket, affecté automatiquement à %(manager)s."), {"manager": manager}
    return None


def _taken(entry):
    previous = entry.other_than_actor("previous_manager")
    if previous is None:
        return None
    return _("a pris en charge le ticket ; il était confié à %(previous)s."), {"previous": previous}


def _assigned(entry):
    manager, previous = entry.person("manager"), entry.other_than_actor("previous_manager")
    if manager is None:
        return None
    if previous is None or previous == manager:
        return _("a affecté le ticket à %(manager)s."), {"manager": manager}
    return _("a affecté le ticket à %(manager)s ; il était confié à %(previous)s."), {
        "manager": manager,
        "previous": previous,
    }


def _freed(entry):
    previous = entry.other_than_actor("previous_manager")
    if previous is None:
        return None
    return _("a libéré le ticket ; il était confié à %(previous)s."), {"previous": previous}


def _postponed(entry):
    try:
        recall_at = datetime.fromisoformat(entry.data.get("recall_at") or "")
    except (TypeError, ValueError):
        return None
    if timezone.is_naive(recall_at):
        recall_at = timezone.make_aware(recall_at, timezone.get_default_timezone())
    return _("a reporté le ticket au %(date)s."), {"date": Moment(recall_at)}


def _reopened(entry):
    if "manager" not in entry.data:
        return None
    if entry.data["manager"] is None:
        return _("a ré-ouvert le ticket, qui n'est confié à personne."), {}
    manager = entry.person("manager")
    return (_("a ré-ouvert le ticket, de nouveau confié à %(manager)s."), {"manager": manager}) if manager else None


def _moved(entry):
    old, new = entry.category("from_category"), entry.category("to_category")
    if old is None or new is None:
        return None
    freed = entry.person("freed_manager")
    values = {"old": old.short_title, "new": new.short_title, "old_service": old.service, "new_service": new.service}
    if freed:
        values["manager"] = freed
    if old.service_id == new.service_id:
        if freed:
            return _(
                "a déplacé le ticket de la catégorie %(old)s vers la catégorie %(new)s ; il n'est plus confié à "
                "%(manager)s."
            ), values
        return _("a déplacé le ticket de la catégorie %(old)s vers la catégorie %(new)s."), values
    if freed:
        return _(
            "a déplacé le ticket de %(old_service)s vers %(new_service)s (catégorie %(new)s) ; il n'est plus "
            "confié à %(manager)s."
        ), values
    return _("a déplacé le ticket de %(old_service)s vers %(new_service)s (catégorie %(new)s)."), values


def _subject_changed(entry):
    old, new = entry.data.get("old"), entry.data.get("new")
    if not isinstance(old, str) or not isinstance(new, str):
        return None
    return _("a changé le sujet de « %(old)s » en « %(new)s »."), {"old": old, "new": new}


def _choice_changed(message, choices):
    def say(entry):
        old, new = entry.data.get("old"), entry.data.get("new")
        if old is None or new is None:
            return None
        return message, {"old": _label(choices, old), "new": _label(choices, new)}

    return say


def _label(choices, value):
    """The choice's label, said in the reader's language; the value itself when it is no choice (any more)."""
    try:
        return choices(value).label
    except (ValueError, TypeError):
        return value


def _owner_changed(entry):
    old, new = entry.person("old"), entry.person("new")
    if new is None:
        return None
    if old is None:
        return _("a changé le propriétaire : %(new)s."), {"new": new}
    return _("a changé le propriétaire : %(new)s, à la place de %(old)s."), {"new": new, "old": old}


def _invited(entry):
    person = entry.person("user")
    return (_("a invité %(person)s."), {"person": person}) if person else None


def _uninvited(entry):
    person = entry.person("user")
    if person is None:
        return None
    if person.pk == entry.actor_id:
        return _("a retiré sa propre invitation."), {}
    return _("a retiré l'invitation de %(person)s."), {"person": person}


def _file_removed(entry):
    # The file is gone: its name is kept in the entry's data.
    name = (entry.data or {}).get("name") if isinstance(entry.data, dict) else None
    return (_("a supprimé le fichier « %(name)s »."), {"name": name}) if isinstance(name, str) and name else None


def _handed_over(entry):
    previous, manager = entry.person("previous_manager"), entry.person("manager")
    if previous is None:
        return None
    if manager is None:
        return _("a libéré le ticket : %(previous)s a quitté le service."), {"previous": previous}
    return _("a confié le ticket à %(manager)s : %(previous)s a quitté le service."), {
        "manager": manager,
        "previous": previous,
    }


SAYINGS = {
    "ticket.created": _created,
    "ticket.taken": _taken,
    "ticket.assigned": _assigned,
    "ticket.freed": _freed,
    "ticket.postponed": _postponed,
    "ticket.reopened": _reopened,
    "ticket.moved": _moved,
    "ticket.subject_changed": _subject_changed,
    "ticket.priority_changed": _choice_changed(_("a changé la priorité de %(old)s à %(new)s."), Priority),
    "ticket.scope_changed": _choice_changed(_("a changé la visibilité du ticket de %(old)s à %(new)s."), TicketScope),
    "ticket.owner_changed": _owner_changed,
    "ticket.invited": _invited,
    "ticket.uninvited": _uninvited,
    "ticket.file_removed": _file_removed,
    "ticket.handed_over": _handed_over,
}
