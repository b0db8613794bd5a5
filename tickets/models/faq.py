"""Questions fréquentes: each service's FAQ and the general one, a tree of sections and questions.

An entry is read by whom its scope and its ancestors' scopes allow (``tickets.faq.access``); its answer is
rich text kept sanitised like a ticket's description. Every change is written to ``FaqChange``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from tickets.models.categories import Category
from tickets.models.services import Service


class FaqScope(models.TextChoices):
    """Who may read an entry, from the widest to the narrowest."""

    EVERYONE = "everyone", _("Tout le monde")
    USERS = "users", _("Personnes connectées")
    MANAGERS = "managers", _("Gestionnaires du service")


# How wide each scope is: a reader at level n reads the entries whose scope's rank is at most n.
SCOPE_RANK = {FaqScope.EVERYONE: 0, FaqScope.USERS: 1, FaqScope.MANAGERS: 2}


class FaqEntry(MP_Node):
    """A section or a question of a FAQ. Without a service, it belongs to the general FAQ.

    Sections hold other entries; a question may too. The tree's order is the order shown. An entry and
    its descendants always belong to the same FAQ (the same service, or none).
    """

    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="faq_entries",
        verbose_name=_("service"),
        help_text=_("Vide : la FAQ générale."),
    )
    is_section = models.BooleanField(_("rubrique"), default=False)
    title = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("réponse"), blank=True)
    scope = models.CharField(_("visibilité"), max_length=16, choices=FaqScope, default=FaqScope.EVERYONE)
    hidden = models.BooleanField(
        _("masquée"), default=False, help_text=_("Une entrée masquée n'est lue que par ceux qui gèrent la FAQ.")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="faq_entries", verbose_name=_("catégories liées")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mise à jour par"),
    )

    node_order_by = None

    class Meta:
        verbose_name = _("entrée de FAQ")
        verbose_name_plural = _("entrées de FAQ")
        indexes = [models.Index(fields=["service", "path"], name="faq_service_path")]

    def __str__(self):
        return self.title


def faq_file_path(faq_file, filename):
    # The stored name never comes from the user: it is only a key for the file.
    return f"faq/{timezone.now():%Y/%m}/{faq_file.token}"


class FaqFile(models.Model):
    """A file or an image of an entry's answer, served by a view that checks the entry may be read."""

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="files", verbose_name=_("entrée"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("fichier"), upload_to=faq_file_path, max_length=200)
    thumbnail = models.FileField(_("vignette"), upload_to="thumbnails/", blank=True, max_length=200)
    name = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier d'une entrée de FAQ")
        verbose_name_plural = _("fichiers des entrées de FAQ")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class FaqChangeKind(models.TextChoices):
    CREATED = "created", _("Création")
    EDITED = "edited", _("Modification")
    MOVED = "moved", _("Déplacement")
    HIDDEN = "hidden", _("Masquage")
    SHOWN = "shown", _("Affichage")
    DELETED = "deleted", _("Suppression")
    FILE_ADDED = "file_added", _("Ajout d'un fichier")
    FILE_REMOVED = "file_removed", _("Suppression d'un fichier")


class FaqChange(models.Model):
    """One line of an entry's history: who changed what, and when. Kept when the entry is deleted."""

    entry = models.ForeignKey(
        FaqEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes", verbose_name=_("entrée")
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    title = models.CharField(_("question"), max_length=300, help_text=_("Le titre de l'entrée à ce moment."))
    kind = models.CharField(_("changement"), max_length=16, choices=FaqChangeKind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # {"field": [before, after], …} for an edit; {"from": …, "to": …} for a move; {"name": …} for a file.
    details = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("modification d'une entrée de FAQ")
        verbose_name_plural = _("historique des entrées de FAQ")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["entry", "-created_at"], name="faq_change_entry")]

    def __str__(self):
        return f"{self.title} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class FaqVote(models.Model):
    """A person's answer to "Cette réponse vous a-t-elle aidé ?": one per person and entry, changeable."""

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="votes", verbose_name=_("entrée"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("personne")
    )
    helpful = models.BooleanField(_("utile"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("avis sur une entrée de FAQ")
        verbose_name_plural = _("avis sur les entrées de FAQ")
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="faq_vote_once")]

    def __str__(self):
        return f"{self.entry_id} {self.user_id} {'+' if self.helpful else '-'}"
