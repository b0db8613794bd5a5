"""The Journal's filters: service, manager, action, category and period. A bad value is said on its field
and left out of the filter; the page is never refused for it."""

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
        self.fields["service"].choices = everything + [(str(s.pk), s.label) for s in choices["services"]]
        self.fields["actor"].choices = everything + [(str(p.pk), str(p)) for p in choices["actors"]]
        if activity:
            self.fields["kind"].choices = [("", _("Toutes"))] + [(kind, label) for kind, label in KINDS.items()]
            self.fields["category"].choices = [("", _("Toutes"))] + [
                (str(c.pk), f"{c.service.label} – {c.title}") for c in choices["categories"]
            ]
        else:
            del self.fields["kind"], self.fields["category"]

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
