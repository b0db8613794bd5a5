"""The ticket page's actions: the ACTIONS menu, one form per action, bookmarks and follows."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import ticket_in as shared_ticket_in
from tickets import workflow
from tickets.forms.actions import ACTION_FORMS, MENU_ORDER
from tickets.models import (
    Bookmark,
    EntryScope,
    Event,
    Follower,
    Invitation,
    Membership,
    Priority,
    Status,
    Ticket,
    TicketScope,
)

pytestmark = pytest.mark.django_db

FREE, IN_PROGRESS, AWAITING = Status.FREE, Status.IN_PROGRESS, Status.AWAITING_INFO
POSTPONED, CLOSURE_REQUESTED = Status.POSTPONED, Status.CLOSURE_REQUESTED
STALE = "Le ticket a été modifié entre-temps."


def ticket_in(world, status, **fields):
    return shared_ticket_in(world, status, idle_days=1, **fields)


def action_url(ticket, action):
    return reverse("ticket_action", args=[ticket.pk, action])


def page_of(client, ticket):
    response = client.get(reverse("ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.text


def menu(page):
    """The ACTIONS menu's entries as (what, label)."""
    block = page[page.index('<details class="actions-menu">') : page.index("</details>")]
    return [
        (what, html.unescape(label).strip())
        for what, label in re.findall(r'data-action="([a-z_]+)"[^>]*>([^<]*)<', block)
    ]


def textarea(page, name):
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1)).strip()


# The ACTIONS menu


def test_every_action_has_a_form_and_a_place_in_the_menu():
    # Removing a file is a button beside the file (tests/test_ticket_files.py), not a form of the menu; handing
    # over the tickets of a manager who leaves is done from the service's managers page.
    assert set(ACTION_FORMS) == set(workflow.MOVES) - {"expire", "remove_file", "hand_over"}
    assert sorted(MENU_ORDER) == sorted(ACTION_FORMS)


def test_the_owner_of_a_free_ticket_sees_the_guide_menu(client, world):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["owner"])
    labels = [label for _what, label in menu(page_of(client, ticket))]
    assert labels == [
        "Changer le sujet", "Ajouter commentaire", "Ajouter un fichier", "Annuler", "Clôre",
        "Changer la priorité", "Changer la visibilité", "Inviter", "Retirer l'invitation",
        "Imprimer", "Ajouter un signet",
    ]  # fmt: skip
    guide = ["Changer le sujet", "Ajouter commentaire", "Annuler", "Clôre", "Imprimer", "Ajouter un signet"]
    assert [label for label in labels if label in guide] == guide


def test_the_owner_sees_approve_and_refuse_while_closure_is_requested(client, world):
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])
    labels = [label for _what, label in menu(page_of(client, ticket))]
    assert labels == [
        "Changer le sujet", "Approuver la clôture", "Refuser la clôture", "Ajouter commentaire",
        "Ajouter un fichier", "Changer la priorité", "Changer la visibilité", "Inviter", "Retirer l'invitation",
        "Imprimer", "Ajouter un signet",
    ]  # fmt: skip
    assert "Ré-ouvrir" not in labels  # the owner may not reopen while the closure waits for them


def test_the_owner_may_reopen_a_closed_ticket(client, world):
    ticket = ticket_in(world, Status.APPROVED)
    client.force_login(world["people"]["owner"])
    assert "Ré-ouvrir" in [label for _what, label in menu(page_of(client, ticket))]


def test_a_manager_of_a_free_ticket_may_take_it(client, world):
    ticket = ticket_in(world, FREE)
    manager = world["people"]["manager"]
    client.force_login(manager)
    entries = menu(page_of(client, ticket))
    assert [label for _what, label in entries] == [
        "Prendre en charge", "Affecter", "Ajouter commentaire", "Ajouter un fichier", "Déplacer", "Inviter",
        "Retirer l'invitation", "Imprimer", "Ajouter un signet",
    ]  # fmt: skip
    # Removing a file is offered beside each file, not in the menu.
    assert {what for what, _label in entries} - {"print", "bookmark"} == set(
        workflow.available_actions(manager, ticket)
    ) - {"remove_file"}


