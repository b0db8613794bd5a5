"""The forms of the Préférences page: the language (``accounts``), mail, and for managers how each of their
services reaches them. They are validated and saved together: one bad value saves nothing."""

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import PreferencesForm
from tickets.models import MailPreferences, Membership, Monitoring

# What a manager may set on their own membership; the privileges are the service's to grant.
OWN_MEMBERSHIP_FIELDS = ["monitoring", "daily_summary", "available"]


class MailPreferencesForm(forms.ModelForm):
    class Meta:
        model = MailPreferences
        fields = ["mail_on_own_tickets"]
        labels = {"mail_on_own_tickets": _("Recevoir un courriel pour chaque action sur mes tickets")}


class MembershipPreferencesForm(forms.ModelForm):
    """A manager's own settings for one service."""

    class Meta:
        model = Membership
        fields = OWN_MEMBERSHIP_FIELDS
        labels = {
            "monitoring": _("Courriel sur les tickets du service"),
            "daily_summary": _("Résumé quotidien"),
            "available": _("Disponible"),
        }
        widgets = {"monitoring": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitoring"].choices = Monitoring.choices  # no empty choice for a radio group
        days = settings.SUMMARY_IDLE_DAYS
        self.fields["daily_summary"].help_text = ngettext(
            "Un courriel chaque matin : les tickets libres, les vôtres et ceux sans action depuis %(days)s jour.",
            "Un courriel chaque matin : les tickets libres, les vôtres et ceux sans action depuis %(days)s jours.",
            days,
        ) % {"days": days}


class PreferencesForms:
    """Every form of the page for ``user``, bound to ``data`` on a POST.

    A manager's service forms come from their own memberships, each prefixed with its service's id: fields
    posted for any other membership, of another person or another service, are never read.
    """

    def __init__(self, user, data=None):
        self.user = user
        self.language = PreferencesForm(data, instance=user)
        self.mail = MailPreferencesForm(data, instance=MailPreferences.of(user), prefix="mail")
        memberships = (
            Membership.objects.filter(user=user, service__enabled=True)
            .select_related("service")
            .order_by("service__label", "service_id")
        )
        self.services = [
            MembershipPreferencesForm(data, instance=membership, prefix=f"service-{membership.service_id}")
            for membership in memberships
        ]

    @property
    def all(self):
        return [self.language, self.mail, *self.services]

    @property
    def has_errors(self):
        return any(form.is_bound and form.errors for form in self.all)

    def is_valid(self):
        # Every form is validated, so that each bad value shows its error at once.
        return all([form.is_valid() for form in self.all])

    @transaction.atomic
    def save(self):
        """Saves what changed, in a fixed number of queries whatever the number of services; only the
        fields of the page, so that what an administrator changed meanwhile (privileges) stays."""
        if self.language.has_changed():
            self.language.save(commit=False).save(update_fields=["language"])
        if self.mail.has_changed():
            self.mail.save()
        changed = [form.save(commit=False) for form in self.services if form.has_changed()]
        if changed:
            Membership.objects.bulk_update(changed, OWN_MEMBERSHIP_FIELDS)
