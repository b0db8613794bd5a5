"""The forms of the ticket page's actions: one small form per action of ``tickets.workflow``.

Each form knows its ticket and the person acting; ``perform()`` calls the one workflow function of its
action with what was typed and returns the updated ticket (``WorkflowError`` and ``StaleTicket`` pass
through). The form only shapes the input: rights and status are the workflow's to decide.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import permissions, workflow
from tickets.models import Category, EntryScope, Invitation, Priority, TicketScope


class RichTextarea(forms.Textarea):
    """A textarea the rich-text editor takes over (it attaches itself to ``data-rich-text``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 6, "data-rich-text": True, **(attrs or {})})

    def use_required_attribute(self, initial):
        # The editor hides the textarea: a hidden required field would stop the browser from sending the
        # form at all, without a word. The server says what is missing, next to the field.
        return False


def rich_textarea():
    return RichTextarea()


def find_person(login):
    """The active user whose login, or else whose email address, is ``login``; None when nobody or several."""
    login = (login or "").strip()
    if not login:
        return None
    people = get_user_model().objects.filter(is_active=True)
    exact = people.filter(username=login).first()
    if exact is not None:
        return exact
    for lookup in ("username__iexact", "email__iexact"):
        found = list(people.filter(**{lookup: login})[:2])
        if len(found) == 1:
            return found[0]
    return None


class ActionForm(forms.Form):
    """One action of the ticket page; subclasses set the class attributes and ``perform``."""

    action = ""  # the workflow's name of the action (a key of ``workflow.MOVES``)
    label = ""  # as the guide's ACTIONS menu shows it
    success_message = ""
    # True when nothing needs to be typed: the ACTIONS menu posts it with one button.
    direct = False
    # The field holding free text, given back on the form when the action fails.
    text_field = "text"

    def __init__(self, *args, ticket, user, **kwargs):
        self.ticket = ticket
        self.user = user
        super().__init__(*args, **kwargs)

    @classmethod
    def label_for(cls, user, ticket):
        """The action's name as ``user`` sees it in the ACTIONS menu."""
        return cls.label

    def get_label(self):
        return self.label_for(self.user, self.ticket)

    def perform(self):
        raise NotImplementedError


class OptionalTextForm(ActionForm):
    """An action that needs nothing but accepts a word for the history."""

    direct = True
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())


