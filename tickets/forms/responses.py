"""What a manager types on the "Réponses enregistrées" page: a response's label, text and kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.administration.responses import GLOBAL, PERSONAL, kinds_for
from tickets.forms.fields import RichTextarea
from tickets.richtext import html_to_text


class SavedResponseForm(forms.Form):
    """A response's label and text; when adding one, its kind too, among those ``user`` may add (the
    workflow checks it again)."""

    label = forms.CharField(label=_("Libellé"), max_length=200)
    text = forms.CharField(
        label=_("Texte"),
        widget=RichTextarea(),
        help_text=_(
            "{nom} est remplacé par le nom du propriétaire du ticket, {numero} par son numéro, {sujet} par son sujet."
        ),
    )

    def __init__(self, data=None, *, user, adding=True, **kwargs):
        super().__init__(data, **kwargs)
        if adding:
            choices = [(value, kind_label(value, service)) for value, service in kinds_for(user)]
            self.fields["kind"] = forms.ChoiceField(label=_("Type de réponse"), choices=choices)
            self.order_fields(["kind", "label", "text"])

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not html_to_text(text).strip():
            raise forms.ValidationError(_("Écrivez le texte de la réponse."))
        return text


def kind_label(value, service):
    if value == PERSONAL:
        return _("Personnelle")
    if value == GLOBAL:
        return _("Globale (tous les gestionnaires)")
    return _("Du service %(service)s") % {"service": service.label}
