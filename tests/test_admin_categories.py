"""A service's categories, run from the portal: who may open and change them, adding, editing, hiding,
disabling, deleting, and the audit line every change writes."""

import re

import pytest
from django.urls import reverse

from tests.admin_categories_support import build_team, category_url, changes, form_data, ticket_in_category, tree_url
from tests.xss_payloads import PAYLOADS, assert_no_script
from tickets.models import AdminChange, Category, FaqEntry, Membership

pytestmark = pytest.mark.django_db

ALLOWED = ["manager", "admin"]
REFUSED = ["user", "colleague", "other_manager"]


@pytest.fixture
def team(make_user, make_service, make_category, admin_user):
    return build_team(make_user, make_service, make_category, admin_user)


def pages(team):
    """(method, url, data) of every page and action of Scolarité's categories."""
    service, home, sibling = team["service"], team["categories"]["home"], team["categories"]["sibling"]
    return [
        ("get", tree_url(service), None),
        ("get", reverse("category_add", args=[service.pk]), None),
        ("post", reverse("category_add", args=[service.pk]), form_data(label="Refusée")),
        ("get", category_url("category_edit", home), None),
        ("post", category_url("category_edit", home), form_data(label="Refusée")),
        ("get", category_url("category_move", home), None),
        ("post", category_url("category_move", home), {"direction": "down"}),
        ("post", category_url("category_move", home), {"where": f"after-{sibling.pk}"}),
        ("post", category_url("category_state", home), {"change": "hide"}),
        ("post", category_url("category_state", home), {"change": "disable"}),
        ("get", category_url("category_delete", sibling), None),
        ("post", category_url("category_delete", sibling), {}),
    ]


@pytest.mark.parametrize("role", REFUSED)
def test_the_pages_are_not_found_for_who_may_not_manage_the_service_s_categories(client, team, role):
    client.force_login(team["people"][role])
    paths = [category.path for category in Category.objects.order_by("pk")]
    for method, url, data in pages(team):
        assert getattr(client, method)(url, data).status_code == 404, (method, url)
    assert [category.path for category in Category.objects.order_by("pk")] == paths
    assert Category.objects.filter(hidden=False, enabled=True, label__in=["Refusée"]).count() == 0
    assert Category.objects.count() == 4
    assert not AdminChange.objects.exists()


def test_a_visitor_is_asked_to_log_in(client, team):
    response = client.get(tree_url(team["service"]))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("role", ALLOWED)
def test_the_pages_open_for_a_manager_with_the_privilege_and_for_an_admin(client, team, role):
    client.force_login(team["people"][role])
    for method, url, data in pages(team):
        assert getattr(client, method)(url, data).status_code in (200, 302), (method, url)
    assert AdminChange.objects.count() == 7  # the seven posts each wrote one line
    assert not Category.objects.filter(code="02_ADE").exists()


def test_the_services_page_links_the_categories_of_the_services_one_may_manage(client, team):
    client.force_login(team["people"]["manager"])
    assert tree_url(team["service"]) in client.get(reverse("services")).text
    client.force_login(team["people"]["colleague"])
    assert tree_url(team["service"]) not in client.get(reverse("services")).text


def test_another_service_s_category_by_id_is_not_found(client, team):
    client.force_login(team["people"]["manager"])
    service, elsewhere = team["service"], team["categories"]["elsewhere"]
    for name in ["category_edit", "category_move", "category_delete"]:
        assert client.get(category_url(name, elsewhere, service)).status_code == 404
    assert client.post(category_url("category_state", elsewhere, service), {"change": "hide"}).status_code == 404
    assert client.get(reverse("category_add", args=[service.pk]), {"parent": elsewhere.pk}).status_code == 404
    response = client.post(reverse("category_add", args=[service.pk]), {**form_data(), "parent": elsewhere.pk})
    assert response.status_code == 404
    # Through its own service's URL, which the manager may not manage, either.
    assert client.get(category_url("category_edit", elsewhere)).status_code == 404
    assert not AdminChange.objects.exists()
    assert not Category.objects.get(pk=elsewhere.pk).hidden


@pytest.mark.parametrize("field", ["redirect_to", "managers", "faq_entries"])
def test_another_service_s_objects_posted_by_hand_are_not_found(client, team, make_faq_entry, field):
    client.force_login(team["people"]["manager"])
    other = team["other"]
    foreign = {
        "redirect_to": team["categories"]["elsewhere"].pk,
        "managers": team["people"]["other_manager"].pk,
        "faq_entries": make_faq_entry(other).pk,
    }[field]
    home = team["categories"]["home"]
    response = client.post(category_url("category_edit", home), form_data(label="Changée", **{field: foreign}))
    assert response.status_code == 404
    response = client.post(reverse("category_add", args=[team["service"].pk]), form_data(**{field: foreign}))
    assert response.status_code == 404
    assert Category.objects.get(pk=home.pk).label == "Applications de scolarité"
    assert Category.objects.count() == 4
    assert not AdminChange.objects.exists()


