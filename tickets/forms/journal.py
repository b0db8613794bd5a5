"""The Journal's filters: service, manager, action, category and period. A bad value is said on its field
and left out of the filter; the page is never refused for it."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.administration.journal import KINDS, Filters


class JournalFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    actor = forms.ChoiceField(label=_("Gestionnaire"), required=False)
    kind = forms.ChoiceField(label=_("Action"), required=False)
    category = forms.ChoiceField(label=_("Catégorie"), required=False)
    start = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, choices, activity=True):
        super().__init__(data)
        everything = [("", _("Tous"))]
        self.fields["service"].choices = everything + [(str(pk), label) for pk, label in choices["services"]]
        self.fields["actor"].choices = everything + [(str(pk), label) for pk, label in choices["actors"]]
        if activity:
            self.fields["kind"].choices = [("", _("Toutes"))] + [(kind, label) for kind, label in KINDS.items()]
            self.fields["category"].choices = [("", _("Toutes"))] + [
                (str(pk), label) for pk, label in choices["categories"]
            ]
        else:
            del self.fields["kind"], self.fields["category"]

    def selects(self):
        """The choice fields as ``Select``s the template draws itself, as their widgets would: through the
        widgets' templates, their few dozen options cost more than the rest of the page."""
        selects = []
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                bound = self[name]
                value = bound.value()
                chosen = "" if value is None else str(value)
                options = [(str(option), label, str(option) == chosen) for option, label in field.choices]
                selects.append(Select(name, bound.auto_id, f"{field.label}{self.label_suffix}", options, bound))
        return selects

    def other_fields(self):
        """The fields that are not ``selects``, drawn by their widgets."""
        return [self[name] for name, field in self.fields.items() if not isinstance(field, forms.ChoiceField)]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période précède son début."))
        return data

    def filters(self):
        """The ``Filters`` of the values that are right; the others are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        as_id = {name: int(data[name]) if data.get(name) else None for name in ("service", "actor", "category")}
        return Filters(kind=data.get("kind") or None, start=data.get("start"), end=data.get("end"), **as_id)


@dataclass(frozen=True)
class Select:
    """A choice field as the Journal's template draws it: ``options`` are ``(value, label, selected)``;
    ``field`` (the bound field) gives its errors."""

    name: str
    id: str
    label: str
    options: list
    field: forms.BoundField
