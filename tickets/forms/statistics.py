"""The filters of the statistics: a period (a preset or free dates), the granularity, and the scope
(service, category with its sub-categories, origin, manager). A bad value is said on its field and replaced
by its default; the page is never refused for it, and a service, category or manager outside the reader's
services is refused as a choice that does not exist."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Origin
from tickets.statistics.choices import descendants, service_ids
from tickets.statistics.periods import (
    DEFAULT_PRESET,
    GRANULARITIES,
    MAX_BUCKETS,
    PRESETS,
    Period,
    automatic_granularity,
    bucket_count,
    preset_dates,
    today,
)
from tickets.statistics.scope import Scope

FREE_DATES = "libre"
EARLIEST, LATEST = date(1970, 1, 1), date(2100, 12, 31)
LONGEST = 3660  # days: ten years
AUTOMATIC = "auto"


class StatisticsFilterForm(forms.Form):
    periode = forms.ChoiceField(label=_("Période"), required=False)
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pas = forms.ChoiceField(label=_("Regrouper par"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    categorie = forms.ChoiceField(label=_("Catégorie"), required=False)
    origine = forms.ChoiceField(label=_("Origine"), required=False)
    gestionnaire = forms.ChoiceField(label=_("Gestionnaire"), required=False)

    def __init__(self, data, *, user, choices):
        super().__init__(data)
        self.user, self.choices = user, choices
        everything = [("", _("Tous"))]
        self.fields["periode"].choices = [*PRESETS.items(), (FREE_DATES, _("Dates choisies (du … au …)"))]
        self.fields["pas"].choices = [(AUTOMATIC, _("Automatique")), *GRANULARITIES.items()]
        self.fields["service"].choices = everything + [(str(s.pk), s.label) for s in choices["services"]]
        self.fields["categorie"].choices = [("", _("Toutes"))] + [
            (str(c.pk), f"{c.service.label} – {c.title}") for c in choices["categories"]
        ]
        self.fields["origine"].choices = [("", _("Toutes")), *Origin.choices]
        self.fields["gestionnaire"].choices = everything + [(str(p.pk), p.name) for p in choices["managers"]]

    def clean(self):
        data = super().clean()
        first, last = data.get("du"), data.get("au")
        for name in ("du", "au"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, _("Choisissez une date entre 1970 et 2100."))
                first, last = None, None
        if first and last and (last - first).days >= LONGEST:
            self.add_error("au", _("La période ne peut dépasser dix ans."))
        if data.get("periode") == FREE_DATES:
            if not first and "du" not in self.errors:
                self.add_error("du", _("Indiquez le premier jour de la période."))
            if not last and "au" not in self.errors:
                self.add_error("au", _("Indiquez le dernier jour de la période."))
            if first and last and last < first:
                self.add_error("au", _("La fin de la période précède son début."))
        return data

    def _valid(self):
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def period(self):
        """The ``Period`` asked for; the default (30 derniers jours) for a bad one."""
        data = self._valid()
        preset = data.get("periode") or DEFAULT_PRESET
        if preset == FREE_DATES and not {"du", "au"} & set(self.errors) and data.get("du") and data.get("au"):
            first, last = data["du"], data["au"]
        else:
            first, last = preset_dates(DEFAULT_PRESET if preset == FREE_DATES else preset, today())
        granularity = data.get("pas") or AUTOMATIC
        if granularity == AUTOMATIC or bucket_count(first, last, granularity) > MAX_BUCKETS:
            granularity = automatic_granularity(first, last)
        return Period(first, last, granularity)

    def scope(self):
        """The ``Scope`` asked for, within the reader's services."""
        data = self._valid()
        ids = service_ids(self.user)
        if data.get("service"):
            ids = (int(data["service"]),)
        categories = None
        if data.get("categorie"):
            chosen = next(c for c in self.choices["categories"] if str(c.pk) == data["categorie"])
            categories = descendants(chosen, self.choices["categories"])
        manager = int(data["gestionnaire"]) if data.get("gestionnaire") else None
        return Scope(
            service_ids=tuple(ids) if ids is not None else None,
            category_ids=categories,
            origin=data.get("origine") or None,
            manager_id=manager,
        )
