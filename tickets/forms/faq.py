"""The forms of the FAQ's managers: an entry (new or edited), where to move one, and which entries of a
ticket's history make a new one."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import truncatechars
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from tickets.faq.editing import AFTER, BEFORE, LAST_CHILD, MESSAGE_GONE, linkable_categories
from tickets.faq.files import check_faq_files
from tickets.forms.fields import MultipleFileField, RichTextarea
from tickets.models import FaqEntry, FaqScope
from tickets.richtext import html_to_text


class CategoryCheckboxes(forms.ModelMultipleChoiceField):
    """The categories an entry lists; for the general FAQ each one says its service."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, general=False, **kwargs):
        self.general = general
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.service.label} – {obj.title}" if self.general else obj.title


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "— " * (obj.depth - 1) + obj.title


class FaqEntryForm(forms.Form):
    """A new entry (with the section it goes in) or an edited one (with the files it may lose)."""

    parent = SectionChoiceField(
        label=_("Placer dans la rubrique"),
        queryset=FaqEntry.objects.none(),
        required=False,
        empty_label=_("Aucune : en haut de la FAQ"),
    )
    title = forms.CharField(label=_("Question"), max_length=300, required=False)
    answer = forms.CharField(label=_("Réponse"), widget=RichTextarea(attrs={"rows": 10}), required=False)
    scope = forms.ChoiceField(label=_("Visibilité"), choices=FaqScope.choices, initial=FaqScope.EVERYONE)
    is_section = forms.BooleanField(
        label=_("Rubrique"),
        required=False,
        help_text=_("Une rubrique regroupe des questions ; sa réponse peut rester vide."),
    )
    categories = CategoryCheckboxes(label=_("Catégories liées"), queryset=FaqEntry.objects.none(), required=False)
    files = MultipleFileField(label=_("Fichiers"), required=False)
    remove_files = forms.ModelMultipleChoiceField(
        label=_("Fichiers à supprimer"),
        queryset=FaqEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, service_id, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_id, self.entry = service_id, entry
        self.fields["categories"].queryset = linkable_categories(service_id)
        self.fields["categories"].general = service_id is None
        if entry is None:
            self.fields["parent"].queryset = FaqEntry.objects.filter(service_id=service_id, is_section=True).order_by(
                "path"
            )
            del self.fields["remove_files"]
        else:
            del self.fields["parent"]
            self.fields["remove_files"].queryset = entry.files.all()
            if entry.is_section:
                self.fields["title"].label = _("Titre de la rubrique")

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError(_("La question est obligatoire."), code="required")
        return title

    def clean(self):
        data = super().clean()
        files = data.get("files") or []
        if files and "files" not in self.errors:
            try:
                check_faq_files(self.entry, files, removed=list(data.get("remove_files") or []))
            except ValidationError as error:
                self.add_error("files", error)
        return data

    def entry_fields(self):
        """The keyword arguments of ``create_faq_entry``/``update_faq_entry`` the form's data gives."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "answer": data["answer"],
            "scope": data["scope"],
            "is_section": data["is_section"],
            "categories": list(data["categories"]),
        }


class FaqMoveForm(forms.Form):
    """Where to put an entry: before or after another entry of its FAQ, or last in one of its sections;
    never inside itself."""

    position = forms.ChoiceField(
        label=_("Nouvelle place"), error_messages={"invalid_choice": MESSAGE_GONE, "required": MESSAGE_GONE}
    )

    def __init__(self, *args, entry, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {}
        choices = []
        for other in entries:
            if other.path.startswith(entry.path):
                continue
            self.targets[other.pk] = other
            indent = "— " * (other.depth - 1)
            title = truncatechars(other.title, 80)
            choices.append((f"{BEFORE}-{other.pk}", indent + _("Avant « %(title)s »") % {"title": title}))
            choices.append((f"{AFTER}-{other.pk}", indent + _("Après « %(title)s »") % {"title": title}))
            if other.is_section:
                label = indent + _("Dans la rubrique « %(title)s »") % {"title": title}
                choices.append((f"{LAST_CHILD}-{other.pk}", label))
        self.fields["position"].choices = choices

    def clean_position(self):
        position, _dash, pk = self.cleaned_data["position"].rpartition("-")
        self.target = self.targets[int(pk)]
        self.where = position
        return self.cleaned_data["position"]


def _excerpt(event):
    return truncatechars(html_to_text(event.text), 160)


class TicketEntriesForm(forms.Form):
    """The entries of a ticket's history whose texts make the answer of a new FAQ entry."""

    entrees = forms.MultipleChoiceField(
        label=_("Textes à reprendre dans la réponse"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = {str(event.pk): event for event in events if html_to_text(event.text).strip()}
        self.fields["entrees"].choices = [
            (pk, f"{date_format(localtime(event.created_at), 'SHORT_DATETIME_FORMAT')} – {_excerpt(event)}")
            for pk, event in self.events.items()
        ]

    def chosen(self):
        """The chosen history entries, in the ticket's order."""
        picked = set(self.cleaned_data.get("entrees") or [])
        return [event for pk, event in self.events.items() if pk in picked]
