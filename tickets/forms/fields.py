"""Fields and widgets the ticket domain's forms share."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import find_person


class RichTextarea(forms.Textarea):
    """A textarea the rich-text editor takes over (it attaches itself to ``data-rich-text``)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 6, "data-rich-text": True, **(attrs or {})})

    def use_required_attribute(self, initial):
        # The editor hides the textarea: a hidden required field would stop the browser from sending the
        # form at all, without a word. The server says what is missing, next to the field.
        return False


class LoginField(forms.CharField):
    """A person typed by login or email address; cleans to the user (None when empty and not required)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("help_text", _("Identifiant ENT (par exemple seclier5) ou adresse électronique."))
        super().__init__(**kwargs)

    def clean(self, value):
        login = super().clean(value)
        if not login:
            return None
        person = find_person(login)
        if person is None:
            raise forms.ValidationError(_("Personne ne correspond à cet identifiant."), code="unknown")
        return person


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.service.label} – {obj.title}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each one is checked on its own (``tickets.attachments.drafts``)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
