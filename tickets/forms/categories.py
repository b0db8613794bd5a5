"""The forms of a service's categories: a category's properties, where to move one."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tickets.administration.categories import EDITED_FIELDS, POSITIONS, faq_entries_for, move_choices
from tickets.forms.fields import RichTextarea
from tickets.models import Category
from tickets.richtext import sanitize_html

# Fields whose choices are objects of the service: a value outside them was posted by hand.
OBJECT_FIELDS = ["redirect_to", "managers", "faq_entries"]


class FaqEntryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        faq = obj.service.label if obj.service_id else _("FAQ générale")
        return f"{faq} – {obj.title}"


class CategoryForm(forms.ModelForm):
    """A category's properties, its managers (the service's managers only) and its FAQ entries (the service's
    and the general FAQ's)."""

    managers = forms.ModelMultipleChoiceField(
        label=_("Gestionnaires de la catégorie"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ils reçoivent ses tickets en premier quand le service affecte automatiquement."),
    )
    faq_entries = FaqEntryChoiceField(
        label=_("Questions fréquentes liées"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Category
        fields = EDITED_FIELDS
        widgets = {
            "help_text": forms.Textarea(attrs={"rows": 3}),
            "default_message": RichTextarea(),
        }
        help_texts = {
            "code": _("Par exemple 02_App_Gestion ; affiché devant le libellé."),
            "short_label": _("Affiché sur la page d'un ticket ; vide : le libellé."),
            "help_text": _("Affichée sous la catégorie à l'étape 1 du dépôt."),
            "redirect_to": _("Les tickets déposés ici vont dans cette catégorie."),
        }

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["managers"].queryset = (
            get_user_model().objects.filter(memberships__service=service).order_by("last_name", "first_name", "pk")
        )
        self.fields["faq_entries"].queryset = faq_entries_for(service)
        redirections = Category.objects.filter(service=service).order_by("path")
        if self.instance.pk:
            redirections = redirections.exclude(pk=self.instance.pk)
            self.fields["managers"].initial = [person.pk for person in self.instance.managers.all()]
            self.fields["faq_entries"].initial = [entry.pk for entry in self.instance.faq_entries.all()]
        self.fields["redirect_to"].queryset = redirections
        self.fields["redirect_to"].label_from_instance = lambda category: category.title
        self.fields["redirect_to"].empty_label = _("Aucune redirection")
        self.fields["default_scope"].choices = [("", _("Celle du service")), *self.fields["default_scope"].choices[1:]]

    def posted_foreign_object(self):
        """Whether an object of another service (or none) was posted for a choice: refused as not found."""
        return any(
            self.has_error(name, code) for name in OBJECT_FIELDS for code in ("invalid_choice", "invalid_pk_value")
        )

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError(_("Le libellé est obligatoire."))
        return label

    def clean_default_message(self):
        return sanitize_html(self.cleaned_data["default_message"])

    def clean_redirect_to(self):
        target = self.cleaned_data["redirect_to"]
        if target is not None and target.redirect_to_id:
            raise ValidationError(_("Cette catégorie redirige elle-même ailleurs : choisissez sa destination."))
        return target

    def category_values(self):
        """The model fields to write, as ``add_category`` and ``update_category`` take them."""
        return {name: self.cleaned_data[name] for name in EDITED_FIELDS}


class MoveForm(forms.Form):
    """Where to move a category: ``before-<id>``, ``after-<id>`` or ``into-<id>`` another category. The list
    offers the service's categories outside its branch; what is posted is checked again by the move."""

    where = forms.CharField(label=_("Déplacer"), max_length=40, widget=forms.Select)

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].label = _("Nouvelle place de « %(title)s »") % {"title": category.title}
        self.fields["where"].widget.choices = [("", _("Choisissez une place")), *move_choices(category)]

    def clean_where(self):
        position, _dash, target = self.cleaned_data["where"].partition("-")
        if position not in POSITIONS or not target.isdigit():
            raise ValidationError(_("Choisissez une place dans la liste."))
        return position, int(target)
