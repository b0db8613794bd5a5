"""Réponses enregistrées: who uses and manages which kind, the audit of shared ones, and their insertion into an
action's text with the ticket's values filled in, with and without the editor."""

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.factories import ticket_in
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.administration import responses
from tickets.models import AdminChange, Attachment, Event, SavedResponse, Status, Ticket

pytestmark = pytest.mark.django_db

PAGE = reverse("saved_responses")


@pytest.fixture
def saved(world):
    """One response of each kind: the in-charge manager's own, a colleague's own, Scolarité's, Paie's, global."""
    people, other = world["people"], world["categories"]["elsewhere"].service
    make = SavedResponse.objects.create
    return {
        "mine": make(label="Ma réponse", text="<p>Bonjour {nom}</p>", owner=people["in_charge"]),
        "colleague": make(label="Réponse de Marc", text="<p>Marc</p>", owner=people["manager"]),
        "service": make(label="Réponse scolarité", text="<p>Ticket {numero} : {sujet}</p>", service=world["service"]),
        "other_service": make(label="Réponse paie", text="<p>Paie</p>", service=other),
        "global": make(label="Réponse globale", text="<p>Cordialement</p>"),
    }


def labels(page):
    return re.findall(r"<h3>([^<]*)</h3>", page)


def groups(page):
    return [html.unescape(title) for title in re.findall(r'<h2 id="group-[^"]*">([^<]*)</h2>', page)]


# The page


@pytest.mark.parametrize(
    "role, shown",
    [
        ("in_charge", ["Ma réponse", "Réponse scolarité", "Réponse globale"]),
        ("manager", ["Réponse de Marc", "Réponse scolarité", "Réponse globale"]),
        ("other_manager", ["Réponse paie", "Réponse globale"]),
        ("admin", ["Réponse paie", "Réponse scolarité", "Réponse globale"]),
    ],
)
def test_the_page_lists_what_the_reader_may_use_grouped(client, world, saved, role, shown):
    client.force_login(world["people"][role])
    page = client.get(PAGE).text
    assert labels(page) == shown
    assert groups(page)[0] == "Personnelles" and groups(page)[-1] == "Globales"


@pytest.mark.parametrize("role", ["owner", "stranger", "invitee"])
def test_people_who_manage_nothing_do_not_get_the_page(client, world, saved, role):
    client.force_login(world["people"][role])
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"kind": "personal", "label": "x", "text": "y"}).status_code == 404
    assert client.get(reverse("edit_response", args=[saved["global"].pk])).status_code == 404
    assert not SavedResponse.objects.filter(label="x").exists()


def test_a_visitor_is_asked_to_log_in(client, saved):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_shows_the_page_to_managers(client, world):
    client.force_login(world["people"]["in_charge"])
    assert f'href="{PAGE}"' in client.get(reverse("home")).text
    client.force_login(world["people"]["owner"])
    assert f'href="{PAGE}"' not in client.get(reverse("home")).text


def kind_of(world, name):
    return {"personal": "personal", "global": "global", "service": str(world["service"].pk),
            "other_service": str(world["categories"]["elsewhere"].service_id)}[name]  # fmt: skip


@pytest.mark.parametrize(
    "role, kind, allowed",
    [
        ("in_charge", "personal", True),
        ("in_charge", "service", True),
        ("manager_without_assign", "service", True),
        ("in_charge", "other_service", False),
        ("in_charge", "global", False),
        ("other_manager", "service", False),
        ("admin", "global", True),
        ("admin", "other_service", True),
    ],
)
def test_adding_a_response_per_kind_and_person(client, world, role, kind, allowed):
    person = world["people"][role]
    client.force_login(person)
    response = client.post(PAGE, {"kind": kind_of(world, kind), "label": "Nouvelle", "text": "<p>Texte</p>"})
    added = SavedResponse.objects.filter(label="Nouvelle").first()
    if not allowed:
        assert response.status_code == 400 and added is None
        assert not AdminChange.objects.exists()
        return
    assert response.status_code == 302 and added is not None
    assert (added.owner_id, added.service_id) == {
        "personal": (person.pk, None),
        "global": (None, None),
        "service": (None, world["service"].pk),
        "other_service": (None, world["categories"]["elsewhere"].service_id),
    }[kind]
    logged = list(AdminChange.objects.values_list("kind", "actor_id", "service_id", "target"))
    if kind == "personal":
        assert logged == []  # nobody else's concern
    else:
        assert logged == [("response.added", person.pk, added.service_id, "Nouvelle")]


def test_the_workflow_refuses_a_kind_the_form_did_not_offer(world):
    with pytest.raises(responses.Http404):
        responses.add_response(actor=world["people"]["in_charge"], kind="global", label="x", text="y")
    other = str(world["categories"]["elsewhere"].service_id)
    with pytest.raises(responses.Http404):
        responses.add_response(actor=world["people"]["in_charge"], kind=other, label="x", text="y")


