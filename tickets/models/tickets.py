"""Tickets and the people linked to them: invitees, followers, bookmarks and views.

Only ``tickets.workflow`` changes a ticket's status, service, manager or owner.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.categories import Category
from tickets.models.choices import FINAL_STATUSES, OPEN_STATUSES, Origin, Priority, Status, TicketScope
from tickets.models.services import Service

# What the delays of the statistics read of a ticket taken in charge or closed in a period.
DELAY_COLUMNS = ["created_at", "service", "category", "manager", "origin"]

# What the dashboard calls open ("Ouverts"): what someone still has to act on. Sorted, so that the
# dashboard's filter and the partial indexes below read the same condition.
DASHBOARD_OPEN_STATUSES = sorted(OPEN_STATUSES | {Status.CLOSURE_REQUESTED})

# The lifecycle order, so that sorting by status reads Libre, Pris en charge, … rather than by code.
STATUS_ORDER = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status.values)),
    default=Value(len(Status.values)),
    output_field=IntegerField(),
)


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
    # No index of its own: ticket_category_status starts with it. PostgreSQL, offered both, built a bitmap
    # of the whole category to count the first 1,001 of its tickets.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, db_index=False, related_name="tickets", verbose_name=_("catégorie")
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
            # The dashboard's counts read these two alone (index-only scans that stop at the 1,001st row):
            # a manager's tickets in their services, a category's with or without a manager.
            models.Index(fields=["manager", "status", "service"], include=["category"], name="ticket_manager_status"),
            models.Index(fields=["category", "status", "manager"], include=["service"], name="ticket_category_status"),
            models.Index(fields=["owner", "-created_at"], name="ticket_owner_created"),
            # The ENT tab's counter: a person's open tickets, and those waiting for their approval.
            models.Index(fields=["owner", "status"], name="ticket_owner_status"),
            # One per sort the dashboard offers, the ticket number breaking ties (read backwards for the
            # other direction): the first pages never sort the whole table.
            # This one also carries what the visibility predicate and the filters test: a deep page skips its
            # 975 rows in the index alone, without a table read for each.
            models.Index(
                fields=["-last_action_at", "-id"],
                include=["service", "status", "owner", "scope", "manager"],
                name="ticket_last_action",
            ),
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(Lower("subject"), "id", name="ticket_subject"),
            models.Index(STATUS_ORDER, "id", name="ticket_status_order"),
            # The default views, over open tickets only: a manager's and a service's, most recent first.
            models.Index(
                fields=["manager", "-last_action_at", "-id"],
                condition=models.Q(status__in=DASHBOARD_OPEN_STATUSES),
                name="ticket_open_manager_recent",
            ),
            models.Index(
                fields=["service", "-last_action_at", "-id"],
                condition=models.Q(status__in=DASHBOARD_OPEN_STATUSES),
                name="ticket_open_service_recent",
            ),
            # The public tickets of the services a user sees, counted alone: past 1,000 of them, "Tous" says
            # "plus de 1 000" without testing the visibility predicate on each ticket.
            models.Index(
                fields=["service", "status"],
                condition=models.Q(scope=TicketScope.PUBLIC),
                name="ticket_public_service_status",
            ),
            models.Index(fields=["status", "recall_at"], name="ticket_status_recall"),
            # The statistics read tickets by the date they were filed, taken in charge, closed.
            # Each covers what the statistics read of the tickets (index-only scans, no table access).
            models.Index(
                fields=["created_at", "service"],
                include=["category", "manager", "origin", "subject"],
                name="ticket_created_cover",
            ),
            models.Index(fields=["taken_at"], include=DELAY_COLUMNS, name="ticket_taken_cover"),
            models.Index(
                fields=["closed_at"],
                include=DELAY_COLUMNS,
                condition=models.Q(status__in=sorted(FINAL_STATUSES)),
                name="ticket_closed_cover",
            ),
        ]

    def __str__(self):
        return f"n°{self.pk} : {self.subject}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


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
