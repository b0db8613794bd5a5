"""Reading the history of the FAQ: an entry's changes, or a whole FAQ's, each with its sentence.

A sentence is built when the page is drawn, in the reader's language, from what the line stored (kind,
author, details); an edit lists its fields as before → after, an answer as plain text.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tickets.models import FaqChange, FaqChangeKind, FaqScope
from tickets.richtext import html_to_text

# How much of an answer the history shows before and after an edit.
ANSWER_EXCERPT = 600


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def changes_of_entry(entry):
    """The history lines of ``entry``, newest first, with their authors."""
    return FaqChange.objects.filter(entry=entry).select_related("author").order_by("-created_at", "-pk")


def changes_of_faq(service_id, *, limit=200):
    """The newest ``limit`` lines of the history of a whole FAQ (None: the general one), deleted entries
    included."""
    lines = FaqChange.objects.filter(service_id=service_id)
    return lines.select_related("author").order_by("-created_at", "-pk")[:limit]


def _author(change):
    return change.author.name if change.author else _("Un compte supprimé")


def _place(place):
    if not isinstance(place, dict):
        return "?"
    where = place.get("parent") or _("le haut de la FAQ")
    return _("« %(where)s », position %(position)s") % {"where": where, "position": place.get("position", "?")}


def _sentence(change):
    details = change.details if isinstance(change.details, dict) else {}
    values = {"author": _author(change)}
    if change.kind == FaqChangeKind.CREATED:
        if details.get("files"):
            values["names"] = ", ".join(details["files"])
            return _("%(author)s a créé l'entrée, avec les fichiers : %(names)s.") % values
        return _("%(author)s a créé l'entrée.") % values
    if change.kind == FaqChangeKind.EDITED:
        return _("%(author)s a modifié l'entrée :") % values
    if change.kind == FaqChangeKind.MOVED:
        values.update({"before": _place(details.get("from")), "after": _place(details.get("to"))})
        return _("%(author)s a déplacé l'entrée de %(before)s vers %(after)s.") % values
    if change.kind == FaqChangeKind.HIDDEN:
        return _("%(author)s a masqué l'entrée.") % values
    if change.kind == FaqChangeKind.SHOWN:
        return _("%(author)s a affiché l'entrée.") % values
    if change.kind == FaqChangeKind.DELETED:
        if details.get("held"):
            values["titles"] = " ; ".join(details["held"])
            return _("%(author)s a supprimé l'entrée et ce qu'elle contenait : %(titles)s.") % values
        return _("%(author)s a supprimé l'entrée.") % values
    values["name"] = details.get("name", "?")
    if change.kind == FaqChangeKind.FILE_ADDED:
        return _("%(author)s a ajouté le fichier « %(name)s ».") % values
    if change.kind == FaqChangeKind.FILE_REMOVED:
        return _("%(author)s a supprimé le fichier « %(name)s ».") % values
    return _("%(author)s a changé l'entrée.") % values


def _shown(name, value):
    if name == "answer":
        text = html_to_text(value)
        return text if len(text) <= ANSWER_EXCERPT else text[:ANSWER_EXCERPT] + "…"
    if name == "scope":
        return str(FaqScope(value).label) if value in FaqScope.values else str(value)
    if name == "is_section":
        return _("oui") if value else _("non")
    if name == "categories":
        return " ; ".join(value) if value else _("aucune")
    return str(value)


def _field_changes(change):
    if change.kind != FaqChangeKind.EDITED or not isinstance(change.details, dict):
        return []
    labels = {
        "title": _("Question"),
        "answer": _("Réponse"),
        "scope": _("Visibilité"),
        "is_section": _("Rubrique"),
        "categories": _("Catégories liées"),
    }
    return [
        FieldChange(labels.get(name, name), _shown(name, pair[0]), _shown(name, pair[1]))
        for name, pair in change.details.items()
        if isinstance(pair, list) and len(pair) == 2
    ]


def with_sentences(changes):
    """Sets ``sentence`` and ``fields`` (the ``FieldChange`` of an edit) on each line; returns them."""
    changes = list(changes)
    for change in changes:
        change.sentence = _sentence(change)
        change.fields = _field_changes(change)
    return changes