def test_the_manager_in_charge_sees_the_work_actions(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    in_charge = world["people"]["in_charge"]
    client.force_login(in_charge)
    entries = menu(page_of(client, ticket))
    assert [label for _what, label in entries] == [
        "Affecter", "Libérer", "Changer le sujet", "Ajouter commentaire", "Ajouter un fichier",
        "Demander des informations", "Reporter",
        "Clôre", "Refuser le ticket", "Déplacer", "Changer la priorité", "Changer la visibilité",
        "Changer le propriétaire", "Inviter", "Retirer l'invitation", "Imprimer", "Ajouter un signet",
    ]  # fmt: skip
    # Removing a file is offered beside each file, not in the menu.
    assert {what for what, _label in entries} - {"print", "bookmark"} == set(
        workflow.available_actions(in_charge, ticket)
    ) - {"remove_file"}


def test_an_invitee_may_only_remove_their_own_invitation(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["invitee"])
    labels = [label for _what, label in menu(page_of(client, ticket))]
    assert labels == [
        "Ajouter commentaire", "Ajouter un fichier", "Retirer mon invitation", "Imprimer", "Ajouter un signet",
    ]  # fmt: skip


def test_actions_without_fields_post_from_the_menu(client, world):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["manager"])
    page = page_of(client, ticket)
    assert re.search(
        rf'<form method="post" action="{action_url(ticket, "take")}"[^>]*>\s*<input type="hidden" '
        rf'name="csrfmiddlewaretoken"[^>]*>\s*<input type="hidden" name="version" value="{ticket.version}">',
        page,
    )
    assert f'<a href="{action_url(ticket, "assign")}"' in page


# Each action through its view


