"""The one state machine of tickets: every action is a function here, and nothing else writes a
ticket's status, service, manager or owner.

Each action locks the ticket's row, checks that the ticket has not changed since the actor saw it,
that the move is allowed from the current status (``MOVES``) and that the actor holds the right
(``tickets.permissions``), saves, adds what it changed to the pre-computed statistics
(``tickets.statistics.facts``), writes one history entry, rewrites the ticket's search index rows
(``tickets.search.index``) and announces the entry to notifications. The ticket it returns carries that
entry as ``recorded_entry``, so that a caller may attach files to it in the same transaction
(``tickets.services.files``).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets import permissions
from tickets.attachments.storage import delete_files_after_commit
from tickets.categories.tree import takes_tickets
from tickets.comments.scopes import writable_scopes
from tickets.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    SATISFACTION_COMMENT_MAX_LENGTH,
    AssignmentMode,
    Attachment,
    EntryScope,
    Event,
    Invitation,
    Membership,
    Satisfaction,
    Status,
    Ticket,
    TicketScope,
)
from tickets.notifications import announce
from tickets.richtext import sanitize_html
from tickets.search.index import index_ticket
from tickets.statistics.facts import record_change, state_of

OPEN = OPEN_STATUSES
FINAL = FINAL_STATUSES
ANY = frozenset(Status)
KEEP = "keep"  # the status does not change
TAKEN = "taken"  # free becomes in progress, other open statuses keep theirs
ANSWERED = "answered"  # awaiting information becomes in progress when the owner or the manager in charge writes
REOPENED = "reopened"  # in progress when the former manager still manages the service, else free
MOVED = "moved"  # unchanged, but an in-progress ticket whose manager was freed by the move is free again
HANDED_OVER = "handed_over"  # free when nobody takes it over, else unchanged (in progress when it was free)

# The allowed moves, as in the specification's actions table: action → (from, to).
MOVES = {
    "take":              (OPEN,                                   TAKEN),
    "assign":            (OPEN,                                   TAKEN),
    "free":              ({Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED}, Status.FREE),
    "request_info":      ({Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED}, Status.AWAITING_INFO),
    "comment":           (ANY,                                    ANSWERED),
    "postpone":          ({Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED}, Status.POSTPONED),
    "recall":            ({Status.POSTPONED},                     Status.IN_PROGRESS),
    "request_closure":   ({Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED}, Status.CLOSURE_REQUESTED),
    "close":             (OPEN,                                   Status.APPROVED),
    "approve_closure":   ({Status.CLOSURE_REQUESTED},             Status.APPROVED),
    "refuse_closure":    ({Status.CLOSURE_REQUESTED},             Status.IN_PROGRESS),
    "expire":            ({Status.CLOSURE_REQUESTED},             Status.EXPIRED),
    "cancel":            (OPEN,                                   Status.CANCELLED),
    "reject":            (OPEN,                                   Status.REJECTED),
    "reopen":            (FINAL,                                  REOPENED),
    "move":              (ANY,                                    MOVED),
    "change_subject":    (ANY - FINAL,                            KEEP),
    "change_priority":   (ANY - FINAL,                            KEEP),
    "change_scope":      (ANY,                                    KEEP),
    "change_owner":      (ANY - FINAL,                            KEEP),
    "invite":            (ANY,                                    KEEP),
    "uninvite":          (ANY,                                    KEEP),
    "add_file":          (ANY,                                    KEEP),
    "remove_file":       (ANY,                                    KEEP),
    "hand_over":         ((OPEN - {Status.FREE}) | {Status.CLOSURE_REQUESTED}, HANDED_OVER),
}  # fmt: skip

# Who may do each action, given the ticket as it is now (see tickets.permissions).
RIGHTS = {
    "take": permissions.can_take,
    "assign": permissions.can_assign,
    "free": permissions.can_work,
    "request_info": permissions.can_work,
    "comment": permissions.can_comment,
    "postpone": permissions.can_work,
    "recall": permissions.can_work,
    "request_closure": permissions.can_work,
    "close": permissions.can_act_as_owner,
    "approve_closure": permissions.can_act_as_owner,
    "refuse_closure": permissions.can_act_as_owner,
    "expire": lambda user, ticket: False,  # the scheduler only
    "cancel": permissions.can_act_as_owner,
    "reject": permissions.can_reject,
    "reopen": permissions.can_reopen,
    "move": lambda user, ticket: (
        permissions.can_move(user, ticket) and (ticket.status in OPEN or permissions.is_in_charge(user, ticket))
    ),
    "change_subject": permissions.can_edit_properties,
    "change_priority": permissions.can_edit_properties,
    "change_scope": permissions.can_edit_properties,
    "change_owner": permissions.can_change_owner,
    "invite": permissions.can_invite,
    "uninvite": permissions.can_remove_invitations,
    "add_file": permissions.can_add_file,
    "remove_file": permissions.can_remove_file,
    "hand_over": permissions.can_hand_over,
}


# The history entry's kind of each action, in the past tense: what the ticket page and the mails tell.
KINDS = {
    "take": "ticket.taken",
    "assign": "ticket.assigned",
    "free": "ticket.freed",
    "request_info": "ticket.information_requested",
    "comment": "ticket.commented",
    "postpone": "ticket.postponed",
    "recall": "ticket.recalled",
    "request_closure": "ticket.closure_requested",
    "close": "ticket.closed",
    "approve_closure": "ticket.closure_approved",
    "refuse_closure": "ticket.closure_refused",
    "expire": "ticket.expired",
    "cancel": "ticket.cancelled",
    "reject": "ticket.rejected",
    "reopen": "ticket.reopened",
    "move": "ticket.moved",
    "change_subject": "ticket.subject_changed",
    "change_priority": "ticket.priority_changed",
    "change_scope": "ticket.scope_changed",
    "change_owner": "ticket.owner_changed",
    "invite": "ticket.invited",
    "uninvite": "ticket.uninvited",
    "add_file": "ticket.file_added",
    "remove_file": "ticket.file_removed",
    "hand_over": "ticket.handed_over",
}

# Actions that need a text, and what is said when it is missing.
REQUIRED_TEXT = {
    "request_info": _("Posez votre question."),
    "comment": _("Le commentaire est vide."),
    "refuse_closure": _("Expliquez pourquoi vous refusez la clôture."),
    "reject": _("Indiquez la raison du refus."),
}


# Why an action is refused, said the same way wherever it is refused.
NOT_IN_THIS_STATUS = _("Cette action n'est pas possible dans l'état actuel du ticket.")
NOT_ALLOWED = _("Vous n'avez pas le droit de faire cette action sur ce ticket.")
CATEGORY_CLOSED = _("Cette catégorie n'accepte pas de ticket.")
RECALL_IN_THE_PAST = _("La date de rappel doit être dans le futur.")


class WorkflowError(Exception):
    """An action that cannot be done; ``message`` is translated and meant for the person who tried."""

    def __init__(self, message, *, text=""):
        super().__init__(str(message))
        self.message = message
        self.text = text


class StaleTicket(WorkflowError):
    """The ticket changed since the actor saw it; ``text`` gives back what they typed."""

    def __init__(self, *, text=""):
        super().__init__(_("Le ticket a été modifié entre-temps."), text=text)


def refusal(action, ticket, user):
    """Why ``user`` may not do ``action`` on ``ticket`` now, as a translated sentence; None when they may.
    The status is checked first: what someone else did meanwhile may be why the right is gone too."""
    sources, _target = MOVES[action]
    if ticket.status not in sources:
        return NOT_IN_THIS_STATUS
    if user is None or not user.is_authenticated or not RIGHTS[action](user, ticket):
        return NOT_ALLOWED
    return None


def allows(action, ticket, user):
    """Whether ``user`` may do ``action`` on ``ticket`` now (status and right)."""
    return refusal(action, ticket, user) is None


def check_recall_date(recall_at, *, text=""):
    """Raises ``WorkflowError`` when a recall date is given and is not in the future."""
    if recall_at is not None and recall_at <= timezone.now():
        raise WorkflowError(RECALL_IN_THE_PAST, text=text)


def available_actions(user, ticket):
    """The actions the user may do on the ticket now, in the table's order."""
    return [action for action in MOVES if allows(action, ticket, user)]


