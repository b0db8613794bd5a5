"""Gestionnaires du service: who may open and change the page, the table saved all or nothing, adding a
manager by login or name, removing one with their open tickets freed or handed over, the audit log."""

import pytest
from django.urls import reverse

from tests.factories import ticket_in
from tickets.administration.managers import SETTINGS
from tickets.models import AdminChange, Event, Membership, OutgoingMail, Service, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_world(world):
    """The world, where "manager" (Marc Durand) manages Scolarité's managers and "other_manager" Paie's;
    "colleague" manages Scolarité without that privilege."""
    people = world["people"]
    Membership.objects.filter(user__in=[people["manager"], people["other_manager"]]).update(can_manage_managers=True)
    return world


def membership_of(world, role, service=None):
    return Membership.objects.get(user=world["people"][role], service=service or world["service"])


def table_of(service, changes=None, *, rows=None):
    """The managers table as the page posts it, with ``changes`` ({membership: {setting: bool}})."""
    data = {"membership": []}
    for membership in rows or Membership.objects.filter(service=service):
        data["membership"].append(membership.pk)
        values = {name: getattr(membership, name) for name in SETTINGS}
        values.update((changes or {}).get(membership, {}))
        data.update({f"m{membership.pk}-{name}": "on" for name, on in values.items() if on})
    return data


def managers_url(world):
    return reverse("service_managers", args=[world["service"].pk])


def remove_url(world, membership):
    return reverse("service_manager_remove", args=[membership.service_id, membership.pk])


ROLES = [("manager", 200), ("admin", 200), ("owner", 404), ("colleague", 404), ("other_manager", 404)]


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_who_may_open_the_managers_and_the_removal_pages(client, admin_world, role, status):
    client.force_login(admin_world["people"][role])
    assert client.get(managers_url(admin_world)).status_code == status
    assert client.get(remove_url(admin_world, membership_of(admin_world, "colleague"))).status_code == status


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_who_may_change_add_and_remove_managers(client, admin_world, role, status):
    service, people = admin_world["service"], admin_world["people"]
    client.force_login(people[role])
    colleague = membership_of(admin_world, "colleague")
    client.post(managers_url(admin_world), table_of(service, {colleague: {"available": False}}))
    client.post(reverse("service_manager_add", args=[service.pk]), {"person": "nouveau"})
    response = client.post(remove_url(admin_world, membership_of(admin_world, "watcher_never")), {"successor": ""})
    assert response.status_code == (302 if status == 200 else 404)
    allowed = status == 200
    assert Membership.objects.get(pk=colleague.pk).available is not allowed
    assert Membership.objects.filter(service=service, user=people["newcomer"]).exists() is allowed
    assert Membership.objects.filter(service=service, user=people["watcher_never"]).exists() is not allowed
    expected = ["manager.added", "manager.removed", "manager.updated"] if allowed else []
    assert sorted(AdminChange.objects.values_list("kind", flat=True)) == expected


