"""What the visibility rules change for people: step 1 and step 2 of the deposit, public tickets and the FAQ;
owners, invitees and managers keep what is theirs."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tickets import permissions, workflow
from tickets.administration.visibility import forget_visibility
from tickets.faq.access import can_read_faq_entry, readable_faq_entries
from tickets.models import Invitation, Membership, Ticket, TicketScope, VisibilityRule

pytestmark = pytest.mark.django_db

POLYTECH = "Polytech Nancy – Service informatique"
POLYTECH_STAFF = {"eduPersonAffiliation": ["staff", "member"], "supannEntiteAffectationPrincipale": "Polytech Nancy"}


@pytest.fixture
def polytech_only(guide, make_user):
    """The demo's rules: Polytech Nancy's service for the people of Polytech Nancy only, students refused."""
    service = guide["services"][POLYTECH]
    VisibilityRule.objects.create(
        service=service, position=0, effect="deny", test="equals", attribute="eduPersonAffiliation", value="student"
    )
    VisibilityRule.objects.create(
        service=service,
        position=1,
        effect="allow",
        test="equals",
        attribute="supannEntiteAffectationPrincipale",
        value="polytech nancy",
    )
    service.visible_by_default = False
    service.save()
    guide["people"]["poly"] = make_user("erobert", attributes=POLYTECH_STAFF)
    guide["people"]["poly_student"] = make_user("etu", attributes={**POLYTECH_STAFF, "eduPersonAffiliation": "student"})
    guide["people"]["poly_manager"] = manager = make_user("gest-poly")
    Membership.objects.create(service=service, user=manager)
    guide["people"]["admin"] = make_user("admin", is_superuser=True)
    return guide


def step_one(client, person):
    client.force_login(person)
    return client.get(reverse("deposit")).text


@pytest.mark.parametrize(
    ("who", "sees"),
    [("seclier5", False), ("poly", True), ("poly_student", False), ("poly_manager", True), ("admin", True)],
)
def test_step_one_lists_polytech_only_to_whom_the_rules_show_it(client, polytech_only, who, sees):
    text = step_one(client, polytech_only["people"][who])
    assert ("00_Polytech" in text) is sees
    assert ("00_Polytech_Salles" in text) is sees
    assert "02_App_Gestion" in text
    filtered = client.get(reverse("deposit"), {"q": "salles"}).text
    assert ("00_Polytech_Salles" in filtered) is sees


@pytest.mark.parametrize(("who", "status"), [("seclier5", 404), ("poly", 200), ("poly_manager", 200), ("admin", 200)])
def test_step_two_of_a_category_one_does_not_see_is_not_found(client, polytech_only, who, status):
    client.force_login(polytech_only["people"][who])
    category = polytech_only["categories"]["00_Polytech_Salles"]
    assert client.get(reverse("deposit_form", args=[category.pk])).status_code == status
    posted = {"subject": "Salle 12", "description": "Le vidéoprojecteur", "scope": "private", "priority": "2"}
    response = client.post(reverse("deposit_form", args=[category.pk]), posted)
    assert (response.status_code == 404) is (status == 404)
    # Managers and admins are asked for the ticket's origin too; the user's ticket is filed.
    assert Ticket.objects.filter(category=category).exists() is (who == "poly")


def test_a_category_rule_hides_or_shows_a_subtree(client, guide, make_category):
    categories = guide["categories"]
    root, child = categories["00_Polytech"], categories["00_Polytech_Salles"]
    deep = make_category(root.service, parent=child, code="00_Polytech_Salles_B")
    VisibilityRule.objects.create(service=root.service, category=root, effect="deny", test="local_account")
    text = step_one(client, guide["people"]["seclier5"])
    assert "00_Polytech" not in text and "02_App_Gestion" in text
    # A rule deeper down shows its part of the tree again, at the top of what the person sees.
    VisibilityRule.objects.create(service=root.service, category=deep, effect="allow", test="everyone")
    text = step_one(client, guide["people"]["seclier5"])
    assert "00_Polytech_Salles_B" in text and "00_Polytech_Salles -" not in text
    assert client.get(reverse("deposit_form", args=[deep.pk])).status_code == 200
    assert client.get(reverse("deposit_form", args=[child.pk])).status_code == 404
    seen = permissions.visible_category_ids(guide["people"]["seclier5"])
    assert deep.pk in seen and not {root.pk, child.pk} & seen
    assert categories["02_App_Gestion"].pk in seen


def test_local_and_ent_accounts(client, guide):
    service = guide["services"][POLYTECH]
    VisibilityRule.objects.create(service=service, effect="deny", test="local_account")
    seclier = guide["people"]["seclier5"]
    assert "00_Polytech" not in step_one(client, seclier)
    seclier.set_unusable_password()
    seclier.save()
    SocialAccount.objects.create(user=seclier, provider="cas", uid="seclier5")
    assert "00_Polytech" in step_one(client, seclier)


@pytest.fixture
def public_tickets(polytech_only):
    """A public ticket of Polytech's owned by seclier5 (filed before the rules), one of the Polytech person's
    with seclier5's neighbour mdupont invited, and a public ticket elsewhere."""
    people, categories = polytech_only["people"], polytech_only["categories"]
    tickets = {
        "own": workflow.create_ticket(
            actor=people["seclier5"], category=categories["00_Polytech"], subject="Ancien", description="x"
        ),
        "poly": workflow.create_ticket(
            actor=people["poly"], category=categories["00_Polytech_Salles"], subject="Salle", description="x"
        ),
        "elsewhere": workflow.create_ticket(
            actor=people["poly"], category=categories["02_App_Gestion"], subject="Apogée", description="x"
        ),
    }
    Ticket.objects.update(scope=TicketScope.PUBLIC)
    Invitation.objects.create(ticket=tickets["poly"], user=people["mdupont"], invited_by=people["poly"])
    return polytech_only, {name: Ticket.objects.get(pk=ticket.pk) for name, ticket in tickets.items()}


