"""Propriétés du service, and the Services page that leads to a service's administration: who may open and
change them, all-or-nothing saves, the audit log, query counts, escaped labels."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.models import AdminChange, AssignmentMode, Membership, Priority, Service, TicketScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_world(world):
    """The world, where "manager" (Marc Durand) runs Scolarité (properties and managers) and "other_manager"
    runs Paie; "colleague" manages Scolarité without either privilege."""
    people = world["people"]
    Membership.objects.filter(user__in=[people["manager"], people["other_manager"]]).update(
        can_manage_service=True, can_manage_managers=True
    )
    return world


def url(world, service="service"):
    return reverse("service_properties", args=[world[service].pk if service == "service" else service])


def posted(service, **changes):
    """The form as the page sends it for ``service``, with ``changes``."""
    data = {
        "label": service.label,
        "short_label": service.short_label,
        "mail_in_address": service.mail_in_address,
        "mail_in_category": service.mail_in_category_id or "",
        "closure_delay_days": service.closure_delay_days,
        "assignment_mode": service.assignment_mode,
        "default_priority": service.default_priority,
        "default_scope": service.default_scope,
    }
    if service.auto_assign:
        data["auto_assign"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("admin", 200), ("owner", 404), ("colleague", 404), ("other_manager", 404)],
)
def test_who_may_open_and_save_the_properties(client, admin_world, role, status):
    service = admin_world["service"]
    client.force_login(admin_world["people"][role])
    assert client.get(url(admin_world)).status_code == status
    response = client.post(url(admin_world), posted(service, closure_delay_days=30))
    assert response.status_code == (302 if status == 200 else 404)
    service.refresh_from_db()
    assert service.closure_delay_days == (30 if status == 200 else 14)
    assert AdminChange.objects.count() == (1 if status == 200 else 0)


def test_a_visitor_is_asked_to_log_in(client, admin_world):
    response = client.get(url(admin_world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_missing_service_is_not_found_even_for_an_admin(client, admin_world):
    client.force_login(admin_world["people"]["admin"])
    assert client.get(reverse("service_properties", args=[999999])).status_code == 404


def test_one_post_saves_every_property_with_one_audit_line(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    category = admin_world["categories"]["sibling"]
    client.force_login(people["manager"])
    response = client.post(
        url(admin_world),
        posted(
            service,
            label="Scolarité (DN)",
            short_label="Scol",
            mail_in_address="scol@univ.example",
            mail_in_category=category.pk,
            closure_delay_days=7,
            auto_assign="on",
            assignment_mode=AssignmentMode.CATEGORY,
            default_priority=Priority.HIGH,
            default_scope=TicketScope.PUBLIC,
        ),
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.label, service.short_label, service.mail_in_address, service.mail_in_category) == (
        "Scolarité (DN)",
        "Scol",
        "scol@univ.example",
        category,
    )
    assert (service.closure_delay_days, service.auto_assign, service.assignment_mode) == (7, True, "category")
    assert (service.default_priority, service.default_scope) == (Priority.HIGH, TicketScope.PUBLIC)
    change = AdminChange.objects.get()
    assert (change.actor, change.service, change.kind, change.target) == (
        people["manager"],
        service,
        "service.updated",
        "Scolarité (DN)",
    )
    assert change.details == {
        "label": ["Scolarité", "Scolarité (DN)"],
        "short_label": ["", "Scol"],
        "mail_in_address": ["", "scol@univ.example"],
        "mail_in_category": [None, category.title],
        "closure_delay_days": [14, 7],
        "auto_assign": [False, True],
        "assignment_mode": ["least_loaded", "category"],
        "default_priority": [Priority.NORMAL, Priority.HIGH],
        "default_scope": ["private", "public"],
    }


def test_saving_without_change_writes_no_audit_line(client, admin_world):
    client.force_login(admin_world["people"]["manager"])
    assert client.post(url(admin_world), posted(admin_world["service"])).status_code == 302
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closure_delay_days": "0"}, "closure_delay_days", "supérieure ou égale à 1"),
        ({"closure_delay_days": "quinze"}, "closure_delay_days", "nombre entier"),
        ({"mail_in_address": "PAIE@univ.example"}, "mail_in_address", "reçoit déjà les demandes"),
        ({"mail_in_address": "pas une adresse"}, "mail_in_address", "adresse de courriel valide"),
        ({"mail_in_category": "elsewhere"}, "mail_in_category", "Sélectionnez un choix valide"),
        ({"label": "Paie"}, "label", "existe déjà"),
        ({"label": ""}, "label", "obligatoire"),
        ({"label": "Scol\x00arité"}, "label", "caractère nul"),
        ({"assignment_mode": "au hasard"}, "assignment_mode", "Sélectionnez un choix valide"),
    ],
)
def test_one_bad_value_saves_nothing_and_is_said_next_to_its_field(client, admin_world, changes, field, message):
    service, other = admin_world["service"], Service.objects.get(label="Paie")
    Service.objects.filter(pk=other.pk).update(mail_in_address="paie@univ.example")
    if changes.get("mail_in_category") == "elsewhere":
        changes = {"mail_in_category": admin_world["categories"]["elsewhere"].pk}
    client.force_login(admin_world["people"]["manager"])
    response = client.post(url(admin_world), posted(service, short_label="Tapé avant l'erreur", **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "a été enregistré : corrigez les valeurs signalées." in page
    assert message in response.context["form"].errors[field][0]
    assert 'value="Tapé avant l&#x27;erreur"' in page
    service.refresh_from_db()
    assert (service.short_label, service.closure_delay_days, service.mail_in_category) == ("", 14, None)
    assert not AdminChange.objects.exists()


def test_the_services_page_links_to_what_the_reader_may_administer(client, admin_world):
    service = admin_world["service"]
    properties = reverse("service_properties", args=[service.pk])
    managers = reverse("service_managers", args=[service.pk])
    for role, expected in [("manager", True), ("admin", True), ("colleague", False)]:
        client.force_login(admin_world["people"][role])
        page = client.get(reverse("services")).content.decode()
        assert (properties in page, managers in page) == (expected, expected), role
    client.force_login(admin_world["people"]["other_manager"])
    page = client.get(reverse("services")).content.decode()
    assert properties not in page
    assert reverse("service_properties", args=[Service.objects.get(label="Paie").pk]) in page


def test_the_services_page_shows_one_link_per_privilege(client, admin_world):
    service, people = admin_world["service"], admin_world["people"]
    Membership.objects.filter(user=people["colleague"]).update(can_manage_managers=True)
    client.force_login(people["colleague"])
    page = client.get(reverse("services")).content.decode()
    assert reverse("service_managers", args=[service.pk]) in page
    assert reverse("service_properties", args=[service.pk]) not in page


def test_labels_are_escaped_on_the_administration_pages(client, admin_world, make_user):
    service, people = admin_world["service"], admin_world["people"]
    client.force_login(people["manager"])
    # PostgreSQL stores no NUL, and a form refuses it before: those payloads never reach a page.
    for payload in [payload for payload in PAYLOADS if "\x00" not in payload][:8]:
        Service.objects.filter(pk=service.pk).update(label=payload, short_label=payload)
        admin_world["categories"]["home"].__class__.objects.filter(service=service).update(label=payload)
        people["colleague"].__class__.objects.filter(pk=people["colleague"].pk).update(
            first_name=payload, display_name=payload
        )
        for page in [
            url(admin_world),
            reverse("service_managers", args=[service.pk]),
            reverse("services"),
            reverse("service_manager_remove", args=[service.pk, Membership.objects.get(user=people["colleague"]).pk]),
        ]:
            response = client.get(page)
            assert response.status_code == 200, page
            assert_no_script(main_of(response), allow_local_forms=True)


def main_of(response):
    """The page's own content, where the labels are shown."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def count_queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_query_counts_with_10_and_with_200_managers_and_categories(client, admin_world, make_user, make_category):
    service, people = admin_world["service"], admin_world["people"]
    client.force_login(people["manager"])
    leaving = Membership.objects.get(service=service, user=people["colleague"])
    pages = [
        url(admin_world),
        reverse("service_managers", args=[service.pk]),
        reverse("service_manager_remove", args=[service.pk, leaving.pk]),
        reverse("services"),
    ]

    def grow_to(size):
        while Membership.objects.filter(service=service).count() < size:
            Membership.objects.create(service=service, user=make_user())
        while service.categories.count() < size:
            make_category(service)
        return [count_queries(client, page) for page in pages]

    assert grow_to(10) == grow_to(200)


def test_the_heading_keeps_the_saved_label_while_a_wrong_one_is_corrected(client, admin_world):
    client.force_login(admin_world["people"]["manager"])
    response = client.post(url(admin_world), posted(admin_world["service"], label="Paie"))
    assert response.status_code == 400
    assert '<span class="hint">Scolarité</span>' in response.content.decode()
