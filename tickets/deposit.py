"""Depositing a ticket: the category tree of step 1, the form of step 2 and the files kept between tries.

A file accepted on a try whose form had an error is kept as a draft (in the uploads folder, listed in
the session), so that nobody has to choose it again; drafts become the ticket's files when it is created.
"""

import secrets
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import permissions, workflow
from tickets.attachments import store_attachment, validate_upload
from tickets.models import Category, EntryScope, Origin, Priority, TicketScope

SESSION_KEY = "deposit_drafts"
DRAFTS_FOLDER = "drafts"


# Step 1: the tree of categories.


@dataclass
class Node:
    category: Category
    children: list = field(default_factory=list)


def folded(text):
    """Lower case without accents: "Apogée" matches "apogee"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def visible_categories():
    """Enabled categories of enabled services, in tree order. Every enabled service is visible for now."""
    return Category.objects.filter(enabled=True, service__enabled=True).order_by("path")


def category_tree(query=""):
    """The roots of the visible tree; with ``query``, only the categories matching it and their ancestors."""
    categories = list(visible_categories())
    by_path = {category.path: category for category in categories}
    wanted = None
    if query:
        needle = folded(query)
        wanted = set()
        for category in categories:
            if needle in folded(f"{category.code} {category.label} {category.short_label}"):
                # The ancestors stay, so the match is shown where it belongs.
                for depth in range(1, category.depth + 1):
                    wanted.add(category.path[: depth * Category.steplen])
    nodes, roots = {}, []
    for category in categories:
        if wanted is not None and category.path not in wanted:
            continue
        node = nodes[category.path] = Node(category)
        parent = nodes.get(category.path[: -Category.steplen]) if category.depth > 1 else None
        if parent is not None:
            parent.children.append(node)
        elif category.depth == 1 or category.path[: -Category.steplen] not in by_path:
            roots.append(node)
    return roots


def depositable_category(category_id):
    """The category a ticket may be filed in, or None."""
    return (
        visible_categories().filter(pk=category_id, accepts_tickets=True).select_related("service").first()
        if str(category_id).isdigit()
        else None
    )


# Step 2: the form.


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each one is checked on its own by ``keep_uploads``."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [item for item in (data if isinstance(data, list | tuple) else [data]) if item]


class DepositForm(forms.Form):
    subject = forms.CharField(label=_("Sujet"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8, "data-rich-text": ""}),
        help_text=_("Veuillez indiquer tous les renseignements nécessaires à la résolution de votre problème."),
    )
    files = MultipleFileField(label=_("Fichiers"), required=False)
    scope = forms.ChoiceField(label=_("Visibilité"), choices=TicketScope.choices)
    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int)
    origin = forms.ChoiceField(label=_("Origine"), choices=Origin.choices, initial=Origin.WEB)
    owner = forms.CharField(
        label=_("Propriétaire"),
        required=False,
        max_length=150,
        help_text=_("Identifiant ou adresse électronique de la personne pour qui le ticket est déposé."),
    )

    def __init__(self, *args, user, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.category = user, category
        self.fields["subject"].initial = category.default_subject
        self.fields["description"].initial = category.default_message
        self.fields["priority"].initial = category.default_priority
        self.fields["scope"].initial = category.default_scope or category.service.default_scope
        self.for_managers = user.is_superuser or category.service_id in permissions.memberships_of(user)
        if not self.for_managers:
            del self.fields["origin"]
            del self.fields["owner"]

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("Le sujet est obligatoire."))
        return subject

    def clean_description(self):
        description = self.cleaned_data["description"]
        if not description.strip():
            raise ValidationError(_("La description est obligatoire."))
        return description

    def clean_owner(self):
        login = self.cleaned_data.get("owner", "").strip()
        if not login:
            return None
        owner = get_user_model().objects.filter(Q(username=login) | Q(email__iexact=login), is_active=True).first()
        if owner is None:
            raise ValidationError(_("Personne ne correspond à cet identifiant."))
        return owner


# Files kept between tries.


@dataclass(frozen=True)
class Draft:
    token: str
    name: str
    size: int
    path: str


def drafts_of(request):
    return {token: Draft(token=token, **values) for token, values in request.session.get(SESSION_KEY, {}).items()}


def kept_drafts(request):
    """The drafts the form still lists (their tokens come back as ``drafts``), oldest first."""
    drafts = drafts_of(request)
    return [drafts[token] for token in request.POST.getlist("drafts") if token in drafts]


def keep_uploads(request, uploads, kept):
    """Checks each new file; accepted ones become drafts. Returns (drafts, error messages)."""
    drafts, errors = list(kept), []
    total = sum(draft.size for draft in drafts)
    stored = request.session.get(SESSION_KEY, {})
    for upload in uploads:
        try:
            info = validate_upload(upload, ticket_total=total)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        token = secrets.token_hex(16)
        upload.seek(0)
        path = default_storage.save(f"{DRAFTS_FOLDER}/{request.user.pk}/{token}", upload)
        stored[token] = {"name": info.name, "size": info.size, "path": path}
        drafts.append(Draft(token=token, name=info.name, size=info.size, path=path))
        total += info.size
    request.session[SESSION_KEY] = stored
    return drafts, errors


def forget_drafts(request, drafts):
    stored = request.session.get(SESSION_KEY, {})
    for draft in drafts:
        stored.pop(draft.token, None)
        default_storage.delete(draft.path)
    request.session[SESSION_KEY] = stored


def file_ticket(form, drafts):
    """Creates the ticket of a valid form with its files, in one transaction. Returns the ticket."""
    data = form.cleaned_data
    with transaction.atomic():
        ticket = workflow.create_ticket(
            actor=form.user,
            category=form.category,
            subject=data["subject"],
            description=data["description"],
            owner=data.get("owner") or None,
            priority=data["priority"],
            scope=data["scope"],
            origin=data.get("origin") or Origin.WEB,
        )
        first_entry = ticket.events.get()
        for draft in drafts:
            with default_storage.open(draft.path, "rb") as stored:
                store_attachment(
                    ticket, File(stored, name=draft.name), uploaded_by=form.user, scope=EntryScope.INVITED,
                    event=first_entry,
                )  # fmt: skip
    return ticket


def forget_abandoned_drafts(*, older_than):
    """Deletes the draft files of deposits left unfinished for longer than ``older_than`` (a timedelta).
    Returns how many were deleted. The sessions that still list one simply find it gone."""
    limit = timezone.now() - older_than
    deleted = 0
    if not default_storage.exists(DRAFTS_FOLDER):
        return 0
    folders, _files = default_storage.listdir(DRAFTS_FOLDER)
    for folder in folders:
        _subfolders, files = default_storage.listdir(f"{DRAFTS_FOLDER}/{folder}")
        for name in files:
            path = f"{DRAFTS_FOLDER}/{folder}/{name}"
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                deleted += 1
    return deleted
