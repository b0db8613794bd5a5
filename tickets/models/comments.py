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
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def phrase(self):
        phrase = EVENT_PHRASES.get(self.kind, self.kind)
        if self.kind in NAMING_A_FILE:
            return phrase % {"name": (self.data or {}).get("name", "")}
        return phrase


# What each kind of history entry says, after the author's name: "Benjamin Seclier (seclier5) a créé le ticket."
EVENT_PHRASES = {
    "ticket.created": _("a créé le ticket."),
    "ticket.taken": _("a pris en charge le ticket."),
    "ticket.assigned": _("a affecté le ticket."),
    "ticket.freed": _("a libéré le ticket."),
    "ticket.information_requested": _("a demandé des informations."),
    "ticket.commented": _("a ajouté un commentaire."),
    "ticket.postponed": _("a reporté le ticket."),
    "ticket.recalled": _("a rappelé le ticket."),
    "ticket.closure_requested": _("a demandé la clôture du ticket."),
    "ticket.closed": _("a clos le ticket."),
    "ticket.closure_approved": _("a approuvé la clôture."),
    "ticket.closure_refused": _("a refusé la clôture."),
    "ticket.expired": _("La demande de clôture a expiré."),
    "ticket.cancelled": _("a annulé le ticket."),
    "ticket.rejected": _("a refusé le ticket."),
    "ticket.reopened": _("a ré-ouvert le ticket."),
    "ticket.moved": _("a déplacé le ticket."),
    "ticket.subject_changed": _("a changé le sujet."),
    "ticket.priority_changed": _("a changé la priorité."),
    "ticket.scope_changed": _("a changé la visibilité."),
    "ticket.owner_changed": _("a changé le propriétaire."),
    "ticket.invited": _("a invité une personne."),
    "ticket.uninvited": _("a retiré une invitation."),
    "ticket.file_added": _("a ajouté un fichier."),
    "ticket.file_removed": _("a supprimé le fichier « %(name)s »."),
}
# Phrases naming the file the entry is about (kept in its data, since the file itself is gone).
NAMING_A_FILE = frozenset({"ticket.file_removed"})
