"""The RECHERCHE form: one box, and the filters the searcher may use (owner and manager for managers)."""

from django import forms
from django.db.models import FilteredRelation, Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tickets import permissions
from tickets.forms.fields import CategoryChoiceField, LoginField
from tickets.models import FINAL_STATUSES, OPEN_STATUSES, Category, Service, Status
from tickets.search.query import Filters

STATUS_GROUPS = {
    "ouverts": (_("Ouverts"), OPEN_STATUSES | {Status.CLOSURE_REQUESTED}),
    "clos": (_("Clos"), FINAL_STATUSES),
}
SORT_CHOICES = [
    ("pertinence", _("Pertinence")),
    ("recent", _("Date, la plus récente d'abord")),
    ("ancien", _("Date, la plus ancienne d'abord")),
]
FILTER_FIELDS = ("service", "categorie", "statut", "du", "au", "proprietaire", "gestionnaire")


class PlainInput:
    """Writes its ``<input>`` as django/forms/widgets/input.html does, without the form renderer: the page's
    five inputs through templates cost about as much as its twenty results."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        attrs = format_html_join(
            "", "{}", ((_attribute(name, found),) for name, found in widget["attrs"].items() if found is not False)
        )
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attrs)


def _attribute(name, value):
    return format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainDateInput(PlainInput, forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, strip=True, widget=PlainTextInput)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    categorie = CategoryChoiceField(label=_("Catégorie"), queryset=Category.objects.none(), required=False)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    du = forms.DateField(label=_("Créé à partir du"), required=False, widget=PlainDateInput)
    au = forms.DateField(label=_("Créé jusqu'au"), required=False, widget=PlainDateInput)
    proprietaire = LoginField(label=_("Propriétaire"), required=False, widget=PlainTextInput)
    gestionnaire = LoginField(label=_("Gestionnaire"), required=False, widget=PlainTextInput)
    tri = forms.ChoiceField(label=_("Trier par"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"autocomplete": "off"})
        self.fields["service"].queryset = Service.objects.filter(enabled=True).order_by("label")
        self.fields["categorie"].queryset = (
            Category.objects.filter(enabled=True, service__enabled=True)
            .select_related("service")
            .order_by("service__label", "path")
        )
        self.fields["statut"].choices = [
            ("", _("Tous")),
            *((key, label) for key, (label, _statuses) in STATUS_GROUPS.items()),
            *Status.choices,
        ]
        if not permissions.is_manager(user):
            del self.fields["proprietaire"]
            del self.fields["gestionnaire"]

    def choice_fields(self):
        """The lists as (bound field, options, selected value) for the template, which writes them out."""
        services, categories = _service_and_category_options(self.fields["categorie"].label_from_instance)
        options = {
            "service": [("", _("Tous les services")), *services],
            "categorie": [("", _("Toutes les catégories")), *categories],
            "statut": [(key, label) for key, label in self.fields["statut"].choices],
            "tri": SORT_CHOICES,
        }
        for name, choices in options.items():
            bound = self[name]
            bound.options = choices
            bound.selected = str(bound.value() or ("pertinence" if name == "tri" else ""))
            yield bound

    def text_fields(self):
        return [self[name] for name in ("du", "au", "proprietaire", "gestionnaire") if name in self.fields]

    def clean_q(self):
        # A NUL cannot be stored nor shown: it is a separator like any other.
        return self.cleaned_data["q"].replace("\x00", " ")

    def filters(self):
        """The filters of the fields that are valid (an invalid one is said next to it, and left out)."""
        data = getattr(self, "cleaned_data", {})
        status = data.get("statut") or ""
        statuses = STATUS_GROUPS[status][1] if status in STATUS_GROUPS else ([status] if status else None)
        return Filters(
            services=[data["service"]] if data.get("service") else [],
            category=data.get("categorie"),
            statuses=statuses,
            created_from=data.get("du"),
            created_to=data.get("au"),
            owner=data.get("proprietaire"),
            manager=data.get("gestionnaire"),
        )

    @property
    def sort(self):
        return (getattr(self, "cleaned_data", {}).get("tri")) or "pertinence"

    @property
    def has_filters(self):
        return any(self.data.get(name) for name in FILTER_FIELDS)


def _service_and_category_options(category_label):
    """The options of the enabled services and of their enabled categories (labelled by ``category_label``), as
    the fields' querysets list them, read in one query: each service joined to its categories."""
    rows = (
        Service.objects.filter(enabled=True)
        .annotate(shown=FilteredRelation("categories", condition=Q(categories__enabled=True)))
        .order_by("label", "pk", "shown__path")
        .values_list("pk", "label", "shown__pk", "shown__code", "shown__label")
    )
    services, categories = {}, []
    for service_pk, service_label, category_pk, code, label in rows:
        services[str(service_pk)] = service_label
        if category_pk is not None:
            category = Category(code=code, label=label, service=Service(label=service_label))
            categories.append((str(category_pk), category_label(category)))
    return list(services.items()), categories
