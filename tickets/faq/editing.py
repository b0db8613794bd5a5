"""Writing the FAQ: every change of an entry, each with exactly one line of its history (``FaqChange``).

Each function checks itself that the actor manages the entry's FAQ (``can_manage_faq``), whatever a form
posted, and raises ``PermissionDenied`` otherwise; runs in one transaction with the entry's row locked;
sets ``updated_at``/``updated_by``. Input the FAQ refuses (an empty title, a category of another service,
a position that no longer exists, a refused file) raises ``ValidationError`` with a translated message,
and nothing is written. Stored files of what is deleted go after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.attachments.storage import delete_files_after_commit, delete_stored_files
from tickets.faq.access import can_manage_faq
from tickets.faq.files import store_faq_file
from tickets.models import Category, FaqChange, FaqChangeKind, FaqEntry, FaqFile, FaqScope
from tickets.richtext import sanitize_html

BEFORE, AFTER, FIRST_CHILD, LAST_CHILD = "before", "after", "first-child", "last-child"
POSITIONS = {BEFORE: "left", AFTER: "right", FIRST_CHILD: "first-child", LAST_CHILD: "last-child"}
UP, DOWN = "up", "down"

MESSAGE_TITLE = _("La question est obligatoire.")
MESSAGE_GONE = _("Cette position n'existe plus : la FAQ a changé entre-temps. Choisissez-en une autre.")
MESSAGE_OWN_SUBTREE = _("Une entrée ne peut pas être placée dans ce qu'elle contient.")
MESSAGE_OTHER_FAQ = _("Une entrée ne peut être déplacée qu'à l'intérieur de sa FAQ.")
MESSAGE_NOT_SECTION = _("Une entrée ne peut être placée que dans une rubrique.")
MESSAGE_FIRST = _("L'entrée est déjà la première de sa rubrique.")
MESSAGE_LAST = _("L'entrée est déjà la dernière de sa rubrique.")
MESSAGE_CATEGORY = _("Seules les catégories du service de la FAQ peuvent être liées.")
MESSAGE_SCOPE = _("Cette visibilité n'existe pas.")


def _check(actor, service_id):
    if not can_manage_faq(actor, service_id):
        raise PermissionDenied


def _locked(entry):
    """The entry as stored now, its row locked; ``ValidationError`` when it was deleted meanwhile."""
    found = FaqEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if found is None:
        raise ValidationError(_("Cette entrée n'existe plus."), code="gone")
    return found


def _record(entry, kind, actor, now, details=None):
    return FaqChange.objects.create(
        entry=entry,
        service_id=entry.service_id,
        title=entry.title,
        kind=kind,
        author=actor,
        details=details or {},
        created_at=now,
    )


def _touch(entry, actor, now):
    FaqEntry.objects.filter(pk=entry.pk).update(updated_at=now, updated_by=actor)
    entry.updated_at, entry.updated_by = now, actor


def _clean_title(title):
    title = " ".join(str(title or "").split())[:300]
    if not title:
        raise ValidationError(MESSAGE_TITLE, code="title")
    return title


def _clean_scope(scope):
    if scope not in FaqScope.values:
        raise ValidationError(MESSAGE_SCOPE, code="scope")
    return scope


def _clean_categories(service_id, categories):
    categories = list(categories)
    if service_id is not None and any(category.service_id != service_id for category in categories):
        raise ValidationError(MESSAGE_CATEGORY, code="category")
    return categories


def _store_all(entry, files, actor):
    """Stores every file or none: when one is refused, those already stored are deleted and it is raised."""
    stored = []
    try:
        for file in files:
            stored.append(store_faq_file(entry, file, uploaded_by=actor))
    except BaseException:
        for done in stored:
            delete_stored_files(done)
        raise
    return stored


def create_faq_entry(
    *, actor, service, title, parent=None, answer="", is_section=False, scope=FaqScope.EVERYONE, categories=(),
    files=(), hidden=False,
):  # fmt: skip
    """Adds an entry to the FAQ of ``service`` (None: the general FAQ), last in the section ``parent`` or
    last at the FAQ's top level. Its history says "created" (with the names of its files). Returns it."""
    service_id = service.pk if service is not None else None
    _check(actor, service_id)
    values = {
        "service_id": service_id,
        "title": _clean_title(title),
        "answer": sanitize_html(answer),
        "is_section": bool(is_section),
        "scope": _clean_scope(scope),
        "hidden": bool(hidden),
    }
    categories = _clean_categories(service_id, categories)
    with transaction.atomic():
        now = timezone.now()
        values.update(created_at=now, created_by=actor, updated_at=now, updated_by=actor)
        if parent is not None:
            parent = _locked(parent)
            if parent.service_id != service_id:
                raise ValidationError(MESSAGE_OTHER_FAQ, code="other_faq")
            entry = FaqEntry.objects.add_child(parent, values)
        else:
            entry = FaqEntry.objects.add_root(values)
        entry.categories.set(categories)
        stored = _store_all(entry, files, actor)
        details = {"files": [file.name for file in stored]} if stored else {}
        _record(entry, FaqChangeKind.CREATED, actor, now, details)
    return entry


