"""The one state machine, walked against the specification's actions table."""

import itertools
import secrets
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import PRIVILEGES, ticket_in
from tickets import workflow
from tickets.models import (
    Attachment,
    EntryScope,
    Event,
    Invitation,
    Membership,
    Priority,
    Status,
    Ticket,
    TicketScope,
)
from tickets.notifications import event_committed
from tickets.workflow import MOVES, StaleTicket, WorkflowError

pytestmark = pytest.mark.django_db

FREE, IN_PROGRESS, AWAITING, POSTPONED = Status.FREE, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED
CLOSURE_REQUESTED = Status.CLOSURE_REQUESTED
OPEN = {FREE, IN_PROGRESS, AWAITING, POSTPONED}
FINAL = {Status.APPROVED, Status.EXPIRED, Status.CANCELLED, Status.REJECTED}
ANY = set(Status)
WORKING = {IN_PROGRESS, AWAITING, POSTPONED}

MANAGERS = {"manager", "in_charge", "admin", *(f"manager_without_{p}" for p in PRIVILEGES)}
ROLES = sorted(MANAGERS | {"owner", "invitee", "other_manager", "stranger"})

# The specification's actions table: (action, from statuses, who may). "in_charge" is the ticket's
# manager (a free ticket has none); "manager" holds every privilege of the service.
SPEC = [
    ("take",            {FREE},                MANAGERS - {"manager_without_take_free"}),
    ("take",            OPEN - {FREE},         MANAGERS - {"in_charge", "manager_without_take_assigned"}),
    ("assign",          OPEN,                  MANAGERS - {"manager_without_assign"}),
    ("free",            WORKING,               {"in_charge"}),
    ("request_info",    WORKING,               {"in_charge"}),
    ("comment",         ANY,                   MANAGERS | {"owner", "invitee"}),
    ("postpone",        WORKING,               {"in_charge"}),
    ("recall",          {POSTPONED},           {"in_charge"}),
    ("request_closure", WORKING,               {"in_charge"}),
    ("close",           OPEN,                  {"owner"}),
    ("approve_closure", {CLOSURE_REQUESTED},   {"owner"}),
    ("refuse_closure",  {CLOSURE_REQUESTED},   {"owner"}),
    ("cancel",          OPEN,                  {"owner"}),
    ("reject",          WORKING,               {"in_charge"}),
    ("reopen",          FINAL,                 MANAGERS - {"manager_without_reopen"} | {"owner"}),
    ("move",            OPEN,                  MANAGERS),
    ("move",            ANY - OPEN,            {"in_charge"}),
    ("change_subject",  ANY - FINAL,           {"owner", "in_charge", "admin"}),
    ("change_priority", ANY - FINAL,           {"owner", "in_charge", "admin"}),
    ("change_scope",    ANY,                   {"owner", "in_charge", "admin"}),
    ("change_owner",    ANY - FINAL,           {"in_charge", "admin"}),
    ("invite",          ANY,                   MANAGERS | {"owner"}),
    ("uninvite",        ANY,                   MANAGERS | {"owner", "invitee"}),
    ("add_file",        ANY,                   MANAGERS | {"owner", "invitee"}),
    ("remove_file",     ANY,                   MANAGERS),
    # None of the world's managers manages the managers (tests/test_service_managers.py gives it).
    ("hand_over",       WORKING | {CLOSURE_REQUESTED}, {"admin"}),
]  # fmt: skip
ROLE_ACTIONS = sorted({row[0] for row in SPEC})


def expected(action, status, role):
    return any(action == a and status in sources and role in who for a, sources, who in SPEC)


def arguments(action, world, ticket):
    people, categories = world["people"], world["categories"]
    if action == "remove_file":
        return {"attachment": a_file_of(ticket, people["owner"])}
    return {
        "assign": {"manager": people["colleague"]},
        "request_info": {"text": "Quel navigateur ?"},
        "comment": {"text": "Voici la capture."},
        "refuse_closure": {"text": "Toujours en panne."},
        "reject": {"text": "Doublon."},
        "move": {"category": categories["sibling"]},
        "change_subject": {"subject": "Apogée inaccessible"},
        "change_priority": {"priority": Priority.HIGH},
        "change_scope": {"scope": TicketScope.PUBLIC},
        "change_owner": {"owner": people["newcomer"]},
        "invite": {"user": people["newcomer"]},
        "uninvite": {"user": people["invitee"]},
    }.get(action, {})


def a_file_of(ticket, owner):
    """A file row of the ticket (its removal deletes its file after commit only, and none is stored)."""
    token = secrets.token_hex(16)
    return Attachment.objects.create(
        ticket=ticket, uploaded_by=owner, token=token, file=f"attachments/{token}", name="capture.png",
        content_type="image/png", size=10,
    )  # fmt: skip


