"""Who reads which FAQ entry: the rule of tickets.faq.access, per person, and its queryset agreeing with it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tickets.faq.access import can_manage_faq, can_read_faq_entry, readable_faq_entries
from tickets.models import FaqScope, Membership

EVERYONE, USERS, MANAGERS = FaqScope.EVERYONE, FaqScope.USERS, FaqScope.MANAGERS
READERS = [
    "visitor",
    "owner",
    "invitee",
    "stranger",
    "other_manager",
    "in_charge",
    "manager_without_manage_faq",
    "admin",
]


@pytest.fixture
def faq(world, make_faq_entry, make_service, make_user):
    """Entries of Scolarité's FAQ, of the general FAQ and of a disabled service, by name; and a manager of
    Scolarité without "gérer la FAQ"."""
    service = world["service"]
    world["people"]["manager_without_manage_faq"] = person = make_user("gest-sans-faq")
    Membership.objects.create(service=service, user=person, can_manage_faq=False)
    entries = {}
    for scope in (EVERYONE, USERS, MANAGERS):
        entries[str(scope)] = make_faq_entry(service, scope=scope)
        entries[f"hidden_{scope}"] = make_faq_entry(service, scope=scope, hidden=True)
        entries[f"general_{scope}"] = make_faq_entry(None, scope=scope)
    # Under a section: the narrowest scope on the way wins, a hidden section hides what it holds.
    entries["managers_section"] = section = make_faq_entry(service, scope=MANAGERS, is_section=True)
    entries["public_under_managers"] = make_faq_entry(parent=section, scope=EVERYONE)
    entries["hidden_section"] = hidden = make_faq_entry(service, is_section=True, hidden=True)
    entries["public_under_hidden"] = deep = make_faq_entry(parent=hidden, scope=EVERYONE, is_section=True)
    entries["public_deeper"] = make_faq_entry(parent=deep, scope=EVERYONE)
    entries["users_section"] = users = make_faq_entry(service, scope=USERS, is_section=True)
    entries["public_under_users"] = make_faq_entry(parent=users, scope=EVERYONE)
    entries["other_service"] = make_faq_entry(world["categories"]["elsewhere"].service, scope=MANAGERS)
    entries["disabled_service"] = make_faq_entry(make_service(enabled=False), scope=EVERYONE)
    return entries


def reader(world, name):
    return AnonymousUser() if name == "visitor" else world["people"][name]


# What each reader reads, by entry name (the others are refused).
EXPECTED = {
    "visitor": {"everyone", "general_everyone"},
    "owner": {"everyone", "users", "general_everyone", "general_users", "users_section", "public_under_users"},
    "other_manager": {
        "everyone",
        "users",
        "general_everyone",
        "general_users",
        "general_managers",
        "users_section",
        "public_under_users",
        "other_service",
    },
    "in_charge": {
        "everyone",
        "users",
        "managers",
        "hidden_everyone",
        "hidden_users",
        "hidden_managers",
        "general_everyone",
        "general_users",
        "general_managers",
        "managers_section",
        "public_under_managers",
        "hidden_section",
        "public_under_hidden",
        "public_deeper",
        "users_section",
        "public_under_users",
    },
}
EXPECTED["invitee"] = EXPECTED["stranger"] = EXPECTED["owner"]
# Without "gérer la FAQ", a manager reads the managers' entries but not the hidden ones.
EXPECTED["manager_without_manage_faq"] = EXPECTED["in_charge"] - {
    "hidden_everyone",
    "hidden_users",
    "hidden_managers",
    "hidden_section",
    "public_under_hidden",
    "public_deeper",
}


def _name(entries, entry):
    return next(name for name, value in entries.items() if value.pk == entry.pk)


@pytest.mark.parametrize("name", READERS)
def test_each_reader_reads_exactly_the_entries_of_their_level(world, faq, name):
    person = reader(world, name)
    readable = {_name(faq, entry) for entry in readable_faq_entries(person)}
    assert readable == (set(faq) if name == "admin" else EXPECTED[name])


@pytest.mark.parametrize("name", READERS)
def test_the_queryset_agrees_with_the_predicate(world, faq, name):
    person = reader(world, name)
    by_query = set(readable_faq_entries(person).values_list("pk", flat=True))
    by_predicate = {entry.pk for entry in faq.values() if can_read_faq_entry(person, entry)}
    assert by_query == by_predicate


def test_managing_a_faq_takes_the_privilege_of_its_service(world, make_user):
    people, service = world["people"], world["service"]
    person = make_user("gest-sans-faq")
    Membership.objects.create(service=service, user=person, can_manage_faq=False)
    assert can_manage_faq(people["in_charge"], service.pk)
    assert not can_manage_faq(person, service.pk)
    assert not can_manage_faq(people["other_manager"], service.pk)
    assert not can_manage_faq(people["owner"], service.pk)
    assert not can_manage_faq(AnonymousUser(), service.pk)
    # The general FAQ is the admins'.
    assert not can_manage_faq(people["in_charge"], None)
    assert can_manage_faq(people["admin"], None)
    assert can_manage_faq(people["admin"], service.pk)
