"""Mail in through its transports: a real IMAP server (Dovecot, started by the tests on the loopback) that
the poller empties, and ``manage.py receive_mail`` reading an MTA's pipe."""

import io
import os
import sys
from email import policy
from email.parser import BytesParser
from email.utils import make_msgid

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse
from imapclient import IMAPClient

from tests.mailin_support import imap_server, sample, use_as_mailbox  # noqa: F401 -- imap_server: a fixture
from tickets import workflow
from tickets.mailin import process, tasks, transport
from tickets.models import Attachment, Event, IncomingMail, IncomingStatus, OutgoingMail, Status, Ticket
from tickets.notifications.replies import reply_address

FAILED_FOLDER = "Assistance-echecs"


@pytest.fixture(autouse=True)
def _mail_in(mail_in_process):
    mail_in_process.MAIL_IN_ADDRESS = "assistance@assistance.test"


@pytest.fixture
def imap(imap_server, settings):  # noqa: F811
    """The test's IMAP server, empty, as the portal's mailbox."""
    return use_as_mailbox(imap_server, settings)


@pytest.fixture
def awaiting(user, scolarite):
    manager, category = scolarite
    ticket = workflow.create_ticket(actor=user, category=category, subject="Connexion", description="<p>Bonjour</p>")
    ticket = workflow.take(ticket, actor=manager)
    return workflow.request_information(ticket, actor=manager, text="<p>Quel navigateur utilisez-vous ?</p>")


def reply_to(ticket, person, name="thunderbird_reply", **values):
    return sample(name, FROM=person.email, TO=reply_address(ticket.pk, person.pk), NUMBER=ticket.pk, **values)


def with_file(raw_reply, name, content, content_type):
    """The reply with one more file attached."""
    message = BytesParser(policy=policy.default).parsebytes(raw_reply)
    maintype, subtype = content_type.split("/")
    message.make_mixed()
    message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def comments(ticket):
    return list(Event.objects.filter(ticket=ticket, kind="ticket.commented"))


@pytest.mark.django_db(transaction=True)
def test_a_reply_delivered_to_the_mailbox_is_recorded_before_it_leaves_it(imap, awaiting, user, monkeypatch):
    imap.deliver(reply_to(awaiting, user, "inline_image_reply"))
    seen_at_deletion = []
    original_delete = IMAPClient.delete_messages

    def delete_messages(client, messages, *args, **kwargs):
        # Committed: no transaction open, and the row is there for every connection.
        seen_at_deletion.append((connection.in_atomic_block, IncomingMail.objects.count()))
        return original_delete(client, messages, *args, **kwargs)

    monkeypatch.setattr(IMAPClient, "delete_messages", delete_messages)

    assert tasks.receive_mail() == 1

    assert seen_at_deletion == [(False, 1)]
    assert imap.messages() == []
    [entry] = comments(awaiting)
    assert (entry.actor, entry.new_status) == (user, Status.IN_PROGRESS)
    assert [attachment.event for attachment in Attachment.objects.filter(ticket=awaiting)] == [entry]
    assert Ticket.objects.get(pk=awaiting.pk).status == Status.IN_PROGRESS
    assert IncomingMail.objects.get().source == "imap"


@pytest.mark.django_db
def test_the_same_message_delivered_twice_is_recorded_once(imap, awaiting, user):
    raw = reply_to(awaiting, user)
    imap.deliver(raw)
    imap.deliver(raw)

    counts = transport.poll_mailbox()

    assert counts == {IncomingStatus.RECORDED: 1, process.DUPLICATE: 1}
    assert len(comments(awaiting)) == 1
    assert imap.messages() == []


@pytest.mark.django_db
def test_a_failed_message_is_moved_aside_with_its_reason_and_listed_for_administrators(
    imap, awaiting, user, monkeypatch, client, admin_user
):
    raw = reply_to(awaiting, user)
    imap.deliver(raw)

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(process.workflow, "comment", broken)

    transport.poll_mailbox()

    assert imap.messages() == []
    [kept] = imap.messages(FAILED_FOLDER)
    assert kept.startswith(b"X-Assistance-Failure: RuntimeError: disque plein\r\n")
    assert kept.endswith(raw)
    row = IncomingMail.objects.get()
    assert (row.status, row.kept_as) == (IncomingStatus.FAILED, f"IMAP : {FAILED_FOLDER}")
    client.force_login(admin_user)
    page = client.get(reverse("admin:tickets_incomingmail_changelist") + "?status__exact=failed").text
    assert row.sender in page and f"IMAP : {FAILED_FOLDER}" in page


