"""Mail: the outbox, the action links mails carry, and what each person wants to receive."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.comments import Event
from tickets.models.tickets import Ticket


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
