"""The pages of the FAQ's managers: who reaches them, what they do, and bad input given back."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import ticket_in
from tests.test_faq_editing import stored_names, text_file
from tickets.faq import editing
from tickets.models import Event, FaqChange, FaqEntry, FaqFile, Membership, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq(world, make_faq_entry, make_user):
    """Scolarité's FAQ: section "Apogée" holding "Mot de passe expiré" and "Accès refusé"; Paie's entry;
    a general entry; "no_faq", a manager of Scolarité without "gérer la FAQ"."""
    service = world["service"]
    apogee = make_faq_entry(service, title="Apogée", is_section=True)
    expired = make_faq_entry(parent=apogee, title="Mot de passe expiré", answer="<p>Changez-le.</p>")
    refused = make_faq_entry(parent=apogee, title="Accès refusé")
    no_faq = make_user("gest-sans-faq")
    Membership.objects.create(service=service, user=no_faq, can_manage_faq=False)
    world["people"]["no_faq"] = no_faq
    return {
        "service": service,
        "apogee": apogee,
        "expired": expired,
        "refused": refused,
        "paie": make_faq_entry(world["categories"]["elsewhere"].service, title="Bulletin de paie"),
        "general": make_faq_entry(None, title="Comment déposer un ticket ?"),
        "people": world["people"],
    }


def entry_pages(entry):
    return [reverse(name, args=[entry.pk]) for name in ("faq_edit", "faq_move", "faq_delete", "faq_history")]


def faq_pages(service):
    query = f"?service={service.pk}" if service else ""
    return [reverse("faq_create") + query, reverse("faq_changes") + query]


@pytest.mark.parametrize("role", ["in_charge", "admin"])
def test_the_faqs_managers_open_every_page(client, faq, role):
    client.force_login(faq["people"][role])
    for url in [*entry_pages(faq["expired"]), *faq_pages(faq["service"])]:
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("faq_create") + f"?service={faq['service'].pk}&parent={faq['apogee'].pk}").status_code == 200
    )
    assert client.get(reverse("faq_hide", args=[faq["expired"].pk])).status_code == 302


@pytest.mark.parametrize("role", ["owner", "no_faq", "other_manager", "stranger"])
def test_anyone_else_is_told_not_found(client, faq, role):
    client.force_login(faq["people"][role])
    for url in [
        *entry_pages(faq["expired"]),
        *faq_pages(faq["service"]),
        reverse("faq_hide", args=[faq["expired"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x", "hidden": "1", "direction": "up"}).status_code == 404, url
    assert not FaqChange.objects.exists()
    assert FaqEntry.objects.get(pk=faq["expired"].pk).title == "Mot de passe expiré"


def test_another_services_entry_by_id_and_the_general_faq_are_not_found_for_a_manager(client, faq):
    client.force_login(faq["people"]["in_charge"])
    for url in [*entry_pages(faq["paie"]), *entry_pages(faq["general"]), *faq_pages(None)]:
        assert client.get(url).status_code == 404, url
    other = faq["paie"].service
    assert client.get(reverse("faq_create") + f"?service={other.pk}").status_code == 404
    # A section of another FAQ as parent, or an unknown one, is not found either.
    for parent in [faq["paie"].pk, 999999, "abc"]:
        assert client.get(reverse("faq_create") + f"?service={faq['service'].pk}&parent={parent}").status_code == 404
    assert client.get(reverse("faq_create") + "?service=abc").status_code == 404


def test_an_admin_manages_the_general_faq(client, faq):
    client.force_login(faq["people"]["admin"])
    for url in [*entry_pages(faq["general"]), *faq_pages(None)]:
        assert client.get(url).status_code == 200, url


def test_a_visitor_is_asked_to_log_in(client, faq):
    for url in [*entry_pages(faq["expired"]), *faq_pages(faq["service"])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_the_entry_page_offers_the_tools_to_its_managers_only(client, faq):
    url = reverse("faq_entry", args=[faq["expired"].pk])
    client.force_login(faq["people"]["in_charge"])
    page = client.get(url).text
    for link in entry_pages(faq["expired"]):
        assert f'href="{link}"' in page
    assert reverse("faq_hide", args=[faq["expired"].pk]) in page
    client.force_login(faq["people"]["no_faq"])
    assert reverse("faq_edit", args=[faq["expired"].pk]) not in client.get(url).text


def test_the_faq_tools_show_to_the_faqs_managers_only(rf, faq):
    request = rf.get("/faq/")
    service = faq["service"]
    for role, service_shown, general_shown in [
        ("in_charge", True, False),
        ("admin", True, True),
        ("no_faq", False, False),
        ("owner", False, False),
    ]:
        request.user = faq["people"][role]
        for faq_service, shown in [(service, service_shown), (None, general_shown)]:
            tools = render_to_string("tickets/faq/_faq_tools.html", {"service": faq_service}, request=request)
            query = f"?service={service.pk}" if faq_service else ""
            assert (f'href="{reverse("faq_create")}{query}"' in tools) is shown, (role, faq_service)
            assert (f'href="{reverse("faq_changes")}{query}"' in tools) is shown, (role, faq_service)


def test_edit_saves_and_goes_back_to_the_entry_with_its_history(client, faq, world):
    client.force_login(faq["people"]["in_charge"])
    home = world["categories"]["home"]
    url = reverse("faq_edit", args=[faq["expired"].pk])
    data = {"title": "Mot de passe expiré", "answer": "<p>Utilisez <strong>Changer</strong>.</p>", "scope": "users"}
    response = client.post(url, {**data, "categories": [home.pk], "files": [text_file()]}, follow=True)
    assert response.redirect_chain == [(reverse("faq_entry", args=[faq["expired"].pk]), 302)]
    assert "L&#x27;entrée a été enregistrée." in response.text
    entry = FaqEntry.objects.get(pk=faq["expired"].pk)
    assert entry.answer == "<p>Utilisez <strong>Changer</strong>.</p>" and entry.scope == "users"
    assert list(FaqChange.objects.order_by("pk").values_list("kind", flat=True)) == ["edited", "file_added"]
    history = html.unescape(client.get(reverse("faq_history", args=[entry.pk])).text)
    assert "Sophie Lambert a ajouté le fichier « notice.txt »." in history
    assert "Sophie Lambert a modifié l'entrée :" in history
    assert "Utilisez Changer." in history and "Personnes connectées" in history
    # Files to remove are offered, and removed.
    stored = FaqFile.objects.get()
    assert f'value="{stored.pk}"' in client.get(url).text
    client.post(url, {**data, "remove_files": [stored.pk]})
    assert not FaqFile.objects.exists()
    assert FaqChange.objects.filter(kind="file_removed", details={"name": "notice.txt"}).exists()


def test_bad_input_gives_the_form_back_with_the_typed_text(client, faq, settings):
    client.force_login(faq["people"]["in_charge"])
    url = reverse("faq_edit", args=[faq["expired"].pk])
    response = client.post(url, {"title": "  ", "answer": "<p>Texte tapé</p>", "scope": "everyone"})
    assert response.status_code == 400
    assert "La question est obligatoire." in response.text and "Texte tapé" in response.text
    page = SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>")
    response = client.post(
        url, {"title": "Titre tapé", "answer": "<p>Réponse tapée</p>", "scope": "everyone", "files": [page]}
    )
    assert response.status_code == 400
    assert "n&#x27;est pas d&#x27;un type accepté" in response.text
    assert "Titre tapé" in response.text and "Réponse tapée" in response.text
    assert stored_names(settings) == [] and not FaqChange.objects.exists()
    response = client.post(url, {"title": "x", "scope": "nobody"})
    assert response.status_code == 400


def test_create_in_a_section(client, faq):
    client.force_login(faq["people"]["in_charge"])
    service, apogee = faq["service"], faq["apogee"]
    url = reverse("faq_create") + f"?service={service.pk}&parent={apogee.pk}"
    assert f'<option value="{apogee.pk}" selected>' in client.get(url).text
    response = client.post(url, {"parent": apogee.pk, "title": "SNW ?", "answer": "<p>Oui</p>", "scope": "everyone"})
    entry = FaqEntry.objects.get(title="SNW ?")
    assert response["Location"] == reverse("faq_entry", args=[entry.pk])
    assert [child.title for child in FaqEntry.objects.get_children(apogee)][-1] == "SNW ?"
    response = client.post(url, {"parent": faq["paie"].pk, "title": "x", "scope": "everyone"})
    assert response.status_code == 400 and not FaqEntry.objects.filter(title="x").exists()


def test_move_by_list_and_by_buttons(client, faq):
    client.force_login(faq["people"]["in_charge"])
    expired, refused, apogee = faq["expired"], faq["refused"], faq["apogee"]
    url = reverse("faq_move", args=[expired.pk])
    page = client.get(url).text
    assert f'value="after-{refused.pk}"' in page and f'value="last-child-{apogee.pk}"' in page
    assert f'value="after-{faq["paie"].pk}"' not in page and f'value="before-{expired.pk}"' not in page
    response = client.post(url, {"position": f"after-{refused.pk}"})
    assert response["Location"] == reverse("faq_entry", args=[expired.pk])
    assert [child.title for child in FaqEntry.objects.get_children(apogee)] == ["Accès refusé", "Mot de passe expiré"]
    client.post(url, {"direction": "up"})
    assert [child.title for child in FaqEntry.objects.get_children(apogee)] == ["Mot de passe expiré", "Accès refusé"]
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 400 and "déjà la première" in response.text
    # A section cannot go inside itself: its own place is not offered, and posted anyway it is refused.
    section_url = reverse("faq_move", args=[apogee.pk])
    assert f'value="last-child-{apogee.pk}"' not in client.get(section_url).text
    response = client.post(section_url, {"position": f"after-{expired.pk}"})
    assert response.status_code == 400 and "Cette position n&#x27;existe plus" in response.text
    assert FaqChange.objects.filter(kind="moved").count() == 2


def test_a_position_that_no_longer_exists(client, faq):
    client.force_login(faq["people"]["in_charge"])
    refused_pk = faq["refused"].pk
    editing.delete_faq_entry(faq["refused"], actor=faq["people"]["admin"])
    response = client.post(reverse("faq_move", args=[faq["expired"].pk]), {"position": f"after-{refused_pk}"})
    assert response.status_code == 400 and "Cette position n&#x27;existe plus" in response.text


def test_hide_and_show_by_post(client, faq):
    client.force_login(faq["people"]["in_charge"])
    url = reverse("faq_hide", args=[faq["expired"].pk])
    response = client.post(url, {"hidden": "1"}, follow=True)
    assert "L&#x27;entrée est masquée." in response.text and "Afficher" in response.text
    assert FaqEntry.objects.get(pk=faq["expired"].pk).hidden
    client.post(url, {"hidden": "0"})
    assert not FaqEntry.objects.get(pk=faq["expired"].pk).hidden
    assert list(FaqChange.objects.order_by("pk").values_list("kind", flat=True)) == ["hidden", "shown"]


def test_delete_asks_first_then_keeps_the_history(client, faq):
    client.force_login(faq["people"]["in_charge"])
    url = reverse("faq_delete", args=[faq["apogee"].pk])
    page = client.get(url).text
    assert "Cette entrée contient 2 autres entrées" in page and "Accès refusé" in page
    assert FaqEntry.objects.filter(pk=faq["apogee"].pk).exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("faq"), 302)]
    assert not FaqEntry.objects.filter(title__in=["Apogée", "Accès refusé", "Mot de passe expiré"]).exists()
    changes = client.get(reverse("faq_changes") + f"?service={faq['service'].pk}").text
    assert "Sophie Lambert a supprimé l&#x27;entrée et ce qu&#x27;elle contenait" in changes


# Créer une entrée de FAQ from a ticket ------------------------------------------------------------------------------


@pytest.fixture
def closed_ticket(world):
    """An approved ticket of Scolarité whose history has the owner's description, a managers-only note
    and the closure request's text."""
    people = world["people"]
    ticket = ticket_in(world, Status.APPROVED)
    ticket.subject = "Apogée : mot de passe expiré"
    ticket.save(update_fields=["subject"])
    for actor, kind, text, scope in [
        (people["owner"], "ticket.created", "<p>Benjamin Seclier : Apogée me refuse.</p>", "invited"),
        (people["in_charge"], "ticket.commented", "<p>Note interne</p>", "managers"),
        (people["in_charge"], "ticket.taken", "", "invited"),
        (
            people["in_charge"],
            "ticket.closure_requested",
            "<p>Changez le mot de passe dans <b>Apogée</b>.</p>",
            "invited",
        ),
    ]:
        Event.objects.create(ticket=ticket, actor=actor, kind=kind, new_status=ticket.status, text=text, scope=scope)
    return ticket


