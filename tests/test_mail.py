"""Mail notifications: who gets a mail about each action, what it says, in which language, and its
delivery in-process. Delivery through a real broker and worker is in test_delivery.py."""

import re
from datetime import timedelta
from email import message_from_bytes
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.factories import ticket_in as shared_ticket_in
from tickets import workflow
from tickets.comments.phrases import sentences_for
from tickets.models import (
    EntryScope,
    Event,
    Follower,
    Invitation,
    MailPreferences,
    MailStatus,
    Membership,
    Monitoring,
    OutgoingMail,
    Priority,
    Status,
    Ticket,
    TicketScope,
)
from tickets.notifications import delivery, links, rendering, tasks

pytestmark = pytest.mark.django_db

FREE, IN_PROGRESS, AWAITING, POSTPONED = Status.FREE, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.POSTPONED
CLOSURE_REQUESTED = Status.CLOSURE_REQUESTED
LINK = re.compile(r"http://assistance\.test/lien/[^/\s\"<>]+/")


@pytest.fixture(autouse=True)
def _mail_settings(mail_in_process):
    mail_in_process.INSTITUTION_NAME = "Université de Lorraine"


@pytest.fixture
def world(world):
    """The shared world as mail sees it, with two changes: the invitee reads English, and the follower is a
    manager of Scolarité who watches none of its tickets (so that only following the ticket brings them its
    mail, internal notes included)."""
    people = world["people"]
    people["invitee"].language = "en"
    people["invitee"].save()
    Membership.objects.create(service=world["service"], user=people["follower"], monitoring=Monitoring.NEVER)
    return world


def ticket_in(world, status, **fields):
    """A private ticket of the owner, with an invitee and followers: a manager of the service, someone
    who may not see it, and two who may never get mail."""
    people = world["people"]
    ticket = shared_ticket_in(world, status, **fields)
    for name in ["follower", "stranger", "inactive", "no_email"]:
        Follower.objects.create(ticket=ticket, user=people[name])
    return ticket


def names_of(world, users):
    by_pk = {user.pk: name for name, user in world["people"].items()}
    return {by_pk[user.pk] for user in users}


def mails_of(event):
    return list(OutgoingMail.objects.filter(events=event).select_related("recipient"))


EVERYONE = {"owner", "in_charge", "watcher_always", "invitee", "follower"}


def leave_service(world):
    Membership.objects.filter(user=world["people"]["in_charge"]).delete()