@pytest.mark.parametrize(
    "role, name, allowed",
    [
        ("in_charge", "mine", True),
        ("in_charge", "colleague", False),
        ("in_charge", "service", True),
        ("colleague", "service", True),
        ("in_charge", "other_service", False),
        ("other_manager", "service", False),
        ("in_charge", "global", False),
        ("admin", "global", True),
        ("admin", "other_service", True),
        ("admin", "colleague", False),
    ],
)
def test_editing_and_deleting_per_kind_and_person(client, world, saved, role, name, allowed):
    person, target = world["people"][role], saved[name]
    client.force_login(person)
    edit, delete = reverse("edit_response", args=[target.pk]), reverse("delete_response", args=[target.pk])
    statuses = [
        client.get(edit).status_code,
        client.post(edit, {"label": "Changée", "text": "<p>Nouveau texte</p>"}).status_code,
        client.get(delete).status_code,
    ]
    target.refresh_from_db()
    if not allowed:
        assert statuses == [404, 404, 404]
        assert client.post(delete).status_code == 404
        assert SavedResponse.objects.filter(pk=target.pk, label=saved[name].label).exists()
        assert not AdminChange.objects.exists()
        return
    assert statuses == [200, 302, 200]
    assert (target.label, target.text) == ("Changée", "<p>Nouveau texte</p>")
    assert client.post(delete).status_code == 302
    assert not SavedResponse.objects.filter(pk=target.pk).exists()
    logged = list(AdminChange.objects.order_by("pk").values_list("kind", "actor_id", "details"))
    if name in {"mine", "colleague"}:
        assert logged == []
    else:
        old_label = {"service": "Réponse scolarité", "other_service": "Réponse paie", "global": "Réponse globale"}[name]
        assert [kind for kind, _actor, _details in logged] == ["response.updated", "response.deleted"]
        assert {actor for _kind, actor, _details in logged} == {person.pk}
        assert logged[0][2]["label"] == [old_label, "Changée"]
        assert logged[1][2]["label"] == ["Changée", None]


def test_an_unknown_response_is_not_found(client, world):
    client.force_login(world["people"]["admin"])
    assert client.get(reverse("edit_response", args=[999999])).status_code == 404


def test_the_text_is_sanitised_and_bad_input_kept_with_a_message(client, world):
    client.force_login(world["people"]["in_charge"])
    response = client.post(PAGE, {"kind": "personal", "label": "XSS", "text": "<p>Salut</p><script>alert(1)</script>"})
    assert response.status_code == 302
    assert SavedResponse.objects.get(label="XSS").text == "<p>Salut</p>"
    for data in (
        {"kind": "personal", "label": "", "text": "<p>Texte gardé</p>"},
        {"kind": "personal", "label": "Vide", "text": "<p> </p>"},
        {"kind": "personal", "label": "Nul\x00", "text": "<p>Texte gardé</p>"},
        {"kind": "\x00", "label": "Nul", "text": "<p>Texte gardé</p>"},
    ):
        response = client.post(PAGE, data)
        assert response.status_code == 400
        assert 'class="field-errors"' in response.text
    assert "Texte gardé" in response.text
    assert SavedResponse.objects.count() == 1


def test_the_page_s_queries_do_not_grow_with_the_responses(client, world):
    person = world["people"]["in_charge"]
    client.force_login(person)

    def count():
        client.get(PAGE)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    SavedResponse.objects.create(label="Une", text="<p>1</p>", owner=person)
    small = count()
    SavedResponse.objects.bulk_create(
        [SavedResponse(label=f"Perso {n}", text="<p>x</p>", owner=person) for n in range(40)]
        + [SavedResponse(label=f"Service {n}", text="<p>x</p>", service=world["service"]) for n in range(40)]
        + [SavedResponse(label=f"Globale {n}", text="<p>x</p>") for n in range(40)]
    )
    assert count() == small


# Inserting into an action's text


def comment_form(client, ticket):
    return client.get(reverse("ticket_action", args=[ticket.pk, "comment"]))


def options(page):
    return {label: html.unescape(text) for text, label in re.findall(r'data-text="([^"]*)">([^<]*)</option>', page)}


def test_a_manager_s_action_form_offers_the_responses_filled_for_the_ticket(client, world, saved):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    page = comment_form(client, ticket).text
    assert options(page) == {
        "Ma réponse": "<p>Bonjour Benjamin Seclier</p>",
        "Réponse scolarité": f"<p>Ticket {ticket.pk} : Connexion apogee impossible</p>",
        "Réponse globale": "<p>Cordialement</p>",
    }
    assert "Insérer une réponse enregistrée" in page and "saved-responses.js" in page


@pytest.mark.parametrize("role", ["owner", "invitee"])
def test_people_who_do_not_manage_the_ticket_get_no_responses(client, world, saved, role):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"][role])
    page = comment_form(client, ticket).text
    assert "data-saved-responses" not in page and "Cordialement" not in page


