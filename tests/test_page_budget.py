"""Every page a person reaches from the menu and from a ticket reads at most QUERY_BUDGET queries, and as many
with a few tickets as with many more: for a manager of one service, a manager of every service, an
administrator and a user with tickets (the four people of scripts/benchmark.py)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.factories import guide_tickets
from tickets import workflow
from tickets.attachments.storage import store_attachment
from tickets.menu import entries_for
from tickets.models import EntryScope, FaqScope, Membership, SavedResponse, Service, Ticket
from tickets.search.index import index_tickets
from tickets.services import personal
from tickets.statistics.tables import TABS

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
PEOPLE = ["gest-scol", "bench-tous", "admin", "seclier5"]
RARE_WORD = "zorglub"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    return SimpleUploadedFile("capture.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def scene(guide, admin_user, make_user, make_faq_entry):
    """The guide's people and catalogue, a manager of every service (bench-tous), Benjamin Seclier's ticket
    taken by gest-scol with an invitee, a move, a file and a rare word in its subject, an approved one with its
    rating, FAQ entries, a saved response of each kind, and a few tickets in bulk."""
    people = guide["people"]
    everywhere = make_user("bench-tous", first_name="Gestionnaire", last_name="Partout")
    Membership.objects.bulk_create(Membership(service=service, user=everywhere) for service in Service.objects.all())
    owner, manager = people["seclier5"], people["gest-scol"]
    category = guide["categories"]["02_App_Gestion"]
    ticket = workflow.create_ticket(
        actor=owner, category=category, subject=f"Connexion {RARE_WORD} impossible", description="<p>Bonjour</p>"
    )
    ticket = workflow.take(ticket, actor=manager)
    ticket = workflow.invite(ticket, actor=manager, user=people["mdupont"])
    # Entries that name people and categories: the page reads them too.
    ticket = workflow.move(ticket, actor=manager, category=guide["categories"]["02_ADE"])
    ticket = workflow.comment(ticket, actor=owner, text="<p>Capture jointe</p>")
    store_attachment(ticket, png(), uploaded_by=owner, scope=EntryScope.INVITED, event=ticket.recorded_entry)
    approved = workflow.create_ticket(actor=owner, category=category, subject="Export en erreur", description="x")
    approved = workflow.take(approved, actor=manager)
    approved = workflow.request_closure(approved, actor=manager, text="<p>Corrigé</p>")
    workflow.approve_closure(approved, actor=owner, rating=4, satisfaction_comment="Merci")
    service = category.service
    entry = make_faq_entry(service, title="Connexion à Apogée ?", scope=FaqScope.USERS)
    make_faq_entry(None, title="Mot de passe oublié ?")
    SavedResponse.objects.create(label="Ma réponse", text="<p>Bonjour {nom}</p>", owner=manager)
    SavedResponse.objects.create(label="Réponse scolarité", text="<p>{numero}</p>", service=service)
    SavedResponse.objects.create(label="Réponse globale", text="<p>Cordialement</p>")
    personal.set_bookmark(owner, ticket, on=True)
    add_tickets(guide, 10, seed=1)
    return {"ticket": ticket, "approved": approved, "category": category, "service": service, "faq_entry": entry}


def add_tickets(guide, count, *, seed):
    """Tickets in bulk (``guide_tickets``), found by the search as those filed through the workflow."""
    index_tickets(ticket.pk for ticket in guide_tickets(guide, count, seed=seed))


def pages_for(user, scene):
    """(name, url) of the pages ``user`` reaches: the menu's, the deposit's steps, a ticket's and, for
    managers, what they manage."""
    ticket, service, category = scene["ticket"], scene["service"], scene["category"]
    dashboard = reverse("dashboard")
    pages = [
        ("home", reverse("home")),
        ("help", reverse("help")),
        ("FAQ", reverse("faq")),
        ("FAQ entry", reverse("faq_entry", args=[scene["faq_entry"].pk])),
        ("dashboard", dashboard),
        ("dashboard, every ticket by subject", f"{dashboard}?vue=tous&statut=tous&tri=sujet"),
        ("search, a common word", reverse("search") + "?q=apogee"),
        ("search, a rare word", reverse("search") + f"?q={RARE_WORD}"),
        ("search, a ticket's number", reverse("search") + f"?q={ticket.pk}"),
        ("bookmarks", reverse("bookmarks")),
        ("preferences", reverse("preferences")),
        ("deposit, step 1", reverse("deposit")),
        ("deposit, step 2", reverse("deposit_form", args=[category.pk])),
        ("ENT portlet", reverse("ent_portlet")),
        ("ENT counter", reverse("ent_counter")),
        ("ticket", reverse("ticket", args=[ticket.pk])),
        ("ticket, print", reverse("ticket_print", args=[ticket.pk])),
        ("ticket, comment", reverse("ticket_action", args=[ticket.pk, "comment"])),
        ("approved ticket", reverse("ticket", args=[scene["approved"].pk])),
    ]
    if user.username == "seclier5":
        return pages
    pages += [
        ("dashboard, a category", f"{dashboard}?vue=services&statut=tous&categorie={category.pk}"),
        ("ticket, assign", reverse("ticket_action", args=[ticket.pk, "assign"])),
        ("ticket, move", reverse("ticket_action", args=[ticket.pk, "move"])),
        ("ticket to FAQ", reverse("ticket_to_faq", args=[scene["approved"].pk])),
        ("journal", reverse("journal")),
        ("saved responses", reverse("saved_responses")),
        ("utilities", reverse("utilities") + "?q=seclier"),
        ("services", reverse("services")),
        ("categories", reverse("service_categories", args=[service.pk])),
        ("category", reverse("category_edit", args=[service.pk, category.pk])),
        ("new category", reverse("category_add", args=[service.pk])),
        ("visibility", reverse("service_visibility")),
        ("new FAQ entry", reverse("faq_create") + f"?service={service.pk}"),
        ("FAQ changes", reverse("faq_changes") + f"?service={service.pk}"),
        ("FAQ entry, edit", reverse("faq_edit", args=[scene["faq_entry"].pk])),
        ("FAQ entry, history", reverse("faq_history", args=[scene["faq_entry"].pk])),
        *((f"statistics, {tab}", reverse("statistics") + f"?vue={tab}") for tab in TABS),
    ]
    if user.is_superuser:
        pages += [
            ("service properties", reverse("service_properties", args=[service.pk])),
            ("service managers", reverse("service_managers", args=[service.pk])),
            ("visibility rules", reverse("service_visibility_rules", args=[service.pk])),
            ("administration", reverse("admin:index")),
        ]
    return pages


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def walk(client, scene):
    """{(person, page): queries of a second visit}, after checking that the first visit (which may write the
    person's Historique row or fill a cache) and the second both stay within the budget."""
    counts, over = {}, []
    for username in PEOPLE:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        for name, url in pages_for(user, scene):
            first, second = count(client, url), count(client, url)
            if max(first, second) > QUERY_BUDGET:
                over.append((username, name, first, second))
            counts[(username, name)] = second
    assert not over, "\n".join(map(str, over))
    return counts


def test_every_page_stays_within_the_budget_with_a_few_and_with_many_tickets(client, scene, guide):
    few = walk(client, scene)
    add_tickets(guide, 400, seed=2)
    ticket = scene["ticket"]
    owner = ticket.owner
    for _number in range(20):
        # No digits in the text: the search for the ticket's number finds the same rows at both sizes.
        ticket = workflow.comment(Ticket.objects.get(pk=ticket.pk), actor=owner, text="<p>Relance</p>")
    for other in Ticket.objects.filter(owner=owner)[:30]:
        personal.set_bookmark(owner, other, on=True)
        personal.record_view(owner, other)
    many = walk(client, scene)
    assert many.keys() == few.keys()
    # A search reads apart, in one more statement, the relations where its words are sparse
    # (tickets.search.listing.listed_rows): the tickets added can make some so, never more than that.
    grown = {key: (few[key], many[key]) for key in few if many[key] != few[key]}
    assert all(name.startswith("search") and after == before + 1 for (_, name), (before, after) in grown.items()), grown


def test_the_walk_covers_every_entry_of_each_person_s_menu(scene):
    for username in PEOPLE:
        user = get_user_model().objects.get(username=username)
        walked = {url.split("?")[0] for _name, url in pages_for(user, scene)}
        missing = [entry["url"] for entry in entries_for(user) if entry["url"] not in walked]
        assert not missing, (username, missing)