def test_the_tree_shows_badges_managers_and_faq_counts(client, team, make_faq_entry):
    home, child = team["categories"]["home"], team["categories"]["child"]
    Category.objects.filter(pk=home.pk).update(hidden=True)
    Category.objects.filter(pk=child.pk).update(enabled=False, accepts_tickets=False)
    home.managers.add(team["people"]["colleague"])
    for entry in [make_faq_entry(team["service"]), make_faq_entry(None)]:
        entry.categories.add(home)
    client.force_login(team["people"]["manager"])
    page = client.get(tree_url(team["service"])).text.replace("&#x27;", "'")
    home_part = page[page.index(f'id="category-{home.pk}"') : page.index(f'id="category-{child.pk}"')]
    child_part = page[page.index(f'id="category-{child.pk}"') :]
    assert "masquée" in home_part and "désactivée" not in home_part
    assert "Julie Martin" in home_part and "2 questions fréquentes liées" in home_part
    assert "désactivée" in child_part and "n'accepte pas de ticket" in child_part
    assert re.search(r"\b0 questions? fréquentes? liées?", child_part)
    # The child sits inside its parent's list, before the next root.
    assert page.index(f'id="category-{child.pk}"') < page.index(f'id="category-{team["categories"]["sibling"].pk}"')


def test_adding_a_root_and_a_child(client, team):
    client.force_login(team["people"]["manager"])
    service, home = team["service"], team["categories"]["home"]
    response = client.post(reverse("category_add", args=[service.pk]), form_data(code="02_New", label="Nouvelle"))
    assert response.status_code == 302
    root = Category.objects.get(code="02_New")
    assert root.is_root() and root.service == service
    roots = Category.objects.filter(service=service, depth=1).order_by("path")
    assert [category.code for category in roots] == ["02_App_Gestion", "02_ADE", "02_New"]
    response = client.post(
        reverse("category_add", args=[service.pk]), {**form_data(code="02_Sub", label="Sous"), "parent": home.pk}
    )
    child = Category.objects.get(code="02_Sub")
    assert Category.objects.get_parent(child) == home and Category.objects.get_prev_sibling(child).code == "02_Apogee"
    added = changes("category.added")
    assert [change.target for change in added] == ["02_New - Nouvelle", "02_Sub - Sous"]
    assert added[1].details["parent"] == "02_App_Gestion - Applications de scolarité"
    assert all(change.actor == team["people"]["manager"] and change.service == service for change in added)


def test_a_form_with_errors_keeps_what_was_typed(client, team):
    client.force_login(team["people"]["manager"])
    data = form_data(code="02_Keep", label="   ", help_text="Aide tapée", default_priority="9")
    response = client.post(reverse("category_add", args=[team["service"].pk]), data)
    assert response.status_code == 400
    assert "Aide tapée" in response.text and "02_Keep" in response.text
    assert "Ce champ est obligatoire." in response.text or "Le libellé est obligatoire." in response.text
    assert not AdminChange.objects.exists() and Category.objects.count() == 4
    # A NUL character, which PostgreSQL cannot store, is refused like any bad value.
    response = client.post(category_url("category_edit", team["categories"]["home"]), form_data(label="A\x00B"))
    assert response.status_code == 400 and not AdminChange.objects.exists()


def test_editing_writes_one_line_with_the_changed_fields(client, team, make_faq_entry):
    client.force_login(team["people"]["manager"])
    home, sibling = team["categories"]["home"], team["categories"]["sibling"]
    general, own = make_faq_entry(None, title="Générale ?"), make_faq_entry(team["service"], title="Propre ?")
    colleague = team["people"]["colleague"]
    data = form_data(
        code="02_App_Gestion",
        label="Applications de scolarité",
        short_label="Scolarité",
        default_message="<p>Bonjour</p><script>alert(1)</script>",
        redirect_to=sibling.pk,
        accepts_tickets=None,
        managers=[colleague.pk],
        faq_entries=[general.pk, own.pk],
    )
    assert client.post(category_url("category_edit", home), data).status_code == 302
    home.refresh_from_db()
    assert home.short_label == "Scolarité" and home.redirect_to == sibling and not home.accepts_tickets
    assert "<script" not in home.default_message and "Bonjour" in home.default_message
    assert list(home.managers.all()) == [colleague]
    assert set(home.faq_entries.all()) == {general, own}
    [change] = changes()
    assert change.kind == "category.updated"
    assert change.target == "02_App_Gestion - Applications de scolarité"
    assert set(change.details) == {
        "short_label",
        "default_message",
        "redirect_to",
        "accepts_tickets",
        "managers",
        "faq_entries",
    }
    assert change.details["accepts_tickets"] == [True, False]
    assert change.details["redirect_to"] == [None, "02_ADE - ADE"]
    # Saved again unchanged: nothing changed, nothing written.
    client.post(category_url("category_edit", home), data)
    assert AdminChange.objects.count() == 1