def future(hours=48):
    return (timezone.localtime() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


# action, from, actor role, what is posted, status after, history kind, further check
CASES = [
    ("take", FREE, "manager", {}, IN_PROGRESS, "ticket.taken", lambda t, w: t.manager == w["people"]["manager"]),
    ("assign", FREE, "manager", {"manager": "colleague"}, IN_PROGRESS, "ticket.assigned",
     lambda t, w: t.manager == w["people"]["colleague"]),
    ("free", IN_PROGRESS, "in_charge", {}, FREE, "ticket.freed", lambda t, w: t.manager is None),
    ("request_info", IN_PROGRESS, "in_charge", {"text": "Quel navigateur ?"}, AWAITING,
     "ticket.information_requested", None),
    ("comment", AWAITING, "owner", {"text": "Firefox 128", "scope": "invited"}, IN_PROGRESS, "ticket.commented",
     None),
    ("postpone", IN_PROGRESS, "in_charge", {"recall_at": future()}, POSTPONED, "ticket.postponed",
     lambda t, w: t.recall_at is not None and t.recall_at > timezone.now()),
    ("recall", POSTPONED, "in_charge", {}, IN_PROGRESS, "ticket.recalled", None),
    ("request_closure", IN_PROGRESS, "in_charge", {}, CLOSURE_REQUESTED, "ticket.closure_requested", None),
    ("close", IN_PROGRESS, "owner", {}, Status.APPROVED, "ticket.closed", lambda t, w: t.closed_at is not None),
    ("approve_closure", CLOSURE_REQUESTED, "owner", {}, Status.APPROVED, "ticket.closure_approved", None),
    ("refuse_closure", CLOSURE_REQUESTED, "owner", {"text": "Toujours en panne."}, IN_PROGRESS,
     "ticket.closure_refused", None),
    ("cancel", FREE, "owner", {}, Status.CANCELLED, "ticket.cancelled", None),
    ("reject", IN_PROGRESS, "in_charge", {"text": "Doublon du ticket 12."}, Status.REJECTED, "ticket.rejected", None),
    ("reopen", Status.APPROVED, "owner", {}, IN_PROGRESS, "ticket.reopened", None),
    ("move", IN_PROGRESS, "manager", {"category": "sibling"}, IN_PROGRESS, "ticket.moved",
     lambda t, w: t.category == w["categories"]["sibling"]),
    ("change_subject", IN_PROGRESS, "owner", {"subject": "Apogée inaccessible"}, IN_PROGRESS,
     "ticket.subject_changed", lambda t, w: t.subject == "Apogée inaccessible"),
    ("change_priority", IN_PROGRESS, "owner", {"priority": str(Priority.HIGH)}, IN_PROGRESS,
     "ticket.priority_changed", lambda t, w: t.priority == Priority.HIGH),
    ("change_scope", IN_PROGRESS, "in_charge", {"scope": TicketScope.PUBLIC}, IN_PROGRESS, "ticket.scope_changed",
     lambda t, w: t.scope == TicketScope.PUBLIC),
    ("change_owner", IN_PROGRESS, "in_charge", {"owner": "nouveau"}, IN_PROGRESS, "ticket.owner_changed",
     lambda t, w: t.owner == w["people"]["newcomer"]),
    ("invite", IN_PROGRESS, "owner", {"person": "NOUVEAU@univ.example"}, IN_PROGRESS, "ticket.invited",
     lambda t, w: Invitation.objects.filter(ticket=t, user=w["people"]["newcomer"]).exists()),
    ("uninvite", IN_PROGRESS, "owner", {"person": "invitee"}, IN_PROGRESS, "ticket.uninvited",
     lambda t, w: not Invitation.objects.filter(ticket=t).exists()),
    ("add_file", AWAITING, "invitee", {"files": "capture.png", "scope": "invited"}, AWAITING, "ticket.file_added",
     lambda t, w: [(a.name, a.event.kind) for a in t.attachments.all()] == [("capture.png", "ticket.file_added")]),
]  # fmt: skip


def png_upload(name):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def posted(data, world):
    """People and categories of the cases are named; the form wants their keys."""
    resolved = {}
    for name, value in data.items():
        if name in {"manager", "person"} and value in world["people"]:
            value = world["people"][value].pk
        elif name == "category":
            value = world["categories"][value].pk
        elif name == "files":
            value = png_upload(value)
        resolved[name] = value
    return resolved


def test_the_cases_walk_every_action():
    assert {case[0] for case in CASES} == set(ACTION_FORMS)


@pytest.mark.parametrize(
    ("action", "source", "role", "data", "target", "kind", "check"), CASES, ids=[c[0] for c in CASES]
)
def test_each_action_through_its_form(client, world, action, source, role, data, target, kind, check):
    ticket = ticket_in(world, source)
    actor = world["people"][role]
    client.force_login(actor)
    events = Event.objects.count()

    shown = client.get(action_url(ticket, action))
    assert shown.status_code == 200
    assert Event.objects.count() == events  # showing the form changes nothing
    assert f'name="version" value="{ticket.version}"' in shown.text

    response = client.post(action_url(ticket, action), {"version": ticket.version, **posted(data, world)})
    assert response.status_code == 302, response.text[:3000]
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    updated = Ticket.objects.get(pk=ticket.pk)
    assert updated.status == target
    assert updated.version == ticket.version + 1
    entry = Event.objects.get(ticket=ticket)
    assert (entry.kind, entry.actor, entry.old_status, entry.new_status) == (kind, actor, source, target)
    if check:
        assert check(updated, world)
    landed = client.get(response["Location"]).text
    assert 'class="message success"' in landed


def test_the_typed_text_goes_to_the_history(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    client.post(action_url(ticket, "free"), {"version": ticket.version, "text": "Je pars."})
    assert "Je pars." in Event.objects.get(ticket=ticket).text


def test_an_invitee_removing_their_invitation_goes_home(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["invitee"])
    page = client.get(action_url(ticket, "uninvite")).text
    assert "Retirer mon invitation" in page
    response = client.post(action_url(ticket, "uninvite"), {"version": ticket.version})
    assert response["Location"] == reverse("home")
    assert not Invitation.objects.filter(ticket=ticket).exists()


# Scopes of comments


def test_a_managers_only_comment_stays_out_of_the_owners_page(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    response = client.post(
        action_url(ticket, "comment"),
        {"version": ticket.version, "text": "Note interne : voir avec la DSI", "scope": EntryScope.MANAGERS},
    )
    assert response.status_code == 302
    assert Event.objects.get(ticket=ticket).scope == EntryScope.MANAGERS
    assert "Note interne" in page_of(client, ticket)
    client.force_login(world["people"]["owner"])
    assert "Note interne" not in page_of(client, ticket)


def test_the_owner_may_not_choose_the_managers_scope(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    page = client.get(action_url(ticket, "comment")).text
    assert 'value="managers"' not in page
    assert 'value="invited" selected' in page
    response = client.post(
        action_url(ticket, "comment"), {"version": ticket.version, "text": "Secret", "scope": EntryScope.MANAGERS}
    )
    assert response.status_code == 400
    assert "scope" in response.context["form"].errors
    assert not Event.objects.filter(ticket=ticket).exists()
    assert textarea(response.text, "text") == "Secret"


def test_text_fields_are_ready_for_the_rich_text_editor(client, world):
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])
    for action in ["comment", "refuse_closure"]:
        page = client.get(action_url(ticket, action)).text
        tag = re.search(r'<textarea[^>]*name="text"[^>]*>', page).group(0)
        assert " data-rich-text" in tag, action


# Errors: nothing written, nothing lost, never a 500


def test_refusing_the_closure_needs_a_justification(client, world):
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])
    response = client.post(action_url(ticket, "refuse_closure"), {"version": ticket.version, "text": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    field = re.search(r'<div class="field has-error">(.*?)</div>\s*</div>', response.text, re.S).group(1)
    assert 'name="text"' in field and "field-errors" in field
    assert not Event.objects.filter(ticket=ticket).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == CLOSURE_REQUESTED


def test_a_stale_page_is_refused_and_the_text_given_back(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    shown_version = ticket.version
    workflow.comment(ticket, actor=world["people"]["in_charge"], text="Premier")
    client.force_login(world["people"]["manager"])
    typed = "<p>Mon long commentaire</p>"
    response = client.post(
        action_url(ticket, "comment"), {"version": shown_version, "text": typed, "scope": EntryScope.INVITED}
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert textarea(response.text, "text") == typed
    assert Event.objects.filter(ticket=ticket).count() == 1
    # The form shown again carries the version now current: sending it again works.
    current = Ticket.objects.get(pk=ticket.pk).version
    assert f'name="version" value="{current}"' in response.text
    again = client.post(action_url(ticket, "comment"), {"version": current, "text": typed, "scope": "invited"})
    assert again.status_code == 302
    assert Event.objects.filter(ticket=ticket).count() == 2


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.5"])
def test_a_missing_or_bad_version_counts_as_stale(client, world, version):
    ticket = ticket_in(world, CLOSURE_REQUESTED)
    client.force_login(world["people"]["owner"])
    data = {"text": "Toujours en panne."}
    if version is not None:
        data["version"] = version
    response = client.post(action_url(ticket, "refuse_closure"), data)
    assert response.status_code == 409
    assert textarea(response.text, "text") == "Toujours en panne."
    assert not Event.objects.filter(ticket=ticket).exists()


def test_a_change_between_the_check_and_the_lock_is_stale_too(client, world, monkeypatch):
    ticket = ticket_in(world, IN_PROGRESS)

    def changed_meanwhile(ticket, *, actor, text, scope):
        raise workflow.StaleTicket(text=text)

    monkeypatch.setattr(workflow, "comment", changed_meanwhile)
    client.force_login(world["people"]["owner"])
    response = client.post(
        action_url(ticket, "comment"), {"version": ticket.version, "text": "Ma réponse", "scope": "invited"}
    )
    assert response.status_code == 409
    assert STALE in response.text
    assert textarea(response.text, "text") == "Ma réponse"


def test_a_workflow_refusal_is_shown_on_the_form(client, world, make_category):
    closed = make_category(world["service"], code="02_Ancien", enabled=False)
    redirected = make_category(world["service"], code="02_Redirige", redirect_to=closed)
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    response = client.post(
        action_url(ticket, "move"), {"version": ticket.version, "category": redirected.pk, "text": "Vers l'ancien"}
    )
    assert response.status_code == 400
    assert "Cette catégorie n&#x27;accepte pas de ticket." in response.text
    assert textarea(response.text, "text") == "Vers l'ancien"
    assert Ticket.objects.get(pk=ticket.pk).category == world["categories"]["home"]
    assert not Event.objects.filter(ticket=ticket).exists()


def test_a_recall_date_in_the_past_is_refused(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(action_url(ticket, "postpone"), {"version": ticket.version, "recall_at": past})
    assert response.status_code == 400
    assert "La date de rappel doit être dans le futur." in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == IN_PROGRESS


def test_inviting_an_unknown_login_is_a_form_error(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["owner"])
    response = client.post(action_url(ticket, "invite"), {"version": ticket.version, "person": "personne-inconnue"})
    assert response.status_code == 400
    assert response.context["form"].errors["person"] == ["Personne ne correspond à cet identifiant."]
    assert "Personne ne correspond à cet identifiant." in response.text
    assert Invitation.objects.filter(ticket=ticket).count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["unknown", "expire", "delete"])
def test_an_unknown_action_is_not_found(client, world, method, action):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    response = getattr(client, method)(action_url(ticket, action), {"version": ticket.version})
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["take", "comment", "close", "invite"])
def test_someone_who_cannot_see_the_ticket_gets_not_found(client, world, action):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["stranger"])
    assert client.get(action_url(ticket, action)).status_code == 404
    response = client.post(action_url(ticket, action), {"version": ticket.version, "text": "x", "person": "nouveau"})
    assert response.status_code == 404
    assert client.post(reverse("bookmark", args=[ticket.pk]), {"on": "1"}).status_code == 404
    assert client.post(reverse("follow", args=[ticket.pk]), {"on": "1"}).status_code == 404
    assert not Event.objects.filter(ticket=ticket).exists()
    assert not Bookmark.objects.exists() and not Follower.objects.exists()


def test_an_invitee_who_may_not_take_gets_the_reason(client, world):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["invitee"])
    shown = client.get(action_url(ticket, "take"))
    assert shown.status_code == 403
    assert "Vous n&#x27;avez pas le droit de faire cette action sur ce ticket." in shown.text
    refused = client.post(action_url(ticket, "take"), {"version": ticket.version, "text": "Je prends"})
    assert refused.status_code == 403
    kept = re.search(r'<textarea id="kept-text"[^>]*>(.*?)</textarea>', refused.text, re.S).group(1)
    assert kept.strip() == "Je prends"
    assert Ticket.objects.get(pk=ticket.pk).status == FREE
    assert not Event.objects.filter(ticket=ticket).exists()


def test_an_action_the_status_does_not_allow_says_so(client, world):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["owner"])
    response = client.get(action_url(ticket, "approve_closure"))
    assert response.status_code == 403
    assert "Cette action n&#x27;est pas possible dans l&#x27;état actuel du ticket." in response.text


