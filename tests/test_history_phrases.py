"""What each history entry says: the same sentence, naming who and what changed, on the ticket page, the
print view, the action forms and in mails, in the reader's language; read in a fixed number of queries."""

import html
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.comments.phrases import sentences_for
from tickets.models import (
    EntryScope,
    Event,
    Invitation,
    Membership,
    OutgoingMail,
    Priority,
    Status,
    Ticket,
    TicketScope,
)

pytestmark = pytest.mark.django_db

FREE, IN_PROGRESS, POSTPONED = Status.FREE, Status.IN_PROGRESS, Status.POSTPONED
CLOSURE_REQUESTED, APPROVED = Status.CLOSURE_REQUESTED, Status.APPROVED
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def scene(guide, make_user, mail_in_process):
    """The guide's people and catalogue, with a third manager of Scolarité, Léa Roux (gest-scol3)."""
    people = dict(guide["people"])
    people["gest-scol3"] = make_user("gest-scol3", first_name="Léa", last_name="Roux")
    Membership.objects.create(service=guide["services"]["DN – Applications de scolarité"], user=people["gest-scol3"])
    return {**guide, "people": people}


def ticket_at(scene, status, manager="gest-scol"):
    """Benjamin Seclier's ticket in 02_App_Gestion, in ``status``, in Sophie Lambert's charge unless free."""
    category = scene["categories"]["02_App_Gestion"]
    return Ticket.objects.create(
        subject="Connexion apogee impossible",
        description="<p>Bonjour</p>",
        owner=scene["people"]["seclier5"],
        service=category.service,
        category=category,
        status=status,
        manager=None if status == FREE else scene["people"][manager],
        last_action_at=timezone.now() - timedelta(days=30),
    )


def line(sentence):
    """The whole line an entry reads as: its author, if it names one, then its sentence."""
    return f"{sentence.author} {sentence}" if sentence.author else str(sentence)


def recall_on(day, hour, minute):
    return datetime(2099, 1, day, hour, minute, tzinfo=PARIS)


def create(scene, **arguments):
    people = scene["people"]
    arguments.setdefault("actor", people["seclier5"])
    return workflow.create_ticket(
        category=scene["categories"]["02_App_Gestion"], subject="Connexion apogee impossible", description="x",
        **arguments,
    )  # fmt: skip


def auto_assigned(scene):
    service = scene["services"]["DN – Applications de scolarité"]
    service.auto_assign = True
    service.save()
    return create(scene)


def managing_managers(scene, username):
    """``username`` manages the managers of Scolarité (the entry is written while the leaving one still is one)."""
    Membership.objects.filter(user=scene["people"][username]).update(can_manage_managers=True)


def leave_service(scene, username):
    Membership.objects.filter(user=scene["people"][username]).delete()


