"""Mail in: replies to the portal's mails and mail to a service's address, as mail clients write them
(tests/mail_samples/), through the processing every transport shares (``tickets.mailin.process``)."""

import pytest
from django.core.exceptions import ValidationError

from tests.mailin_support import sample
from tickets import workflow
from tickets.mailin import process, text
from tickets.models import (
    Attachment,
    Event,
    IncomingMail,
    IncomingStatus,
    Origin,
    OutgoingMail,
    Status,
    Ticket,
)
from tickets.notifications import delivery
from tickets.notifications.replies import read_reply_address, reply_address

pytestmark = pytest.mark.django_db

OWNER_ADDRESS = "benjamin.seclier@univ-lorraine.fr"
SERVICE_ADDRESS = "scolarite@assistance.test"


@pytest.fixture(autouse=True)
def _mail_in(mail_in_process):
    mail_in_process.MAIL_IN_ADDRESS = "assistance@assistance.test"
    mail_in_process.MAIL_IN_PER_HOUR = 20


@pytest.fixture
def owner(user):
    user.email = OWNER_ADDRESS
    user.save()
    return user


@pytest.fixture
def awaiting(owner, scolarite):
    """The owner's ticket, taken by the manager, who asked a question."""
    manager, category = scolarite
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject="Connexion apogee impossible", description="<p>Bonjour</p>"
    )
    ticket = workflow.take(ticket, actor=manager)
    return workflow.request_information(ticket, actor=manager, text="<p>Quel navigateur utilisez-vous ?</p>")


def reply(name, ticket, person, **values):
    values = {"FROM": person.email, "TO": reply_address(ticket.pk, person.pk), "NUMBER": ticket.pk, **values}
    return process.receive(sample(name, **values), source="test")


def comments(ticket):
    return list(Event.objects.filter(ticket=ticket, kind="ticket.commented"))


def answers_to(address):
    return list(OutgoingMail.objects.filter(to_address=address).order_by("pk"))