FUNCTIONS = {
    "take": workflow.take,
    "assign": workflow.assign,
    "free": workflow.free,
    "request_info": workflow.request_information,
    "comment": workflow.comment,
    "postpone": workflow.postpone,
    "recall": workflow.recall,
    "request_closure": workflow.request_closure,
    "close": workflow.close,
    "approve_closure": workflow.approve_closure,
    "refuse_closure": workflow.refuse_closure,
    "cancel": workflow.cancel,
    "reject": workflow.reject,
    "reopen": workflow.reopen,
    "move": workflow.move,
    "change_subject": workflow.change_subject,
    "change_priority": workflow.change_priority,
    "change_scope": workflow.change_scope,
    "change_owner": workflow.change_owner,
    "invite": workflow.invite,
    "uninvite": workflow.uninvite,
    "add_file": workflow.add_file,
    "remove_file": workflow.remove_file,
    "hand_over": workflow.hand_over,
}


class Rollback(Exception):
    pass


def attempt(function, ticket, actor, kwargs):
    """Runs the action and undoes it; True when it was allowed."""
    try:
        with transaction.atomic():
            function(ticket, actor=actor, **kwargs)
            raise Rollback
    except Rollback:
        return True
    except WorkflowError:
        return False


def test_every_action_of_the_table_has_a_function_and_a_row():
    assert set(FUNCTIONS) | {"expire"} == set(MOVES)
    assert set(ROLE_ACTIONS) == set(FUNCTIONS)


@pytest.mark.parametrize("action", ROLE_ACTIONS)
def test_who_may_do_what_from_which_status(world, action):
    """Every (status, role) of the action, through the predicate and through the action itself."""
    mismatches = []
    for status in Status:
        ticket = ticket_in(world, status)
        for role in ROLES:
            if role == "in_charge" and status == FREE:
                continue  # a free ticket has nobody in charge
            actor = world["people"][role]
            want = expected(action, status, role)
            if workflow.allows(action, ticket, actor) != want:
                mismatches.append(("predicate", status, role, want))
            if attempt(FUNCTIONS[action], ticket, actor, arguments(action, world, ticket)) != want:
                mismatches.append(("action", status, role, want))
    assert not mismatches


def test_available_actions_list_what_the_owner_of_the_guide_sees(world):
    owner = world["people"]["owner"]
    assert set(workflow.available_actions(owner, ticket_in(world, FREE))) == {
        "comment", "close", "cancel", "change_subject", "change_priority", "change_scope", "invite", "uninvite",
        "add_file",
    }  # fmt: skip
    assert {"approve_closure", "refuse_closure"} <= set(
        workflow.available_actions(owner, ticket_in(world, CLOSURE_REQUESTED))
    )
    assert "reopen" in workflow.available_actions(owner, ticket_in(world, Status.APPROVED))


# Each action: the new status, the history entry and the announcement, once.

CASES = [
    # action, from, to, actor role, history kind
    ("take", FREE, IN_PROGRESS, "manager", "ticket.taken"),
    ("take", AWAITING, AWAITING, "manager", "ticket.taken"),
    ("assign", FREE, IN_PROGRESS, "manager", "ticket.assigned"),
    ("free", AWAITING, FREE, "in_charge", "ticket.freed"),
    ("request_info", IN_PROGRESS, AWAITING, "in_charge", "ticket.information_requested"),
    ("comment", AWAITING, IN_PROGRESS, "owner", "ticket.commented"),
    ("comment", AWAITING, AWAITING, "invitee", "ticket.commented"),
    ("postpone", IN_PROGRESS, POSTPONED, "in_charge", "ticket.postponed"),
    ("recall", POSTPONED, IN_PROGRESS, "in_charge", "ticket.recalled"),
    ("request_closure", IN_PROGRESS, CLOSURE_REQUESTED, "in_charge", "ticket.closure_requested"),
    ("close", IN_PROGRESS, Status.APPROVED, "owner", "ticket.closed"),
    ("approve_closure", CLOSURE_REQUESTED, Status.APPROVED, "owner", "ticket.closure_approved"),
    ("refuse_closure", CLOSURE_REQUESTED, IN_PROGRESS, "owner", "ticket.closure_refused"),
    ("cancel", FREE, Status.CANCELLED, "owner", "ticket.cancelled"),
    ("reject", IN_PROGRESS, Status.REJECTED, "in_charge", "ticket.rejected"),
    ("reopen", Status.APPROVED, IN_PROGRESS, "owner", "ticket.reopened"),
    ("move", IN_PROGRESS, IN_PROGRESS, "manager", "ticket.moved"),
    ("change_subject", IN_PROGRESS, IN_PROGRESS, "owner", "ticket.subject_changed"),
    ("change_priority", IN_PROGRESS, IN_PROGRESS, "owner", "ticket.priority_changed"),
    ("change_scope", IN_PROGRESS, IN_PROGRESS, "in_charge", "ticket.scope_changed"),
    ("change_owner", IN_PROGRESS, IN_PROGRESS, "in_charge", "ticket.owner_changed"),
    ("invite", IN_PROGRESS, IN_PROGRESS, "owner", "ticket.invited"),
    ("uninvite", IN_PROGRESS, IN_PROGRESS, "invitee", "ticket.uninvited"),
    ("add_file", Status.APPROVED, Status.APPROVED, "owner", "ticket.file_added"),
    ("remove_file", AWAITING, AWAITING, "manager", "ticket.file_removed"),
    ("hand_over", POSTPONED, FREE, "admin", "ticket.handed_over"),
    ("hand_over", CLOSURE_REQUESTED, FREE, "admin", "ticket.handed_over"),
]


