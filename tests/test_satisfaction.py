"""The owner's satisfaction at approval: optional, asked once, written with the approval, shown to the
service's managers (and to the owner as their own), told in the managers' mail."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ticket_in
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets import workflow
from tickets.models import Event, OutgoingMail, Satisfaction, Status, TicketScope
from tickets.notifications.links import create_link

pytestmark = pytest.mark.django_db

CLOSURE_REQUESTED = Status.CLOSURE_REQUESTED
ASKED = "Votre satisfaction"
BAD_RATING = "Choisissez une note de 1 à 5, ou « Ne pas répondre »."


def action_url(ticket, action="approve_closure"):
    return reverse("ticket_action", args=[ticket.pk, action])


def approve(client, ticket, **data):
    return client.post(action_url(ticket), {"version": ticket.version, **data})


def page_of(client, ticket):
    response = client.get(reverse("ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.text


def shown_satisfaction(page):
    """The satisfaction line of the ticket page's properties, or None."""
    found = re.search(r'<dd class="satisfaction">(.*?)</dd>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) if found else None


@pytest.fixture
def requested(world):
    return ticket_in(world, CLOSURE_REQUESTED)


# The workflow


def test_approving_with_a_rating_writes_it_with_the_ticket_as_it_is(world, requested):
    owner = world["people"]["owner"]
    ticket = workflow.approve_closure(requested, actor=owner, rating=4, satisfaction_comment="  Très rapide, merci  ")
    assert ticket.status == Status.APPROVED
    given = Satisfaction.objects.get(ticket=ticket)
    assert (given.rating, given.comment, given.author) == (4, "Très rapide, merci", owner)
    assert (given.service, given.category, given.manager) == (
        world["service"],
        world["categories"]["home"],
        world["people"]["in_charge"],
    )
    assert Event.objects.get(ticket=ticket, kind="ticket.closure_approved").data == {"satisfaction": True}


def test_approving_without_a_rating_writes_none(world, requested):
    ticket = workflow.approve_closure(requested, actor=world["people"]["owner"], satisfaction_comment="ignoré")
    assert ticket.status == Status.APPROVED
    assert not Satisfaction.objects.exists()
    assert Event.objects.get(ticket=ticket, kind="ticket.closure_approved").data == {}


@pytest.mark.parametrize("rating", [0, 6, -1, "4", True, 2.5])
def test_the_workflow_refuses_a_rating_out_of_range(world, requested, rating):
    with pytest.raises(workflow.WorkflowError):
        workflow.approve_closure(requested, actor=world["people"]["owner"], rating=rating, text="<p>merci</p>")
    requested.refresh_from_db()
    assert requested.status == CLOSURE_REQUESTED
    assert not Satisfaction.objects.exists()


@pytest.mark.parametrize("comment", ["x" * 2001, "nul \x00 inside"])
def test_the_workflow_refuses_a_bad_comment(world, requested, comment):
    with pytest.raises(workflow.WorkflowError):
        workflow.approve_closure(requested, actor=world["people"]["owner"], rating=3, satisfaction_comment=comment)
    assert not Satisfaction.objects.exists()


def reopen_and_request_again(world, ticket):
    ticket = workflow.reopen(ticket, actor=world["people"]["owner"])
    if ticket.status == Status.FREE:
        ticket = workflow.take(ticket, actor=world["people"]["in_charge"])
    return workflow.request_closure(ticket, actor=world["people"]["in_charge"])


def test_the_workflow_keeps_the_first_rating(world, requested):
    owner = world["people"]["owner"]
    ticket = workflow.approve_closure(requested, actor=owner, rating=2, satisfaction_comment="Lent")
    ticket = reopen_and_request_again(world, ticket)
    ticket = workflow.approve_closure(ticket, actor=owner, rating=5, satisfaction_comment="Enfin")
    assert ticket.status == Status.APPROVED
    assert list(Satisfaction.objects.values_list("rating", "comment")) == [(2, "Lent")]
    assert Event.objects.filter(ticket=ticket, kind="ticket.closure_approved").latest("pk").data == {}


def test_a_rating_written_meanwhile_wins_without_an_error(world, requested, monkeypatch):
    """Two approvals cannot both pass the status check, but the unique constraint is the last guard: a row
    written between the check and the insert leaves the approval done and the first rating kept."""
    Satisfaction.objects.create(ticket=requested, rating=1, service=world["service"], author=world["people"]["owner"])
    monkeypatch.setattr(workflow, "has_satisfaction", lambda ticket: False)
    ticket = workflow.approve_closure(requested, actor=world["people"]["owner"], rating=5)
    assert ticket.status == Status.APPROVED
    assert list(Satisfaction.objects.values_list("rating", flat=True)) == [1]
    assert Event.objects.get(ticket=ticket, kind="ticket.closure_approved").data == {}


# The form, on the portal and from the mail link


def test_the_form_offers_an_accessible_rating_with_no_answer_chosen(client, world, requested):
    client.force_login(world["people"]["owner"])
    page = client.get(action_url(requested)).text
    fieldset = re.search(r"<fieldset[^>]*>(.*?)</fieldset>", page, re.S).group(1)
    assert f"<legend>{ASKED}</legend>" in fieldset
    radios = re.findall(r'<input type="radio" name="rating" value="([^"]*)"[^>]*>', fieldset)
    assert radios == ["1", "2", "3", "4", "5", ""]
    assert re.search(r'<input type="radio" name="rating" value=""[^>]*checked', fieldset)
    assert "1 – Pas du tout satisfait" in fieldset and "5 – Très satisfait" in fieldset
    assert "Ne pas répondre" in fieldset
    assert "Un commentaire (facultatif)" in page
    # A form with more than the comment opens from the ACTIONS menu instead of one button.
    menu = page_of(client, requested)
    assert f'href="{action_url(requested)}"' in menu


def test_approving_on_the_portal_with_a_rating(client, world, requested):
    client.force_login(world["people"]["owner"])
    response = approve(client, requested, rating="4", satisfaction_comment="Très rapide, merci")
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == Status.APPROVED
    assert list(Satisfaction.objects.values_list("ticket", "rating", "comment")) == [
        (requested.pk, 4, "Très rapide, merci")
    ]


def test_approving_on_the_portal_without_answering(client, world, requested):
    client.force_login(world["people"]["owner"])
    assert approve(client, requested, rating="", satisfaction_comment="").status_code == 302
    requested.refresh_from_db()
    assert requested.status == Status.APPROVED
    assert not Satisfaction.objects.exists()


def test_approving_from_the_mail_link_with_a_rating(client, world, requested):
    owner = world["people"]["owner"]
    url = create_link(requested, "approve_closure", owner)
    client.force_login(owner)
    landed = client.get(url, follow=True)
    assert landed.status_code == 200 and ASKED in landed.text
    token = url.rstrip("/").rsplit("/", 1)[-1]
    response = approve(client, requested, lien=token, rating="5", satisfaction_comment="Parfait")
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == Status.APPROVED
    assert Satisfaction.objects.get(ticket=requested).rating == 5


def test_approving_from_the_mail_link_without_a_rating(client, world, requested):
    owner = world["people"]["owner"]
    token = create_link(requested, "approve_closure", owner).rstrip("/").rsplit("/", 1)[-1]
    client.force_login(owner)
    assert approve(client, requested, lien=token).status_code == 302
    requested.refresh_from_db()
    assert requested.status == Status.APPROVED
    assert not Satisfaction.objects.exists()


def test_never_asked_twice(client, world, requested):
    owner = world["people"]["owner"]
    client.force_login(owner)
    assert approve(client, requested, rating="2", satisfaction_comment="Lent").status_code == 302
    ticket = reopen_and_request_again(world, requested.__class__.objects.get(pk=requested.pk))
    form = client.get(action_url(ticket)).text
    assert ASKED not in form and 'name="rating"' not in form and 'name="satisfaction_comment"' not in form
    # A rating posted anyway is ignored, and the approval is done.
    assert approve(client, ticket, rating="5", satisfaction_comment="Enfin").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.APPROVED
    assert list(Satisfaction.objects.values_list("rating", "comment")) == [(2, "Lent")]


BAD_INPUTS = [
    ({"rating": "0"}, BAD_RATING),
    ({"rating": "6"}, BAD_RATING),
    ({"rating": "abc"}, BAD_RATING),
    ({"rating": "\x00"}, BAD_RATING),
    ({"rating": "4", "satisfaction_comment": "x" * 100_000}, "au plus 2000 caractères"),
    ({"rating": "4", "satisfaction_comment": "avant\x00après"}, "Le caractère nul"),
    ({"rating": "", "satisfaction_comment": "Sans note"}, "Choisissez une note pour accompagner ce commentaire"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUTS)
def test_bad_input_says_why_keeps_the_text_and_approves_nothing(client, world, requested, data, message):
    client.force_login(world["people"]["owner"])
    typed = "<p>Merci pour votre aide</p>"
    response = approve(client, requested, text=typed, **data)
    assert response.status_code == 400
    page = html.unescape(response.text)
    errors = " ".join(re.findall(r'<div class="field-errors" role="alert">(.*?)</div>', page, re.S))
    assert message in errors
    assert typed in page  # the approval's comment is given back
    comment = data.get("satisfaction_comment", "")
    if comment and "\x00" not in comment:
        assert comment in page
    requested.refresh_from_db()
    assert requested.status == CLOSURE_REQUESTED
    assert not Satisfaction.objects.exists()


def test_a_no_answer_with_nothing_else_approves(client, world, requested):
    client.force_login(world["people"]["owner"])
    assert approve(client, requested, rating="").status_code == 302
    assert not Satisfaction.objects.exists()


# Who sees it on the ticket page


@pytest.fixture
def rated(world):
    ticket = ticket_in(world, CLOSURE_REQUESTED, scope=TicketScope.PUBLIC)
    return workflow.approve_closure(
        ticket, actor=world["people"]["owner"], rating=4, satisfaction_comment="Très rapide, merci"
    )


@pytest.mark.parametrize(
    ("role", "label"),
    [("in_charge", "Satisfaction"), ("colleague", "Satisfaction"), ("admin", "Satisfaction"), ("owner", "Votre avis")],
)
def test_managers_admins_and_the_owner_see_the_rating(client, world, rated, role, label):
    client.force_login(world["people"][role])
    page = page_of(client, rated)
    assert shown_satisfaction(page).startswith("4/5 – « Très rapide, merci » (le ")
    assert f"<dt>{label}</dt>" in page


@pytest.mark.parametrize("role", ["invitee", "stranger", "other_manager"])
def test_invitees_and_public_viewers_do_not_see_it(client, world, rated, role):
    client.force_login(world["people"][role])
    page = page_of(client, rated)  # the public ticket is theirs to read
    assert shown_satisfaction(page) is None
    assert "Très rapide" not in page and "4/5" not in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_comment_is_inert_on_the_page_and_in_the_mail(client, world, mail_in_process, payload):
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    ticket = workflow.approve_closure(
        ticket, actor=world["people"]["owner"], rating=3, satisfaction_comment=payload.replace("\x00", "")
    )
    client.force_login(world["people"]["in_charge"])
    line = re.search(r'<dd class="satisfaction">(.*?)</dd>', page_of(client, ticket), re.S).group(1)
    assert_no_script(line)
    mail = OutgoingMail.objects.filter(ticket=ticket, recipient=world["people"]["in_charge"]).latest("pk")
    assert "3/5" in mail.html_body
    assert_no_script(re.search(r"<body[^>]*>(.*)</body>", mail.html_body, re.S).group(1))


# The mail of the approval


def test_the_managers_mail_tells_the_rating_and_nobody_elses(world, mail_in_process):
    people = world["people"]
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    ticket = workflow.approve_closure(ticket, actor=people["owner"], rating=5, satisfaction_comment="Parfait")
    mails = {mail.recipient: mail for mail in OutgoingMail.objects.filter(ticket=ticket)}
    told = {user for user, mail in mails.items() if "5/5" in mail.text_body}
    assert people["in_charge"] in told
    for user, mail in mails.items():
        may_see = user in told
        assert may_see == ("Satisfaction du propriétaire : 5/5 – « Parfait »" in mail.text_body)
        assert may_see == ("Parfait" in mail.html_body)
    assert people["invitee"] in mails and people["invitee"] not in told


def test_the_mail_without_a_rating_says_nothing_of_it(world, mail_in_process):
    ticket = workflow.approve_closure(ticket_in(world, CLOSURE_REQUESTED), actor=world["people"]["owner"])
    mail = OutgoingMail.objects.filter(ticket=ticket, recipient=world["people"]["in_charge"]).latest("pk")
    assert "Satisfaction" not in mail.text_body and "Satisfaction" not in mail.html_body


# Query counts, at two data sizes


@pytest.mark.parametrize("role", ["owner", "in_charge", "invitee"])
def test_the_ticket_page_reads_as_many_queries_with_a_satisfaction(client, world, role):
    """At two sizes, rated or not: the satisfaction comes with the page's read of the personal figures."""
    counts = {}
    for others in (2, 30):
        for rating in (None, 4):
            ticket = ticket_in(world, CLOSURE_REQUESTED)
            for _ in range(others):
                ticket = workflow.comment(ticket, actor=world["people"]["owner"], text="relance")
                ticket_in(world, Status.FREE)
            ticket = workflow.approve_closure(
                ticket, actor=world["people"]["owner"], rating=rating, satisfaction_comment="Bien" if rating else ""
            )
            client.force_login(world["people"][role])
            page_of(client, ticket)
            with CaptureQueriesContext(connection) as queries:
                page = page_of(client, ticket)
            counts[others, rating] = len(queries)
            assert (shown_satisfaction(page) is not None) == (rating is not None and role != "invitee")
    assert len(set(counts.values())) == 1, counts


def test_the_approval_form_reads_a_fixed_number_of_queries(client, world):
    counts = []
    for others in (2, 30):
        ticket = ticket_in(world, CLOSURE_REQUESTED)
        for _ in range(others):
            ticket = workflow.comment(ticket, actor=world["people"]["owner"], text="relance")
        client.force_login(world["people"]["owner"])
        client.get(action_url(ticket))
        with CaptureQueriesContext(connection) as queries:
            assert ASKED in client.get(action_url(ticket)).text
        counts.append(len(queries))
    assert counts[0] == counts[1]