# action, function, source status, actor (None: the scheduler), arguments, who gets a mail, setup.
CASES = [
    ("take free", workflow.take, FREE, "in_charge", {}, EVERYONE - {"in_charge"}, None),
    ("take from a colleague", workflow.take, IN_PROGRESS, "colleague", {}, EVERYONE, None),
    ("assign", workflow.assign, FREE, "colleague", {"manager": "in_charge"}, EVERYONE, None),
    ("free", workflow.free, AWAITING, "in_charge", {}, EVERYONE - {"in_charge"} | {"watcher_free"}, None),
    ("request_info", workflow.request_information, IN_PROGRESS, "in_charge", {"text": "Quel navigateur ?"},
     EVERYONE - {"in_charge"}, None),
    ("comment by the owner", workflow.comment, IN_PROGRESS, "owner", {"text": "Voici la capture."},
     EVERYONE - {"owner"}, None),
    ("comment by an invitee", workflow.comment, IN_PROGRESS, "invitee", {"text": "Moi aussi."},
     EVERYONE - {"invitee"}, None),
    ("internal note", workflow.comment, IN_PROGRESS, "in_charge",
     {"text": "Note interne", "scope": EntryScope.MANAGERS}, {"watcher_always", "follower"}, None),
    ("comment for the owner", workflow.comment, IN_PROGRESS, "in_charge",
     {"text": "Pour le propriétaire", "scope": EntryScope.OWNER}, {"owner", "watcher_always", "follower"}, None),
    ("comment for invitees", workflow.comment, IN_PROGRESS, "in_charge",
     {"text": "Pour les invités", "scope": EntryScope.INVITED_MANAGERS}, {"invitee", "watcher_always", "follower"},
     None),
    ("comment for invitees, not the owner's guest", workflow.comment, IN_PROGRESS, "in_charge",
     {"text": "Pour les invités", "scope": EntryScope.INVITED_MANAGERS}, {"watcher_always", "follower"},
     lambda world: Invitation.objects.update(invited_by=world["people"]["owner"])),
    ("postpone", workflow.postpone, IN_PROGRESS, "in_charge", {"recall_at": "tomorrow"}, EVERYONE - {"in_charge"},
     None),
    ("recall", workflow.recall, POSTPONED, "in_charge", {}, EVERYONE - {"in_charge"}, None),
    ("recall by the scheduler", workflow.recall, POSTPONED, None, {}, EVERYONE, None),
    ("request_closure", workflow.request_closure, IN_PROGRESS, "in_charge", {}, EVERYONE - {"in_charge"}, None),
    ("close", workflow.close, IN_PROGRESS, "owner", {}, EVERYONE - {"owner"}, None),
    ("approve_closure", workflow.approve_closure, CLOSURE_REQUESTED, "owner", {}, EVERYONE - {"owner"}, None),
    ("refuse_closure", workflow.refuse_closure, CLOSURE_REQUESTED, "owner", {"text": "Toujours en panne."},
     EVERYONE - {"owner"}, None),
    ("expire", workflow.expire, CLOSURE_REQUESTED, None, {}, EVERYONE, None),
    ("cancel", workflow.cancel, FREE, "owner", {}, {"watcher_always", "invitee", "follower"}, None),
    ("reject", workflow.reject, IN_PROGRESS, "in_charge", {"text": "Doublon."}, EVERYONE - {"in_charge"}, None),
    ("reopen to its manager", workflow.reopen, Status.APPROVED, "owner", {}, EVERYONE - {"owner"}, None),
    ("reopen free", workflow.reopen, Status.APPROVED, "owner", {},
     {"watcher_always", "watcher_free", "invitee", "follower"}, leave_service),
    ("move in the service", workflow.move, IN_PROGRESS, "in_charge", {"category": "sibling"},
     EVERYONE - {"in_charge"}, None),
    ("move out of the service", workflow.move, IN_PROGRESS, "in_charge", {"category": "elsewhere"},
     {"owner", "invitee", "other_manager"}, None),
    ("move a free ticket out", workflow.move, FREE, "colleague", {"category": "elsewhere"},
     {"owner", "invitee", "other_manager"}, None),
    ("change_subject", workflow.change_subject, IN_PROGRESS, "owner", {"subject": "Apogée inaccessible"},
     EVERYONE - {"owner"}, None),
    ("change_priority", workflow.change_priority, IN_PROGRESS, "owner", {"priority": Priority.HIGH},
     EVERYONE - {"owner"}, None),
    # The stranger may now see the ticket, not this entry: it is for managers, owner and invitees.
    ("change_scope", workflow.change_scope, IN_PROGRESS, "in_charge", {"scope": TicketScope.PUBLIC},
     EVERYONE - {"in_charge"}, None),
    ("change_owner", workflow.change_owner, IN_PROGRESS, "in_charge", {"owner": "newcomer"},
     {"newcomer", "watcher_always", "invitee", "follower"}, None),
    ("invite", workflow.invite, IN_PROGRESS, "owner", {"user": "newcomer"}, EVERYONE - {"owner"} | {"newcomer"},
     None),
    ("uninvite by the owner", workflow.uninvite, IN_PROGRESS, "owner", {"user": "invitee"},
     {"in_charge", "watcher_always", "follower"}, None),
    ("uninvite oneself", workflow.uninvite, IN_PROGRESS, "invitee", {"user": "invitee"},
     {"owner", "in_charge", "watcher_always", "follower"}, None),
]  # fmt: skip


def run(world, function, ticket, actor, arguments):
    people, categories = world["people"], world["categories"]
    values = {}
    for key, value in arguments.items():
        if key in {"manager", "owner", "user"}:
            value = people[value]
        elif key == "category":
            value = categories[value]
        elif key == "recall_at":
            value = timezone.now() + timedelta(days=1)
        values[key] = value
    if actor is None:
        return function(ticket, **values) if function is workflow.expire else function(ticket, actor=None, **values)
    return function(ticket, actor=people[actor], **values)