@pytest.fixture
def announcements():
    received = []

    def receiver(sender, event, **kwargs):
        received.append(event)

    event_committed.connect(receiver)
    yield received
    event_committed.disconnect(receiver)


@pytest.mark.parametrize(("action", "source", "target", "role", "kind"), CASES)
def test_each_action_writes_one_entry_and_announces_it_once(
    world, announcements, django_capture_on_commit_callbacks, action, source, target, role, kind
):
    ticket = ticket_in(world, source)
    actor = world["people"][role]
    before = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = FUNCTIONS[action](ticket, actor=actor, **arguments(action, world, ticket))
    result.refresh_from_db()
    assert result.status == target
    assert result.version == ticket.version + 1
    assert Event.objects.count() == before + 1
    entry = Event.objects.latest("pk")
    assert (entry.kind, entry.actor, entry.old_status, entry.new_status) == (kind, actor, source, target)
    assert [event.pk for event in announcements] == [entry.pk]


def test_create_files_a_free_ticket_with_its_first_entry(world, announcements, django_capture_on_commit_callbacks):
    owner = world["people"]["owner"]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = workflow.create_ticket(
            actor=owner,
            category=world["categories"]["home"],
            subject="  Connexion   apogee impossible ",
            description="<p>Bonjour, je n'arrive pas à me connecter à Apogee <script>alert(1)</script></p>",
        )
    assert (ticket.status, ticket.subject, ticket.service) == (FREE, "Connexion apogee impossible", world["service"])
    assert "<script>" not in ticket.description
    entry = ticket.events.get()
    assert (entry.kind, entry.new_status, entry.scope) == ("ticket.created", FREE, EntryScope.INVITED)
    assert [event.pk for event in announcements] == [entry.pk]


def test_create_assigns_automatically_to_the_least_loaded_available_manager(world):
    service = world["service"]
    service.auto_assign = True
    service.save()
    Membership.objects.filter(service=service).exclude(user=world["people"]["colleague"]).update(available=False)
    ticket = workflow.create_ticket(
        actor=world["people"]["owner"], category=world["categories"]["home"], subject="s", description="d"
    )
    assert (ticket.status, ticket.manager) == (IN_PROGRESS, world["people"]["colleague"])


def test_moving_out_of_the_service_frees_the_manager(world):
    ticket = ticket_in(world, IN_PROGRESS)
    moved = workflow.move(ticket, actor=world["people"]["in_charge"], category=world["categories"]["elsewhere"])
    assert (moved.service.label, moved.manager, moved.status) == ("Paie", None, FREE)


def test_moving_out_needs_the_move_privilege(world):
    ticket = ticket_in(world, IN_PROGRESS)
    with pytest.raises(WorkflowError):
        workflow.move(ticket, actor=world["people"]["manager_without_move"], category=world["categories"]["elsewhere"])


def test_reopen_is_free_when_the_former_manager_left_the_service(world):
    ticket = ticket_in(world, Status.CANCELLED)
    Membership.objects.filter(user=world["people"]["in_charge"]).delete()
    reopened = workflow.reopen(ticket, actor=world["people"]["owner"])
    assert (reopened.status, reopened.manager, reopened.closed_at) == (FREE, None, None)


@pytest.mark.parametrize(
    ("function", "role", "status"),
    [
        (workflow.refuse_closure, "owner", CLOSURE_REQUESTED),
        (workflow.reject, "in_charge", IN_PROGRESS),
        (workflow.request_information, "in_charge", IN_PROGRESS),
        (workflow.comment, "owner", IN_PROGRESS),
    ],
)
def test_mandatory_texts(world, function, role, status):
    ticket = ticket_in(world, status)
    with pytest.raises(WorkflowError):
        function(ticket, actor=world["people"][role], text="   ")
    assert ticket.events.count() == 0


