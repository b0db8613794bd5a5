"""A service's categories: moving them (before, after, into, up, down; never into their own branch), what
hiding and disabling do to the deposit, and the pages' query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_categories_support import build_team, category_url, changes, tree_url
from tickets.models import AdminChange, Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, make_service, make_category, admin_user):
    return build_team(make_user, make_service, make_category, admin_user)


def codes(service):
    """The service's tree as (depth, code) in tree order."""
    return [(category.depth, category.code) for category in Category.objects.filter(service=service).order_by("path")]


def move(client, category, **data):
    return client.post(category_url("category_move", category), data)


@pytest.fixture
def manager_client(client, team):
    client.force_login(team["people"]["manager"])
    return client


@pytest.mark.parametrize(
    ("moved", "where", "target", "expected"),
    [
        ("sibling", "before", "home", [(1, "02_ADE"), (1, "02_App_Gestion"), (2, "02_Apogee")]),
        ("home", "after", "sibling", [(1, "02_ADE"), (1, "02_App_Gestion"), (2, "02_Apogee")]),
        ("sibling", "into", "home", [(1, "02_App_Gestion"), (2, "02_Apogee"), (2, "02_ADE")]),
        ("child", "after", "sibling", [(1, "02_App_Gestion"), (1, "02_ADE"), (1, "02_Apogee")]),
        ("child", "into", "sibling", [(1, "02_App_Gestion"), (1, "02_ADE"), (2, "02_Apogee")]),
    ],
)
def test_moving_before_after_and_into(manager_client, team, moved, where, target, expected):
    categories = team["categories"]
    response = move(manager_client, categories[moved], where=f"{where}-{categories[target].pk}")
    assert response.status_code == 302
    assert codes(team["service"]) == expected
    assert codes(team["other"]) == [(1, "03_Paie")]
    [change] = changes()
    assert change.kind == "category.moved" and change.target == categories[moved].title
    assert set(change.details) == {"from", "to"} and change.details["from"] != change.details["to"]


def test_the_move_records_where_from_and_where_to(manager_client, team):
    categories = team["categories"]
    move(manager_client, categories["child"], where=f"into-{categories['sibling'].pk}")
    [change] = changes()
    assert change.details == {
        "from": {"parent": "02_App_Gestion - Applications de scolarité", "position": 1},
        "to": {"parent": "02_ADE - ADE", "position": 1},
    }


def test_up_and_down_among_the_service_s_siblings(manager_client, team, make_category):
    categories, service = team["categories"], team["service"]
    move(manager_client, categories["sibling"], direction="up")
    assert codes(service) == [(1, "02_ADE"), (1, "02_App_Gestion"), (2, "02_Apogee")]
    move(manager_client, categories["sibling"], direction="down")
    assert codes(service) == [(1, "02_App_Gestion"), (2, "02_Apogee"), (1, "02_ADE")]
    second = make_category(service, parent=categories["home"], code="02_SNW")
    move(manager_client, second, direction="up")
    assert codes(service) == [(1, "02_App_Gestion"), (2, "02_SNW"), (2, "02_Apogee"), (1, "02_ADE")]
    assert [change.kind for change in changes()] == ["category.moved"] * 3


def test_up_from_the_top_and_down_from_the_bottom_are_refused(manager_client, team):
    categories, service = team["categories"], team["service"]
    before = codes(service)
    # Paie's root comes after Scolarité's in the table: it is not a sibling to swap with.
    response = move(manager_client, categories["sibling"], direction="down")
    assert response.status_code == 302
    page = manager_client.get(response.url).text
    assert "Cette catégorie est déjà la dernière." in page
    move(manager_client, categories["home"], direction="up")
    move(manager_client, categories["child"], direction="up")
    assert codes(service) == before and codes(team["other"]) == [(1, "03_Paie")]
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize("where", ["before", "after", "into"])
def test_a_category_never_goes_into_its_own_branch(manager_client, team, where):
    categories, service = team["categories"], team["service"]
    before = codes(service)
    for target in ["home", "child"]:
        response = move(manager_client, categories["home"], where=f"{where}-{categories[target].pk}")
        assert response.status_code == 302
        assert "propre branche" in manager_client.get(response.url).text
    assert codes(service) == before and not AdminChange.objects.exists()