@dataclass
class Change:
    """What an action does to the ticket besides its status."""

    fields: dict
    data: dict


def _lock(ticket, text):
    locked = Ticket.objects.select_for_update().select_related("service").get(pk=ticket.pk)
    if locked.version != ticket.version:
        raise StaleTicket(text=text)
    return locked


def _target_status(action, locked, actor):
    target = MOVES[action][1]
    if target == KEEP:
        return locked.status
    if target == TAKEN:
        return Status.IN_PROGRESS if locked.status == Status.FREE else locked.status
    if target == ANSWERED:
        answering = actor is not None and (locked.owner_id == actor.pk or locked.manager_id == actor.pk)
        return Status.IN_PROGRESS if locked.status == Status.AWAITING_INFO and answering else locked.status
    if target == HANDED_OVER:
        if locked.manager_id is None:
            return Status.FREE
        return Status.IN_PROGRESS if locked.status == Status.FREE else locked.status
    if target == MOVED:
        return Status.FREE if locked.status == Status.IN_PROGRESS and locked.manager_id is None else locked.status
    if target == REOPENED:
        still_manager = (
            locked.manager_id is not None
            and Membership.objects.filter(service_id=locked.service_id, user_id=locked.manager_id).exists()
        )
        return Status.IN_PROGRESS if still_manager else Status.FREE
    return target


