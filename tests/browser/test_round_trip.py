"""The guide's whole round trip, with the owner and the manager each in their own browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tickets.models import Category, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

GUIDE_MESSAGE = "Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?"


class Person:
    """One person's browser on the ticket page."""

    def __init__(self, browser, base_url, username):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.base_url = base_url
        log_in(self.page, base_url, username)

    def open(self, ticket):
        self.page.goto(f"{self.base_url}/ticket/{ticket.pk}/")

    def sees_status(self, ticket, label):
        self.open(ticket)
        self.shows_status(label)

    def shows_status(self, label):
        """Waits until the page in front shows ``label`` (an htmx action swaps the page when it is done)."""
        expect(self.page.locator(".ticket .properties .status").first).to_have_text(label)

    def menu(self, entry):
        """Opens ACTIONS and picks an entry (a one-click button or the link to its form)."""
        self.page.locator("summary", has_text="ACTIONS").click()
        menu = self.page.locator(".actions-menu-list")
        menu.get_by_role("button", name=entry, exact=True).or_(menu.get_by_role("link", name=entry, exact=True)).click()

    def write(self, text):
        editor = self.page.locator("trix-editor")
        editor.click()
        self.page.keyboard.type(text)

    def submit(self, label):
        self.page.locator(".action-form").get_by_role("button", name=label, exact=True).click()


@pytest.fixture
def people(live_server, browser, guide):
    owner = Person(browser, live_server.url, "seclier5")
    manager = Person(browser, live_server.url, "gest-scol")
    yield owner, manager
    owner.context.close()
    manager.context.close()


def deposit(owner):
    category = Category.objects.get(code="02_App_Gestion")
    owner.page.goto(f"{owner.base_url}/deposer/{category.pk}/")
    owner.page.get_by_label("Sujet").fill("Connexion apogee impossible")
    owner.write(GUIDE_MESSAGE)
    owner.page.get_by_role("button", name="Créer le ticket").click()
    expect(owner.page.get_by_text("Un nouveau ticket a été créé.")).to_be_visible()
    return Ticket.objects.get()


def both_see(people, ticket, label, *, actor):
    # The actor's page shows the result once the action is done; only then may the others look.
    actor.shows_status(label)
    for person in people:
        person.sees_status(ticket, label)


def test_the_guide_round_trip(people):
    owner, manager = people
    ticket = deposit(owner)
    both_see(people, ticket, "Libre", actor=owner)

    manager.open(ticket)
    manager.menu("Prendre en charge")
    both_see(people, ticket, "Pris en charge", actor=manager)

    manager.open(ticket)
    manager.menu("Demander des informations")
    manager.write("Quel est le message d'erreur exact ?")
    manager.submit("Demander des informations")
    both_see(people, ticket, "En attente d'informations", actor=manager)

    owner.open(ticket)
    owner.menu("Ajouter commentaire")
    owner.write("Le message est « Identifiant inconnu ».")
    owner.submit("Ajouter commentaire")
    both_see(people, ticket, "Pris en charge", actor=owner)

    manager.open(ticket)
    manager.menu("Clôre")
    both_see(people, ticket, "Clôture demandée", actor=manager)

    owner.open(ticket)
    owner.menu("Refuser la clôture")
    owner.write("Je n'arrive toujours pas à me connecter.")
    owner.submit("Refuser la clôture")
    both_see(people, ticket, "Pris en charge", actor=owner)

    manager.open(ticket)
    manager.menu("Clôre")
    both_see(people, ticket, "Clôture demandée", actor=manager)

    owner.open(ticket)
    owner.menu("Approuver la clôture")  # its form offers the satisfaction, left unanswered here
    owner.submit("Approuver la clôture")
    both_see(people, ticket, "Clôture approuvée", actor=owner)

    ticket.refresh_from_db()
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [
        "ticket.created", "ticket.taken", "ticket.information_requested", "ticket.commented",
        "ticket.closure_requested", "ticket.closure_refused", "ticket.closure_requested", "ticket.closure_approved",
    ]  # fmt: skip


def test_an_internal_note_never_reaches_the_owner(people):
    owner, manager = people
    ticket = deposit(owner)
    manager.open(ticket)
    manager.menu("Ajouter commentaire")
    manager.write("Note interne : compte bloqué côté annuaire.")
    manager.page.get_by_label("Visibilité").select_option("managers")
    manager.submit("Ajouter commentaire")
    expect(manager.page.get_by_text("Note interne : compte bloqué côté annuaire.")).to_be_visible()
    owner.open(ticket)
    expect(owner.page.locator("main")).not_to_contain_text("Note interne")