def _category_titles(categories):
    return sorted(category.title for category in categories)


def update_faq_entry(entry, *, actor, title, answer, scope, is_section, categories):
    """Saves what the form changed of ``entry``. Its history line holds ``{"field": [before, after]}`` for
    the changed fields only (the categories as their titles); nothing changed, nothing is written. Returns
    the entry."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        _check(actor, entry.service_id)
        categories = _clean_categories(entry.service_id, categories)
        new = {
            "title": _clean_title(title),
            "answer": sanitize_html(answer),
            "scope": _clean_scope(scope),
            "is_section": bool(is_section),
        }
        details = {name: [getattr(entry, name), value] for name, value in new.items() if getattr(entry, name) != value}
        before = _category_titles(entry.categories.all())
        after = _category_titles(categories)
        if before != after:
            details["categories"] = [before, after]
            entry.categories.set(categories)
        if not details:
            return entry
        for name, (_before, value) in details.items():
            if name != "categories":
                setattr(entry, name, value)
        now = timezone.now()
        entry.updated_at, entry.updated_by = now, actor
        entry.save(update_fields=[*(name for name in details if name != "categories"), "updated_at", "updated_by"])
        _record(entry, FaqChangeKind.EDITED, actor, now, details)
    return entry


def add_faq_files(entry, files, *, actor):
    """Adds ``files`` to ``entry``, all or none, with one "file_added" history line each. Returns them."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        now = timezone.now()
        stored = _store_all(entry, files, actor)
        for file in stored:
            _record(entry, FaqChangeKind.FILE_ADDED, actor, now, {"name": file.name})
        if stored:
            _touch(entry, actor, now)
    return stored


def remove_faq_file(entry, faq_file, *, actor):
    """Removes a file of ``entry``; its history line keeps the file's name. The stored file goes after the
    commit."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        faq_file = FaqFile.objects.select_for_update().filter(pk=faq_file.pk, entry=entry).first()
        if faq_file is None:
            raise ValidationError(_("Ce fichier n'existe plus."), code="gone")
        now = timezone.now()
        faq_file.delete()
        delete_files_after_commit(faq_file)
        _record(entry, FaqChangeKind.FILE_REMOVED, actor, now, {"name": faq_file.name})
        _touch(entry, actor, now)


def edit_faq_entry(entry, *, actor, new_files=(), removed_files=(), **fields):
    """The edit form at once: the fields (``update_faq_entry``), the files removed then those added (one
    history line each), in one transaction. Returns the entry."""
    with transaction.atomic():
        entry = update_faq_entry(entry, actor=actor, **fields)
        for faq_file in removed_files:
            remove_faq_file(entry, faq_file, actor=actor)
        if new_files:
            add_faq_files(entry, new_files, actor=actor)
    return entry


def _place(entry):
    """Where an entry stands, for the history: its section's title (None: the top) and its rank there."""
    parent = FaqEntry.objects.get_parent(entry, update=True)
    siblings = FaqEntry.objects.filter(depth=entry.depth, service_id=entry.service_id, path__lt=entry.path)
    if parent is not None:
        siblings = siblings.filter(path__startswith=parent.path)
    return {"parent": parent.title if parent else None, "position": siblings.count() + 1}