def test_postpone_with_a_recall_date_in_the_past_is_refused(world):
    with pytest.raises(WorkflowError, match="futur"):
        workflow.postpone(
            ticket_in(world, IN_PROGRESS),
            actor=world["people"]["in_charge"],
            recall_at=timezone.now() - timedelta(hours=1),
        )


def test_expire_only_after_the_service_delay(world):
    recent = ticket_in(world, CLOSURE_REQUESTED)
    recent.last_action_at = timezone.now()
    Ticket.objects.filter(pk=recent.pk).update(last_action_at=recent.last_action_at)
    with pytest.raises(WorkflowError):
        workflow.expire(recent)
    old = ticket_in(world, CLOSURE_REQUESTED)
    expired = workflow.expire(old)
    assert expired.status == Status.EXPIRED
    assert old.events.get().actor is None


def test_an_owner_may_not_write_an_internal_note(world):
    with pytest.raises(WorkflowError):
        workflow.comment(
            ticket_in(world, IN_PROGRESS), actor=world["people"]["owner"], text="x", scope=EntryScope.MANAGERS
        )


def test_a_stale_page_loses_nothing(world):
    ticket = ticket_in(world, IN_PROGRESS)
    seen_by_colleague = Ticket.objects.get(pk=ticket.pk)
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Premier")
    with pytest.raises(StaleTicket) as refused:
        workflow.comment(seen_by_colleague, actor=world["people"]["manager"], text="<p>Mon long commentaire</p>")
    assert refused.value.text == "<p>Mon long commentaire</p>"
    assert str(refused.value.message) == "Le ticket a été modifié entre-temps."
    assert ticket.events.count() == 1


def test_history_entries_are_never_edited(world):
    from django.db import DatabaseError

    ticket = ticket_in(world, IN_PROGRESS)
    workflow.comment(ticket, actor=world["people"]["owner"], text="Bonjour")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(ticket=ticket).update(text="réécrit")
    assert ticket.events.get().text == "<p>Bonjour</p>" or "Bonjour" in ticket.events.get().text


def test_every_status_is_reachable_and_final_statuses_lead_only_back_to_work():
    targets = {target for _sources, target in MOVES.values()}
    for status in [IN_PROGRESS, AWAITING, POSTPONED, CLOSURE_REQUESTED, *FINAL]:
        assert status in targets
    for action, (sources, _target) in MOVES.items():
        if sources & FINAL and sources != ANY:
            assert action == "reopen"


def test_pairs_of_roles_cover_every_action():
    combos = list(itertools.product(ROLE_ACTIONS, Status, ROLES))
    assert len(combos) == len(ROLE_ACTIONS) * len(Status) * len(ROLES)


def test_removing_an_invitation_is_offered_only_when_someone_is_invited(world):
    ticket = ticket_in(world, FREE)
    owner = world["people"]["owner"]
    assert "uninvite" in workflow.available_actions(owner, ticket)
    Invitation.objects.filter(ticket=ticket).delete()
    assert "uninvite" not in workflow.available_actions(owner, Ticket.objects.get(pk=ticket.pk))


def test_handing_over_needs_the_privilege_to_manage_the_managers(world):
    ticket = ticket_in(world, IN_PROGRESS)
    manager = world["people"]["manager"]
    with pytest.raises(WorkflowError):
        workflow.hand_over(ticket, actor=manager)
    Membership.objects.filter(user=manager).update(can_manage_managers=True)
    manager = type(manager).objects.get(pk=manager.pk)
    handed = workflow.hand_over(ticket, actor=manager, manager=world["people"]["colleague"])
    assert (handed.status, handed.manager) == (IN_PROGRESS, world["people"]["colleague"])
    assert handed.recorded_entry.data == {
        "previous_manager": world["people"]["in_charge"].pk,
        "manager": world["people"]["colleague"].pk,
        "reason": "left",
    }


@pytest.mark.parametrize("successor", ["in_charge", "other_manager", "unavailable", "stranger"])
def test_a_ticket_is_handed_over_only_to_another_available_manager_of_the_service(world, successor):
    people = world["people"]
    Membership.objects.filter(user=people["colleague"]).update(available=False)
    people["unavailable"] = people["colleague"]
    ticket = ticket_in(world, AWAITING)
    with pytest.raises(WorkflowError):
        workflow.hand_over(ticket, actor=people["admin"], manager=people[successor])
    ticket.refresh_from_db()
    assert (ticket.status, ticket.manager) == (AWAITING, people["in_charge"])


def test_the_scheduler_recalls_a_postponed_ticket(world):
    recalled = workflow.recall(ticket_in(world, POSTPONED), actor=None)
    assert recalled.status == IN_PROGRESS
    assert recalled.events.get().actor is None
