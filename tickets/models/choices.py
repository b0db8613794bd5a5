"""The fixed lists of the ticket domain: statuses, priorities, scopes, origins, monitoring levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    FREE = "free", _("Libre")
    IN_PROGRESS = "in_progress", _("Pris en charge")
    AWAITING_INFO = "awaiting_info", _("En attente d'informations")
    POSTPONED = "postponed", _("Reporté")
    CLOSURE_REQUESTED = "closure_requested", _("Clôture demandée")
    APPROVED = "approved", _("Clôture approuvée")
    EXPIRED = "expired", _("Expiré")
    CANCELLED = "cancelled", _("Annulé")
    REJECTED = "rejected", _("Refusé")


OPEN_STATUSES = frozenset({Status.FREE, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED})
FINAL_STATUSES = frozenset({Status.APPROVED, Status.EXPIRED, Status.CANCELLED, Status.REJECTED})


class Priority(models.IntegerChoices):
    LOW = 1, _("Basse")
    NORMAL = 2, _("Normale")
    HIGH = 3, _("Haute")
    URGENT = 4, _("Urgente")


class TicketScope(models.TextChoices):
    """Who may see a ticket beyond its owner, invitees and the service's managers."""

    PRIVATE = "private", _("Privé")
    PUBLIC = "public", _("Public")


class EntryScope(models.TextChoices):
    """Who may see a history entry or a file of a ticket."""

    PUBLIC = "public", _("Publique")
    INVITED = "invited", _("Gestionnaires, propriétaire et invités")
    INVITED_MANAGERS = "invited_managers", _("Gestionnaires et invités")
    OWNER = "owner", _("Gestionnaires et propriétaire")
    MANAGERS = "managers", _("Gestionnaires")


class Origin(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Courriel")
    PHONE = "phone", _("Téléphone")
    OTHER = "other", _("Autre")


class Monitoring(models.TextChoices):
    NEVER = "never", _("Jamais")
    FREE = "free", _("À la création et quand le ticket redevient libre")
    ALWAYS = "always", _("Toujours")