def _move(entry, actor, target, position):
    if target.service_id != entry.service_id:
        raise ValidationError(MESSAGE_OTHER_FAQ, code="other_faq")
    if target.path.startswith(entry.path):
        raise ValidationError(MESSAGE_OWN_SUBTREE, code="own_subtree")
    if position in (FIRST_CHILD, LAST_CHILD) and not target.is_section:
        raise ValidationError(MESSAGE_NOT_SECTION, code="not_section")
    now = timezone.now()
    before = _place(entry)
    FaqEntry.objects.move(entry, target, POSITIONS[position])
    entry = FaqEntry.objects.get(pk=entry.pk)
    after = _place(entry)
    _touch(entry, actor, now)
    _record(entry, FaqChangeKind.MOVED, actor, now, {"from": before, "to": after})
    return entry


def move_faq_entry(entry, *, actor, target, position):
    """Moves ``entry`` (with what it holds) ``position`` ("before"/"after" ``target``, or its "first-child"
    or "last-child" when ``target`` is a section), within its FAQ and never into itself. The history line
    holds ``{"from": place, "to": place}``. Returns the entry as it now stands."""
    if position not in POSITIONS:
        raise ValidationError(MESSAGE_GONE, code="gone")
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        target = FaqEntry.objects.select_for_update().filter(pk=target.pk).first()
        if target is None:
            raise ValidationError(MESSAGE_GONE, code="gone")
        return _move(entry, actor, target, position)


def shift_faq_entry(entry, *, actor, direction):
    """Moves ``entry`` one place up or down among the entries of its section (``UP``/``DOWN``), the way a
    keyboard does it. Raises ``ValidationError`` when it is already first or last. Returns the entry."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        siblings = FaqEntry.objects.filter(depth=entry.depth, service_id=entry.service_id)
        if entry.depth > 1:
            siblings = siblings.filter(path__startswith=entry.path[: (entry.depth - 1) * entry.steplen])
        if direction == UP:
            target = siblings.filter(path__lt=entry.path).order_by("-path").first()
            message, position = MESSAGE_FIRST, BEFORE
        else:
            target = siblings.filter(path__gt=entry.path).order_by("path").first()
            message, position = MESSAGE_LAST, AFTER
        if target is None:
            raise ValidationError(message, code="edge")
        return _move(entry, actor, target, position)


def set_faq_entry_hidden(entry, *, actor, hidden):
    """Hides ``entry`` (and so what it holds) from those who do not manage the FAQ, or shows it again.
    Already so, nothing is written. Returns the entry."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        if entry.hidden == bool(hidden):
            return entry
        now = timezone.now()
        entry.hidden = bool(hidden)
        entry.updated_at, entry.updated_by = now, actor
        entry.save(update_fields=["hidden", "updated_at", "updated_by"])
        _record(entry, FaqChangeKind.HIDDEN if hidden else FaqChangeKind.SHOWN, actor, now)
    return entry


def delete_faq_entry(entry, *, actor):
    """Deletes ``entry`` with everything it holds. Its history stays, without the entry (``entry`` NULL),
    with the title and the service; the deletion's line names what it held. Files go after the commit."""
    _check(actor, entry.service_id)
    with transaction.atomic():
        entry = _locked(entry)
        subtree = FaqEntry.objects.filter(path__startswith=entry.path, service_id=entry.service_id)
        held = list(subtree.exclude(pk=entry.pk).order_by("path").values_list("title", flat=True))
        files = list(FaqFile.objects.filter(entry__in=subtree))
        now = timezone.now()
        _record(entry, FaqChangeKind.DELETED, actor, now, {"held": held} if held else {})
        delete_files_after_commit(*files)
        entry.delete()


def linkable_categories(service_id):
    """The categories an entry of the FAQ of ``service_id`` may list: its service's (any for the general
    FAQ), in the tree's order."""
    categories = Category.objects.select_related("service").order_by("service__label", "path")
    return categories if service_id is None else categories.filter(service_id=service_id)