@pytest.mark.django_db
def test_while_the_database_is_out_of_reach_messages_stay_in_the_mailbox(imap, awaiting, user, monkeypatch):
    imap.deliver(reply_to(awaiting, user))

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(process, "receive", unreachable)

    assert transport.poll_mailbox() == {"left": 1}
    assert len(imap.messages()) == 1


@pytest.mark.django_db
def test_a_30_mb_attachment_is_refused_by_name_and_the_reply_kept(
    imap, awaiting, user, django_capture_on_commit_callbacks
):
    big = b"%PDF-1.7\n" + os.urandom(30 * 1024 * 1024)
    imap.deliver(with_file(reply_to(awaiting, user), "rapport complet.pdf", big, "application/pdf"))

    transport.poll_mailbox()

    assert imap.messages() == []
    [entry] = comments(awaiting)
    assert "J'utilise Firefox 128" in entry.text
    assert Attachment.objects.filter(ticket=awaiting).count() == 0
    answer = OutgoingMail.objects.filter(to_address=user.email).latest("pk")
    assert "rapport complet.pdf" in answer.text_body and "pèse 30,0\xa0Mio" in answer.text_body


@pytest.mark.django_db
def test_a_message_over_the_size_limit_is_refused_unread(imap, awaiting, user, settings):
    settings.MAIL_IN_MAX_BYTES = 100_000
    imap.deliver(
        with_file(reply_to(awaiting, user), "gros.pdf", b"%PDF-1.7\n" + os.urandom(500_000), "application/pdf")
    )

    transport.poll_mailbox()

    row = IncomingMail.objects.get()
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "too_large")
    assert row.size > 500_000 and row.sender == user.email
    assert comments(awaiting) == []
    assert imap.messages() == []
    answer = OutgoingMail.objects.filter(to_address=user.email).latest("pk")
    assert "ne doit pas dépasser" in answer.text_body


@pytest.mark.django_db
def test_an_auto_reply_leaves_the_mailbox_unanswered(imap, awaiting, user):
    before = OutgoingMail.objects.count()
    imap.deliver(reply_to(awaiting, user, "auto_reply"))
    imap.deliver(reply_to(awaiting, user, "dsn"))

    assert transport.poll_mailbox() == {IncomingStatus.IGNORED: 2}
    assert imap.messages() == []
    assert OutgoingMail.objects.count() == before


@pytest.mark.django_db
def test_without_a_mailbox_the_task_does_nothing(settings):
    settings.MAIL_IN_IMAP_HOST = ""

    assert tasks.receive_mail() == 0


# The MTA's pipe.


def pipe(raw, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("receive_mail", stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_receive_mail_takes_a_piped_reply(awaiting, user, monkeypatch):
    assert pipe(reply_to(awaiting, user, "outlook_reply"), monkeypatch) == "recorded reply"

    [entry] = comments(awaiting)
    assert "C'est Edge, version 131" in entry.text
    assert IncomingMail.objects.get().source == "pipe"


@pytest.mark.django_db
def test_receive_mail_keeps_a_failed_message_in_its_folder(awaiting, user, monkeypatch, settings):
    raw = reply_to(awaiting, user)
    monkeypatch.setattr(process.workflow, "comment", lambda *args, **kwargs: 1 / 0)

    assert pipe(raw, monkeypatch) == "failed error"

    row = IncomingMail.objects.get()
    [kept] = list(settings.MAIL_IN_FAILED_DIR.iterdir())
    assert row.kept_as == str(kept)
    assert kept.read_bytes() == b"X-Assistance-Failure: ZeroDivisionError: division by zero\r\n" + raw


@pytest.mark.django_db
def test_receive_mail_asks_the_mta_to_try_again_while_the_database_is_out_of_reach(awaiting, user, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(process, "receive", unreachable)

    with pytest.raises(CommandError) as refused:
        pipe(reply_to(awaiting, user), monkeypatch)
    assert refused.value.returncode == 75


@pytest.mark.django_db
def test_receive_mail_reads_only_the_head_of_a_message_over_the_limit(awaiting, user, monkeypatch, settings):
    settings.MAIL_IN_MAX_BYTES = 2_000
    raw = reply_to(awaiting, user, MESSAGE_ID=make_msgid()) + b"x" * 10_000

    assert pipe(raw, monkeypatch) == "refused too_large"
    assert IncomingMail.objects.get().size == len(raw)
