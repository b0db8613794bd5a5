"""gest-scol runs the categories of "DN – Applications de scolarité": adds one (it shows at the deposit's first
step), moves one with the keyboard and one by drag and drop; the pages pass axe-core in French and English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tickets.models import AdminChange, Category, Service

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = "DN – Applications de scolarité"


def roots(service):
    return list(Category.objects.filter(service=service, depth=1).order_by("path").values_list("code", flat=True))


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def row(page, code):
    return (
        page.locator("li[data-category]", has=page.locator(f".code:text-is('{code}')")).locator(".category-row").first
    )


def test_gest_scol_adds_and_moves_categories(live_server, page, guide):
    service = Service.objects.get(label=SERVICE)
    log_in(page, live_server.url, "gest-scol")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Services", exact=True).click()
    page.get_by_role("link", name=f"Gérer les catégories du service {SERVICE}").click()
    expect(page.get_by_role("heading", name=f"Catégories du service {SERVICE}")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ajouter une catégorie").click()
    page.get_by_label("Code").fill("02_Inscriptions")
    page.get_by_label(re.compile(r"^Libellé\W*$")).fill("Inscriptions administratives")
    page.get_by_label(re.compile(r"^Aide\W*$")).fill("Problèmes d'inscription en ligne")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(
        page.get_by_text("La catégorie « 02_Inscriptions - Inscriptions administratives » a été ajoutée.")
    ).to_be_visible()
    assert roots(service) == ["02_App_Gestion", "02_ADE", "02_Inscriptions"]

    # The keyboard way: "Monter" reached and pressed with the keyboard alone.
    up = page.get_by_role("button", name="Monter « 02_Inscriptions - Inscriptions administratives »")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("a été déplacée.")).to_be_visible()
    assert roots(service) == ["02_App_Gestion", "02_Inscriptions", "02_ADE"]
    # And the "Déplacer" form, chosen with the keyboard.
    page.get_by_role("link", name="Déplacer « 02_ADE - Support technique pour ADE UL »").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Déplacer la catégorie"))).to_be_visible()
    assert_accessible(page)
    where = page.get_by_label("Nouvelle place de « 02_ADE - Support technique pour ADE UL »")
    where.focus()
    where.select_option(
        label="Avant « 02_App_Gestion - Support technique pour les applications de scolarité (Apogée, SNW, ...) »"
    )
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Déplacer")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("a été déplacée.")).to_be_visible()
    assert roots(service) == ["02_ADE", "02_App_Gestion", "02_Inscriptions"]

    # Drag and drop: 02_Inscriptions dropped in the middle of 02_App_Gestion goes inside it.
    source, target = row(page, "02_Inscriptions"), row(page, "02_App_Gestion")
    box = target.bounding_box()
    source.drag_to(target, source_position={"x": 8, "y": 8}, target_position={"x": 20, "y": box["height"] / 2})
    expect(page.get_by_text("a été déplacée.")).to_be_visible()
    assert roots(service) == ["02_ADE", "02_App_Gestion"]
    moved = Category.objects.get(code="02_Inscriptions")
    assert Category.objects.get_parent(moved).code == "02_App_Gestion"
    assert [change.kind for change in AdminChange.objects.order_by("pk")] == ["category.added"] + ["category.moved"] * 3

    # The new category shows at the deposit's first step.
    page.goto(f"{live_server.url}/deposer/")
    expect(page.get_by_role("link", name="Inscriptions administratives")).to_be_visible()
    expect(page.get_by_text("Problèmes d'inscription en ligne")).to_be_visible()


def test_the_pages_in_english(live_server, page, guide):
    service = Service.objects.get(label=SERVICE)
    category = Category.objects.get(code="02_App_Gestion")
    Category.objects.filter(pk=category.pk).update(hidden=True)
    log_in(page, live_server.url, "gest-scol")
    page.goto(f"{live_server.url}/services/{service.pk}/categories/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("Categories of the service"))).to_be_visible()
    expect(page.get_by_text("hidden", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Edit « 02_App_Gestion")).click()
    expect(page.get_by_role("heading", name=re.compile("Edit the category"))).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/services/{service.pk}/categories/{category.pk}/deplacer/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/services/{service.pk}/categories/{category.pk}/supprimer/")
    assert_accessible(page)
