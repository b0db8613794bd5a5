"""Visibilité des services in a browser: the admin writes Polytech Nancy's rule on the page, "Tester en tant
que seclier5" no longer lists Polytech Nancy, and seclier5's step 1 agrees; reordering with the keyboard;
both pages checked by axe-core in French and in English. With the demo's data and its CAS server, Polytech
Nancy shows to its staff only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils.csp import CSP
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tests.browser.test_cas_login import log_in_through_the_ent
from tests.cas_support import cas_server  # noqa: F401
from tickets.demo.data import load_demo_data
from tickets.models import AdminChange, VisibilityRule

pytestmark = pytest.mark.django_db(transaction=True)

POLYTECH = "Polytech Nancy – Service informatique"


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_the_admin_writes_polytech_s_rule_and_seclier5_no_longer_sees_it(live_server, browser, guide, admin_user):
    page = browser.new_page()
    log_in(page, live_server.url, "admin")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name=re.compile("Visibilité des services", re.IGNORECASE)
    ).click()
    expect(page.get_by_role("heading", name="Visibilité des services", exact=True)).to_be_visible()
    assert_accessible(page)

    # Before any rule, seclier5 would see Polytech Nancy.
    page.get_by_role("textbox", name=re.compile("Tester en tant que")).fill("seclier5")
    page.get_by_role("textbox", name=re.compile("Tester en tant que")).press("Enter")
    expect(page.locator("[data-visibility-shown]")).to_contain_text(POLYTECH)

    page.get_by_role("link", name=f"Modifier les règles de {POLYTECH}").click()
    expect(page.get_by_role("heading", name=f"Visibilité de {POLYTECH}")).to_be_visible()
    page.get_by_label("Autoriser").check()
    page.get_by_label("Condition").select_option("equals")
    page.get_by_label("Attribut ENT").fill("supannEntiteAffectationPrincipale")
    page.get_by_role("textbox", name=re.compile("^Valeur")).fill("Polytech Nancy")
    page.get_by_role("button", name="Ajouter la règle").click()
    expect(page.get_by_text("La règle a été ajoutée.")).to_be_visible()
    page.get_by_label("invisible", exact=True).check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Le réglage a été enregistré.")).to_be_visible()
    expect(page.locator(".visibility-summary").first).to_have_text(
        "Visible par : les personnes de la composante Polytech Nancy ; sinon : invisible"
    )

    # A second rule, moved up with the keyboard alone.
    page.get_by_label("Refuser").check()
    page.get_by_label("Condition").select_option("local_account")
    page.get_by_role("button", name="Ajouter la règle").click()
    page.get_by_role("button", name="Monter la règle 2").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("La règle a été déplacée.")).to_be_visible()
    expect(page.locator("ol.rules li .rule-phrase").first).to_have_text("Refusé à : les comptes locaux")
    page.get_by_role("textbox", name=re.compile("Tester en tant que")).fill("seclier5")
    page.get_by_role("button", name="Tester").click()
    expect(page.locator("[data-visibility-shown]")).not_to_contain_text(POLYTECH)
    expect(page.locator("[data-visibility-shown]")).to_contain_text("02_App_Gestion")
    expect(page.locator("[data-visibility-hidden]")).to_contain_text(POLYTECH)
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=f"Visibility of {POLYTECH}")).to_be_visible()
    expect(page.get_by_role("button", name="Move down rule 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remove rule 1").click()
    expect(page.locator("ol.rules li")).to_have_count(1)
    expect(page.locator(".visibility-summary").first).to_have_text(
        "Visible to: people of the component Polytech Nancy; otherwise: invisible"
    )
    page.get_by_role("link", name="Service visibility").first.click()
    expect(page.get_by_role("heading", name="Service visibility", exact=True)).to_be_visible()
    assert_accessible(page)

    assert VisibilityRule.objects.get().value == "Polytech Nancy"
    kinds = list(AdminChange.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["rule.added", "service.visibility_default", "rule.added", "rule.moved", "rule.deleted"]

    seclier = browser.new_page()
    log_in(seclier, live_server.url, "seclier5")
    seclier.get_by_role("link", name="Déposer un ticket").first.click()
    expect(
        seclier.get_by_role("link", name=re.compile("Support technique pour les applications de scolarit"))
    ).to_be_visible()
    expect(seclier.get_by_role("link", name="Polytech Nancy")).to_have_count(0)
    expect(seclier.get_by_text("Salles informatiques")).to_have_count(0)


@pytest.fixture
def ent(settings, cas_server):  # noqa: F811
    settings.CAS_SERVER_URL = cas_server.url
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, cas_server.url.rstrip("/")]}
    return cas_server


@pytest.mark.parametrize(("login", "sees"), [("seclier5", False), ("erobert", True)])
def test_the_demo_shows_polytech_to_its_staff_only_after_the_ent_login(live_server, page, ent, login, sees):
    load_demo_data()
    log_in_through_the_ent(page, live_server.url, login)
    page.get_by_text("Bonjour,").wait_for()
    page.get_by_role("link", name="Déposer un ticket").first.click()
    expect(page.get_by_role("heading", name=re.compile("Sélectionner une catégorie"))).to_be_visible()
    expect(page.get_by_role("link", name="Salles informatiques et logiciels d'enseignement")).to_have_count(
        1 if sees else 0
    )
    user = get_user_model().objects.get(username=login)
    assert user.attributes["supannEntiteAffectationPrincipale"] == (
        "Polytech Nancy" if sees else "Faculté des Sciences et Technologies"
    )