def test_the_ticket_offers_a_faq_entry_to_the_faqs_managers_once_approved(client, world, closed_ticket):
    url = reverse("ticket", args=[closed_ticket.pk])
    link = reverse("ticket_to_faq", args=[closed_ticket.pk])
    client.force_login(world["people"]["in_charge"])
    assert "Créer une entrée de FAQ" in client.get(url).text
    Membership.objects.filter(user=world["people"]["in_charge"]).update(can_manage_faq=False)
    assert link not in client.get(url).text
    assert client.get(link).status_code == 404
    client.force_login(world["people"]["owner"])
    assert link not in client.get(url).text and client.get(link).status_code == 404


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.CLOSURE_REQUESTED, Status.CANCELLED, Status.EXPIRED])
def test_other_statuses_offer_no_faq_entry(client, world, status):
    ticket = ticket_in(world, status)
    client.force_login(world["people"]["in_charge"])
    assert reverse("ticket_to_faq", args=[ticket.pk]) not in client.get(reverse("ticket", args=[ticket.pk])).text
    assert client.get(reverse("ticket_to_faq", args=[ticket.pk])).status_code == 404


def test_a_faq_entry_made_from_a_ticket(client, world, closed_ticket, make_faq_entry):
    section = make_faq_entry(world["service"], title="Apogée", is_section=True)
    client.force_login(world["people"]["in_charge"])
    url = reverse("ticket_to_faq", args=[closed_ticket.pk])
    events = {event.kind: event for event in closed_ticket.events.all()}
    page = client.get(url).text
    assert f'value="{events["ticket.closure_requested"].pk}" id="id_entrees_2" checked' in page
    assert f'value="{events["ticket.created"].pk}"' in page and f'value="{events["ticket.taken"].pk}"' not in page
    assert "Note interne" in page  # the manager reads the managers' note, and may choose it
    chosen = [events["ticket.commented"].pk, events["ticket.closure_requested"].pk]
    form = client.get(url, {"entrees": chosen}).text
    assert 'value="Apogée : mot de passe expiré"' in form
    assert (
        "&lt;p&gt;Note interne&lt;/p&gt;&lt;p&gt;Changez le mot de passe dans &lt;b&gt;Apogée&lt;/b&gt;.&lt;/p&gt;"
        in form
    )
    assert f'value="{world["categories"]["home"].pk}" id="id_categories_0" checked' in form
    assert "ne garde aucun lien vers le ticket ni le nom de son propriétaire" in form
    response = client.post(
        url,
        {
            "parent": section.pk,
            "title": "Mot de passe Apogée expiré",
            "answer": "<p>Changez le mot de passe dans <b>Apogée</b>.</p>",
            "scope": "everyone",
            "categories": [world["categories"]["home"].pk],
        },
    )
    entry = FaqEntry.objects.get(title="Mot de passe Apogée expiré")
    assert response["Location"] == reverse("faq_entry", args=[entry.pk])
    assert FaqEntry.objects.get_parent(entry) == section
    stored = " ".join([entry.title, entry.answer, str(FaqChange.objects.get(entry=entry).details)])
    assert str(closed_ticket.pk) not in stored and "Seclier" not in stored
    assert Status(closed_ticket.status) == Status.APPROVED and closed_ticket.events.count() == 4
