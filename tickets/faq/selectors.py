"""Reading the FAQ: what a person may read of it, fetched in a fixed number of queries."""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tickets.attachments.checks import IMAGE_TYPES
from tickets.faq.access import (
    MANAGER,
    can_manage_faq,
    can_read_faq_entry,
    faq_level,
    managed_faq_service_ids,
    readable_faq_entries,
    restricted_for_visitor,
)
from tickets.models import Category, FaqEntry, FaqFile, FaqVote, Service

# A file's token as ``tickets.faq.files`` draws it: anything else is refused before a query.
_TOKEN = re.compile(r"[0-9a-f]{32}")


class LoginNeeded(Exception):
    """A visitor asked for an entry that people who log in may read."""


def faq_entries_for(user):
    """The entries the user may read, in the order of their FAQ's tree, with their service."""
    return readable_faq_entries(user).select_related("service").order_by("path")


# The index -----------------------------------------------------------------------------------------------------


@dataclass
class FaqNode:
    entry: FaqEntry
    children: list = field(default_factory=list)
    sections_above: int = 0

    @property
    def heading_level(self):
        """A section's heading under its FAQ's h2: h3 at the top, one more per section it is in, h6 at most,
        so that headings never skip a level (a question may hold sections)."""
        return min(self.sections_above + 3, 6)


@dataclass
class Faq:
    """One FAQ as a person reads it: its service (None: the general FAQ), its tree, and what they may do."""

    service: Service | None
    roots: list = field(default_factory=list)
    manages: bool = False  # may edit it (``can_manage_faq``)
    reads_all: bool = False  # reads every scope of it: shown which entries are restricted or hidden

    @property
    def anchor(self):
        return f"faq-{self.service.pk}" if self.service else "faq-generale"


def faq_trees_for(user):
    """Every FAQ the user reads, each with the tree of the entries they may read: the general FAQ first, then
    the services' by label. A FAQ the user manages is listed even without entries. Two queries at most,
    besides the user's memberships, whatever the number of entries."""
    faqs = {}

    def faq_of(service):
        key = service.pk if service else None
        if key not in faqs:
            faqs[key] = Faq(
                service=service,
                manages=can_manage_faq(user, key),
                reads_all=faq_level(user, key) == MANAGER,
            )
        return faqs[key]

    nodes = {}
    # Readable entries come with all their ancestors (an entry under a refused one is refused), in path order.
    for entry in faq_entries_for(user):
        parent = nodes.get(entry.path[: -FaqEntry.steplen]) if entry.depth > 1 else None
        node = nodes[entry.path] = FaqNode(entry)
        if parent is not None:
            node.sections_above = parent.sections_above + parent.entry.is_section
            parent.children.append(node)
        else:
            faq_of(entry.service).roots.append(node)
    for service in _managed_faq_services(user):
        faq_of(service)
    if can_manage_faq(user, None):
        faq_of(None)
    general = [faqs.pop(None)] if None in faqs else []
    return general + sorted(faqs.values(), key=lambda faq: (faq.service.label.casefold(), faq.service.pk))


def _managed_faq_services(user):
    if not user.is_authenticated:
        return []
    services = Service.objects.filter(enabled=True)
    if not user.is_superuser:
        managed = managed_faq_service_ids(user)
        if not managed:
            return []
        services = services.filter(pk__in=managed)
    return list(services)


# One entry -----------------------------------------------------------------------------------------------------


def _readable_or_refused(user, entry):
    """The entry's ancestors when the user may read it; else ``LoginNeeded`` for a visitor who would read it
    once logged in, ``Http404`` for anyone else."""
    ancestors = list(FaqEntry.objects.get_ancestors(entry).select_related("service"))
    if can_read_faq_entry(user, entry, ancestors):
        return ancestors
    if not user.is_authenticated and restricted_for_visitor(entry, ancestors):
        raise LoginNeeded
    raise Http404


def get_faq_entry_for(user, pk):
    """The entry ``pk`` and its ancestors, when the user may read it.

    Raises ``Http404`` for an entry that does not exist or that the user may not read, and ``LoginNeeded``
    instead when a visitor asks for an entry restricted to people who log in.
    """
    entry = get_object_or_404(FaqEntry.objects.select_related("service", "updated_by"), pk=pk)
    return entry, _readable_or_refused(user, entry)


def readable_children(user, entry):
    """The entries right under ``entry`` that the user may read, in order."""
    return list(
        readable_faq_entries(user)
        .filter(path__startswith=entry.path, depth=entry.depth + 1)
        .select_related("service")
        .order_by("path")
    )


@dataclass(frozen=True)
class EntryFiles:
    """An entry's files as its answer shows them: the images in the page, the others as links."""

    images: list
    others: list


def split_files(files):
    """``EntryFiles`` of ``files``, each kept in the order it was added."""
    files = list(files)
    return EntryFiles(
        images=[file for file in files if is_inline_image(file)],
        others=[file for file in files if not is_inline_image(file)],
    )


def entry_files(entry):
    """The entry's files (one query), split into images and others."""
    return split_files(entry.files.all())


def is_inline_image(file):
    """Whether the file is an image the serving view shows in the page (the others are downloaded)."""
    return file.content_type in IMAGE_TYPES


def get_faq_file_for(user, token):
    """The file of ``token`` with its entry, when the user may read the entry.

    Raises ``Http404`` for a malformed token (before any query), a missing file or an entry the user may
    not read, and ``LoginNeeded`` when a visitor asks for a file of an entry restricted to people who log in.
    """
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise Http404
    file = FaqFile.objects.select_related("entry__service").filter(token=token).first()
    if file is None:
        raise Http404
    _readable_or_refused(user, file.entry)
    return file


# Votes ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteCounts:
    helpful: int
    unhelpful: int


def vote_counts(entry):
    """How many people found the entry's answer helpful, and how many did not, in one query."""
    counts = FaqVote.objects.filter(entry=entry).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return VoteCounts(helpful=counts["yes"], unhelpful=counts["no"])


def vote_of(user, entry):
    """The user's answer about the entry: True, False, or None when they gave none (or are a visitor)."""
    if not user.is_authenticated:
        return None
    return FaqVote.objects.filter(entry=entry, user=user).values_list("helpful", flat=True).first()


# The deposit's step 2 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedEntry:
    entry: FaqEntry
    files: EntryFiles


def faq_entries_for_category(user, category):
    """The entries the user may read that are linked to ``category`` or to one of its ancestors, with their
    files, in the order of their FAQ's tree (the general FAQ first, then the services' by label): two queries."""
    paths = [category.path[: depth * Category.steplen] for depth in range(1, category.depth + 1)]
    links = FaqEntry.categories.through.objects.filter(faqentry_id=OuterRef("pk"), category__path__in=paths)
    entries = faq_entries_for(user).filter(Exists(links)).prefetch_related("files")
    return [LinkedEntry(entry, split_files(entry.files.all())) for entry in sorted(entries, key=_faq_order)]


def _faq_order(entry):
    service = entry.service
    return (service is not None, service.label.casefold() if service else "", entry.service_id or 0, entry.path)