EXPECTED = {
    "thunderbird_reply": ("J'utilise Firefox 128 sur Windows 11", ["Quel navigateur", "a écrit", "Statut"]),
    "outlook_reply": ("C'est Edge, version 131. J'ai vidé le cache sans succès.", ["Envoyé", "De :", "Cordialement"]),
    "gmail_reply": (
        "Chrome 131 sous macOS. Le problème arrive après 10 minutes.",
        ["a écrit", "Assistance <", "TICKET"],
    ),
    "html_only_reply": ("Voici la procédure que j'ai suivie", ["Quel navigateur", "alert", "a écrit", "color:red"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_reply_becomes_the_owners_entry_without_what_it_quotes(name, awaiting, owner):
    result = reply(name, awaiting, owner)

    assert result.status == IncomingStatus.RECORDED
    [entry] = comments(awaiting)
    kept, cut = EXPECTED[name]
    assert entry.actor == owner
    assert kept in entry.text
    for quoted in cut:
        assert quoted not in entry.text
    assert "##-" not in entry.text
    # As the portal's answer does, the owner's reply puts the ticket back to work.
    assert Ticket.objects.get(pk=awaiting.pk).status == Status.IN_PROGRESS


def test_an_html_reply_is_sanitised_and_keeps_its_links_as_text(awaiting, owner):
    reply("html_only_reply", awaiting, owner)

    [entry] = comments(awaiting)
    assert "<script" not in entry.text and "onerror" not in entry.text and "<img" not in entry.text
    assert "ouvrir l'ENT" in entry.text
    assert "https://ent.univ.example/apogee" in entry.text


def test_an_inline_image_becomes_a_file_of_the_entry(awaiting, owner):
    reply("inline_image_reply", awaiting, owner)

    [entry] = comments(awaiting)
    [attachment] = Attachment.objects.filter(ticket=awaiting)
    assert attachment.event == entry
    assert attachment.content_type == "image/png"
    assert attachment.uploaded_by == owner
    assert "Voici une capture" in entry.text


def test_a_reply_with_only_a_file_names_the_file(awaiting, owner):
    raw = sample("inline_image_reply", FROM=owner.email, TO=reply_address(awaiting.pk, owner.pk), NUMBER=awaiting.pk)
    raw = raw.replace(b"Voici une capture de l'erreur :", b"").replace(b"[image: capture.png]", b"")

    process.receive(raw, source="test")

    [entry] = comments(awaiting)
    assert "image-1.png" in entry.text


def test_the_same_message_twice_is_recorded_once(awaiting, owner):
    raw = sample("thunderbird_reply", FROM=owner.email, TO=reply_address(awaiting.pk, owner.pk), NUMBER=awaiting.pk)

    first = process.receive(raw, source="imap")
    second = process.receive(raw, source="pipe")

    assert first.status == IncomingStatus.RECORDED
    assert second.status == process.DUPLICATE
    assert len(comments(awaiting)) == 1
    assert IncomingMail.objects.count() == 1


def test_a_reply_from_another_address_is_refused_and_answered_once_a_day(awaiting, owner):
    stranger = "someone.else@example.org"

    first = reply("thunderbird_reply", awaiting, owner, FROM=stranger)
    second = reply("gmail_reply", awaiting, owner, FROM=stranger)

    assert (first.status, first.reason) == (IncomingStatus.REFUSED, "wrong_sender")
    assert second.status == IncomingStatus.REFUSED
    assert comments(awaiting) == []
    [answer] = answers_to(stranger)
    assert f"ticket n°{awaiting.pk}" in answer.text_body
    assert answer.recipient is None


def test_a_forged_reply_address_is_refused(awaiting, owner, make_user):
    other = make_user("mdupont", email="marie.dupont@univ-lorraine.fr")
    forged = reply_address(awaiting.pk, owner.pk).replace(f"+{awaiting.pk}-{owner.pk}-", f"+{awaiting.pk}-{other.pk}-")

    result = reply("thunderbird_reply", awaiting, other, TO=forged)

    assert read_reply_address(forged) is None
    assert (result.status, result.reason) == (IncomingStatus.REFUSED, "unknown_address")
    assert comments(awaiting) == []


def test_the_reply_address_survives_a_change_of_case(awaiting, owner):
    address = reply_address(awaiting.pk, owner.pk)

    assert read_reply_address(address.upper()).ticket_id == awaiting.pk
    assert read_reply_address(address.upper()).user_id == owner.pk


def test_a_reply_on_a_closed_ticket_is_refused_with_an_explanation(awaiting, owner):
    closed = workflow.close(Ticket.objects.get(pk=awaiting.pk), actor=owner)

    result = reply("thunderbird_reply", closed, owner)

    assert (result.status, result.reason) == (IncomingStatus.REFUSED, "closed")
    assert comments(closed) == []
    [answer] = answers_to(owner.email)[-1:]
    assert "est clos" in answer.text_body
    assert "ré-ouvrez" in answer.text_body


def test_a_reply_from_someone_who_may_no_longer_comment_is_refused(awaiting, owner, make_user):
    former = make_user("ancien", email="ancien@univ-lorraine.fr")

    result = reply("thunderbird_reply", awaiting, former)

    assert (result.status, result.reason) == (IncomingStatus.REFUSED, "refused")
    assert "pas le droit" in answers_to(former.email)[0].text_body


@pytest.mark.parametrize("name", ["auto_reply", "dsn"])
def test_machines_are_never_answered(name, awaiting, owner):
    before = OutgoingMail.objects.count()

    result = reply(name, awaiting, owner)

    assert result.status == IncomingStatus.IGNORED
    assert OutgoingMail.objects.count() == before
    assert comments(awaiting) == []


def test_mail_from_the_portal_itself_is_ignored(awaiting, owner, settings):
    result = reply("thunderbird_reply", awaiting, owner, FROM=settings.DEFAULT_FROM_EMAIL)

    assert (result.status, result.reason) == (IncomingStatus.IGNORED, "loop")


def test_a_sender_past_the_hourly_limit_is_refused_and_told_once(awaiting, owner, settings):
    settings.MAIL_IN_PER_HOUR = 2
    results = [reply("thunderbird_reply", awaiting, owner) for _ in range(4)]

    assert [(result.status, result.reason) for result in results][:2] == [("recorded", "reply")] * 2
    assert [result.status for result in results] == ["recorded", "recorded", "refused", "refused"]
    assert len(comments(awaiting)) == 2
    assert len([mail for mail in answers_to(owner.email) if "une heure" in mail.text_body]) == 1


def test_a_message_too_large_is_refused_with_its_size_and_the_limit(awaiting, owner, settings):
    settings.MAIL_IN_MAX_BYTES = 1000
    raw = sample("thunderbird_reply", FROM=owner.email, TO=reply_address(awaiting.pk, owner.pk), NUMBER=awaiting.pk)
    headers = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"

    result = process.receive(headers, source="imap", size=5_000_000)

    assert (result.status, result.reason) == (IncomingStatus.REFUSED, "too_large")
    [answer] = answers_to(owner.email)[-1:]
    assert "4,8" in answer.text_body and "1000" in answer.text_body
    assert comments(awaiting) == []


def test_files_the_checks_refuse_are_named_in_the_answer(awaiting, owner):
    raw = sample("inline_image_reply", FROM=owner.email, TO=reply_address(awaiting.pk, owner.pk), NUMBER=awaiting.pk)
    raw = raw.replace(b"Content-Type: image/png", b'Content-Type: application/octet-stream; name="outil.exe"')
    raw = raw.replace(b"iVBORw0KGgo", b"TVqQAAMAAA", 1)

    result = process.receive(raw, source="test")

    assert result.status == IncomingStatus.RECORDED
    assert Attachment.objects.filter(ticket=awaiting).count() == 0
    [answer] = answers_to(owner.email)[-1:]
    assert "outil.exe" in answer.text_body
    assert "n'est pas d'un type accepté" in answer.text_body


def test_a_mail_to_a_service_opens_a_ticket_and_answers_with_its_number(owner, scolarite):
    _manager, category = scolarite
    category.service.mail_in_address = SERVICE_ADDRESS
    category.service.save()
    owner.email = "benoit.muller@univ-lorraine.fr"
    owner.save()

    result = process.receive(sample("encoded", FROM=owner.email, TO=SERVICE_ADDRESS), source="test")

    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.subject == "Problème d'accès à l'ENT — écran bleu"
    assert (ticket.origin, ticket.owner, ticket.category) == (Origin.EMAIL, owner, category)
    assert "L'écran reste bleu après la connexion à l'ENT (coût : 0 €)." in ticket.description
    [attachment] = ticket.attachments.all()
    assert attachment.name == "capture écran bleu.png"
    [answer] = answers_to(owner.email)
    assert f"[Assistance n°{ticket.pk}]" in answer.subject
    assert f"ticket n°{ticket.pk}" in answer.text_body
    # A reply to the answer reaches the ticket.
    message = delivery.build_message(answer)
    assert read_reply_address(message.reply_to[0]).ticket_id == ticket.pk


def test_a_forwarded_mail_opens_a_ticket_with_what_it_forwards(owner, scolarite):
    _manager, category = scolarite
    category.service.mail_in_address = SERVICE_ADDRESS
    category.service.save()

    result = process.receive(sample("forwarded", FROM=owner.email, TO=SERVICE_ADDRESS), source="test")

    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert "Un étudiant me signale" in ticket.description
    assert "code IP-504" in ticket.description  # forwarded in the text
    assert "12 étudiants concernés" in ticket.description  # forwarded as an attachment
    assert "Service scolarité" not in ticket.description  # the signature
    assert [attachment.name for attachment in ticket.attachments.all()] == ["rapport.png"]


def test_an_unknown_sender_gets_one_polite_refusal_a_day(scolarite):
    _manager, category = scolarite
    category.service.mail_in_address = SERVICE_ADDRESS
    category.service.save()
    stranger = "inconnu@example.org"

    results = [process.receive(sample("forwarded", FROM=stranger, TO=SERVICE_ADDRESS), source="test") for _ in range(3)]

    assert {result.reason for result in results} == {"unknown_sender"}
    assert Ticket.objects.count() == 0
    [answer] = answers_to(stranger)
    assert "ne correspond à aucun compte" in answer.text_body


def test_a_message_that_fails_is_kept_for_an_administrator_and_taken_again_later(awaiting, owner, monkeypatch):
    raw = sample("thunderbird_reply", FROM=owner.email, TO=reply_address(awaiting.pk, owner.pk), NUMBER=awaiting.pk)

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    with monkeypatch.context() as patched:
        patched.setattr(process.workflow, "comment", broken)
        failed = process.receive(raw, source="test")
    again = process.receive(raw, source="test")

    assert (failed.status, failed.reason) == (IncomingStatus.FAILED, "error")
    assert again.status == IncomingStatus.RECORDED
    assert len(comments(awaiting)) == 1
    [row] = IncomingMail.objects.all()
    assert row.status == IncomingStatus.RECORDED


def test_a_service_opens_mailed_tickets_in_its_own_categories_only(scolarite, make_service, make_category):
    _manager, category = scolarite
    other = make_category(make_service("Polytech Nancy – Service informatique"))
    service = category.service
    service.mail_in_category = other

    with pytest.raises(ValidationError) as refused:
        service.clean()
    assert "mail_in_category" in refused.value.message_dict
    service.mail_in_category = category
    service.clean()


def test_whatever_a_sender_writes_is_read_within_bounds():
    deep = text.html_text("<blockquote>" * 5000 + "<p>fond</p>" + "</blockquote>" * 5000)
    long = text.reply_text("mot " * 100_000)

    assert deep == "> " * text.MAX_QUOTE_DEPTH + "fond"
    assert len(long) <= text.MAX_TEXT
