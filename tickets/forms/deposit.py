"""The form of the deposit's second step: what the problem is, and for managers, who it is for."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tickets import permissions
from tickets.forms.fields import LoginField, MultipleFileField
from tickets.models import Origin, Priority, TicketScope


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
    owner = LoginField(
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

    def ticket_fields(self):
        """The keyword arguments of ``workflow.create_ticket`` the form's data gives."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "description": data["description"],
            "owner": data.get("owner") or None,
            "priority": data["priority"],
            "scope": data["scope"],
            "origin": data.get("origin") or Origin.WEB,
        }
