"""The owner's satisfaction on the "Approuver la clôture" form: a rating from 1 to 5 and a comment, both
optional, offered only while the ticket has none (never asked twice)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets import workflow
from tickets.models import SATISFACTION_COMMENT_MAX_LENGTH

NO_ANSWER = ""
RATINGS = [
    ("1", _("1 – Pas du tout satisfait")),
    ("2", _("2 – Peu satisfait")),
    ("3", _("3 – Moyennement satisfait")),
    ("4", _("4 – Satisfait")),
    ("5", _("5 – Très satisfait")),
    (NO_ANSWER, _("Ne pas répondre")),
]


def is_asked(form):
    """Whether the form asks for the satisfaction: not when the ticket already has one (read once per form)."""
    if not hasattr(form, "_satisfaction_asked"):
        form._satisfaction_asked = not workflow.has_satisfaction(form.ticket)
    return form._satisfaction_asked


def rating_field(form):
    if not is_asked(form):
        return None
    return forms.TypedChoiceField(
        label=_("Votre satisfaction"),
        choices=RATINGS,
        coerce=int,
        empty_value=None,
        required=False,
        initial=NO_ANSWER,
        widget=forms.RadioSelect,
        help_text=_("Facultatif : seuls les gestionnaires du service verront votre réponse."),
        error_messages={"invalid_choice": _("Choisissez une note de 1 à 5, ou « Ne pas répondre ».")},
    )


def comment_field(form):
    if not is_asked(form):
        return None
    return forms.CharField(
        label=_("Un commentaire (facultatif)"),
        required=False,
        max_length=SATISFACTION_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def check_comment(form, value):
    """A comment goes with a rating: refused without one rather than lost."""
    if value and form.cleaned_data.get("rating") is None and "rating" not in form.errors:
        raise forms.ValidationError(_("Choisissez une note pour accompagner ce commentaire, ou effacez-le."))
