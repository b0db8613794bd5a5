"""The forms of the ticket page's actions, built from one table: ``ACTION_FORMS``.

Each row declares an action of ``tickets.workflow``: its name in the ACTIONS menu, the message after it
is done, the fields its form asks for and the workflow function that does it. The form built from a row
knows its ticket and the person acting; ``perform()`` calls that one function with what was typed,
attaches the files sent with it to its history entry (``tickets.services.files``) and returns the updated
ticket (``WorkflowError`` and ``StaleTicket`` pass through). Every action that carries a text carries
files too, kept as drafts between tries as the deposit's are (``tickets.attachments.drafts``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tickets import permissions, workflow
from tickets.categories.tree import depositable_categories
from tickets.comments.scopes import writable_scopes
from tickets.forms.fields import CategoryChoiceField, LoginField, MultipleFileField, PersonChoiceField, RichTextarea
from tickets.forms.files import FormFiles
from tickets.forms.satisfaction import check_comment, comment_field, rating_field
from tickets.models import EntryScope, Invitation, Priority, TicketScope


@dataclass(frozen=True)
class Field:
    """A field of an action's form.

    ``build(form)`` returns the form field, or None when this person is not asked (``default(form)`` is
    then the value); ``argument`` is the workflow function's keyword when it is not ``name``; ``check(form,
    value)`` raises ``ValidationError`` for a value the field alone cannot refuse. A field that
    ``carries_files`` gives the workflow nothing: its files are attached to the action's entry.
    """

    name: str
    build: Callable
    argument: str | None = None
    check: Callable | None = None
    default: Callable | None = None
    carries_files: bool = False


@dataclass(frozen=True)
class Action:
    """One row of the table: an action of the ticket page."""

    name: str  # a key of ``workflow.MOVES``
    label: str  # as the guide's ACTIONS menu shows it
    success_message: str
    fields: tuple = ()
    # The name of the ``tickets.workflow`` function that does it, (ticket, *, actor, **arguments) → the
    # ticket, when it is not the action's name. Looked up at each call, so that the workflow stays the one
    # place that acts.
    function: str = ""
    # The field holding free text, given back on the form when the action fails.
    text_field: str | None = "text"
    # The label as a given person sees it, when it depends on who they are.
    personal_label: Callable | None = None
    # True when the action is nothing without a file ("Ajouter un fichier").
    needs_files: bool = False
    # True when nothing needs to be typed: the ACTIONS menu posts it with one button.
    direct: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "direct", self.fields == (OPTIONAL_TEXT,))
        names = [declared.name for declared in self.fields]
        if "text" in names and not any(declared.carries_files for declared in self.fields):
            # What one writes may need a screenshot: every text comes with files, right below it.
            at = names.index("text") + 1
            object.__setattr__(self, "fields", (*self.fields[:at], FILES, *self.fields[at:]))

    @property
    def takes_files(self):
        return any(declared.carries_files for declared in self.fields)

    def label_for(self, user, ticket):
        """The action's name as ``user`` sees it in the ACTIONS menu."""
        return self.personal_label(user, ticket) if self.personal_label else self.label

    def __call__(self, data=None, files=None, *, ticket, user, session=None):
        """The action's form for ``user`` on ``ticket``, bound to ``data`` and ``files`` when given; with
        ``session``, the files it receives are kept as drafts between tries."""
        return ActionForm(data, files, action=self, ticket=ticket, user=user, session=session)


class ActionForm(forms.Form):
    """The form of one ``Action``; its fields come from the action's row.

    ``drafts`` are the files it holds (``tickets.attachments.drafts.Draft``): those it received, kept by
    ``keep_files`` (which ``is_valid`` calls), given back when the form comes back, attached by ``perform``
    (``tickets.forms.files``).
    """

    def __init__(self, data=None, files=None, *, action, ticket, user, session=None):
        super().__init__(data, files)
        self.declaration, self.ticket, self.user = action, ticket, user
        self.action, self.success_message, self.text_field = action.name, action.success_message, action.text_field
        for declared in action.fields:
            built = declared.build(self)
            if built is not None:
                self.fields[declared.name] = built
        self.attached = None
        if session is not None and action.takes_files:
            self.attached = FormFiles(
                session, user=user, ticket=ticket, action=action.name, required=action.needs_files
            )

    @property
    def drafts(self):
        return self.attached.drafts if self.attached else []

    def get_label(self):
        return self.declaration.label_for(self.user, self.ticket)

    def clean(self):
        data = super().clean()
        for declared in self.declaration.fields:
            if declared.check and declared.name in data:
                try:
                    declared.check(self, data[declared.name])
                except forms.ValidationError as error:
                    self.add_error(declared.name, error)
        for message in self.keep_files():
            self.add_error("files", message)
        return data

    def keep_files(self):
        """Keeps the files the bound form received as drafts (see ``FormFiles.keep``); returns the messages
        of the files refused."""
        if not (self.is_bound and self.attached):
            return []
        return self.attached.keep(self.data.getlist("drafts"), self.files.getlist("files"))

    def perform(self):
        """Does the action and attaches the drafts to its entry, in one transaction; returns the ticket.

        Raises ``WorkflowError`` and ``StaleTicket`` as the workflow does, and ``ValidationError`` when a
        draft is gone or refused now (the ticket got files meanwhile): the form then says so on its files,
        and gives back the drafts still stored.
        """
        arguments = {}
        for declared in self.declaration.fields:
            if declared.carries_files:
                continue
            value = self.cleaned_data[declared.name] if declared.name in self.fields else declared.default(self)
            arguments[declared.argument or declared.name] = value
        perform = getattr(workflow, self.declaration.function or self.declaration.name)
        act = partial(perform, self.ticket, actor=self.user, **arguments)
        if not self.attached:
            return act()
        try:
            return self.attached.act(act)
        except forms.ValidationError as error:
            self.add_error("files", error)
            raise

    def forget_drafts(self):
        """Takes the drafts off the person's list once they are the ticket's files."""
        if self.attached:
            self.attached.forget()