def _perform(ticket, action, *, actor, text="", scope=EntryScope.INVITED, change=None, check=None, right=None):
    """Runs one action: lock, checks, save, history entry, announcement. Returns the updated ticket.

    ``change(locked)`` returns a ``Change`` of the other fields; ``check(locked)`` raises
    ``WorkflowError`` for action-specific rules; ``right(locked)`` replaces the action's usual right.
    ``actor`` None is the scheduler.
    Raises ``StaleTicket`` or ``WorkflowError``.
    """
    text = text or ""
    with transaction.atomic():
        locked = _lock(ticket, text)
        sources, _target = MOVES[action]
        if locked.status not in sources:
            raise WorkflowError(NOT_IN_THIS_STATUS, text=text)
        if actor is not None and not (right(locked) if right else RIGHTS[action](actor, locked)):
            raise WorkflowError(NOT_ALLOWED, text=text)
        if actor is not None and scope not in writable_scopes(actor, locked):
            raise WorkflowError(_("Cette visibilité n'est pas permise ici."), text=text)
        if action in REQUIRED_TEXT and not text.strip():
            raise WorkflowError(REQUIRED_TEXT[action], text=text)
        if check:
            check(locked)
        old_status, before = locked.status, state_of(locked)
        applied = change(locked) if change else Change({}, {})
        for name, value in applied.fields.items():
            setattr(locked, name, value)
        now = timezone.now()
        new_status = _target_status(action, locked, actor)
        fields = {**applied.fields, "status": new_status, "last_action_at": now, "version": locked.version + 1}
        if new_status == Status.IN_PROGRESS and old_status == Status.FREE and "taken_at" not in fields:
            fields["taken_at"] = now
        if new_status in FINAL and old_status not in FINAL:
            fields["closed_at"] = now
        if old_status in FINAL and new_status not in FINAL:
            fields["closed_at"] = None
        if new_status != Status.POSTPONED and "recall_at" not in fields:
            fields["recall_at"] = None
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        record_change(before, state_of(locked), (KINDS[action], old_status, new_status, now), ticket_id=locked.pk)
        locked.recorded_entry = _record(
            locked, actor, KINDS[action], old_status, sanitize_html(text), scope, applied.data, now
        )
        index_ticket(locked)
    return locked


