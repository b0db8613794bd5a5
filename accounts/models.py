"""Who people are: the portal's user, filled from the ENT (CAS) or a local account."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person of the university. ``username`` is the ENT login (``seclier5``)."""

    display_name = models.CharField(_("nom affiché"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    attributes = models.JSONField(
        _("attributs ENT"),
        default=dict,
        blank=True,
        help_text=_("Attributs reçus de l'ENT à la dernière connexion, utilisés par les règles de visibilité."),
    )
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    @property
    def name(self):
        """The name shown to others: "Benjamin Seclier", or the login when nothing better is known."""
        return name_of(self.display_name, self.first_name, self.last_name, self.username)

    def __str__(self):
        return label_of(self.display_name, self.first_name, self.last_name, self.username)


# What ``User.name`` and ``str(user)`` say, from the fields alone: lists read these fields as values, without
# building a user per row, and must say the same.


# The fields ``name_of`` and ``label_of`` take, in their order.
PERSON_FIELDS = ("display_name", "first_name", "last_name", "username")


def name_of(display_name, first_name, last_name, username):
    return display_name or f"{first_name} {last_name}".strip() or username


def label_of(display_name, first_name, last_name, username):
    return f"{name_of(display_name, first_name, last_name, username)} ({username})"


class CASSession(models.Model):
    """A portal session opened with a CAS service ticket, so that CAS single logout can end it.

    CAS names the session to end by its ticket: the ticket is kept as a digest, enough to
    recognise it and of no use to anyone who reads the table.
    """

    ticket_digest = models.CharField(_("empreinte du ticket"), max_length=64, unique=True)
    session_key = models.CharField(_("clé de session"), max_length=40, db_index=True)
    created = models.DateTimeField(_("ouverte le"), auto_now_add=True)

    class Meta:
        verbose_name = _("session CAS")
        verbose_name_plural = _("sessions CAS")

    def __str__(self):
        # Not the session key: whoever reads a log line must not be able to take the session.
        return f"CAS session {self.pk}"