class TakeForm(OptionalTextForm):
    action = "take"
    label = _("Prendre en charge")
    success_message = _("Vous avez pris en charge le ticket.")

    def perform(self):
        return workflow.take(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class FreeForm(OptionalTextForm):
    action = "free"
    label = _("Libérer")
    success_message = _("Le ticket a été libéré.")

    def perform(self):
        return workflow.free(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class RecallForm(OptionalTextForm):
    action = "recall"
    label = _("Rappeler")
    success_message = _("Le ticket a été rappelé.")

    def perform(self):
        return workflow.recall(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class RequestClosureForm(OptionalTextForm):
    action = "request_closure"
    label = _("Clôre")
    success_message = _("La clôture du ticket a été demandée au propriétaire.")

    def perform(self):
        return workflow.request_closure(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class CloseForm(OptionalTextForm):
    action = "close"
    label = _("Clôre")
    success_message = _("Le ticket a été clos.")

    def perform(self):
        return workflow.close(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class ApproveClosureForm(OptionalTextForm):
    action = "approve_closure"
    label = _("Approuver la clôture")
    success_message = _("Vous avez approuvé la clôture du ticket.")

    def perform(self):
        return workflow.approve_closure(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class CancelForm(OptionalTextForm):
    action = "cancel"
    label = _("Annuler")
    success_message = _("Le ticket a été annulé.")

    def perform(self):
        return workflow.cancel(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class ReopenForm(OptionalTextForm):
    action = "reopen"
    label = _("Ré-ouvrir")
    success_message = _("Le ticket a été ré-ouvert.")

    def perform(self):
        return workflow.reopen(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class CommentForm(ActionForm):
    action = "comment"
    label = _("Ajouter commentaire")
    success_message = _("Votre commentaire a été ajouté.")

    text = forms.CharField(label=_("Commentaire"), widget=rich_textarea())
    scope = forms.ChoiceField(label=_("Visibilité"), initial=EntryScope.INVITED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = permissions.writable_scopes(self.user, self.ticket)
        self.fields["scope"].choices = [(value, label) for value, label in EntryScope.choices if value in allowed]

    def perform(self):
        data = self.cleaned_data
        return workflow.comment(self.ticket, actor=self.user, text=data["text"], scope=data["scope"])


class RequestInformationForm(ActionForm):
    action = "request_info"
    label = _("Demander des informations")
    success_message = _("Votre question a été envoyée au propriétaire.")

    text = forms.CharField(label=_("Question"), widget=rich_textarea())

    def perform(self):
        return workflow.request_information(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class RefuseClosureForm(ActionForm):
    action = "refuse_closure"
    label = _("Refuser la clôture")
    success_message = _("Vous avez refusé la clôture du ticket.")

    text = forms.CharField(
        label=_("Justification"),
        help_text=_("Expliquez pourquoi le problème n'est pas résolu."),
        widget=rich_textarea(),
    )

    def perform(self):
        return workflow.refuse_closure(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class RejectForm(ActionForm):
    action = "reject"
    label = _("Refuser le ticket")
    success_message = _("Le ticket a été refusé.")

    text = forms.CharField(label=_("Raison du refus"), widget=rich_textarea())

    def perform(self):
        return workflow.reject(self.ticket, actor=self.user, text=self.cleaned_data["text"])


class PostponeForm(ActionForm):
    action = "postpone"
    label = _("Reporter")
    success_message = _("Le ticket a été reporté.")

    recall_at = forms.DateTimeField(
        label=_("Date de rappel (facultative)"),
        required=False,
        help_text=_("Le ticket sera rappelé automatiquement à cette date."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())

    def clean_recall_at(self):
        recall_at = self.cleaned_data["recall_at"]
        if recall_at is not None and recall_at <= timezone.now():
            raise forms.ValidationError(_("La date de rappel doit être dans le futur."))
        return recall_at

    def perform(self):
        data = self.cleaned_data
        return workflow.postpone(self.ticket, actor=self.user, recall_at=data["recall_at"], text=data["text"])


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.service.label} – {obj.title}"


class MoveForm(ActionForm):
    action = "move"
    label = _("Déplacer")
    success_message = _("Le ticket a été déplacé.")

    category = CategoryChoiceField(label=_("Nouvelle catégorie"), queryset=Category.objects.none())
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = (
            Category.objects.filter(enabled=True, accepts_tickets=True, service__enabled=True)
            .exclude(pk=self.ticket.category_id)
            .select_related("service")
            .order_by("service__label", "path")
        )
        # Without the move privilege the ticket stays in its service: offering the others would only
        # lead to a refusal.
        if not permissions.privilege(self.user, self.ticket, "can_move"):
            categories = categories.filter(service_id=self.ticket.service_id)
        self.fields["category"].queryset = categories

    def perform(self):
        data = self.cleaned_data
        return workflow.move(self.ticket, actor=self.user, category=data["category"], text=data["text"])


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AssignForm(ActionForm):
    action = "assign"
    label = _("Affecter")
    success_message = _("Le ticket a été affecté.")

    manager = PersonChoiceField(label=_("Gestionnaire"), queryset=get_user_model().objects.none())
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            get_user_model()
            .objects.filter(memberships__service_id=self.ticket.service_id, memberships__available=True)
            .exclude(pk=self.ticket.manager_id)
            .order_by("last_name", "first_name", "username")
        )

    def perform(self):
        data = self.cleaned_data
        return workflow.assign(self.ticket, actor=self.user, manager=data["manager"], text=data["text"])


class LoginField(forms.CharField):
    """A person typed by login or email address; cleans to the user."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("help_text", _("Identifiant ENT (par exemple seclier5) ou adresse électronique."))
        super().__init__(**kwargs)

    def clean(self, value):
        login = super().clean(value)
        person = find_person(login)
        if person is None:
            raise forms.ValidationError(_("Personne ne correspond à cet identifiant."), code="unknown")
        return person


class InviteForm(ActionForm):
    action = "invite"
    label = _("Inviter")
    success_message = _("La personne a été invitée sur le ticket.")

    person = LoginField(label=_("Personne à inviter"))
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())

    def perform(self):
        data = self.cleaned_data
        return workflow.invite(self.ticket, actor=self.user, user=data["person"], text=data["text"])


class UninviteForm(ActionForm):
    """The owner and managers choose among the invitees; an invitee can only remove themselves."""

    action = "uninvite"
    label = _("Retirer l'invitation")
    success_message = _("L'invitation a été retirée.")
    text_field = None

    person = PersonChoiceField(label=_("Personne invitée"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.only_self = not permissions.can_invite(self.user, self.ticket)
        if self.only_self:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = (
                get_user_model()
                .objects.filter(pk__in=Invitation.objects.filter(ticket=self.ticket).values("user_id"))
                .order_by("last_name", "first_name", "username")
            )

    @classmethod
    def label_for(cls, user, ticket):
        return cls.label if permissions.can_invite(user, ticket) else _("Retirer mon invitation")

    def perform(self):
        person = self.user if self.only_self else self.cleaned_data["person"]
        return workflow.uninvite(self.ticket, actor=self.user, user=person)


class ChangeSubjectForm(ActionForm):
    action = "change_subject"
    label = _("Changer le sujet")
    success_message = _("Le sujet a été changé.")
    text_field = "subject"

    subject = forms.CharField(label=_("Sujet"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].initial = self.ticket.subject

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if subject == self.ticket.subject:
            raise forms.ValidationError(_("C'est déjà le sujet du ticket."))
        return subject

    def perform(self):
        return workflow.change_subject(self.ticket, actor=self.user, subject=self.cleaned_data["subject"])


class ChangePriorityForm(ActionForm):
    action = "change_priority"
    label = _("Changer la priorité")
    success_message = _("La priorité a été changée.")
    text_field = None

    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.ticket.priority

    def clean_priority(self):
        priority = self.cleaned_data["priority"]
        if priority == self.ticket.priority:
            raise forms.ValidationError(_("C'est déjà la priorité du ticket."))
        return priority

    def perform(self):
        return workflow.change_priority(self.ticket, actor=self.user, priority=self.cleaned_data["priority"])


class ChangeScopeForm(ActionForm):
    action = "change_scope"
    label = _("Changer la visibilité")
    success_message = _("La visibilité du ticket a été changée.")
    text_field = None

    scope = forms.ChoiceField(
        label=_("Visibilité"),
        choices=TicketScope.choices,
        help_text=_("Un ticket public peut être vu par toutes les personnes qui voient son service."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].initial = self.ticket.scope

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if scope == self.ticket.scope:
            raise forms.ValidationError(_("C'est déjà la visibilité du ticket."))
        return scope

    def perform(self):
        return workflow.change_scope(self.ticket, actor=self.user, scope=self.cleaned_data["scope"])


class ChangeOwnerForm(ActionForm):
    action = "change_owner"
    label = _("Changer le propriétaire")
    success_message = _("Le propriétaire du ticket a été changé.")

    owner = LoginField(label=_("Nouveau propriétaire"))
    text = forms.CharField(label=_("Commentaire (facultatif)"), required=False, widget=rich_textarea())

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner.pk == self.ticket.owner_id:
            raise forms.ValidationError(_("Cette personne est déjà le propriétaire du ticket."))
        return owner

    def perform(self):
        data = self.cleaned_data
        return workflow.change_owner(self.ticket, actor=self.user, owner=data["owner"], text=data["text"])


# Every action a person can do from the ticket page, by its workflow name ("expire" is the scheduler's).
ACTION_FORMS = {
    form.action: form
    for form in [
        TakeForm,
        AssignForm,
        FreeForm,
        RequestInformationForm,
        CommentForm,
        PostponeForm,
        RecallForm,
        RequestClosureForm,
        CloseForm,
        ApproveClosureForm,
        RefuseClosureForm,
        CancelForm,
        RejectForm,
        ReopenForm,
        MoveForm,
        ChangeSubjectForm,
        ChangePriorityForm,
        ChangeScopeForm,
        ChangeOwnerForm,
        InviteForm,
        UninviteForm,
    ]
}

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