def _record(ticket, actor, kind, old_status, text, scope, data, now):
    """Writes the one history entry of an action that brought ``ticket`` where it is now, and announces it.
    ``text`` is already sanitised."""
    event = Event.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        old_status=old_status,
        new_status=ticket.status,
        text=text,
        scope=scope,
        data=data,
        created_at=now,
    )
    announce(event)
    return event


# The actions. Each takes the ticket as the actor saw it and the actor as a keyword argument.


@transaction.atomic
def create_ticket(*, actor, category, subject, description, owner=None, priority=None, scope=None, origin="web"):
    """Files a new ticket in ``category`` (following its redirection). Returns the ticket.

    Raises ``WorkflowError`` when the category takes no tickets or the actor may not file for another owner.
    """
    category = category.redirect_to or category
    if not takes_tickets(category):
        raise WorkflowError(CATEGORY_CLOSED, text=description)
    owner = owner or actor
    service = category.service
    if owner != actor and not (actor.is_superuser or permissions.memberships_of(actor).get(service.pk)):
        raise WorkflowError(_("Seul un gestionnaire du service peut déposer un ticket pour quelqu'un d'autre."))
    now = timezone.now()
    ticket = Ticket.objects.create(
        subject=" ".join(subject.split())[:200],
        description=sanitize_html(description),
        owner=owner,
        service=service,
        category=category,
        priority=priority or category.default_priority,
        scope=scope or category.default_scope or service.default_scope,
        origin=origin,
        created_at=now,
        last_action_at=now,
    )
    manager = _automatic_manager(service, category) if service.auto_assign else None
    data = {"owner": owner.pk} if owner != actor else {}
    if manager is not None:
        ticket.status, ticket.manager, ticket.taken_at = Status.IN_PROGRESS, manager, now
        ticket.save(update_fields=["status", "manager", "taken_at"])
        data["manager"] = manager.pk
    record_change(None, state_of(ticket), ticket_id=ticket.pk)
    ticket.recorded_entry = _record(
        ticket, actor, "ticket.created", "", ticket.description, EntryScope.INVITED, data, now
    )
    index_ticket(ticket)
    return ticket


def _automatic_manager(service, category=None):
    """The available manager of the service with the fewest open tickets; in "category" mode, the least
    loaded of the category's own managers who are still available managers of the service, when there is one.
    Two queries at most, whatever the number of managers."""
    candidates = Membership.objects.filter(service=service, available=True, user__is_active=True)
    if service.assignment_mode == AssignmentMode.CATEGORY and category is not None:
        chosen = _least_loaded(candidates.filter(user__first_categories=category))
        if chosen is not None:
            return chosen
    return _least_loaded(candidates)


def _least_loaded(memberships):
    """The user of the membership whose manager has the fewest open tickets (all services), the oldest
    account first on a tie; None when there is none. One query."""
    found = (
        memberships.annotate(load=Count("user__managed_tickets", filter=Q(user__managed_tickets__status__in=OPEN)))
        .select_related("user")
        .order_by("load", "user_id")
        .first()
    )
    return found.user if found is not None else None


