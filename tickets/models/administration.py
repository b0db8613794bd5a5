"""What managers set up for their service beyond tickets: visibility rules, saved responses, and the audit
log of every administration change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.categories import Category
from tickets.models.services import Service


class RuleEffect(models.TextChoices):
    ALLOW = "allow", _("Autoriser")
    DENY = "deny", _("Refuser")


class RuleTest(models.TextChoices):
    """What a rule looks at in a person: one of their ENT attributes, or how they log in."""

    EQUALS = "equals", _("est égal à")
    CONTAINS = "contains", _("contient")
    STARTS_WITH = "starts_with", _("commence par")
    PRESENT = "present", _("est présent")
    LOCAL_ACCOUNT = "local_account", _("compte local (hors ENT)")
    ENT_ACCOUNT = "ent_account", _("compte ENT")
    EVERYONE = "everyone", _("tout le monde")


class VisibilityRule(models.Model):
    """One ordered line of a service's (or a category's) visibility: the first rule that applies decides.

    ``attribute`` names an ENT attribute as the CAS server sends it (``eduPersonAffiliation``,
    ``supannEtablissement``, ``supannEntiteAffectation``, …); multi-valued attributes match when one value does.
    """

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="visibility_rules", verbose_name=_("service")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visibility_rules",
        verbose_name=_("catégorie"),
        help_text=_("Vide : tout le service."),
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    effect = models.CharField(_("effet"), max_length=8, choices=RuleEffect, default=RuleEffect.ALLOW)
    test = models.CharField(_("condition"), max_length=16, choices=RuleTest, default=RuleTest.EQUALS)
    attribute = models.CharField(_("attribut ENT"), max_length=100, blank=True)
    value = models.CharField(_("valeur"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("règle de visibilité")
        verbose_name_plural = _("règles de visibilité")
        ordering = ["service", "category", "position", "pk"]
        indexes = [models.Index(fields=["service", "position"], name="visibility_rule_order")]

    def __str__(self):
        return f"{self.service_id} {self.position} {self.effect} {self.test} {self.attribute} {self.value}"


class SavedResponse(models.Model):
    """A reply kept to be inserted into an action's text: personal (``owner``), of a service, or global."""

    label = models.CharField(_("libellé"), max_length=200)
    text = models.TextField(_("texte"), help_text=_("Texte enrichi ; {nom}, {numero} et {sujet} sont remplacés."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_responses",
        verbose_name=_("personnelle de"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_responses",
        verbose_name=_("service"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse enregistrée")
        verbose_name_plural = _("réponses enregistrées")
        ordering = ["label", "pk"]
        constraints = [
            # Personal or of a service, never both; neither: a global response, the admins'.
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True) | models.Q(service__isnull=True),
                name="saved_response_one_owner",
            )
        ]

    def __str__(self):
        return self.label


class AdminChange(models.Model):
    """One administration change made through the portal: who changed what, when, with before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="admin_changes",
        verbose_name=_("service"),
        help_text=_("Vide : un changement qui concerne tout le portail."),
    )
    # Dotted, like history entries: "service.updated", "category.moved", "manager.added", "rule.deleted", …
    kind = models.CharField(_("changement"), max_length=40)
    target = models.CharField(_("objet"), max_length=300, help_text=_("Ce qui a changé, tel qu'il s'appelait."))
    # {"field": [before, after], …}
    details = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("changement d'administration")
        verbose_name_plural = _("journal d'administration")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "-created_at"], name="admin_change_service")]

    def __str__(self):
        return f"{self.kind} {self.target} {self.created_at:%Y-%m-%d %H:%M}"
