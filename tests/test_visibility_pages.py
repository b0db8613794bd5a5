"""The Visibilité des services pages: who may open them and change what, every change in the audit log, and
their cost in queries at two sizes."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.models import AdminChange, Membership, VisibilityRule

pytestmark = pytest.mark.django_db

STAFF_RULE = {
    "category": "",
    "effect": "allow",
    "test": "equals",
    "attribute": "eduPersonAffiliation",
    "value": "staff",
}


@pytest.fixture
def setup(make_user, make_service, make_category, admin_user):
    """Polytech (administered by ``keeper``, who holds "gérer les propriétés du service"; ``plain`` manages it
    without), and Paie (``other`` holds the privilege there), each with a category and a rule."""
    keeper, plain, other = make_user("gest-poly"), make_user("gest-simple"), make_user("gest-paie")
    people = {"admin": admin_user, "keeper": keeper, "plain": plain, "other": other, "user": make_user("seclier5")}
    polytech, paie = make_service("Polytech Nancy"), make_service("Paie")
    Membership.objects.create(service=polytech, user=keeper, can_manage_service=True)
    Membership.objects.create(service=polytech, user=plain, can_manage_service=False)
    Membership.objects.create(service=paie, user=other, can_manage_service=True)
    category = make_category(polytech, code="00_Polytech")
    foreign_category = make_category(paie, code="03_Paie")
    rule = VisibilityRule.objects.create(service=polytech, effect="deny", test="local_account")
    foreign_rule = VisibilityRule.objects.create(service=paie, effect="deny", test="everyone")
    return {
        "people": people,
        "service": polytech,
        "other_service": paie,
        "category": category,
        "foreign_category": foreign_category,
        "rule": rule,
        "foreign_rule": foreign_rule,
    }


def urls(setup):
    service, rule = setup["service"].pk, setup["rule"].pk
    return {
        "page": reverse("service_visibility_rules", args=[service]),
        "edit": reverse("service_visibility_rule", args=[service, rule]),
        "move": reverse("service_visibility_move", args=[service, rule]),
        "delete": reverse("service_visibility_delete", args=[service, rule]),
        "default": reverse("service_visibility_default", args=[service]),
    }


def test_a_visitor_is_asked_to_log_in(client, setup):
    for url in [reverse("service_visibility"), urls(setup)["page"]]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for url in [urls(setup)["delete"], urls(setup)["default"]]:
        response = client.post(url, {"visible": "0"})
        assert response.status_code == 302 and "login" in response["Location"], url
    assert VisibilityRule.objects.filter(pk=setup["rule"].pk).exists()
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize("who", ["admin", "keeper"])
def test_the_admin_and_a_manager_with_the_privilege_open_the_pages(client, setup, who):
    client.force_login(setup["people"][who])
    listing = client.get(reverse("service_visibility"))
    assert listing.status_code == 200
    assert "Polytech Nancy" in listing.text
    assert ("Paie" in listing.text) is (who == "admin")
    page = client.get(urls(setup)["page"])
    assert page.status_code == 200
    assert "Refusé à : les comptes locaux" in page.text


@pytest.mark.parametrize("who", ["user", "plain", "other"])
def test_the_others_get_not_found_and_change_nothing(client, setup, who):
    client.force_login(setup["people"][who])
    pages = urls(setup)
    assert client.get(pages["page"]).status_code == 404
    assert client.post(pages["page"], STAFF_RULE).status_code == 404
    assert client.post(pages["edit"], {**STAFF_RULE, "effect": "deny"}).status_code == 404
    assert client.post(pages["move"], {"direction": "down"}).status_code == 404
    assert client.post(pages["delete"]).status_code == 404
    assert client.post(pages["default"], {"visible": "0"}).status_code == 404
    assert VisibilityRule.objects.filter(service=setup["service"]).count() == 1
    assert not AdminChange.objects.exists()
    setup["service"].refresh_from_db()
    assert setup["service"].visible_by_default


def test_the_list_is_not_found_for_a_user_and_empty_for_a_manager_without_the_privilege(client, setup):
    client.force_login(setup["people"]["user"])
    assert client.get(reverse("service_visibility")).status_code == 404
    client.force_login(setup["people"]["plain"])
    listing = client.get(reverse("service_visibility"))
    assert listing.status_code == 200
    assert "Polytech Nancy" not in listing.text
    assert 'name="personne"' not in listing.text  # no "Tester en tant que…" without a service to administer


def test_another_service_s_rule_or_category_by_id_is_not_found(client, setup):
    client.force_login(setup["people"]["keeper"])
    service, foreign = setup["service"].pk, setup["foreign_rule"].pk
    assert client.get(reverse("service_visibility_rules", args=[service]) + f"?modifier={foreign}").status_code == 404
    assert client.post(reverse("service_visibility_rule", args=[service, foreign]), STAFF_RULE).status_code == 404
    assert (
        client.post(reverse("service_visibility_move", args=[service, foreign]), {"direction": "up"}).status_code == 404
    )
    assert client.post(reverse("service_visibility_delete", args=[service, foreign])).status_code == 404
    with_foreign_category = {**STAFF_RULE, "category": setup["foreign_category"].pk}
    assert client.post(urls(setup)["page"], with_foreign_category).status_code == 404
    assert client.post(urls(setup)["edit"], with_foreign_category).status_code == 404
    assert VisibilityRule.objects.get(pk=foreign).test == "everyone"
    assert VisibilityRule.objects.filter(service=setup["service"]).count() == 1
    assert not AdminChange.objects.exists()


def test_add_edit_move_delete_and_the_default_each_write_one_line_of_the_audit_log(client, setup):
    keeper, service, category = setup["people"]["keeper"], setup["service"], setup["category"]
    client.force_login(keeper)
    pages = urls(setup)
    first = setup["rule"]

    assert client.post(pages["page"], STAFF_RULE).status_code == 302
    second = VisibilityRule.objects.filter(service=service).exclude(pk=first.pk).get()
    assert (second.position, second.category, second.value) == (1, None, "staff")
    in_category = {**STAFF_RULE, "category": category.pk, "test": "ent_account", "attribute": "x", "value": "y"}
    assert client.post(pages["page"], in_category).status_code == 302
    third = VisibilityRule.objects.get(category=category)
    assert (third.position, third.attribute, third.value) == (0, "", "")  # an account test reads no attribute

    assert client.post(pages["edit"], {**STAFF_RULE, "effect": "deny", "value": "student"}).status_code == 302
    first.refresh_from_db()
    assert (first.effect, first.test, first.value) == ("deny", "equals", "student")

    assert client.post(pages["move"], {"direction": "down"}).status_code == 302
    assert list(VisibilityRule.objects.filter(service=service, category=None).order_by("position")) == [second, first]
    client.post(pages["move"], {"direction": "down"})  # already last: nothing changes, nothing written

    assert client.post(pages["default"], {"visible": "0"}).status_code == 302
    service.refresh_from_db()
    assert not service.visible_by_default

    assert client.post(reverse("service_visibility_delete", args=[service.pk, third.pk])).status_code == 302
    assert not VisibilityRule.objects.filter(pk=third.pk).exists()

    changes = list(AdminChange.objects.order_by("pk"))
    assert [change.kind for change in changes] == [
        "rule.added",
        "rule.added",
        "rule.updated",
        "rule.moved",
        "service.visibility_default",
        "rule.deleted",
    ]
    assert {change.actor for change in changes} == {keeper}
    assert {change.service for change in changes} == {service}
    assert changes[2].details == {
        "test": ["local_account", "equals"],
        "attribute": ["", "eduPersonAffiliation"],
        "value": ["", "student"],
    }
    assert changes[3].details == {"position": [0, 1]}
    assert changes[4].details == {"visible_by_default": [True, False]}
    assert category.title in changes[5].target


def test_a_bad_rule_is_refused_with_its_text_kept(client, setup):
    client.force_login(setup["people"]["admin"])
    response = client.post(urls(setup)["page"], {**STAFF_RULE, "value": "", "attribute": "monAttribut"})
    assert response.status_code == 400
    assert "Indiquez la valeur à comparer." in response.text
    assert 'value="monAttribut"' in response.text
    response = client.post(urls(setup)["page"], {**STAFF_RULE, "test": "nope", "effect": "\x00"})
    assert response.status_code == 400
    response = client.post(urls(setup)["default"], {"visible": "peut-être"})
    assert response.status_code == 400
    response = client.post(urls(setup)["move"], {"direction": "sideways"})
    assert response.status_code == 302
    response = client.post(urls(setup)["edit"], {**STAFF_RULE, "test": "contains", "attribute": " "})
    assert response.status_code == 400
    assert "Indiquez l'attribut ENT que la condition lit." in html.unescape(response.text)
    assert "Modifier la règle" in response.text
    # The same rule posted again changes nothing and writes nothing.
    same = {"category": "", "effect": "deny", "test": "local_account", "attribute": "", "value": ""}
    assert client.post(urls(setup)["edit"], same).status_code == 302
    assert VisibilityRule.objects.count() == 2
    assert not AdminChange.objects.exists()


def test_the_tester_shows_what_a_person_would_see(client, setup, make_user, make_category):
    make_category(setup["other_service"], code="03_Autre")
    person = make_user("etudiant", attributes={"eduPersonAffiliation": "student"})
    client.force_login(setup["people"]["admin"])
    rule = setup["rule"]
    rule.test, rule.attribute, rule.value = "equals", "eduPersonAffiliation", "STUDENT"
    rule.save()
    for url in [reverse("service_visibility"), urls(setup)["page"]]:
        text = client.get(url, {"personne": "etudiant"}).text
        shown = text[text.index("data-visibility-shown") : text.index("data-visibility-hidden")]
        hidden = text[text.index("data-visibility-hidden") :]
        assert "Polytech Nancy" not in shown and "Polytech Nancy" in hidden
        assert "Refusé à : les étudiants (affiliation = STUDENT)" in hidden
        assert "03_Paie" not in shown  # Paie's own rule refuses everyone
    rule.delete()
    text = client.get(reverse("service_visibility"), {"personne": person.username}).text
    assert "00_Polytech" in text[text.index("data-visibility-shown") :]
    response = client.get(reverse("service_visibility"), {"personne": "personne-inconnue"})
    assert "Personne ne correspond à cet identifiant." in response.text
    assert 'value="personne-inconnue"' in response.text


def count(client, url, **params):
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def grow(setup, make_service, make_category, size):
    """``size`` services with a category and a rule each, and ``size`` rules more on the service shown."""
    for number in range(size):
        service = make_service(f"Service {size}-{number}")
        Membership.objects.create(service=service, user=setup["people"]["keeper"], can_manage_service=True)
        category = make_category(service, code=f"C{size}-{number}")
        VisibilityRule.objects.create(service=service, category=category, effect="allow", test="ent_account")
        VisibilityRule.objects.create(
            service=setup["service"], position=number + 1, effect="allow", test="contains", attribute="a", value="b"
        )
        VisibilityRule.objects.create(
            service=setup["service"], category=setup["category"], position=number, effect="deny", test="everyone"
        )


def test_the_pages_and_step_one_cost_the_same_with_10_and_200_rules_and_services(
    client, setup, make_service, make_category
):
    keeper, user = setup["people"]["keeper"], setup["people"]["user"]
    pages = [
        (keeper, reverse("service_visibility"), {}),
        (keeper, reverse("service_visibility"), {"personne": "seclier5"}),
        (keeper, urls(setup)["page"], {}),
        (keeper, urls(setup)["page"], {"personne": "seclier5", "modifier": setup["rule"].pk}),
        (user, reverse("deposit"), {}),
    ]

    def measure():
        counts = []
        for person, url, params in pages:
            client.force_login(person)
            counts.append(count(client, url, **params))
        return counts

    grow(setup, make_service, make_category, 10)
    small = measure()
    grow(setup, make_service, make_category, 190)
    assert VisibilityRule.objects.count() > 590
    assert measure() == small