# The entry's kind, the case, the ticket's status before (None: the case files the ticket), what is done
# (scene, ticket, people), the French line, the English line.
CASES = [
    ("ticket.created", "created", None, lambda s, t, p: create(s),
     "Benjamin Seclier (seclier5) a créé le ticket.", "Benjamin Seclier (seclier5) created the ticket."),
    ("ticket.created", "created for someone", None, lambda s, t, p: create(s, actor=p["gest-scol"], owner=p["mdupont"]),
     "Sophie Lambert (gest-scol) a créé le ticket pour Marie Dupont (mdupont).",
     "Sophie Lambert (gest-scol) created the ticket for Marie Dupont (mdupont)."),
    ("ticket.created", "created and assigned automatically", None, lambda s, t, p: auto_assigned(s),
     "Benjamin Seclier (seclier5) a créé le ticket, affecté automatiquement à Sophie Lambert (gest-scol).",
     "Benjamin Seclier (seclier5) created the ticket, assigned automatically to Sophie Lambert (gest-scol)."),
    ("ticket.taken", "taken", FREE, lambda s, t, p: workflow.take(t, actor=p["gest-scol2"]),
     "Paul Girard (gest-scol2) a pris en charge le ticket.", "Paul Girard (gest-scol2) took the ticket in charge."),
    ("ticket.taken", "taken from a colleague", IN_PROGRESS, lambda s, t, p: workflow.take(t, actor=p["gest-scol2"]),
     "Paul Girard (gest-scol2) a pris en charge le ticket ; il était confié à Sophie Lambert (gest-scol).",
     "Paul Girard (gest-scol2) took the ticket in charge; it was assigned to Sophie Lambert (gest-scol)."),
    ("ticket.assigned", "assigned", FREE,
     lambda s, t, p: workflow.assign(t, actor=p["gest-scol"], manager=p["gest-scol2"]),
     "Sophie Lambert (gest-scol) a affecté le ticket à Paul Girard (gest-scol2).",
     "Sophie Lambert (gest-scol) assigned the ticket to Paul Girard (gest-scol2)."),
    ("ticket.assigned", "assigned by its manager", IN_PROGRESS,
     lambda s, t, p: workflow.assign(t, actor=p["gest-scol"], manager=p["gest-scol2"]),
     "Sophie Lambert (gest-scol) a affecté le ticket à Paul Girard (gest-scol2).",
     "Sophie Lambert (gest-scol) assigned the ticket to Paul Girard (gest-scol2)."),
    ("ticket.assigned", "assigned from a colleague", IN_PROGRESS,
     lambda s, t, p: workflow.assign(t, actor=p["gest-scol2"], manager=p["gest-scol3"]),
     "Paul Girard (gest-scol2) a affecté le ticket à Léa Roux (gest-scol3) ; il était confié à Sophie Lambert "
     "(gest-scol).",
     "Paul Girard (gest-scol2) assigned the ticket to Léa Roux (gest-scol3); it was assigned to Sophie Lambert "
     "(gest-scol)."),
    ("ticket.freed", "freed", IN_PROGRESS, lambda s, t, p: workflow.free(t, actor=p["gest-scol"]),
     "Sophie Lambert (gest-scol) a libéré le ticket.", "Sophie Lambert (gest-scol) freed the ticket."),
    ("ticket.information_requested", "information requested", IN_PROGRESS,
     lambda s, t, p: workflow.request_information(t, actor=p["gest-scol"], text="Quel navigateur ?"),
     "Sophie Lambert (gest-scol) a demandé des informations.",
     "Sophie Lambert (gest-scol) asked for more information."),
    ("ticket.commented", "commented", IN_PROGRESS,
     lambda s, t, p: workflow.comment(t, actor=p["seclier5"], text="Firefox."),
     "Benjamin Seclier (seclier5) a ajouté un commentaire.", "Benjamin Seclier (seclier5) added a comment."),
    ("ticket.postponed", "postponed at a time", IN_PROGRESS,
     lambda s, t, p: workflow.postpone(t, actor=p["gest-scol"], recall_at=recall_on(12, 9, 30)),
     "Sophie Lambert (gest-scol) a reporté le ticket au 12/01/2099 à 09:30.",
     "Sophie Lambert (gest-scol) postponed the ticket until 12/01/2099 at 09:30."),
    ("ticket.postponed", "postponed to a day", IN_PROGRESS,
     lambda s, t, p: workflow.postpone(t, actor=p["gest-scol"], recall_at=recall_on(12, 0, 0)),
     "Sophie Lambert (gest-scol) a reporté le ticket au 12/01/2099.",
     "Sophie Lambert (gest-scol) postponed the ticket until 12/01/2099."),
    ("ticket.postponed", "postponed without date", IN_PROGRESS,
     lambda s, t, p: workflow.postpone(t, actor=p["gest-scol"]),
     "Sophie Lambert (gest-scol) a reporté le ticket.", "Sophie Lambert (gest-scol) postponed the ticket."),
    ("ticket.recalled", "recalled", POSTPONED, lambda s, t, p: workflow.recall(t, actor=p["gest-scol"]),
     "Sophie Lambert (gest-scol) a rappelé le ticket.", "Sophie Lambert (gest-scol) recalled the ticket."),
    ("ticket.recalled", "recalled by the scheduler", POSTPONED, lambda s, t, p: workflow.recall(t, actor=None),
     "Assistance a rappelé le ticket.", "Assistance recalled the ticket."),
    ("ticket.closure_requested", "closure requested", IN_PROGRESS,
     lambda s, t, p: workflow.request_closure(t, actor=p["gest-scol"]),
     "Sophie Lambert (gest-scol) a demandé la clôture du ticket.",
     "Sophie Lambert (gest-scol) asked to close the ticket."),
    ("ticket.closed", "closed", IN_PROGRESS, lambda s, t, p: workflow.close(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a clos le ticket.", "Benjamin Seclier (seclier5) closed the ticket."),
    ("ticket.closure_approved", "closure approved", CLOSURE_REQUESTED,
     lambda s, t, p: workflow.approve_closure(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a approuvé la clôture.", "Benjamin Seclier (seclier5) approved the closure."),
    ("ticket.closure_refused", "closure refused", CLOSURE_REQUESTED,
     lambda s, t, p: workflow.refuse_closure(t, actor=p["seclier5"], text="Toujours en panne."),
     "Benjamin Seclier (seclier5) a refusé la clôture.", "Benjamin Seclier (seclier5) refused the closure."),
    ("ticket.expired", "expired", CLOSURE_REQUESTED, lambda s, t, p: workflow.expire(t),
     "La demande de clôture a expiré.", "The closure request expired."),
    ("ticket.cancelled", "cancelled", FREE, lambda s, t, p: workflow.cancel(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a annulé le ticket.", "Benjamin Seclier (seclier5) cancelled the ticket."),
    ("ticket.rejected", "rejected", IN_PROGRESS,
     lambda s, t, p: workflow.reject(t, actor=p["gest-scol"], text="Doublon."),
     "Sophie Lambert (gest-scol) a refusé le ticket.", "Sophie Lambert (gest-scol) rejected the ticket."),
    ("ticket.reopened", "reopened to its manager", APPROVED, lambda s, t, p: workflow.reopen(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a ré-ouvert le ticket, de nouveau confié à Sophie Lambert (gest-scol).",
     "Benjamin Seclier (seclier5) reopened the ticket, assigned again to Sophie Lambert (gest-scol)."),
    ("ticket.reopened", "reopened free", APPROVED,
     lambda s, t, p: leave_service(s, "gest-scol") or workflow.reopen(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a ré-ouvert le ticket, qui n'est confié à personne.",
     "Benjamin Seclier (seclier5) reopened the ticket, assigned to nobody."),
    ("ticket.moved", "moved in the service", IN_PROGRESS,
     lambda s, t, p: workflow.move(t, actor=p["gest-scol"], category=s["categories"]["02_ADE"]),
     "Sophie Lambert (gest-scol) a déplacé le ticket de la catégorie 02_App_Gestion - Applications scolarité vers "
     "la catégorie 02_ADE - ADE UL.",
     "Sophie Lambert (gest-scol) moved the ticket from category 02_App_Gestion - Applications scolarité to "
     "category 02_ADE - ADE UL."),
    ("ticket.moved", "moved to another service", FREE,
     lambda s, t, p: workflow.move(t, actor=p["gest-scol"], category=s["categories"]["00_Polytech_Salles"]),
     "Sophie Lambert (gest-scol) a déplacé le ticket de DN – Applications de scolarité vers Polytech Nancy – "
     "Service informatique (catégorie 00_Polytech_Salles - Salles informatiques).",
     "Sophie Lambert (gest-scol) moved the ticket from DN – Applications de scolarité to Polytech Nancy – "
     "Service informatique (category 00_Polytech_Salles - Salles informatiques)."),
    ("ticket.moved", "moved away from its manager", IN_PROGRESS,
     lambda s, t, p: workflow.move(t, actor=p["gest-scol"], category=s["categories"]["00_Polytech_Salles"]),
     "Sophie Lambert (gest-scol) a déplacé le ticket de DN – Applications de scolarité vers Polytech Nancy – "
     "Service informatique (catégorie 00_Polytech_Salles - Salles informatiques) ; il n'est plus confié à "
     "Sophie Lambert (gest-scol).",
     "Sophie Lambert (gest-scol) moved the ticket from DN – Applications de scolarité to Polytech Nancy – "
     "Service informatique (category 00_Polytech_Salles - Salles informatiques); it is no longer assigned to "
     "Sophie Lambert (gest-scol)."),
    ("ticket.subject_changed", "subject changed", IN_PROGRESS,
     lambda s, t, p: workflow.change_subject(t, actor=p["seclier5"], subject="Apogée inaccessible"),
     "Benjamin Seclier (seclier5) a changé le sujet de « Connexion apogee impossible » en « Apogée inaccessible ».",
     "Benjamin Seclier (seclier5) changed the subject from “Connexion apogee impossible” to “Apogée inaccessible”."),
    ("ticket.priority_changed", "priority changed", IN_PROGRESS,
     lambda s, t, p: workflow.change_priority(t, actor=p["seclier5"], priority=Priority.HIGH),
     "Benjamin Seclier (seclier5) a changé la priorité de Normale à Haute.",
     "Benjamin Seclier (seclier5) changed the priority from Normal to High."),
    ("ticket.scope_changed", "scope changed", IN_PROGRESS,
     lambda s, t, p: workflow.change_scope(t, actor=p["gest-scol"], scope=TicketScope.PUBLIC),
     "Sophie Lambert (gest-scol) a changé la visibilité du ticket de Privé à Public.",
     "Sophie Lambert (gest-scol) changed the ticket's visibility from Private to Public."),
    ("ticket.owner_changed", "owner changed", IN_PROGRESS,
     lambda s, t, p: workflow.change_owner(t, actor=p["gest-scol"], owner=p["mdupont"]),
     "Sophie Lambert (gest-scol) a changé le propriétaire : Marie Dupont (mdupont), à la place de Benjamin Seclier "
     "(seclier5).",
     "Sophie Lambert (gest-scol) changed the owner: Marie Dupont (mdupont), instead of Benjamin Seclier (seclier5)."),
    ("ticket.invited", "invited", IN_PROGRESS,
     lambda s, t, p: workflow.invite(t, actor=p["seclier5"], user=p["mdupont"]),
     "Benjamin Seclier (seclier5) a invité Marie Dupont (mdupont).",
     "Benjamin Seclier (seclier5) invited Marie Dupont (mdupont)."),
    ("ticket.uninvited", "uninvited", IN_PROGRESS,
     lambda s, t, p: workflow.uninvite(workflow.invite(t, actor=p["seclier5"], user=p["mdupont"]),
                                       actor=p["seclier5"], user=p["mdupont"]),
     "Benjamin Seclier (seclier5) a retiré l'invitation de Marie Dupont (mdupont).",
     "Benjamin Seclier (seclier5) withdrew the invitation of Marie Dupont (mdupont)."),
    ("ticket.uninvited", "uninvited oneself", IN_PROGRESS,
     lambda s, t, p: workflow.uninvite(workflow.invite(t, actor=p["seclier5"], user=p["mdupont"]),
                                       actor=p["mdupont"], user=p["mdupont"]),
     "Marie Dupont (mdupont) a retiré sa propre invitation.", "Marie Dupont (mdupont) withdrew their own invitation."),
    ("ticket.file_added", "file added", IN_PROGRESS,
     lambda s, t, p: workflow.add_file(t, actor=p["seclier5"]),
     "Benjamin Seclier (seclier5) a ajouté un fichier.", "Benjamin Seclier (seclier5) added a file."),
    ("ticket.file_removed", "file removed", IN_PROGRESS,
     lambda s, t, p: workflow.remove_file(t, actor=p["gest-scol"], attachment=attached(t, p["seclier5"])),
     "Sophie Lambert (gest-scol) a supprimé le fichier « capture.png ».",
     "Sophie Lambert (gest-scol) removed the file “capture.png”."),
    ("ticket.handed_over", "freed as its manager left", CLOSURE_REQUESTED,
     lambda s, t, p: managing_managers(s, "gest-scol2") or workflow.hand_over(t, actor=p["gest-scol2"]),
     "Paul Girard (gest-scol2) a libéré le ticket : Sophie Lambert (gest-scol) a quitté le service.",
     "Paul Girard (gest-scol2) freed the ticket: Sophie Lambert (gest-scol) left the service."),
    ("ticket.handed_over", "handed over as its manager left", IN_PROGRESS,
     lambda s, t, p: managing_managers(s, "gest-scol2")
     or workflow.hand_over(t, actor=p["gest-scol2"], manager=p["gest-scol3"]),
     "Paul Girard (gest-scol2) a confié le ticket à Léa Roux (gest-scol3) : Sophie Lambert (gest-scol) a quitté "
     "le service.",
     "Paul Girard (gest-scol2) assigned the ticket to Léa Roux (gest-scol3): Sophie Lambert (gest-scol) left "
     "the service."),
]  # fmt: skip


def attached(ticket, person):
    """A screenshot on ``ticket``, stored as the portal stores one."""
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(png, format="PNG")
    upload = SimpleUploadedFile("capture.png", png.getvalue(), content_type="image/png")
    return store_attachment(ticket, upload, uploaded_by=person, scope=EntryScope.INVITED)


def test_every_kind_the_workflow_writes_has_its_sentences():
    assert {case[0] for case in CASES} == {*workflow.KINDS.values(), "ticket.created"}


@pytest.mark.parametrize(
    ("kind", "source", "do", "french", "english"), [pytest.param(case[0], *case[2:], id=case[1]) for case in CASES]
)
def test_each_entry_says_what_changed_in_the_readers_language(scene, kind, source, do, french, english):
    ticket = do(scene, ticket_at(scene, source) if source else None, scene["people"])
    entry = Event.objects.filter(ticket=ticket).latest("pk")
    assert entry.kind == kind
    (sentence,) = sentences_for([entry])
    with translation.override("fr"):
        assert line(sentence) == french
    with translation.override("en"):
        assert line(sentence) == english


def entry_of(kind, data, *, actor=None):
    return Event(kind=kind, data=data, actor=actor, actor_id=actor.pk if actor else None, new_status=FREE)


@pytest.mark.parametrize(
    ("kind", "data", "french"),
    [
        # Entries written before their data named anything, or naming what is gone, keep their short sentence.
        ("ticket.freed", {}, "a libéré le ticket."),
        ("ticket.assigned", {"previous_manager": None}, "a affecté le ticket."),
        ("ticket.assigned", {"manager": 999999}, "a affecté le ticket."),
        ("ticket.moved", {"from_category": 999998, "to_category": 999999}, "a déplacé le ticket."),
        ("ticket.invited", {"user": "quelqu'un"}, "a invité une personne."),
        ("ticket.invited", {"user": [1]}, "a invité une personne."),
        ("ticket.invited", {"user": 2**70}, "a invité une personne."),
        ("ticket.invited", {"user": "9" * 30}, "a invité une personne."),
        ("ticket.invited", {"user": -1}, "a invité une personne."),
        ("ticket.postponed", {"recall_at": "demain"}, "a reporté le ticket."),
        ("ticket.priority_changed", {"old": 2}, "a changé la priorité."),
        ("ticket.priority_changed", {"old": 2, "new": 99}, "a changé la priorité de Normale à 99."),
        ("ticket.subject_changed", {}, "a changé le sujet."),
        ("ticket.owner_changed", {"old": 999999, "new": None}, "a changé le propriétaire."),
        ("ticket.created", [], "a créé le ticket."),
        ("ticket.uninvited", None, "a retiré une invitation."),
        # The kinds the first version of the workflow wrote.
        ("ticket.take", {}, "a pris en charge le ticket."),
        ("ticket.assign", {}, "a affecté le ticket."),
        ("ticket.free", {}, "a libéré le ticket."),
        ("ticket.unknown", {}, "ticket.unknown"),
    ],
)
def test_older_and_incomplete_entries_keep_a_short_sentence(scene, kind, data, french):
    (sentence,) = sentences_for([entry_of(kind, data, actor=scene["people"]["gest-scol"])])
    with translation.override("fr"):
        assert str(sentence) == french


def test_a_manager_freed_by_someone_else_is_named(scene):
    people = scene["people"]
    entry = entry_of("ticket.freed", {"previous_manager": people["gest-scol2"].pk}, actor=people["gest-scol"])
    with translation.override("fr"):
        assert str(sentences_for([entry])[0]) == "a libéré le ticket ; il était confié à Paul Girard (gest-scol2)."


def test_the_recall_date_is_in_the_readers_time_zone(scene):
    ticket = workflow.postpone(
        ticket_at(scene, IN_PROGRESS), actor=scene["people"]["gest-scol"], recall_at=recall_on(12, 23, 30)
    )
    (sentence,) = sentences_for([ticket.events.get()])
    with translation.override("fr"), timezone.override(ZoneInfo("America/Montreal")):
        assert str(sentence) == "a reporté le ticket au 12/01/2099 à 17:30."
    with translation.override("fr"), timezone.override(ZoneInfo("Asia/Tokyo")):
        assert str(sentence) == "a reporté le ticket au 13/01/2099 à 07:30."


def test_typed_values_are_escaped_on_the_page(client, scene):
    people = scene["people"]
    ticket = workflow.change_subject(
        ticket_at(scene, IN_PROGRESS), actor=people["seclier5"], subject="<script>alert(1)</script>"
    )
    client.force_login(people["seclier5"])
    page = client.get(reverse("ticket", args=[ticket.pk])).text
    assert "<script>alert(1)</script>" not in page
    assert "en « &lt;script&gt;alert(1)&lt;/script&gt; »." in page


# The same sentence everywhere.


def assigned_to_paul(scene):
    people = scene["people"]
    ticket = workflow.assign(ticket_at(scene, FREE), actor=people["gest-scol"], manager=people["gest-scol2"])
    Invitation.objects.create(ticket=ticket, user=people["mdupont"], invited_by=people["gest-scol"])
    return ticket


ASSIGNED_FR = "Sophie Lambert (gest-scol) a affecté le ticket à Paul Girard (gest-scol2)."
ASSIGNED_EN = "Sophie Lambert (gest-scol) assigned the ticket to Paul Girard (gest-scol2)."


def shown(response):
    assert response.status_code == 200
    return " ".join(html.unescape(response.text).split())


@pytest.mark.parametrize(
    ("page", "who"),
    [("ticket", "gest-scol2"), ("ticket_print", "seclier5"), ("ticket_print", "gest-scol")],
)
def test_the_ticket_page_and_the_print_view_say_it(client, scene, page, who):
    ticket = assigned_to_paul(scene)
    reader = scene["people"][who]
    client.force_login(reader)
    assert ASSIGNED_FR in shown(client.get(reverse(page, args=[ticket.pk])))
    reader.language = "en"
    reader.save()
    assert ASSIGNED_EN in shown(client.get(reverse(page, args=[ticket.pk])))


def test_the_action_form_says_it_of_the_last_entry(client, scene):
    ticket = assigned_to_paul(scene)
    client.force_login(scene["people"]["gest-scol2"])
    assert ASSIGNED_FR in shown(client.get(reverse("ticket_action", args=[ticket.pk, "comment"])))


def test_each_mail_says_it_in_its_recipients_language_without_separate_details(scene):
    people = scene["people"]
    people["mdupont"].language = "en"
    people["mdupont"].save()
    ticket = assigned_to_paul(scene)
    ticket = workflow.move(ticket, actor=people["gest-scol2"], category=scene["categories"]["02_ADE"])
    french = OutgoingMail.objects.filter(ticket=ticket, recipient=people["seclier5"]).latest("pk")
    english = OutgoingMail.objects.filter(ticket=ticket, recipient=people["mdupont"]).latest("pk")
    moved_fr = (
        "Paul Girard (gest-scol2) a déplacé le ticket de la catégorie 02_App_Gestion - Applications scolarité vers "
        "la catégorie 02_ADE - ADE UL."
    )
    moved_en = (
        "Paul Girard (gest-scol2) moved the ticket from category 02_App_Gestion - Applications scolarité to "
        "category 02_ADE - ADE UL."
    )
    assert moved_fr in " ".join(french.text_body.split())
    assert moved_fr in " ".join(
        html.unescape(french.html_body).replace("<strong>", "").replace("</strong>", "").split()
    )
    assert moved_en in " ".join(english.text_body.split())
    assert "Nouvelle catégorie" not in french.text_body and "New category" not in english.text_body


# Query counts: many entries of every kind cost what a few do.


def live_a_round(scene, ticket):
    """One pass through every action that names a person, a category, a value or a date."""
    p, categories = scene["people"], scene["categories"]
    owner, sophie, paul = p["seclier5"], p["gest-scol"], p["gest-scol2"]
    ticket = workflow.take(ticket, actor=sophie)
    ticket = workflow.assign(ticket, actor=sophie, manager=paul)
    ticket = workflow.take(ticket, actor=sophie)
    ticket = workflow.postpone(ticket, actor=sophie, recall_at=recall_on(12, 9, 30))
    ticket = workflow.recall(ticket, actor=sophie)
    ticket = workflow.move(ticket, actor=sophie, category=categories["02_ADE"])
    ticket = workflow.move(ticket, actor=sophie, category=categories["02_App_Gestion"])
    ticket = workflow.change_subject(ticket, actor=owner, subject=f"Apogée {ticket.version}")
    ticket = workflow.change_priority(ticket, actor=owner, priority=Priority.HIGH)
    ticket = workflow.change_priority(ticket, actor=owner, priority=Priority.NORMAL)
    ticket = workflow.change_scope(ticket, actor=sophie, scope=TicketScope.PUBLIC)
    ticket = workflow.change_scope(ticket, actor=sophie, scope=TicketScope.PRIVATE)
    ticket = workflow.change_owner(ticket, actor=sophie, owner=p["mdupont"])
    ticket = workflow.change_owner(ticket, actor=sophie, owner=owner)
    ticket = workflow.invite(ticket, actor=owner, user=p["mdupont"])
    ticket = workflow.uninvite(ticket, actor=owner, user=p["mdupont"])
    ticket = workflow.close(ticket, actor=owner)
    ticket = workflow.reopen(ticket, actor=owner)
    return workflow.free(ticket, actor=sophie)


@pytest.mark.parametrize("rounds", [1, 8])
@pytest.mark.parametrize(("page", "expected"), [("ticket", 12), ("ticket_print", 11)])
def test_the_page_reads_what_entries_name_in_two_queries_whatever_their_number(
    client, scene, django_assert_num_queries, rounds, page, expected
):
    ticket = create(scene)
    for _round in range(rounds):
        ticket = live_a_round(scene, ticket)
    ticket = workflow.move(ticket, actor=scene["people"]["gest-scol"], category=scene["categories"]["00_Polytech"])
    assert ticket.events.count() == 2 + 19 * rounds
    client.force_login(scene["people"]["seclier5"])
    client.get(reverse(page, args=[ticket.pk]))
    # The page's usual queries (tests/test_ticket_page.py, the visibility rules' included), then the people and
    # the categories entries name.
    with django_assert_num_queries(expected):
        text = shown(client.get(reverse(page, args=[ticket.pk])))
    assert "a changé le propriétaire : Marie Dupont (mdupont), à la place de Benjamin Seclier (seclier5)." in text
    assert "vers Polytech Nancy – Service informatique (catégorie 00_Polytech - Polytech Nancy)" in text