def test_the_move_form_offers_only_places_outside_the_branch(manager_client, team):
    categories = team["categories"]
    page = manager_client.get(category_url("category_move", categories["home"])).text
    assert f'value="before-{categories["sibling"].pk}"' in page
    assert f'value="into-{categories["sibling"].pk}"' in page
    for excluded in ["home", "child", "elsewhere"]:
        for where in ["before", "after", "into"]:
            assert f'value="{where}-{categories[excluded].pk}"' not in page
    assert "Avant « 02_ADE - ADE »" in page.replace("&laquo;", "«").replace("&raquo;", "»")


def test_a_target_of_another_service_is_not_found(manager_client, team):
    categories = team["categories"]
    for where in ["before", "after", "into"]:
        response = move(manager_client, categories["sibling"], where=f"{where}-{categories['elsewhere'].pk}")
        assert response.status_code == 404
    assert codes(team["other"]) == [(1, "03_Paie")] and not AdminChange.objects.exists()


@pytest.mark.parametrize("where", ["", "sideways-1", "into-", "into-abc", "before-99999"])
def test_a_bad_place_never_gives_a_500(manager_client, team, where):
    response = move(manager_client, team["categories"]["sibling"], where=where)
    assert response.status_code in (400, 404)
    assert not AdminChange.objects.exists()


def deposit_pages(client, team, category):
    client.force_login(team["people"]["user"])
    step_one = client.get(reverse("deposit")).text
    step_two = client.get(reverse("deposit_form", args=[category.pk])).status_code
    return f'href="{reverse("deposit_form", args=[category.pk])}"' in step_one, step_two


def test_hidden_leaves_step_one_but_the_direct_link_works(client, team):
    categories = team["categories"]
    assert deposit_pages(client, team, categories["home"]) == (True, 200)
    client.force_login(team["people"]["manager"])
    client.post(category_url("category_state", categories["home"]), {"change": "hide"})
    assert deposit_pages(client, team, categories["home"]) == (False, 200)
    # Its branch goes with it, though each keeps its direct link.
    assert deposit_pages(client, team, categories["child"]) == (False, 200)
    assert deposit_pages(client, team, categories["sibling"]) == (True, 200)


def test_disabled_leaves_both_steps(client, team):
    categories = team["categories"]
    client.force_login(team["people"]["manager"])
    client.post(category_url("category_state", categories["sibling"]), {"change": "disable"})
    assert deposit_pages(client, team, categories["sibling"]) == (False, 404)
    client.force_login(team["people"]["manager"])
    client.post(category_url("category_state", categories["sibling"]), {"change": "enable"})
    assert deposit_pages(client, team, categories["sibling"]) == (True, 200)


def add_categories(service, make_category, count, faq_entry, manager):
    """``count`` more categories in ``service``: roots with three children each, every one with a manager and
    a FAQ entry."""
    made = 0
    while made < count:
        root = make_category(service, code=f"R{made}", label=f"Racine {made}", hidden=made % 2 == 0)
        children = [make_category(service, parent=root, code=f"E{made}-{n}", enabled=n != 1) for n in range(3)]
        for category in [root, *children]:
            category.managers.add(manager)
            faq_entry.categories.add(category)
        made += 4


def test_query_counts_with_10_and_with_300_categories(client, team, make_category, make_faq_entry):
    service, manager = team["service"], team["people"]["manager"]
    entry = make_faq_entry(service)
    home, sibling = team["categories"]["home"], team["categories"]["sibling"]
    urls = [
        tree_url(service),
        category_url("category_edit", home),
        category_url("category_move", sibling),
        category_url("category_delete", sibling),
        reverse("category_add", args=[service.pk]),
    ]

    def measure():
        client.force_login(manager)
        counts = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts[url] = len(queries)
        return counts

    add_categories(service, make_category, 7, entry, manager)
    assert Category.objects.filter(service=service).count() == 11
    small = measure()
    add_categories(service, make_category, 290, entry, manager)
    assert Category.objects.filter(service=service).count() == 303
    large = measure()
    assert large == small
    assert small[tree_url(service)] <= 7
    page = client.get(tree_url(service)).text
    assert page.count('class="category-row"') == 303
