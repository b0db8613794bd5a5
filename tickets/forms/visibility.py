"""The forms of the Visibilité des services pages: a rule, the service's default, and "Tester en tant que…"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.administration.visibility import ACCOUNT_TESTS, VALUE_TESTS
from tickets.forms.fields import LoginField
from tickets.models import RuleEffect, RuleTest, VisibilityRule


class ScopeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "— " * (obj.depth - 1) + obj.title


class RuleForm(forms.ModelForm):
    """One rule of ``service``: the category it applies to (empty: all the service) is one of the service's;
    attribute and value are asked for only by the tests that read them."""

    class Meta:
        model = VisibilityRule
        fields = ["category", "effect", "test", "attribute", "value"]
        labels = {
            "category": _("S'applique à"),
            "effect": _("Effet"),
            "test": _("Condition"),
            "attribute": _("Attribut ENT"),
            "value": _("Valeur"),
        }
        help_texts = {
            "category": _("Une catégorie et ses sous-catégories, ou tout le service."),
            "attribute": _(
                "Nom de l'attribut envoyé par le CAS (par exemple eduPersonAffiliation, supannEtablissement, "
                "supannEntiteAffectationPrincipale) ; pour les conditions sur un attribut."
            ),
            "value": _(
                "Comparée sans tenir compte des majuscules ni des espaces autour ; un attribut à plusieurs "
                "valeurs convient dès que l'une d'elles convient."
            ),
        }

    def __init__(self, *args, service, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        field = ScopeChoiceField(
            queryset=categories,
            required=False,
            empty_label=str(_("Tout le service")),
            label=self.fields["category"].label,
            help_text=self.fields["category"].help_text,
        )
        field.error_messages["invalid_choice"] = _("Cette catégorie n'est pas une catégorie du service.")
        self.fields["category"] = field
        self.fields["effect"].choices = RuleEffect.choices
        self.fields["effect"].widget = forms.RadioSelect(choices=RuleEffect.choices)
        self.fields["test"].choices = RuleTest.choices
        self.fields["attribute"].widget.attrs.update({"list": "known-attributes", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        test = data.get("test")
        attribute, value = (data.get("attribute") or "").strip(), (data.get("value") or "").strip()
        if test in ACCOUNT_TESTS or test == RuleTest.EVERYONE:
            attribute = value = ""
        else:
            if not attribute:
                self.add_error("attribute", _("Indiquez l'attribut ENT que la condition lit."))
            if test in VALUE_TESTS and not value:
                self.add_error("value", _("Indiquez la valeur à comparer."))
            if test == RuleTest.PRESENT:
                value = ""
        data["attribute"], data["value"] = attribute, value
        return data

    def rule_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DefaultForm(forms.Form):
    visible = forms.TypedChoiceField(
        label=_("Quand aucune règle ne s'applique, le service est"),
        choices=[("1", _("visible")), ("0", _("invisible"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class TestAsForm(forms.Form):
    personne = LoginField(label=_("Tester en tant que…"))
