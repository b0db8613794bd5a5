"""History entries ("comments"): what happened to a ticket, who did it, who may read it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.choices import EntryScope, Status
from tickets.models.tickets import Ticket


class Event(models.Model):
    """One entry of a ticket's history, written by the workflow; never edited, never deleted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("ticket"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
        help_text=_("Vide pour une action automatique."),
    )
    kind = models.CharField(_("action"), max_length=40)
    old_status = models.CharField(_("ancien statut"), max_length=20, choices=Status, blank=True)
    new_status = models.CharField(_("nouveau statut"), max_length=20, choices=Status)
    text = models.TextField(_("texte"), blank=True)
    scope = models.CharField(_("visibilité"), max_length=16, choices=EntryScope, default=EntryScope.INVITED)
    data = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("entrée d'historique")
        verbose_name_plural = _("historique")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            # The Journal reads every service's entries newest first, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="event_newest_first"),
            # The statistics count the changes of status to and from a final one, and the closure refusals.
            models.Index(
                fields=["created_at", "ticket"],
                include=["old_status", "new_status", "kind"],
                name="event_status_moves_cover",
                condition=models.Q(new_status__in=["approved", "expired", "cancelled", "rejected"])
                | models.Q(old_status__in=["approved", "expired", "cancelled", "rejected"])
                | models.Q(kind="ticket.closure_refused"),
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