def test_another_service_s_manager_never_sees_them(client, world, saved):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["other_manager"])
    assert comment_form(client, ticket).status_code == 404


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_values_filled_in_are_inert(client, world, payload):
    payload = payload.replace("\x00", "")  # PostgreSQL refuses NUL in text
    owner = world["people"]["owner"]
    owner.display_name = payload[:150]
    owner.save()
    ticket = ticket_in(world, Status.IN_PROGRESS)
    Ticket.objects.filter(pk=ticket.pk).update(subject=payload[:200])
    ticket.refresh_from_db()
    text = '<p>{nom} – {sujet} <a href="https://x.example/{sujet}">lien</a></p>'
    SavedResponse.objects.create(label="Modèle", text=text, service=world["service"])
    filled = responses.fill_placeholders(SavedResponse.objects.get().text, ticket)
    assert_no_script(filled)
    client.force_login(world["people"]["in_charge"])
    for text in options(comment_form(client, ticket).text).values():
        assert_no_script(text)


def test_without_javascript_insert_keeps_the_typed_text_and_does_nothing(client, world, saved):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    url = reverse("ticket_action", args=[ticket.pk, "comment"])
    events = Event.objects.count()
    response = client.post(
        url,
        {"version": ticket.version, "text": "<p>Déjà tapé</p>", "scope": "managers", "reponse": saved["service"].pk,
         "inserer_reponse": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    typed = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', response.text, re.S).group(1)
    assert html.unescape(typed).strip() == f"<p>Déjà tapé</p><p>Ticket {ticket.pk} : Connexion apogee impossible</p>"
    assert re.search(r'<option value="managers" selected>', response.text)
    assert f'name="version" value="{ticket.version}"' in response.text
    assert Event.objects.count() == events


@pytest.mark.parametrize("chosen", ["", "abc", "\x00", "999999", "other"])
def test_inserting_an_unknown_or_forbidden_response_says_so(client, world, saved, chosen):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    value = {"other": saved["other_service"].pk}.get(chosen, chosen)
    response = client.post(
        reverse("ticket_action", args=[ticket.pk, "comment"]),
        {"version": ticket.version, "text": "<p>Déjà tapé</p>", "reponse": value, "inserer_reponse": "1"},
    )
    assert response.status_code == 400
    assert "Choisissez une réponse enregistrée." in response.text
    assert "Déjà tapé" in response.text and "Paie</p>" not in response.text


def test_the_action_form_costs_one_query_for_its_responses_whatever_their_number(client, world):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    person = world["people"]["in_charge"]
    client.force_login(person)
    url = reverse("ticket_action", args=[ticket.pk, "comment"])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    SavedResponse.objects.create(label="Une", text="<p>{nom}</p>", owner=person)
    small = count()
    SavedResponse.objects.bulk_create(
        [SavedResponse(label=f"Perso {n}", text="<p>{sujet}</p>", owner=person) for n in range(50)]
        + [SavedResponse(label=f"Service {n}", text="<p>{numero}</p>", service=world["service"]) for n in range(50)]
    )
    assert count() == small
    assert len(options(client.get(url).text)) == 101


def test_the_values_are_text_not_markup(world):
    ticket = ticket_in(world, Status.IN_PROGRESS)
    Ticket.objects.filter(pk=ticket.pk).update(subject="<b>gras</b> & co")
    ticket.refresh_from_db()
    assert responses.fill_placeholders("<p>{sujet}</p>", ticket) == "<p>&lt;b&gt;gras&lt;/b&gt; &amp; co</p>"


def test_without_javascript_insert_keeps_the_files_sent_as_drafts(client, world, saved):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    ticket = ticket_in(world, Status.IN_PROGRESS)
    client.force_login(world["people"]["in_charge"])
    url = reverse("ticket_action", args=[ticket.pk, "comment"])
    response = client.post(
        url,
        {"version": ticket.version, "text": "<p>Avec fichier</p>", "reponse": saved["global"].pk,
         "inserer_reponse": "1", "files": SimpleUploadedFile("ecran.png", buffer.getvalue(), "image/png")},
    )  # fmt: skip
    assert response.status_code == 200
    assert "ecran.png" in response.text and not Attachment.objects.exists()
    token = re.search(r'name="drafts" value="([^"]+)"', response.text).group(1)
    text = html.unescape(re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', response.text, re.S).group(1))
    response = client.post(url, {"version": ticket.version, "text": text.strip(), "scope": "invited", "drafts": token})
    assert response.status_code == 302
    entry = Event.objects.get(kind="ticket.commented")
    assert entry.text == "<p>Avec fichier</p><p>Cordialement</p>"
    assert list(Attachment.objects.values_list("name", "event_id")) == [("ecran.png", entry.pk)]
