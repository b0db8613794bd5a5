"""Mail in: every message the portal received, once, with what became of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.comments import Event
from tickets.models.tickets import Ticket


class IncomingStatus(models.TextChoices):
    RECORDED = "recorded", _("Enregistré")
    REFUSED = "refused", _("Refusé")
    IGNORED = "ignored", _("Ignoré")
    FAILED = "failed", _("Échec")


class IncomingMail(models.Model):
    """A message received by mail (IMAP, MTA pipe or the demo), recorded in the transaction of what it did.

    ``key`` (its Message-ID, or a digest of its bytes when it has none) is unique: the same message
    received twice is recorded once. A failed message (``FAILED``) is kept aside (``kept_as``) for an
    administrator, and is tried again if it comes back.
    """

    key = models.CharField(_("identifiant du message"), max_length=255, unique=True)
    source = models.CharField(_("reçu par"), max_length=8)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    sender = models.CharField(_("expéditeur"), max_length=254, blank=True)
    to_address = models.CharField(_("adressé à"), max_length=254, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    status = models.CharField(_("état"), max_length=8, choices=IncomingStatus)
    reason = models.CharField(_("raison"), max_length=40, blank=True)
    detail = models.TextField(_("détail"), blank=True)
    answered = models.BooleanField(_("réponse envoyée"), default=False)
    kept_as = models.CharField(_("conservé dans"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ticket")
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("action")
    )

    class Meta:
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["sender", "received_at"], name="incomingmail_sender_received")]

    def __str__(self):
        return f"{self.sender} — {self.subject}"
