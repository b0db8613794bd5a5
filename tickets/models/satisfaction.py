"""The owner's satisfaction, asked when they approve a closure: a rating from 1 to 5 and a comment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.tickets import Ticket

# The longest comment kept with a rating, in characters.
SATISFACTION_COMMENT_MAX_LENGTH = 2000


class Satisfaction(models.Model):
    """Given at most once per ticket, never required. Kept with the service, category and manager the ticket had
    at approval, so that the statistics do not move when a ticket is moved or reopened later."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("ticket")
    )
    rating = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("De 1 (pas du tout) à 5.")
    )
    comment = models.TextField(_("commentaire"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("auteur")
    )
    service = models.ForeignKey(
        "tickets.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )
    category = models.ForeignKey(
        "tickets.Category", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("catégorie")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gestionnaire"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction")
        verbose_name_plural = _("satisfactions")
        indexes = [models.Index(fields=["service", "created_at"], name="satisfaction_service_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="satisfaction_rating_range")
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.rating}/5"
