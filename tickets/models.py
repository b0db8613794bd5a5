"""The ticket domain's data: services, categories, tickets and what hangs from them.

Only ``tickets.workflow`` changes a ticket's status, service, manager or owner.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


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


class Service(models.Model):
    """A department that handles tickets: "Pôle applications de scolarité"."""

    label = models.CharField(_("libellé"), max_length=200, unique=True)
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
    enabled = models.BooleanField(_("actif"), default=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="managed_services", verbose_name=_("gestionnaires")
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["label"]

    def __str__(self):
        return self.label


class Membership(models.Model):
    """A manager of a service, with the privileges this service grants them."""

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
    enabled = models.BooleanField(_("active"), default=True)
    accepts_tickets = models.BooleanField(_("un ticket peut être déposé ici"), default=True)

    node_order_by = None

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")

    @property
    def title(self):
        """The long form shown when depositing: "02_App_Gestion - Support technique pour …"."""
        return f"{self.code} - {self.label}" if self.code else self.label

    @property
    def short_title(self):
        """The short form shown on the ticket page: "02_App_Gestion - Applications scolarité"."""
        label = self.short_label or self.label
        return f"{self.code} - {label}" if self.code else label

    def __str__(self):
        return self.title


class Ticket(models.Model):
    """A request for help. Its number, shown as "TICKET n°255228", is its primary key."""

    subject = models.CharField(_("sujet"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("statut"), max_length=20, choices=Status, default=Status.FREE)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority, default=Priority.NORMAL)
    scope = models.CharField(_("visibilité"), max_length=16, choices=TicketScope, default=TicketScope.PRIVATE)
    origin = models.CharField(_("origine"), max_length=8, choices=Origin, default=Origin.WEB)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_tickets", verbose_name=_("propriétaire")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_tickets",
        verbose_name=_("gestionnaire"),
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("catégorie")
    )
    recall_at = models.DateTimeField(_("date de rappel"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_action_at = models.DateTimeField(_("dernière action le"), default=timezone.now)
    taken_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    # Raised by every action: a form carries the version it was shown, so a stale page is detected.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["service", "status"], name="ticket_service_status"),
            models.Index(fields=["manager", "status"], name="ticket_manager_status"),
            models.Index(fields=["owner", "-created_at"], name="ticket_owner_created"),
            models.Index(fields=["-last_action_at"], name="ticket_last_action"),
            models.Index(fields=["status", "recall_at"], name="ticket_status_recall"),
        ]

    def __str__(self):
        return f"n°{self.pk} : {self.subject}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


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
        return EVENT_PHRASES.get(self.kind, self.kind)


def attachment_path(attachment, filename):
    # The stored name never comes from the user: it is only a key for the file.
    return f"attachments/{timezone.now():%Y/%m}/{attachment.token}"


class Attachment(models.Model):
    """A file of a ticket, stored outside any public URL and served by a view that checks its scope."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("ticket"))
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments", verbose_name=_("action")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("déposé par")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("vignette"), upload_to="thumbnails/", blank=True, max_length=200)
    name = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille"))
    scope = models.CharField(_("visibilité"), max_length=16, choices=EntryScope, default=EntryScope.INVITED)
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier attaché")
        verbose_name_plural = _("fichiers attachés")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class TicketUserLink(models.Model):
    """A link between a ticket and a user, at most one of each kind per pair."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="%(class)s_unique")]

    def __str__(self):
        return f"{self.ticket_id} – {self.user_id}"


class Invitation(TicketUserLink):
    """A user invited on one ticket: they see it and may comment."""

    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TicketUserLink.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")


class Follower(TicketUserLink):
    """A user who gets every notification of a ticket ("Surveillance du ticket")."""

    class Meta(TicketUserLink.Meta):
        verbose_name = _("surveillance")
        verbose_name_plural = _("surveillances")


class Bookmark(TicketUserLink):
    """A ticket kept in the user's "Signets"."""

    class Meta(TicketUserLink.Meta):
        verbose_name = _("signet")
        verbose_name_plural = _("signets")


class View(TicketUserLink):
    """When a user last opened a ticket: feeds "Historique" and the unread marks."""

    class Meta(TicketUserLink.Meta):
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["user", "-created_at"], name="view_user_recent")]


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
}


class ActionLink(models.Model):
    """A link of a mail that opens a ticket with one action's form in front, for one recipient.

    The URL carries a signed token naming this row; the row makes the link work once, expire, and die
    when the ticket has moved on since the mail was written (its version changed).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("destinataire")
    )
    action = models.CharField(_("action"), max_length=40)
    ticket_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lien d'action")
        verbose_name_plural = _("liens d'action")

    def __str__(self):
        return f"{self.ticket_id} {self.action} {self.recipient_id}"


class MailPreferences(models.Model):
    """What a person wants to receive by mail; without a row, the defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preferences",
        verbose_name=_("utilisateur"),
    )
    mail_on_own_tickets = models.BooleanField(
        _("courriel pour chaque action sur mes tickets"),
        default=True,
        help_text=_("Un courriel à chaque action sur les tickets dont vous êtes le propriétaire."),
    )

    class Meta:
        verbose_name = _("préférences de courriel")
        verbose_name_plural = _("préférences de courriel")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        """The user's preferences, or unsaved defaults when they never chose."""
        try:
            return user.mail_preferences
        except cls.DoesNotExist:
            return cls(user=user)


class MailStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class OutgoingMail(models.Model):
    """One mail to one recipient, written in the transaction of the action it tells about (the outbox).

    The body is rendered when the row is written, in the recipient's language; delivery only sends it.
    ``not_before`` is when it may go out: later than its creation when actions are grouped, or after a
    failure, to wait before the next try.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destinataire"),
        help_text=_("Vide pour une adresse qui n'est pas celle d'un utilisateur."),
    )
    to_address = models.EmailField(_("adresse"))
    language = models.CharField(_("langue"), max_length=8)
    subject = models.CharField(_("objet"), max_length=255)
    text_body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ticket")
    )
    events = models.ManyToManyField(Event, blank=True, related_name="+", verbose_name=_("actions"))
    status = models.CharField(_("état"), max_length=8, choices=MailStatus, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    not_before = models.DateTimeField(_("pas avant"), default=timezone.now)
    attempted_at = models.DateTimeField(_("dernière tentative le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # The day a daily summary is about; the constraint below keeps a manager from getting two on one day,
    # even when two schedulers run at once.
    summary_date = models.DateField(_("résumé quotidien du"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outgoingmail_status_created"),
            models.Index(fields=["ticket", "recipient", "status"], name="outgoingmail_grouping"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "summary_date"],
                condition=models.Q(summary_date__isnull=False),
                name="outgoingmail_one_summary_a_day",
            )
        ]

    def __str__(self):
        return f"{self.to_address} — {self.subject}"
