"""The forms of a service's administration pages: its properties and its managers."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.selectors import find_person, people_named
from tickets.administration.managers import SETTINGS
from tickets.administration.properties import PROPERTY_FIELDS
from tickets.models import Category, Membership, Service


class ServiceCategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class ServicePropertiesForm(forms.ModelForm):
    """The service's properties; the mail-in category is one of the service's, whatever is posted."""

    closure_delay_days = forms.IntegerField(
        label=_("Délai d'expiration d'une demande de clôture (jours)"),
        min_value=1,
        max_value=365,
        help_text=_("Sans réponse du propriétaire dans ce délai, la demande de clôture expire et le ticket est clos."),
    )

    class Meta:
        model = Service
        fields = PROPERTY_FIELDS
        field_classes = {"mail_in_category": ServiceCategoryField}
        widgets = {"assignment_mode": forms.RadioSelect, "default_scope": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["mail_in_category"]
        category.queryset = Category.objects.filter(service=self.instance).order_by("path")
        category.empty_label = _("La première catégorie qui accepte des tickets")
        for name in ("assignment_mode", "default_scope"):
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0]]

    def groups(self):
        """The page's fieldsets: (legend, bound fields)."""
        return [
            (_("Noms et courriel"), [self[name] for name in PROPERTY_FIELDS[:4]]),
            (_("Tickets"), [self[name] for name in PROPERTY_FIELDS[4:]]),
        ]

    def clean_mail_in_address(self):
        address = self.cleaned_data["mail_in_address"].strip()
        if address and Service.objects.exclude(pk=self.instance.pk).filter(mail_in_address__iexact=address).exists():
            raise forms.ValidationError(_("Cette adresse reçoit déjà les demandes d'un autre service."))
        return address


class ManagersForm(forms.Form):
    """The availability and privileges of every manager of the service, one row each: a checkbox per
    setting named ``m<membership id>-<setting>``. Only the rows the page listed (``membership`` ids) are read."""

    def __init__(self, memberships, data=None):
        super().__init__(data)
        self.memberships = list(memberships)
        self.labels = [(name, capfirst(Membership._meta.get_field(name).verbose_name)) for name in SETTINGS]
        self.rows = []
        for membership in self.memberships:
            cells = []
            for name, label in self.labels:
                key = f"m{membership.pk}-{name}"
                self.fields[key] = forms.BooleanField(
                    required=False, initial=getattr(membership, name), label=f"{label} – {membership.user}"
                )
                cells.append(self[key])
            self.rows.append((membership, cells))

    def posted_ids(self):
        """The membership ids the page listed, as posted; None when one is not a number."""
        try:
            return {int(value) for value in self.data.getlist("membership")}
        except ValueError:
            return None

    def settings_of(self, ids):
        """{membership id: {setting: bool}} for the rows ``ids``."""
        return {pk: {name: self.cleaned_data[f"m{pk}-{name}"] for name, _label in self.labels} for pk in ids}


class AddManagerForm(forms.Form):
    person = forms.CharField(
        label=_("Nouveau gestionnaire"),
        max_length=254,
        help_text=_("Identifiant ENT (par exemple gest-scol2), adresse électronique ou nom."),
    )

    def __init__(self, service, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service

    def clean_person(self):
        text = self.cleaned_data["person"]
        person = find_person(text)
        if person is None:
            found = people_named(text, limit=6)
            if not found:
                raise forms.ValidationError(_("Personne ne correspond à cet identifiant ou à ce nom."))
            if len(found) > 1:
                names = ", ".join(str(one) for one in found[:5]) + ("…" if len(found) > 5 else "")
                raise forms.ValidationError(
                    _("Plusieurs personnes correspondent (%(names)s) : saisissez l'identifiant."),
                    params={"names": names},
                )
            person = found[0]
        if Membership.objects.filter(service=self.service, user=person).exists():
            raise forms.ValidationError(_("Cette personne est déjà gestionnaire du service."))
        return person


class RemoveManagerForm(forms.Form):
    successor = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=_("Ses tickets en cours"),
        empty_label=_("Les remettre à « Libre »"),
    )

    def __init__(self, successors, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        field.queryset = successors
        field.label_from_instance = lambda membership: str(_("Les confier à %(name)s")) % {"name": membership.user}
