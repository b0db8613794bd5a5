"""Services (the departments that handle tickets) and their managers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tickets.models.choices import Monitoring, Priority, TicketScope


class AssignmentMode(models.TextChoices):
    """How a new ticket finds its manager when the service assigns automatically."""

    LEAST_LOADED = "least_loaded", _("Le gestionnaire disponible le moins chargé")
    CATEGORY = "category", _("Les gestionnaires de la catégorie d'abord")


class Service(models.Model):
    """A department that handles tickets: "Pôle applications de scolarité"."""

    label = models.CharField(_("libellé"), max_length=200, unique=True)
    short_label = models.CharField(
        _("libellé court"), max_length=60, blank=True, help_text=_("Affiché dans les listes ; vide : le libellé.")
    )
    email = models.EmailField(_("adresse électronique"), blank=True)
    default_scope = models.CharField(
        _("visibilité par défaut des tickets"), max_length=16, choices=TicketScope, default=TicketScope.PRIVATE
    )
    closure_delay_days = models.PositiveSmallIntegerField(
        _("délai d'expiration d'une demande de clôture (jours)"), default=14
    )
    auto_assign = models.BooleanField(
        _("affectation automatique"),
        default=False,
        help_text=_("Un nouveau ticket est confié à un gestionnaire disponible du service."),
    )
    assignment_mode = models.CharField(
        _("mode d'affectation automatique"),
        max_length=16,
        choices=AssignmentMode,
        default=AssignmentMode.LEAST_LOADED,
    )
    default_priority = models.PositiveSmallIntegerField(
        _("priorité par défaut"), choices=Priority, default=Priority.NORMAL
    )
    visible_by_default = models.BooleanField(
        _("visible quand aucune règle ne s'applique"),
        default=True,
        help_text=_("Les règles de visibilité sont lues dans l'ordre ; la première qui s'applique décide."),
    )
    enabled = models.BooleanField(_("actif"), default=True)
    mail_in_address = models.EmailField(
        _("adresse de réception des demandes"),
        blank=True,
        help_text=_(
            "Un courriel reçu à cette adresse ouvre un ticket pour son expéditeur, s'il a un compte "
            "(voir « Réception du courriel » dans la documentation)."
        ),
    )
    mail_in_category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catégorie des tickets reçus par courriel"),
        help_text=_("Vide : la première catégorie du service qui accepte des tickets."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="managed_services", verbose_name=_("gestionnaires")
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["label"]
        constraints = [
            # One address opens tickets in one service only.
            models.UniqueConstraint(
                Lower("mail_in_address"), condition=~models.Q(mail_in_address=""), name="service_mail_in_unique"
            )
        ]

    def __str__(self):
        return self.label

    def clean(self):
        """Raises ``ValidationError`` when the category of tickets received by mail is another service's."""
        if self.mail_in_category_id and self.mail_in_category.service_id != self.pk:
            raise ValidationError({"mail_in_category": _("Choisissez une catégorie de ce service.")})


class Membership(models.Model):
    """A manager of a service, with the privileges this service grants them."""

    # The privilege fields, in the order the managers' page and the Django admin show them.
    PRIVILEGES = (
        "can_take_free",
        "can_take_assigned",
        "can_assign",
        "can_move",
        "can_reject",
        "can_reopen",
        "can_manage_categories",
        "can_manage_faq",
        "can_manage_managers",
        "can_manage_service",
    )

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("service")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gestionnaire")
    )
    available = models.BooleanField(
        _("disponible"),
        default=True,
        help_text=_("Un gestionnaire indisponible ne reçoit aucune affectation automatique."),
    )
    monitoring = models.CharField(_("surveillance"), max_length=8, choices=Monitoring, default=Monitoring.FREE)
    daily_summary = models.BooleanField(_("résumé quotidien"), default=False)
    can_take_free = models.BooleanField(_("prendre un ticket libre"), default=True)
    can_take_assigned = models.BooleanField(_("prendre un ticket déjà affecté"), default=True)
    can_assign = models.BooleanField(_("affecter à un autre gestionnaire"), default=True)
    can_move = models.BooleanField(_("déplacer vers un autre service"), default=True)
    can_reject = models.BooleanField(_("refuser un ticket"), default=True)
    can_reopen = models.BooleanField(_("ré-ouvrir un ticket"), default=True)
    can_manage_categories = models.BooleanField(_("gérer les catégories"), default=True)
    can_manage_faq = models.BooleanField(_("gérer la FAQ"), default=True)
    can_manage_managers = models.BooleanField(_("gérer les gestionnaires du service"), default=False)
    can_manage_service = models.BooleanField(_("gérer les propriétés du service"), default=False)

    class Meta:
        verbose_name = _("gestionnaire du service")
        verbose_name_plural = _("gestionnaires du service")
        constraints = [models.UniqueConstraint(fields=["service", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.service}"