def take(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Prendre en charge: the actor becomes the manager in charge."""
    return _perform(
        ticket,
        "take",
        actor=actor,
        text=text,
        scope=scope,
        change=lambda t: Change({"manager": actor}, {"previous_manager": t.manager_id}),
    )


def assign(ticket, *, actor, manager, text="", scope=EntryScope.INVITED):
    """Affecter: gives the ticket to another available manager of the service."""

    def check(locked):
        if not permissions.can_assign_to(actor, locked, manager):
            raise WorkflowError(_("Ce gestionnaire ne peut pas recevoir ce ticket."), text=text)

    return _perform(
        ticket,
        "assign",
        actor=actor,
        text=text,
        scope=scope,
        check=check,
        change=lambda t: Change({"manager": manager}, {"previous_manager": t.manager_id, "manager": manager.pk}),
    )


def free(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Libérer: the ticket has no manager any more."""
    return _perform(
        ticket,
        "free",
        actor=actor,
        text=text,
        scope=scope,
        change=lambda t: Change({"manager": None}, {"previous_manager": t.manager_id}),
    )


def request_information(ticket, *, actor, text, scope=EntryScope.INVITED):
    """Demander des informations: asks the owner a question (mandatory)."""
    return _perform(ticket, "request_info", actor=actor, text=text, scope=scope)


def comment(ticket, *, actor, text, scope=EntryScope.INVITED):
    """Ajouter commentaire; the owner's (or the manager in charge's) answer puts an awaiting ticket back to work."""
    return _perform(ticket, "comment", actor=actor, text=text, scope=scope)


def postpone(ticket, *, actor, recall_at=None, text="", scope=EntryScope.INVITED):
    """Reporter, until ``recall_at`` when given (it must be in the future)."""
    return _perform(
        ticket,
        "postpone",
        actor=actor,
        text=text,
        scope=scope,
        check=lambda locked: check_recall_date(recall_at, text=text),
        change=lambda t: Change({"recall_at": recall_at}, {"recall_at": recall_at.isoformat() if recall_at else None}),
    )


def recall(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Rappeler: a postponed ticket is back to work; ``actor`` None when the scheduler does it at the recall date."""
    return _perform(ticket, "recall", actor=actor, text=text, scope=scope)


def request_closure(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Clôre, by the manager in charge: asks the owner to approve the closure."""
    return _perform(ticket, "request_closure", actor=actor, text=text, scope=scope)


def close(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Clôre, by the owner: closed for good."""
    return _perform(ticket, "close", actor=actor, text=text, scope=scope)


def approve_closure(ticket, *, actor, text="", scope=EntryScope.INVITED, rating=None, satisfaction_comment=""):
    """Approuver la clôture, with the owner's satisfaction when they give a ``rating`` (1 to 5) and
    ``satisfaction_comment`` (plain text). Written in the approval's transaction with the service,
    category and manager the ticket has now; never asked twice: a ticket already rated keeps its
    rating and a new one is ignored. The history entry's data carries ``satisfaction`` when one was
    written, so that the mail of that approval can tell the managers."""
    comment = (satisfaction_comment or "").strip()
    if rating is not None:
        check_satisfaction(rating, comment, text=text)

    def change(locked):
        written = rating is not None and _record_satisfaction(locked, actor, rating, comment)
        return Change({}, {"satisfaction": True} if written else {})

    return _perform(ticket, "approve_closure", actor=actor, text=text, scope=scope, change=change)


def check_satisfaction(rating, comment, *, text=""):
    """Raises ``WorkflowError`` for a rating outside 1–5 or a comment too long or holding a NUL."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise WorkflowError(_("La note doit être comprise entre 1 et 5."), text=text)
    if len(comment) > SATISFACTION_COMMENT_MAX_LENGTH or "\x00" in comment:
        raise WorkflowError(_("Ce commentaire n'est pas valide ou est trop long."), text=text)


def has_satisfaction(ticket):
    """Whether the owner already gave their satisfaction on ``ticket``."""
    return Satisfaction.objects.filter(ticket_id=ticket.pk).exists()


def _record_satisfaction(locked, actor, rating, comment):
    """Writes the ticket's one ``Satisfaction`` unless it has one; True when written."""
    if has_satisfaction(locked):
        return False
    try:
        with transaction.atomic():  # a savepoint: the approval goes on if another rating won the race
            Satisfaction.objects.create(
                ticket=locked,
                rating=rating,
                comment=comment,
                author=actor,
                service_id=locked.service_id,
                category_id=locked.category_id,
                manager_id=locked.manager_id,
            )
    except IntegrityError:
        return False
    return True


def refuse_closure(ticket, *, actor, text, scope=EntryScope.INVITED):
    """Refuser la clôture: back to work; the justification is mandatory."""
    return _perform(ticket, "refuse_closure", actor=actor, text=text, scope=scope)


def expire(ticket, *, text=""):
    """A closure request the owner left unanswered past the service's delay; the scheduler's action."""

    def check(locked):
        delay = timedelta(days=locked.service.closure_delay_days)
        if locked.last_action_at + delay > timezone.now():
            raise WorkflowError(_("Le délai de réponse n'est pas écoulé."))

    return _perform(ticket, "expire", actor=None, text=text, check=check)


def cancel(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Annuler: the owner withdraws the ticket."""
    return _perform(ticket, "cancel", actor=actor, text=text, scope=scope)


def reject(ticket, *, actor, text, scope=EntryScope.INVITED):
    """Refuser le ticket (out of scope, duplicate…); the reason is mandatory."""
    return _perform(ticket, "reject", actor=actor, text=text, scope=scope)


def reopen(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Ré-ouvrir a closed ticket: in progress with its former manager when they still manage the service, else free."""

    def change(locked):
        keeps_manager = _target_status("reopen", locked, actor) == Status.IN_PROGRESS
        return Change(
            {} if keeps_manager else {"manager": None}, {"manager": locked.manager_id if keeps_manager else None}
        )

    return _perform(ticket, "reopen", actor=actor, text=text, scope=scope, change=change)


def move(ticket, *, actor, category, text="", scope=EntryScope.INVITED):
    """Déplacer to another category, maybe of another service. The manager in charge is freed when they
    do not manage the target service; an in-progress ticket is then free again."""
    target = category.redirect_to or category

    def check(locked):
        if not takes_tickets(target):
            raise WorkflowError(CATEGORY_CLOSED, text=text)
        if target.pk == locked.category_id:
            raise WorkflowError(_("Le ticket est déjà dans cette catégorie."), text=text)
        if not permissions.can_move(actor, locked, target.service):
            raise WorkflowError(_("Vous n'avez pas le droit de déplacer ce ticket vers ce service."), text=text)

    def change(locked):
        fields = {"category": target, "service": target.service}
        data = {"from_category": locked.category_id, "to_category": target.pk}
        if locked.manager_id and not Membership.objects.filter(service=target.service, user_id=locked.manager_id):
            fields["manager"] = None
            data["freed_manager"] = locked.manager_id
        return Change(fields, data)

    return _perform(ticket, "move", actor=actor, text=text, scope=scope, check=check, change=change)


def _set(name, value, *, old=None, new=None):
    """The change of one property: the history entry keeps its old and new values (``old(ticket)`` and
    ``new`` when they are not the property's own, as for a person, kept by id)."""
    return lambda t: Change(
        {name: value}, {"old": old(t) if old else getattr(t, name), "new": value if new is None else new}
    )


def change_subject(ticket, *, actor, subject):
    """Changer le sujet: on one line, never empty."""
    subject = " ".join((subject or "").split())[:200]

    def check(locked):
        if not subject:
            raise WorkflowError(_("Le sujet est obligatoire."))

    return _perform(ticket, "change_subject", actor=actor, check=check, change=_set("subject", subject))


def change_priority(ticket, *, actor, priority):
    """Changer la priorité."""
    return _perform(ticket, "change_priority", actor=actor, change=_set("priority", priority))


def change_scope(ticket, *, actor, scope):
    """Changer la visibilité of the ticket (public or private)."""
    return _perform(ticket, "change_scope", actor=actor, change=_set("scope", scope))


def change_owner(ticket, *, actor, owner, text=""):
    """Changer le propriétaire: the ticket is now ``owner``'s."""
    change = _set("owner", owner, old=lambda t: t.owner_id, new=owner.pk)
    return _perform(ticket, "change_owner", actor=actor, text=text, change=change)


def invite(ticket, *, actor, user, text=""):
    """Inviter: ``user`` may then see the ticket and comment."""

    def check(locked):
        if user.pk == locked.owner_id or Invitation.objects.filter(ticket=locked, user=user).exists():
            raise WorkflowError(_("Cette personne a déjà accès au ticket."), text=text)

    def change(locked):
        Invitation.objects.create(ticket=locked, user=user, invited_by=actor)
        return Change({}, {"user": user.pk})

    return _perform(ticket, "invite", actor=actor, text=text, check=check, change=change)


def uninvite(ticket, *, actor, user):
    """Retirer l'invitation: by the owner or a manager, or by the invitee themselves."""

    def check(locked):
        if not Invitation.objects.filter(ticket=locked, user=user).exists():
            raise WorkflowError(_("Cette personne n'est pas invitée."))

    def change(locked):
        Invitation.objects.filter(ticket=locked, user=user).delete()
        return Change({}, {"user": user.pk})

    return _perform(
        ticket,
        "uninvite",
        actor=actor,
        check=check,
        change=change,
        right=lambda locked: permissions.can_uninvite(actor, locked, user),
    )


def add_file(ticket, *, actor, text="", scope=EntryScope.INVITED):
    """Ajouter un fichier: an entry, with no status change, to which the caller attaches the files
    (``tickets.services.files``) in the same transaction."""
    return _perform(ticket, "add_file", actor=actor, text=text, scope=scope)


def remove_file(ticket, *, actor, attachment):
    """Supprimer un fichier, by a manager: its row goes, and its file and thumbnail leave the disk once the
    removal has committed; the entry keeps its name and takes its scope, so that no one learns more of it
    than they could read before.

    Raises ``WorkflowError`` when the file is no longer the ticket's (removed meanwhile), and as any action.
    """

    def check(locked):
        if not Attachment.objects.filter(pk=attachment.pk, ticket=locked).exists():
            raise WorkflowError(_("Ce fichier a déjà été supprimé."))

    def change(locked):
        # Locked: a worker saving the thumbnail meanwhile finishes first, and its file is deleted too.
        removed = Attachment.objects.select_for_update().get(pk=attachment.pk)
        removed.delete()
        delete_files_after_commit(removed)
        return Change({}, {"name": removed.name, "size": removed.size, "content_type": removed.content_type})

    # A public file of a ticket made private since is read by the same people as the default scope.
    scope = attachment.scope
    if scope == EntryScope.PUBLIC and ticket.scope != TicketScope.PUBLIC:
        scope = EntryScope.INVITED
    return _perform(ticket, "remove_file", actor=actor, scope=scope, check=check, change=change)


def hand_over(ticket, *, actor, manager=None):
    """Frees the ticket, or gives it to ``manager`` (another available manager of the service), because its
    manager leaves the service; the entry says so. For a person who manages the service's managers.

    Raises ``WorkflowError`` when the ticket has no manager or ``manager`` may not receive it, and as any action.
    """

    def check(locked):
        if locked.manager_id is None:
            raise WorkflowError(_("Ce ticket n'est confié à personne."))
        if manager is not None and (
            manager.pk == locked.manager_id
            or not Membership.objects.filter(service_id=locked.service_id, user=manager, available=True).exists()
        ):
            raise WorkflowError(_("Ce gestionnaire ne peut pas recevoir ce ticket."))

    def change(locked):
        return Change(
            {"manager": manager},
            {"previous_manager": locked.manager_id, "manager": manager.pk if manager else None, "reason": "left"},
        )

    return _perform(ticket, "hand_over", actor=actor, check=check, change=change)
