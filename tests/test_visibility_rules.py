"""Visibility rules evaluated on combinations of ENT attributes and kinds of account (table-driven), category
rules before the service's, and the summaries that tell them."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from tickets.administration.visibility import Person, Rule, Visibility, attribute_values, rule_applies
from tickets.administration.visibility_summary import service_summary

ALLOW, DENY = "allow", "deny"
AFFILIATION, ESTABLISHMENT, COMPONENT = (
    "eduPersonAffiliation",
    "supannEtablissement",
    "supannEntiteAffectationPrincipale",
)
POLYTECH_STAFF = {AFFILIATION: ["staff", "member"], COMPONENT: "Polytech Nancy", ESTABLISHMENT: "{UAI}0542493S"}
FST_STAFF = {AFFILIATION: "staff", COMPONENT: "Faculté des Sciences et Technologies"}
STUDENT = {AFFILIATION: ["student", "member"], COMPONENT: "Polytech Nancy"}


def person(attributes=None, *, ent=True, logged_in=True):
    user = SimpleNamespace(is_authenticated=logged_in, attributes=attributes)
    found = Person(user)
    found.__dict__["ent_account"] = ent and logged_in  # what accounts.selectors.is_ent_account would answer
    return found


def rules(*lines, category=None, path=None):
    return [
        Rule(index + 1, 1, category, path, index, effect, test, attribute, value)
        for index, (effect, test, attribute, value) in enumerate(lines)
    ]


# (attributes, ENT account, the service's rules, visible when no rule applies, expected)
CASES = [
    # No rule: the default decides.
    ({}, True, [], True, True),
    ({}, True, [], False, False),
    # equals, on a string and on a list, case and spaces aside
    (FST_STAFF, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, True),
    (POLYTECH_STAFF, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, True),
    (STUDENT, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, False),
    ({AFFILIATION: " STAFF "}, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, True),
    (FST_STAFF, True, [(ALLOW, "equals", AFFILIATION, "  Staff ")], False, True),
    ({"edupersonaffiliation": "staff"}, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, True),
    ({AFFILIATION: "staffer"}, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, False),
    # A missing attribute, an empty one, None, an empty list: no rule on it applies.
    ({}, True, [(ALLOW, "equals", AFFILIATION, "staff")], False, False),
    ({AFFILIATION: ""}, True, [(DENY, "present", AFFILIATION, "")], True, True),
    ({AFFILIATION: None}, True, [(DENY, "present", AFFILIATION, "")], True, True),
    ({AFFILIATION: []}, True, [(DENY, "present", AFFILIATION, "")], True, True),
    ({AFFILIATION: ["", "student"]}, True, [(DENY, "present", AFFILIATION, "")], True, False),
    # contains and starts_with
    (FST_STAFF, True, [(ALLOW, "contains", COMPONENT, "sciences")], False, True),
    (POLYTECH_STAFF, True, [(ALLOW, "contains", COMPONENT, "sciences")], False, False),
    (POLYTECH_STAFF, True, [(ALLOW, "starts_with", COMPONENT, "polytech")], False, True),
    (POLYTECH_STAFF, True, [(ALLOW, "starts_with", COMPONENT, "nancy")], False, False),
    (POLYTECH_STAFF, True, [(ALLOW, "starts_with", ESTABLISHMENT, "{uai}0542")], False, True),
    ({AFFILIATION: ["member", "staff"]}, True, [(ALLOW, "contains", AFFILIATION, "taf")], False, True),
    # A number sent by the CAS server compares as text.
    ({"supannCodeINE": 1234}, True, [(ALLOW, "equals", "supannCodeINE", "1234")], False, True),
    # Kinds of account
    ({}, False, [(DENY, "local_account", "", "")], True, False),
    ({}, True, [(DENY, "local_account", "", "")], True, True),
    ({}, True, [(ALLOW, "ent_account", "", "")], False, True),
    ({}, False, [(ALLOW, "ent_account", "", "")], False, False),
    # A local account with attributes (set by hand) still matches attribute rules.
    (FST_STAFF, False, [(ALLOW, "equals", AFFILIATION, "staff")], False, True),
    # everyone
    (STUDENT, True, [(DENY, "everyone", "", "")], True, False),
    # The first rule that applies decides, whatever follows.
    (
        STUDENT,
        True,
        [(DENY, "equals", AFFILIATION, "student"), (ALLOW, "equals", COMPONENT, "polytech nancy")],
        False,
        False,
    ),
    (
        POLYTECH_STAFF,
        True,
        [(DENY, "equals", AFFILIATION, "student"), (ALLOW, "equals", COMPONENT, "polytech nancy")],
        False,
        True,
    ),
    (
        FST_STAFF,
        True,
        [(DENY, "equals", AFFILIATION, "student"), (ALLOW, "equals", COMPONENT, "polytech nancy")],
        False,
        False,
    ),
    (FST_STAFF, True, [(ALLOW, "everyone", "", ""), (DENY, "equals", AFFILIATION, "staff")], False, True),
    (FST_STAFF, True, [(DENY, "ent_account", "", ""), (ALLOW, "everyone", "", "")], True, False),
    # A rule with a value but none given never applies (the form asks for one).
    (FST_STAFF, True, [(ALLOW, "equals", AFFILIATION, "")], False, False),
    (FST_STAFF, True, [(ALLOW, "contains", AFFILIATION, " ")], False, False),
    # A rule on an attribute without a name never applies.
    (FST_STAFF, True, [(ALLOW, "present", "", "")], False, False),
]


@pytest.mark.parametrize(("attributes", "ent", "lines", "default", "expected"), CASES)
def test_the_service_s_rules_decide(attributes, ent, lines, default, expected):
    visibility = Visibility(person(attributes, ent=ent), {1: default}, rules(*lines))
    assert visibility.service(1).visible is expected
    assert (1 in visibility.visible_service_ids()) is expected


def test_there_are_enough_cases():
    assert len(CASES) >= 25


def test_the_deciding_rule_is_told():
    lines = rules((DENY, "equals", AFFILIATION, "student"), (ALLOW, "equals", COMPONENT, "Polytech Nancy"))
    assert Visibility(person(POLYTECH_STAFF), {1: False}, lines).service(1).rule == lines[1]
    assert Visibility(person(STUDENT), {1: False}, lines).service(1).rule == lines[0]
    assert Visibility(person(FST_STAFF), {1: False}, lines).service(1).rule is None


def test_a_visitor_is_neither_a_local_nor_an_ent_account():
    visitor = person({AFFILIATION: "staff"}, logged_in=False)
    assert visitor.attributes == {}
    assert not visitor.local_account and not visitor.ent_account
    for test in ("local_account", "ent_account", "equals"):
        assert not rule_applies(rules((ALLOW, test, AFFILIATION, "staff"))[0], visitor)
    assert rule_applies(rules((ALLOW, "everyone", "", ""))[0], visitor)


def test_attributes_that_are_not_a_dict_count_as_none():
    assert person(["staff"]).attributes == {}
    assert attribute_values({AFFILIATION: [" Staff", None, "", 3]}, "EDUPERSONAFFILIATION") == ["staff", "3"]


# Categories: A (root, path 0001) > B (00010001) > C (000100010001); the service's rules come last.
A, B, C = "0001", "00010001", "000100010001"


def category_rules(path, *lines, start=100):
    return [
        Rule(start + index, 1, int(path[-1]) + len(path), path, index, effect, test, attribute, value)
        for index, (effect, test, attribute, value) in enumerate(lines)
    ]


@pytest.mark.parametrize(
    ("attributes", "service_lines", "default", "by_path", "expected"),
    [
        # No category rule: each category follows the service.
        (FST_STAFF, [], True, {}, {A: True, B: True, C: True}),
        (FST_STAFF, [], False, {}, {A: False, B: False, C: False}),
        # A category's rule overrides the service's, for it and its subtree.
        (FST_STAFF, [], False, {B: [(ALLOW, "equals", AFFILIATION, "staff")]}, {A: False, B: True, C: True}),
        (
            FST_STAFF,
            [(ALLOW, "everyone", "", "")],
            False,
            {A: [(DENY, "local_account", "", "")]},
            {A: True, B: True, C: True},
        ),
        (
            FST_STAFF,
            [(ALLOW, "everyone", "", "")],
            False,
            {A: [(DENY, "ent_account", "", "")]},
            {A: False, B: False, C: False},
        ),
        # A deeper category's rule overrides its ancestors'.
        (
            FST_STAFF,
            [],
            True,
            {A: [(DENY, "everyone", "", "")], C: [(ALLOW, "contains", COMPONENT, "sciences")]},
            {A: False, B: False, C: True},
        ),
        # A category rule that does not apply leaves the decision to the parent.
        (POLYTECH_STAFF, [], True, {B: [(DENY, "contains", COMPONENT, "sciences")]}, {A: True, B: True, C: True}),
    ],
)
def test_category_rules_come_before_the_service_s(attributes, service_lines, default, by_path, expected):
    lines = rules(*service_lines)
    for start, (path, category_lines) in enumerate(by_path.items()):
        lines += category_rules(path, *category_lines, start=100 * (start + 1))
    visibility = Visibility(person(attributes), {1: default}, lines)
    assert {path: visibility.category(1, path, 4).visible for path in expected} == expected


def test_an_unknown_or_disabled_service_is_not_visible():
    visibility = Visibility(person(FST_STAFF), {1: True}, rules((ALLOW, "everyone", "", "")))
    assert not visibility.service(2).visible
    assert not visibility.category(2, A, 4).visible


def test_the_summary_reads_the_rules_in_order():
    service = SimpleNamespace(visible_by_default=False)
    lines = rules(
        (ALLOW, "equals", AFFILIATION, "staff"),
        (ALLOW, "equals", ESTABLISHMENT, "Polytech Nancy"),
        (DENY, "local_account", "", ""),
    )
    with translation.override("fr"):
        assert service_summary(service, lines) == (
            "Visible par : les personnels (affiliation = staff), les personnes de l'établissement Polytech Nancy ; "
            "refusé à : les comptes locaux ; sinon : invisible"
        )
    with translation.override("en"):
        assert service_summary(service, lines) == (
            "Visible to: staff (affiliation = staff), people of the establishment Polytech Nancy; "
            "refused to: local accounts; otherwise: invisible"
        )
