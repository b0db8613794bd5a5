"""Categories: the tree of each service; the category chosen decides which service handles a ticket."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from tickets.models.choices import Priority, TicketScope
from tickets.models.services import Service


class Category(MP_Node):
    """A node of a service's category tree. The category chosen decides which service handles a ticket."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="categories", verbose_name=_("service"))
    code = models.CharField(_("code"), max_length=50, blank=True)
    label = models.CharField(_("libellé"), max_length=300)
    short_label = models.CharField(_("libellé court"), max_length=100, blank=True)
    help_text = models.TextField(_("aide"), blank=True)
    default_subject = models.CharField(_("sujet par défaut"), max_length=200, blank=True)
    default_message = models.TextField(_("message par défaut"), blank=True)
    default_priority = models.PositiveSmallIntegerField(
        _("priorité par défaut"), choices=Priority, default=Priority.NORMAL
    )
    default_scope = models.CharField(
        _("visibilité par défaut"),
        max_length=16,
        choices=TicketScope,
        blank=True,
        help_text=_("Vide : celle du service."),
    )
    redirect_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("redirection")
    )
    enabled = models.BooleanField(
        _("active"), default=True, help_text=_("Une catégorie désactivée ne reçoit plus de ticket et garde les siens.")
    )
    hidden = models.BooleanField(
        _("masquée"), default=False, help_text=_("Absente de la liste du dépôt ; son lien direct reste valable.")
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="first_categories",
        verbose_name=_("gestionnaires de la catégorie"),
        help_text=_("Ils reçoivent ses tickets en premier quand le service affecte automatiquement."),
    )
    accepts_tickets = models.BooleanField(_("un ticket peut être déposé ici"), default=True)

    node_order_by = None

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")

    @property
    def title(self):
        """The long form shown when depositing: "02_App_Gestion - Support technique pour …"."""
        return self.title_of(self.code, self.label)

    @staticmethod
    def title_of(code, label):
        """``title`` from the fields alone, for lists that read them as values."""
        return f"{code} - {label}" if code else label

    @property
    def short_title(self):
        """The short form shown on the ticket page: "02_App_Gestion - Applications scolarité"."""
        return self.short_title_of(self.code, self.label, self.short_label)

    @staticmethod
    def short_title_of(code, label, short_label):
        """``short_title`` from the fields alone, for lists that read them as values."""
        label = short_label or label
        return f"{code} - {label}" if code else label

    def __str__(self):
        return self.title
