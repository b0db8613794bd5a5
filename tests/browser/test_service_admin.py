"""A manager who runs their service: changes the closure delay with the keyboard alone and adds a manager by
login; the Services, properties, managers and removal pages checked by axe-core, in French and in English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import axe_violations
from tests.browser.conftest import log_in
from tickets.models import AdminChange, Membership, Service

pytestmark = pytest.mark.django_db(transaction=True)

SCOLARITE = "DN – Applications de scolarité"


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_a_manager_changes_the_closure_delay_and_adds_a_manager(live_server, browser, guide):
    Membership.objects.filter(user__username="gest-scol").update(can_manage_service=True, can_manage_managers=True)
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "gest-scol")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Services", exact=True).click()
    administration = page.get_by_role("navigation", name=f"Administration de {SCOLARITE}")
    expect(administration.get_by_role("link")).to_have_text(["Propriétés", "Gestionnaires", "Visibilité"])
    assert_accessible(page)

    # The properties, with the keyboard alone: the link, the field, Enter sends the form.
    administration.get_by_role("link", name="Propriétés").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Propriétés du service"))).to_be_visible()
    assert_accessible(page)
    delay = page.get_by_label("Délai d'expiration d'une demande de clôture (jours)")
    delay.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Rien n'a été enregistré : corrigez les valeurs signalées.")).to_be_visible()
    assert_accessible(page)
    delay = page.get_by_label("Délai d'expiration d'une demande de clôture (jours)")
    delay.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("21")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Les propriétés du service ont été enregistrées.")).to_be_visible()
    assert Service.objects.get(label=SCOLARITE).closure_delay_days == 21

    page.get_by_role("link", name="Retour aux services").click()
    page.get_by_role("navigation", name=f"Administration de {SCOLARITE}").get_by_role(
        "link", name="Gestionnaires"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("Gestionnaires du service"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nouveau gestionnaire").fill("mdupont")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("Marie Dupont (mdupont) est maintenant gestionnaire du service.")).to_be_visible()
    expect(page.get_by_label("Disponible – Marie Dupont (mdupont)")).to_be_checked()
    expect(page.get_by_label("Gérer les gestionnaires du service – Marie Dupont (mdupont)")).not_to_be_checked()
    assert Membership.objects.filter(service__label=SCOLARITE, user__username="mdupont").exists()
    assert sorted(AdminChange.objects.values_list("kind", flat=True)) == ["manager.added", "service.updated"]
    page.get_by_role("link", name="Retirer Marie Dupont (mdupont)").click()
    expect(page.get_by_label("Ses tickets en cours")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Remove a manager")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the managers").click()
    expect(page.get_by_role("heading", name=re.compile("Managers of the service"))).to_be_visible()
    expect(page.get_by_label("Available – Marie Dupont (mdupont)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the services").click()
    assert_accessible(page)
    page.get_by_role("link", name="Properties").click()
    expect(page.get_by_label("Expiry delay of a closure request (days)")).to_have_value("21")
    assert_accessible(page)
    context.close()