def test_a_manager_of_the_service_only_and_no_redirection_chain(client, team):
    client.force_login(team["people"]["manager"])
    home, sibling, child = (team["categories"][name] for name in ["home", "sibling", "child"])
    page = client.get(category_url("category_edit", home)).text
    assert "Julie Martin" in page and "Paul Paie" not in page
    redirections = page.split('name="redirect_to"')[1].split("</select>")[0]
    assert f'value="{sibling.pk}"' in redirections
    assert f'value="{team["categories"]["elsewhere"].pk}"' not in redirections
    Category.objects.filter(pk=sibling.pk).update(redirect_to=child)
    response = client.post(category_url("category_edit", home), form_data(label="X", redirect_to=sibling.pk))
    assert response.status_code == 400
    assert "redirige elle-même" in response.text.replace("&#x27;", "'")
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "value", "kind"),
    [
        ("hide", "hidden", True, "category.hidden"),
        ("disable", "enabled", False, "category.disabled"),
    ],
)
def test_hiding_and_disabling_and_back(client, team, change, field, value, kind):
    client.force_login(team["people"]["manager"])
    home = team["categories"]["home"]
    back = {"hide": "show", "disable": "enable"}[change]
    client.post(category_url("category_state", home), {"change": change})
    assert getattr(Category.objects.get(pk=home.pk), field) is value
    client.post(category_url("category_state", home), {"change": change})  # already so: nothing more
    client.post(category_url("category_state", home), {"change": back})
    assert getattr(Category.objects.get(pk=home.pk), field) is not value
    back_kind = {"category.hidden": "category.shown", "category.disabled": "category.enabled"}[kind]
    assert [row.kind for row in changes()] == [kind, back_kind]
    response = client.post(category_url("category_state", home), {"change": "explode"})
    assert response.status_code == 302 and AdminChange.objects.count() == 2


def test_a_disabled_category_keeps_its_tickets(client, team):
    ticket = ticket_in_category(team["categories"]["home"], team["people"]["user"])
    client.force_login(team["people"]["manager"])
    client.post(category_url("category_state", team["categories"]["home"]), {"change": "disable"})
    ticket.refresh_from_db()
    assert ticket.category == team["categories"]["home"]


def test_a_category_with_tickets_cannot_be_deleted_but_may_be_disabled(client, team):
    home, child = team["categories"]["home"], team["categories"]["child"]
    ticket_in_category(child, team["people"]["user"])
    client.force_login(team["people"]["manager"])
    page = client.get(category_url("category_delete", child)).text
    assert "Désactiver la catégorie" in page and "Supprimer définitivement" not in page
    assert client.post(category_url("category_delete", child)).status_code == 302
    assert "sous-catégories" in client.get(category_url("category_delete", home)).text
    client.post(category_url("category_delete", home))
    assert Category.objects.filter(pk__in=[home.pk, child.pk]).count() == 2
    assert not AdminChange.objects.exists()


def test_an_empty_category_is_deleted_after_confirmation(client, team):
    client.force_login(team["people"]["manager"])
    sibling = team["categories"]["sibling"]
    assert "Supprimer définitivement" in client.get(category_url("category_delete", sibling)).text
    assert Category.objects.filter(pk=sibling.pk).exists()
    assert client.post(category_url("category_delete", sibling)).status_code == 302
    assert not Category.objects.filter(pk=sibling.pk).exists()
    [change] = changes()
    assert (change.kind, change.target) == ("category.deleted", "02_ADE - ADE")


def test_a_privilege_withdrawn_is_checked_at_the_post(client, team):
    client.force_login(team["people"]["manager"])
    assert client.get(tree_url(team["service"])).status_code == 200
    Membership.objects.filter(user=team["people"]["manager"]).update(can_manage_categories=False)
    response = client.post(category_url("category_state", team["categories"]["home"]), {"change": "hide"})
    assert response.status_code == 404 and not AdminChange.objects.exists()


@pytest.mark.parametrize("payload", [payload for payload in PAYLOADS if "\x00" not in payload][:12])
def test_labels_and_help_never_run_script_on_the_pages(client, team, payload):
    home = team["categories"]["home"]
    Category.objects.filter(pk=home.pk).update(label=payload, code=payload[:50], help_text=payload, short_label=payload)
    FaqEntry.objects.create(title=payload, path="0099", depth=1).categories.add(home)
    client.force_login(team["people"]["manager"])
    for url in [
        tree_url(team["service"]),
        category_url("category_edit", home),
        category_url("category_move", team["categories"]["sibling"]),
        category_url("category_delete", home),
    ]:
        page = client.get(url).text
        assert payload not in page
        main = page[page.index("<main") : page.index("</main>") + len("</main>")]
        assert_no_script(main, allow_local_forms=True)