def test_every_action_of_the_workflow_is_covered():
    covered = {function.__name__ for _name, function, *_rest in CASES}
    assert covered | {"create_ticket"} == {
        "take", "assign", "free", "request_information", "comment", "postpone", "recall", "request_closure",
        "close", "approve_closure", "refuse_closure", "expire", "cancel", "reject", "reopen", "move",
        "change_subject", "change_priority", "change_scope", "change_owner", "invite", "uninvite", "create_ticket",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("function", "source", "actor", "arguments", "expected", "setup"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_who_gets_a_mail_for_each_action(world, function, source, actor, arguments, expected, setup):
    ticket = ticket_in(world, source)
    if setup:
        setup(world)
    run(world, function, ticket, actor, arguments)
    event = Event.objects.filter(ticket=ticket).latest("pk")
    mails = mails_of(event)
    assert names_of(world, [mail.recipient for mail in mails]) == expected
    assert len(mails) == len(expected), "one mail per recipient"
    for mail in mails:
        assert mail.to_address == mail.recipient.email
        assert mail.status == MailStatus.PENDING
        # Each in the recipient's language, as the catalogue translates the event's label and sentence.
        assert mail.language == mail.recipient.language
        (sentence,) = sentences_for([event])
        with translation.override(mail.language):
            label, said = str(rendering.EVENT_LABELS[event.kind]), str(sentence)
        assert mail.subject.startswith(f"[Assistance n°{ticket.pk}] {label}")
        assert said in mail.text_body
        assert f"http://assistance.test/ticket/{ticket.pk}/" in mail.text_body


def test_a_new_ticket_is_mailed_to_the_managers_who_watch_new_tickets(world):
    ticket = workflow.create_ticket(
        actor=world["people"]["owner"],
        category=world["categories"]["home"],
        subject="Connexion apogee impossible",
        description="<p>Bonjour</p>",
    )
    mails = mails_of(ticket.events.get())
    assert names_of(world, [mail.recipient for mail in mails]) == {"watcher_always", "watcher_free"}
    assert mails[0].subject == f"[Assistance n°{ticket.pk}] Nouveau ticket : Connexion apogee impossible"


def test_a_ticket_filed_on_behalf_of_someone_is_mailed_to_its_owner(world):
    ticket = workflow.create_ticket(
        actor=world["people"]["in_charge"],
        owner=world["people"]["owner"],
        category=world["categories"]["home"],
        subject="Appel téléphonique",
        description="<p>Au téléphone</p>",
    )
    recipients = names_of(world, [mail.recipient for mail in mails_of(ticket.events.get())])
    assert recipients == {"owner", "watcher_always", "watcher_free"}


def test_the_owner_who_turned_mail_off_gets_nothing(world):
    MailPreferences.objects.create(user=world["people"]["owner"], mail_on_own_tickets=False)
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    recipients = names_of(world, [mail.recipient for mail in mails_of(ticket.events.get())])
    assert recipients == {"watcher_always", "invitee", "follower"}


def test_an_owner_who_follows_their_ticket_still_gets_it_with_mail_turned_off(world):
    owner = world["people"]["owner"]
    MailPreferences.objects.create(user=owner, mail_on_own_tickets=False)
    ticket = ticket_in(world, IN_PROGRESS)
    Follower.objects.create(ticket=ticket, user=owner)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    assert "owner" in names_of(world, [mail.recipient for mail in mails_of(ticket.events.get())])


def test_an_internal_note_never_reaches_the_owner_or_an_invitee(world):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Mot de passe : hunter2", scope="managers")
    mails = OutgoingMail.objects.all()
    assert {mail.recipient for mail in mails}.isdisjoint({world["people"]["owner"], world["people"]["invitee"]})
    assert all("hunter2" in mail.text_body for mail in mails)


def test_a_public_entry_reaches_a_follower_who_sees_the_public_ticket(world):
    ticket = ticket_in(world, IN_PROGRESS, scope=TicketScope.PUBLIC)
    ticket = workflow.comment(
        ticket, actor=world["people"]["in_charge"], text="Réponse à tous", scope=EntryScope.PUBLIC
    )
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Pour l'équipe", scope=EntryScope.INVITED)
    public, invited = ticket.events.order_by("pk")
    assert "stranger" in names_of(world, [mail.recipient for mail in mails_of(public)])
    assert "stranger" not in names_of(world, [mail.recipient for mail in mails_of(invited)])


# What the mails say.


def owner_mail(world, ticket):
    return OutgoingMail.objects.filter(ticket=ticket, recipient=world["people"]["owner"]).latest("pk")


def test_the_closure_request_gives_the_owner_approve_and_refuse_links(world):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"], text="<p>Réglé, <b>redémarrez</b>.</p>")
    mail = owner_mail(world, ticket)
    assert mail.subject == f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    approve, refuse = LINK.findall(mail.text_body)
    assert "Approuver la clôture :\n" + approve in mail.text_body
    assert "Refuser la clôture :\n" + refuse in mail.text_body
    assert approve in mail.html_body and refuse in mail.html_body
    owner = world["people"]["owner"]
    for url, action in [(approve, "approve_closure"), (refuse, "refuse_closure")]:
        link = links.read_link(url.removeprefix("http://assistance.test/lien/").rstrip("/"))
        assert (link.ticket_id, link.action, link.recipient) == (ticket.pk, action, owner)
    invitee_mail = OutgoingMail.objects.get(ticket=ticket, recipient=world["people"]["invitee"])
    assert not LINK.search(invitee_mail.text_body + invitee_mail.html_body)


def test_the_information_request_carries_the_question_and_an_answer_link(world):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_information(ticket, actor=world["people"]["in_charge"], text="Quel navigateur utilisez-vous ?")
    mail = owner_mail(world, ticket)
    assert mail.subject == f"[Assistance n°{ticket.pk}] Demande d'informations : Connexion apogee impossible"
    assert "Quel navigateur utilisez-vous ?" in mail.text_body
    (answer,) = LINK.findall(mail.text_body)
    assert "Répondre :\n" + answer in mail.text_body
    assert links.read_link(answer.removeprefix("http://assistance.test/lien/").rstrip("/")).action == "comment"


def test_the_body_says_who_did_what_when_where_and_why(world):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.comment(
        ticket,
        actor=world["people"]["in_charge"],
        text='<p>Essayez <a href="https://ent.univ.example/">l\'ENT</a> <script>alert(1)</script></p>',
    )
    event = ticket.events.get()
    mail = owner_mail(world, ticket)
    when = timezone.localtime(event.created_at, ZoneInfo("Europe/Paris")).strftime("%d/%m/%y %H:%M")
    in_charge = world["people"]["in_charge"]
    assert f"{when} — {in_charge} a ajouté un commentaire." in mail.text_body
    assert "Essayez l'ENT (https://ent.univ.example/)" in mail.text_body
    assert "Université de Lorraine" in mail.text_body and "Université de Lorraine" in mail.html_body
    assert "vous êtes le propriétaire de ce ticket" in mail.text_body
    assert "Visibilité Gestionnaires, propriétaire et invités" in mail.text_body
    assert '<a href="https://ent.univ.example/" rel="noopener noreferrer nofollow">l\'ENT</a>' in mail.html_body
    assert "<script>" not in mail.html_body and "alert(1)" not in mail.text_body
    assert f'href="http://assistance.test/ticket/{ticket.pk}/"' in mail.html_body


def test_the_subject_is_one_line():
    ticket = Ticket(pk=7, subject="Ligne 1\nLigne 2\r\n" + "x" * 300)
    event = Event(kind="ticket.commented", old_status=IN_PROGRESS, new_status=IN_PROGRESS)
    subject = rendering.mail_subject(ticket, [event])
    assert "\n" not in subject and "\r" not in subject and len(subject) <= 255
    assert subject.startswith("[Assistance n°7] Nouveau commentaire : Ligne 1 Ligne 2 xxx")


def test_a_recipient_reading_english_gets_english(world):
    """The event's label and phrase come from the compiled catalogue (they are the status label and the
    history phrase the ticket page already shows), so this holds whoever compiles the new strings."""
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    english = OutgoingMail.objects.get(ticket=ticket, recipient=world["people"]["invitee"])
    french = OutgoingMail.objects.get(ticket=ticket, recipient=world["people"]["watcher_always"])
    assert (english.language, french.language) == ("en", "fr")
    assert english.subject.startswith(f"[Assistance n°{ticket.pk}] Closure requested")
    assert english.subject.endswith(" Connexion apogee impossible")
    assert "asked to close the ticket." in english.text_body
    assert '<html lang="en">' in english.html_body
    assert french.subject == f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    assert "a demandé la clôture du ticket." in french.text_body
    with translation.override("en"):
        see_the_ticket = translation.gettext("Voir le ticket")
    if see_the_ticket != "Voir le ticket":  # once the mail strings are in the compiled catalogue
        assert see_the_ticket in english.text_body


def test_the_postponed_mail_gives_the_recall_date_in_the_portal_time_zone(world):
    ticket = ticket_in(world, IN_PROGRESS)
    recall_at = timezone.now().replace(second=7, microsecond=0) + timedelta(days=3)
    workflow.postpone(ticket, actor=world["people"]["in_charge"], recall_at=recall_at)
    local = timezone.localtime(recall_at, ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M")
    assert f"a reporté le ticket au {local}." in owner_mail(world, ticket).text_body


# Grouping.


def test_without_grouping_each_action_is_one_mail(world):
    ticket = ticket_in(world, IN_PROGRESS)
    ticket = workflow.comment(ticket, actor=world["people"]["in_charge"], text="Un")
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Deux")
    assert OutgoingMail.objects.filter(recipient=world["people"]["owner"]).count() == 2


def test_actions_seconds_apart_go_in_one_mail_without_what_the_recipient_may_not_see(world, settings):
    settings.MAIL_GROUP_SECONDS = 60
    ticket = ticket_in(world, IN_PROGRESS)
    in_charge = world["people"]["in_charge"]
    ticket = workflow.comment(ticket, actor=in_charge, text="Premier message")
    first = owner_mail(world, ticket)
    ticket = workflow.comment(ticket, actor=in_charge, text="Note interne secrète", scope=EntryScope.MANAGERS)
    workflow.request_closure(ticket, actor=in_charge)

    owner = OutgoingMail.objects.get(recipient=world["people"]["owner"])
    assert owner.pk == first.pk
    assert owner.events.count() == 2
    assert "Premier message" in owner.text_body and "secrète" not in owner.text_body + owner.html_body
    assert owner.subject == f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    assert len(LINK.findall(owner.text_body)) == 2, "the links of the ticket as it is now"
    assert owner.not_before > first.not_before
    watcher = OutgoingMail.objects.get(recipient=world["people"]["watcher_always"])
    assert watcher.events.count() == 3 and "secrète" in watcher.text_body


def test_a_grouped_mail_is_not_sent_before_its_time(world, settings, mailoutbox):
    settings.MAIL_GROUP_SECONDS = 60
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Un")
    mail = owner_mail(world, ticket)
    assert delivery.deliver(mail.pk).outcome == delivery.Outcome.SKIPPED
    OutgoingMail.objects.filter(pk=mail.pk).update(not_before=timezone.now())
    assert delivery.deliver(mail.pk).outcome == delivery.Outcome.SENT
    assert len(mailoutbox) == 1


# Delivery in-process.


def test_the_action_queues_its_mails_after_commit(world, mailoutbox, django_capture_on_commit_callbacks):
    ticket = ticket_in(world, IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    assert mailoutbox == [], "nothing leaves before the action commits"
    for callback in callbacks:
        callback()
    rows = OutgoingMail.objects.all()
    assert {row.status for row in rows} == {MailStatus.SENT}
    assert sorted(message.to[0] for message in mailoutbox) == sorted(row.to_address for row in rows)
    message = next(message for message in mailoutbox if message.to == [world["people"]["owner"].email])
    assert message.subject == f"[Assistance n°{ticket.pk}] Clôture demandée : Connexion apogee impossible"
    assert [mimetype for _content, mimetype in message.alternatives] == ["text/html"]
    assert "Approuver la clôture" in message.body
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"] == f"<assistance.mail.{rows.get(recipient__email=message.to[0]).pk}@assistance.test>"


def test_a_mail_is_sent_once(world, mailoutbox):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    mail = owner_mail(world, ticket)
    assert tasks.deliver_mail.apply(args=[mail.pk]).get() == "sent"
    assert tasks.deliver_mail.apply(args=[mail.pk]).get() == "skipped"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, len(mailoutbox)) == (MailStatus.SENT, 1, 1)
    assert mail.sent_at is not None
    assert tasks.deliver_mail.apply(args=[123456789]).get() == "skipped"


@pytest.fixture
def failing_send(monkeypatch):
    def refuse(message, *args, **kwargs):
        raise SMTPException("451 try again later")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)


def test_a_failure_is_recorded_then_retried_with_a_growing_delay_then_marked_failed(world, settings, failing_send):
    settings.MAIL_MAX_RETRIES = 2
    settings.MAIL_RETRY_SECONDS = 10
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    mail = owner_mail(world, ticket)
    delays = []
    for _try in range(3):
        result = delivery.deliver(mail.pk)
        delays.append(result.retry_in)
        mail.refresh_from_db()
        assert "451 try again later" in mail.last_error
        OutgoingMail.objects.filter(pk=mail.pk).update(not_before=timezone.now())
    assert delays == [10, 20, None]
    assert (result.outcome, mail.status, mail.attempts) == (delivery.Outcome.FAILED, MailStatus.FAILED, 3)
    assert delivery.deliver(mail.pk).outcome == delivery.Outcome.SKIPPED


def test_a_pending_mail_that_failed_waits_for_its_retry(world, failing_send):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    mail = owner_mail(world, ticket)
    assert delivery.deliver(mail.pk).outcome == delivery.Outcome.RETRY
    mail.refresh_from_db()
    assert mail.status == MailStatus.PENDING and mail.not_before > timezone.now()
    assert mail.pk not in delivery.collect_due_mail(grace_seconds=0)


def test_the_worker_task_asks_celery_for_a_retry_with_the_delay(world, settings, failing_send, monkeypatch):
    settings.MAIL_RETRY_SECONDS = 7
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    mail = owner_mail(world, ticket)
    asked = {}

    class Retry(Exception):
        pass

    def retry(**options):
        asked.update(options)
        return Retry()

    monkeypatch.setattr(tasks.deliver_mail, "retry", retry)
    with pytest.raises(Retry):
        tasks.deliver_mail.run(mail.pk)
    assert asked["countdown"] == 7 and isinstance(asked["exc"], SMTPException)


def test_a_broker_that_is_down_never_breaks_the_action(world, monkeypatch, django_capture_on_commit_callbacks, caplog):
    from kombu.exceptions import OperationalError

    tries = []

    def broker_down(*args, **kwargs):
        tries.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.deliver_mail, "apply_async", broker_down)
    ticket = ticket_in(world, IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        done = workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    assert Ticket.objects.get(pk=done.pk).status == CLOSURE_REQUESTED
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.PENDING}
    assert OutgoingMail.objects.count() == 4
    assert len(tries) == 1, "one try is enough to know the broker is down"
    assert "the sweep will send it" in caplog.text


# The sweep.


def test_the_sweep_sends_what_was_left_behind_and_only_that(world, mailoutbox):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    rows = list(OutgoingMail.objects.order_by("pk"))
    long_ago = timezone.now() - timedelta(hours=1)
    left, abandoned, recent, sent = rows[0], rows[1], rows[2], rows[3]
    OutgoingMail.objects.filter(pk=left.pk).update(not_before=long_ago, created_at=long_ago)
    OutgoingMail.objects.filter(pk=abandoned.pk).update(status=MailStatus.SENDING, attempts=1, attempted_at=long_ago)
    OutgoingMail.objects.filter(pk=sent.pk).update(status=MailStatus.SENT, not_before=long_ago)

    assert tasks.sweep_outbox.apply().get() == 2
    statuses = dict(OutgoingMail.objects.values_list("pk", "status"))
    assert (statuses[left.pk], statuses[abandoned.pk], statuses[recent.pk]) == ("sent", "sent", "pending")
    assert len(mailoutbox) == 2
    assert OutgoingMail.objects.get(pk=abandoned.pk).attempts == 2


def test_a_mail_being_sent_is_not_taken_back_before_the_abandon_delay(world):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    mail = owner_mail(world, ticket)
    OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENDING, attempted_at=timezone.now())
    assert mail.pk not in delivery.collect_due_mail(grace_seconds=0)
    assert delivery.deliver(mail.pk).outcome == delivery.Outcome.SKIPPED
    assert mail.pk in delivery.collect_due_mail(grace_seconds=0, abandoned_after_minutes=0)


def test_the_operators_command_sends_pending_mail_in_process(world, mailoutbox, capsys):
    ticket = ticket_in(world, IN_PROGRESS)
    workflow.request_closure(ticket, actor=world["people"]["in_charge"])
    count = OutgoingMail.objects.count()
    call_command("send_pending_mail", "--grace", "0")
    assert len(mailoutbox) == count
    assert capsys.readouterr().out.strip() == f"sent: {count}"
    call_command("send_pending_mail", "--grace", "0")
    assert len(mailoutbox) == count
    assert capsys.readouterr().out.strip() == "nothing to send"


def test_taking_in_charge_is_an_event_in_english_not_a_status(world):
    ticket = ticket_in(world, FREE)
    workflow.take(ticket, actor=world["people"]["in_charge"])
    english = OutgoingMail.objects.get(ticket=ticket, recipient=world["people"]["invitee"])
    assert english.language == "en"
    assert english.subject.startswith(f"[Assistance n°{ticket.pk}] Taken in charge")