# Fields the table uses.


def text(label, *, required=True, help_text=""):
    return Field(
        "text", lambda form: forms.CharField(label=label, required=required, help_text=help_text, widget=RichTextarea())
    )


OPTIONAL_TEXT = text(_("Commentaire (facultatif)"), required=False)


def files(label):
    # Never required as a field, even when the action needs a file: drafts kept from an earlier try count.
    return Field("files", lambda form: MultipleFileField(label=label, required=False), carries_files=True)


FILES = files(_("Fichiers (facultatif)"))


def ticket_property(name, make_field, message):
    """A field that changes the ticket's ``name``: shown with its current value, refused when unchanged."""
    return Field(name, current(name, make_field), check=unchanged(name, message))


def unchanged(attribute, message):
    """A check refusing the value the ticket already has (its ``attribute``, an id for a person)."""

    def check(form, value):
        if getattr(value, "pk", value) == getattr(form.ticket, attribute):
            raise forms.ValidationError(message)

    return check


def current(attribute, make_field):
    """A field shown with the ticket's current value."""

    def build(form):
        built = make_field()
        built.initial = getattr(form.ticket, attribute)
        return built

    return build


def check_recall_date(form, value):
    try:
        workflow.check_recall_date(value)
    except workflow.WorkflowError as error:
        raise forms.ValidationError(error.message) from None


def comment_scopes(form):
    allowed = writable_scopes(form.user, form.ticket)
    return forms.ChoiceField(
        label=_("Visibilité"),
        initial=EntryScope.INVITED,
        choices=[(value, label) for value, label in EntryScope.choices if value in allowed],
    )


def move_targets(form):
    categories = depositable_categories().exclude(pk=form.ticket.category_id).order_by("service__label", "path")
    # Without the move privilege the ticket stays in its service: offering the others would only lead to a
    # refusal.
    if not permissions.privilege(form.user, form.ticket, "can_move"):
        categories = categories.filter(service_id=form.ticket.service_id)
    return CategoryChoiceField(label=_("Nouvelle catégorie"), queryset=categories)


def available_managers(form):
    managers = (
        get_user_model()
        .objects.filter(memberships__service_id=form.ticket.service_id, memberships__available=True)
        .exclude(pk=form.ticket.manager_id)
        .order_by("last_name", "first_name", "username")
    )
    return PersonChoiceField(label=_("Gestionnaire"), queryset=managers)


def invitees(form):
    """The owner and managers choose among the invitees; an invitee can only remove themselves."""
    if not permissions.can_invite(form.user, form.ticket):
        return None
    invited = Invitation.objects.filter(ticket=form.ticket).values("user_id")
    people = get_user_model().objects.filter(pk__in=invited).order_by("last_name", "first_name", "username")
    return PersonChoiceField(label=_("Personne invitée"), queryset=people)


