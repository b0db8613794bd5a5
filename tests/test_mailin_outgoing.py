"""What the portal's mails carry for mail in: a signed Reply-To naming the ticket and the recipient, the line
above which to write, and the marks that keep auto-responders quiet."""

import pytest

from tickets import workflow
from tickets.models import OutgoingMail
from tickets.notifications import delivery
from tickets.notifications.replies import REPLY_LINE, read_reply_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(mail_in_process, user, scolarite):
    """The mail to the owner asking for information."""
    mail_in_process.MAIL_IN_ADDRESS = "assistance@assistance.test"
    manager, category = scolarite
    ticket = workflow.create_ticket(actor=user, category=category, subject="Connexion", description="<p>Bonjour</p>")
    ticket = workflow.take(ticket, actor=manager)
    workflow.request_information(ticket, actor=manager, text="<p>Quel navigateur ?</p>")
    return OutgoingMail.objects.filter(recipient=user).latest("pk")


def test_a_ticket_mail_carries_a_reply_address_naming_the_ticket_and_its_recipient(question, user):
    message = delivery.build_message(question)

    [address] = message.reply_to
    assert address.startswith("assistance+") and address.endswith("@assistance.test")
    target = read_reply_address(address)
    assert (target.ticket_id, target.user_id) == (question.ticket_id, user.pk)


def test_a_ticket_mail_says_where_to_write_a_reply_and_is_marked_auto_generated(question):
    message = delivery.build_message(question)

    assert REPLY_LINE.match(question.text_body.splitlines()[0])
    assert "Pour répondre par courriel, écrivez au-dessus de cette ligne." in question.text_body
    assert "Pour répondre par courriel" in question.html_body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_line_is_in_the_recipients_language(mail_in_process, user, scolarite):
    mail_in_process.MAIL_IN_ADDRESS = "assistance@assistance.test"
    user.language = "en"
    user.save()
    manager, category = scolarite
    ticket = workflow.create_ticket(actor=user, category=category, subject="Connexion", description="<p>Bonjour</p>")
    workflow.take(ticket, actor=manager)

    mail = OutgoingMail.objects.filter(recipient=user).latest("pk")

    assert mail.text_body.startswith("##- To reply by mail, write above this line. -##")


def test_without_a_mail_in_address_mails_carry_neither_reply_address_nor_line(question, settings):
    settings.MAIL_IN_ADDRESS = ""
    question.ticket.refresh_from_db()

    assert delivery.build_message(question).reply_to == []
    workflow.comment(question.ticket, actor=question.ticket.manager, text="<p>Et la version ?</p>")
    latest = OutgoingMail.objects.filter(recipient=question.recipient).latest("pk")
    assert "##-" not in latest.text_body