def test_a_visitor_is_asked_to_log_in(client, admin_world):
    response = client.get(managers_url(admin_world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_services_membership_posted_by_hand_is_not_found(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    paie = membership_of(admin_world, "other_manager", Service.objects.get(label="Paie"))
    client.force_login(people["manager"])
    data = table_of(service)
    data["membership"].append(paie.pk)
    data[f"m{paie.pk}-available"] = ""
    assert client.post(managers_url(admin_world), data).status_code == 404
    assert client.post(managers_url(admin_world), {**data, "membership": ["x"]}).status_code == 404
    assert (
        client.get(remove_url(admin_world, paie).replace(f"/{paie.service_id}/", f"/{service.pk}/")).status_code == 404
    )
    assert client.post(remove_url(admin_world, paie)).status_code == 404
    assert Membership.objects.get(pk=paie.pk).available
    assert not AdminChange.objects.exists()


def test_the_table_saves_every_row_with_one_audit_line_per_manager_changed(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    colleague, watcher = membership_of(admin_world, "colleague"), membership_of(admin_world, "watcher_always")
    client.force_login(people["manager"])
    changes = {colleague: {"available": False, "can_manage_faq": False}, watcher: {"can_manage_service": True}}
    response = client.post(managers_url(admin_world), table_of(service, changes))
    assert response.status_code == 302
    colleague.refresh_from_db()
    watcher.refresh_from_db()
    assert (colleague.available, colleague.can_manage_faq, watcher.can_manage_service) == (False, False, True)
    lines = {change.target: change for change in AdminChange.objects.filter(kind="manager.updated")}
    assert set(lines) == {str(people["colleague"]), str(people["watcher_always"])}
    assert lines[str(people["colleague"])].details == {"available": [True, False], "can_manage_faq": [True, False]}
    assert lines[str(people["watcher_always"])].details == {"can_manage_service": [False, True]}
    assert {line.actor for line in lines.values()} == {people["manager"]}


def test_a_row_added_since_the_page_was_shown_is_left_alone(client, admin_world, make_user):
    service, people = admin_world["service"], admin_world["people"]
    shown = list(Membership.objects.filter(service=service))
    late = Membership.objects.create(service=service, user=make_user(), can_manage_faq=True)
    client.force_login(people["manager"])
    assert client.post(managers_url(admin_world), table_of(service, rows=shown)).status_code == 302
    late.refresh_from_db()
    assert late.available and late.can_manage_faq


def test_the_last_manager_of_managers_cannot_give_up_the_privilege(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    own, colleague = membership_of(admin_world, "manager"), membership_of(admin_world, "colleague")
    client.force_login(people["manager"])
    changes = {own: {"can_manage_managers": False}, colleague: {"available": False}}
    response = client.post(managers_url(admin_world), table_of(service, changes))
    assert response.status_code == 400
    assert "au moins un gestionnaire qui gère ses gestionnaires" in response.content.decode()
    own.refresh_from_db()
    colleague.refresh_from_db()
    assert own.can_manage_managers and colleague.available
    assert not AdminChange.objects.exists()
    response = client.post(remove_url(admin_world, own), {"successor": ""})
    assert response.status_code == 400
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_manager_who_hands_the_privilege_on_may_give_it_up(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    own, colleague = membership_of(admin_world, "manager"), membership_of(admin_world, "colleague")
    client.force_login(people["manager"])
    changes = {own: {"can_manage_managers": False}, colleague: {"can_manage_managers": True}}
    response = client.post(managers_url(admin_world), table_of(service, changes))
    assert response.status_code == 302 and response["Location"] == reverse("services")
    assert client.get(managers_url(admin_world)).status_code == 404


def test_an_admin_may_take_the_last_privilege_away(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    own = membership_of(admin_world, "manager")
    client.force_login(people["admin"])
    client.post(managers_url(admin_world), table_of(service, {own: {"can_manage_managers": False}}))
    own.refresh_from_db()
    assert not own.can_manage_managers


@pytest.mark.parametrize(
    ("typed", "found", "error"),
    [
        ("nouveau", "newcomer", None),
        ("NOUVEAU@univ.example", "newcomer", None),
        ("Noé Nouveau", "newcomer", None),
        ("nouv", "newcomer", None),
        ("gest", None, "Plusieurs personnes correspondent"),
        ("personne-inconnue", None, "Personne ne correspond"),
        ("gest-martin", None, "déjà gestionnaire du service"),
        ("", None, "obligatoire"),
    ],
)
def test_adding_a_manager_by_login_address_or_name(client, admin_world, typed, found, error):
    service, people = admin_world["service"], admin_world["people"]
    before = Membership.objects.count()
    client.force_login(people["manager"])
    response = client.post(reverse("service_manager_add", args=[service.pk]), {"person": typed})
    if found:
        assert response.status_code == 302
        added = Membership.objects.get(service=service, user=people[found])
        assert (added.can_take_free, added.can_manage_managers, added.can_manage_service) == (True, False, False)
        change = AdminChange.objects.get()
        assert (change.kind, change.target, change.service) == ("manager.added", str(people[found]), service)
    else:
        assert response.status_code == 400
        assert error in response.context["add"].errors["person"][0]
        assert f'value="{typed}"' in response.content.decode() or not typed
        assert Membership.objects.count() == before
        assert not AdminChange.objects.exists()


@pytest.mark.parametrize("successor", [None, "colleague"])
def test_removing_a_manager_hands_their_open_tickets_over(client, admin_world, successor):
    """The manager in charge leaves: their working tickets go back to Libre or to "colleague", each saying why."""
    people = admin_world["people"]
    leaving = membership_of(admin_world, "in_charge")
    working = [ticket_in(admin_world, status) for status in (Status.IN_PROGRESS, Status.POSTPONED)]
    closing = ticket_in(admin_world, Status.CLOSURE_REQUESTED)
    closed = ticket_in(admin_world, Status.APPROVED)
    home = admin_world["categories"]["home"]
    home.managers.add(people["in_charge"])
    client.force_login(people["manager"])
    page = client.get(remove_url(admin_world, leaving)).content.decode()
    assert "3 tickets en cours lui sont confiés" in page
    chosen = membership_of(admin_world, successor).pk if successor else ""
    response = client.post(remove_url(admin_world, leaving), {"successor": chosen})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=leaving.pk).exists()
    for ticket in [*working, closing]:
        ticket.refresh_from_db()
        entry = ticket.events.get(kind="ticket.handed_over")
        assert entry.actor == people["manager"]
        assert entry.data["previous_manager"] == people["in_charge"].pk
        if successor:
            assert ticket.manager == people["colleague"] and entry.data["manager"] == people["colleague"].pk
            assert ticket.status == entry.old_status
        else:
            assert (ticket.manager, ticket.status) == (None, Status.FREE)
    closed.refresh_from_db()
    assert closed.manager == people["in_charge"] and not closed.events.exists()
    assert not home.managers.exists()
    change = AdminChange.objects.get()
    assert (change.kind, change.target) == ("manager.removed", str(people["in_charge"]))
    assert change.details == {"tickets": 3, "successor": people["colleague"].username if successor else None}


def test_an_unavailable_or_leaving_manager_cannot_receive_the_tickets(client, admin_world):
    people = admin_world["people"]
    leaving, colleague = membership_of(admin_world, "in_charge"), membership_of(admin_world, "colleague")
    ticket = ticket_in(admin_world, Status.IN_PROGRESS)
    Membership.objects.filter(pk=colleague.pk).update(available=False)
    client.force_login(people["manager"])
    for chosen in (
        colleague.pk,
        leaving.pk,
        membership_of(admin_world, "other_manager", Service.objects.get(label="Paie")).pk,
    ):
        response = client.post(remove_url(admin_world, leaving), {"successor": chosen})
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert Membership.objects.filter(pk=leaving.pk).exists()
    assert not Event.objects.filter(ticket=ticket).exclude(kind="ticket.created").exists()
    assert not AdminChange.objects.exists()


def test_the_owner_and_both_managers_are_told_by_mail(
    client, admin_world, mail_in_process, django_capture_on_commit_callbacks
):
    people = admin_world["people"]
    ticket = ticket_in(admin_world, Status.IN_PROGRESS)
    client.force_login(people["manager"])
    chosen = membership_of(admin_world, "colleague").pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(admin_world, membership_of(admin_world, "in_charge")), {"successor": chosen})
    assert response.status_code == 302
    told = {mail.recipient: mail for mail in OutgoingMail.objects.filter(ticket=ticket)}
    # The leaving manager hears of it too, as the manager the ticket was taken from.
    assert {people["owner"], people["colleague"], people["in_charge"]} <= set(told)
    assert "ce ticket vous était confié" in told[people["in_charge"]].text_body
    assert "Gestionnaire parti" in told[people["colleague"]].subject
    assert "a quitté le service" in told[people["owner"]].text_body