def recall_date(form):
    return forms.DateTimeField(
        label=_("Date de rappel (facultative)"),
        required=False,
        help_text=_("Le ticket sera rappelé automatiquement à cette date."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class OneLineField(forms.CharField):
    """Text on one line: runs of spaces and line breaks become one space."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


# The table: every action a person can do from the ticket page ("expire" is the scheduler's).
ACTIONS = [
    Action("take", _("Prendre en charge"), _("Vous avez pris en charge le ticket."), (OPTIONAL_TEXT,)),
    Action(
        "assign",
        _("Affecter"),
        _("Le ticket a été affecté."),
        (Field("manager", available_managers), OPTIONAL_TEXT),
    ),
    Action("free", _("Libérer"), _("Le ticket a été libéré."), (OPTIONAL_TEXT,)),
    Action(
        "request_info",
        _("Demander des informations"),
        _("Votre question a été envoyée au propriétaire."),
        (text(_("Question")),),
        function="request_information",
    ),
    Action(
        "comment",
        _("Ajouter commentaire"),
        _("Votre commentaire a été ajouté."),
        (text(_("Commentaire")), Field("scope", comment_scopes)),
    ),
    Action(
        "add_file",
        _("Ajouter un fichier"),
        _("Votre ajout a été enregistré."),
        (files(_("Fichiers")), OPTIONAL_TEXT, Field("scope", comment_scopes)),
        needs_files=True,
    ),
    Action(
        "postpone",
        _("Reporter"),
        _("Le ticket a été reporté."),
        (Field("recall_at", recall_date, check=check_recall_date), OPTIONAL_TEXT),
    ),
    Action("recall", _("Rappeler"), _("Le ticket a été rappelé."), (OPTIONAL_TEXT,)),
    Action(
        "request_closure",
        _("Clôre"),
        _("La clôture du ticket a été demandée au propriétaire."),
        (OPTIONAL_TEXT,),
    ),
    Action("close", _("Clôre"), _("Le ticket a été clos."), (OPTIONAL_TEXT,)),
    Action(
        "approve_closure",
        _("Approuver la clôture"),
        _("Vous avez approuvé la clôture du ticket."),
        (
            OPTIONAL_TEXT,
            Field("rating", rating_field, default=lambda form: None),
            Field("satisfaction_comment", comment_field, check=check_comment, default=lambda form: ""),
        ),
    ),
    Action(
        "refuse_closure",
        _("Refuser la clôture"),
        _("Vous avez refusé la clôture du ticket."),
        (text(_("Justification"), help_text=_("Expliquez pourquoi le problème n'est pas résolu.")),),
    ),
    Action("cancel", _("Annuler"), _("Le ticket a été annulé."), (OPTIONAL_TEXT,)),
    Action("reject", _("Refuser le ticket"), _("Le ticket a été refusé."), (text(_("Raison du refus")),)),
    Action("reopen", _("Ré-ouvrir"), _("Le ticket a été ré-ouvert."), (OPTIONAL_TEXT,)),
    Action(
        "move",
        _("Déplacer"),
        _("Le ticket a été déplacé."),
        (Field("category", move_targets), OPTIONAL_TEXT),
    ),
    Action(
        "change_subject",
        _("Changer le sujet"),
        _("Le sujet a été changé."),
        (
            ticket_property(
                "subject",
                lambda: OneLineField(label=_("Sujet"), max_length=200),
                _("C'est déjà le sujet du ticket."),
            ),
        ),
        text_field="subject",
    ),
    Action(
        "change_priority",
        _("Changer la priorité"),
        _("La priorité a été changée."),
        (
            ticket_property(
                "priority",
                lambda: forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int),
                _("C'est déjà la priorité du ticket."),
            ),
        ),
        text_field=None,
    ),
    Action(
        "change_scope",
        _("Changer la visibilité"),
        _("La visibilité du ticket a été changée."),
        (
            ticket_property(
                "scope",
                lambda: forms.ChoiceField(
                    label=_("Visibilité"),
                    choices=TicketScope.choices,
                    help_text=_("Un ticket public peut être vu par toutes les personnes qui voient son service."),
                ),
                _("C'est déjà la visibilité du ticket."),
            ),
        ),
        text_field=None,
    ),
    Action(
        "change_owner",
        _("Changer le propriétaire"),
        _("Le propriétaire du ticket a été changé."),
        (
            Field(
                "owner",
                lambda form: LoginField(label=_("Nouveau propriétaire")),
                check=unchanged("owner_id", _("Cette personne est déjà le propriétaire du ticket.")),
            ),
            OPTIONAL_TEXT,
        ),
    ),
    Action(
        "invite",
        _("Inviter"),
        _("La personne a été invitée sur le ticket."),
        (Field("person", lambda form: LoginField(label=_("Personne à inviter")), argument="user"), OPTIONAL_TEXT),
    ),
    Action(
        "uninvite",
        _("Retirer l'invitation"),
        _("L'invitation a été retirée."),
        (Field("person", invitees, argument="user", default=lambda form: form.user),),
        text_field=None,
        personal_label=lambda user, ticket: (
            _("Retirer l'invitation") if permissions.can_invite(user, ticket) else _("Retirer mon invitation")
        ),
    ),
]
ACTION_FORMS = {action.name: action for action in ACTIONS}

# The ACTIONS menu's order: the guide's for the owner (Changer le sujet, Approuver / Refuser la clôture,
# Ajouter commentaire, Annuler, Clôre, Ré-ouvrir), the manager's daily work first for managers.
MENU_ORDER = [
    "take",
    "assign",
    "free",
    "change_subject",
    "approve_closure",
    "refuse_closure",
    "comment",
    "add_file",
    "request_info",
    "postpone",
    "recall",
    "request_closure",
    "cancel",
    "close",
    "reject",
    "reopen",
    "move",
    "change_priority",
    "change_scope",
    "change_owner",
    "invite",
    "uninvite",
]