# Who sees which public ticket: the owner keeps theirs, the invitee the one they are invited on.
SEES = {
    "seclier5": {"own", "elsewhere"},
    "mdupont": {"poly", "elsewhere"},
    "poly": {"own", "poly", "elsewhere"},
    "poly_student": {"elsewhere"},
    "poly_manager": {"own", "poly", "elsewhere"},
    "admin": {"own", "poly", "elsewhere"},
}


@pytest.mark.parametrize("who", list(SEES))
def test_public_tickets_follow_the_rules_and_owners_keep_theirs(client, public_tickets, who):
    guide, tickets = public_tickets
    person = guide["people"][who]
    seen = {name for name, ticket in tickets.items() if permissions.can_view(person, ticket)}
    assert seen == SEES[who]
    listed = set(permissions.visible_tickets_for(person).values_list("pk", flat=True))
    assert listed == {tickets[name].pk for name in SEES[who]}
    client.force_login(person)
    for name, ticket in tickets.items():
        assert client.get(reverse("ticket", args=[ticket.pk])).status_code == (200 if name in SEES[who] else 404)


def test_a_rule_written_later_takes_effect_on_a_new_request(client, public_tickets):
    guide, tickets = public_tickets
    person = guide["people"]["seclier5"]
    assert not permissions.can_view(person, tickets["poly"])
    VisibilityRule.objects.filter(service=tickets["poly"].service).update(effect="allow", test="everyone")
    assert not permissions.can_view(person, tickets["poly"])  # remembered for this user object (one request)
    forget_visibility(person)
    assert permissions.can_view(person, tickets["poly"])


@pytest.fixture
def faq(polytech_only, make_faq_entry):
    service = polytech_only["services"][POLYTECH]
    section = make_faq_entry(service, is_section=True, title="Salles ?")
    return polytech_only, {
        "polytech": make_faq_entry(service, title="Wi-Fi ?"),
        "polytech_deep": make_faq_entry(parent=section, title="Imprimer ?"),
        "scolarite": make_faq_entry(polytech_only["services"]["DN – Applications de scolarité"], title="Apogée ?"),
        "general": make_faq_entry(None, title="Mot de passe ?"),
    }


@pytest.mark.parametrize(
    ("who", "reads_polytech"),
    [
        ("visitor", False),
        ("seclier5", False),
        ("poly", True),
        ("poly_student", False),
        ("poly_manager", True),
        ("admin", True),
    ],
)
def test_the_faq_of_a_service_one_does_not_see_is_not_read(faq, who, reads_polytech):
    guide, entries = faq
    person = AnonymousUser() if who == "visitor" else guide["people"][who]
    read = {name for name, entry in entries.items() if can_read_faq_entry(person, entry)}
    assert read == {"scolarite", "general"} | ({"polytech", "polytech_deep"} if reads_polytech else set())
    listed = set(readable_faq_entries(person).filter(pk__in=[e.pk for e in entries.values()]))
    assert listed == {entries[name] for name in read}