@pytest.mark.parametrize("role", ["owner", "in_charge", "manager", "invitee"])
def test_showing_any_form_changes_nothing(client, world, role):
    ticket = ticket_in(world, IN_PROGRESS)
    client.force_login(world["people"][role])
    events, version = Event.objects.count(), ticket.version
    for action in ACTION_FORMS:
        assert client.get(action_url(ticket, action)).status_code in {200, 403}
    assert Event.objects.count() == events
    assert Ticket.objects.get(pk=ticket.pk).version == version


# htmx


def test_with_htmx_a_success_lands_on_the_ticket_and_an_error_on_the_form(client, world):
    ticket = ticket_in(world, FREE)
    client.force_login(world["people"]["manager"])
    response = client.post(action_url(ticket, "take"), {"version": ticket.version}, headers={"HX-Request": "true"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    stale = client.post(action_url(ticket, "free"), {"version": ticket.version}, headers={"HX-Request": "true"})
    assert stale.status_code == 409
    assert stale["HX-Push-Url"] == action_url(ticket, "free")
    assert 'id="content"' in stale.text


# Bookmarks and follows


def test_bookmark_on_and_off(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    owner = world["people"]["owner"]
    client.force_login(owner)
    assert client.get(reverse("bookmark", args=[ticket.pk])).status_code == 405
    response = client.post(reverse("bookmark", args=[ticket.pk]), {"on": "1"})
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    assert Bookmark.objects.filter(user=owner, ticket=ticket).exists()
    page = client.get(response["Location"]).text
    assert ("unbookmark", "Retirer le signet") in menu(page)
    assert "Le ticket a été ajouté à vos signets." in page
    client.post(reverse("bookmark", args=[ticket.pk]), {"on": "0"})
    assert not Bookmark.objects.filter(user=owner, ticket=ticket).exists()
    assert ("bookmark", "Ajouter un signet") in menu(page_of(client, ticket))


def test_follow_on_and_off(client, world):
    ticket = ticket_in(world, IN_PROGRESS)
    manager = world["people"]["manager"]
    client.force_login(manager)
    page = page_of(client, ticket)
    assert "Vous ne surveillez pas ce ticket." in page and "Personne ne surveille ce ticket." in page
    assert client.get(reverse("follow", args=[ticket.pk])).status_code == 405
    response = client.post(reverse("follow", args=[ticket.pk]), {"on": "1"})
    assert response["Location"] == reverse("ticket", args=[ticket.pk])
    assert Follower.objects.filter(user=manager, ticket=ticket).exists()
    page = page_of(client, ticket)
    assert "Vous surveillez ce ticket." in page and "1 personne surveille ce ticket." in page
    assert "Ne plus surveiller" in page
    client.force_login(world["people"]["owner"])
    client.post(reverse("follow", args=[ticket.pk]), {"on": "1"})
    assert "2 personnes surveillent ce ticket." in page_of(client, ticket)
    client.force_login(manager)
    client.post(reverse("follow", args=[ticket.pk]), {"on": "0"})
    assert not Follower.objects.filter(user=manager, ticket=ticket).exists()
    assert Event.objects.filter(ticket=ticket).count() == 0  # personal: no history entry


# Query counts, at two data sizes


def grow(world, make_user, ticket, others):
    """Other tickets of the owner, comments on the ticket, more managers in the service, all following it."""
    owner = world["people"]["owner"]
    for _ in range(others):
        other = ticket_in(world, FREE)
        workflow.comment(other, actor=owner, text="encore")
        ticket = workflow.comment(ticket, actor=owner, text="relance")
        colleague = make_user()
        Membership.objects.create(service=world["service"], user=colleague)
        Follower.objects.create(ticket=ticket, user=colleague)
    return ticket


@pytest.mark.parametrize("others", [2, 40])
def test_the_ticket_page_reads_a_fixed_number_of_queries(client, world, make_user, django_assert_num_queries, others):
    ticket = grow(world, make_user, ticket_in(world, IN_PROGRESS), others)
    client.force_login(world["people"]["owner"])
    client.get(reverse("ticket", args=[ticket.pk]))
    # session, user, memberships, the services the visibility rules show, the ticket with its follows and
    # bookmark, invitees, history, files, owner's tickets, the update of the viewer's "Historique" row
    with django_assert_num_queries(10):
        page = page_of(client, ticket)
    assert f"{others} personnes surveillent ce ticket." in page


@pytest.mark.parametrize("others", [2, 40])
@pytest.mark.parametrize("action", ["comment", "assign", "move"])
def test_an_action_form_reads_a_fixed_number_of_queries(
    client, world, make_user, django_assert_num_queries, others, action
):
    ticket = grow(world, make_user, ticket_in(world, IN_PROGRESS), others)
    client.force_login(world["people"]["in_charge"])
    # session, user, memberships, the services the visibility rules show, ticket, then: comment asks whether
    # the manager is invited (the right to comment), the others read the choices of their select; the last
    # history entry shown, and the saved responses a manager may insert into the text
    expected = {"comment": 8, "assign": 8, "move": 8}[action]
    with django_assert_num_queries(expected):
        assert client.get(action_url(ticket, action)).status_code == 200
