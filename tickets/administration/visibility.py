"""Which services and categories a person sees, from the visibility rules.

A service's rules (``category`` empty) and a category's rules (for it and its subtree) are read in order:
the first rule that applies to the person decides, allow or deny. When none applies, a service falls back on
its "visible when no rule applies" setting, and a category on its parent's result (the service's, for a
root category). Attributes are those the CAS server sent at the last login (``User.attributes``): a value
may be a string or a list, a list matches when one of its values does, and values and names are compared
trimmed and case aside.

This module reads rules and people only; who else always sees a service (its managers, admins) is
``tickets.permissions``'s to add.
"""

from dataclasses import dataclass
from functools import cached_property

from accounts.selectors import is_ent_account
from tickets.models import RuleEffect, RuleTest, Service

ATTRIBUTE_TESTS = {RuleTest.EQUALS, RuleTest.CONTAINS, RuleTest.STARTS_WITH, RuleTest.PRESENT}
VALUE_TESTS = {RuleTest.EQUALS, RuleTest.CONTAINS, RuleTest.STARTS_WITH}
ACCOUNT_TESTS = {RuleTest.LOCAL_ACCOUNT, RuleTest.ENT_ACCOUNT}


def folded(value):
    """A value as rules compare it: text, trimmed, case aside."""
    return str(value).strip().casefold()


def attribute_values(attributes, name):
    """The non-empty values of the attribute ``name`` (any case) in ``attributes``, folded."""
    wanted = folded(name)
    values = []
    for key, value in (attributes or {}).items():
        if folded(key) != wanted or value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None and folded(item):
                values.append(folded(item))
    return values


class Person:
    """The person the rules look at: their ENT attributes, and whether the ENT login made their account
    (asked of the database once, and only when a rule needs it)."""

    def __init__(self, user):
        self.user = user
        attributes = getattr(user, "attributes", None) if user.is_authenticated else None
        self.attributes = attributes if isinstance(attributes, dict) else {}

    @cached_property
    def ent_account(self):
        return self.user.is_authenticated and is_ent_account(self.user)

    @property
    def local_account(self):
        """Logged in with an account of the portal's own (a visitor is neither local nor ENT)."""
        return self.user.is_authenticated and not self.ent_account


@dataclass(frozen=True)
class Rule:
    """A visibility rule as evaluation reads it (one row of the query of ``load``)."""

    pk: int
    service_id: int
    category_id: int | None
    category_path: str | None
    position: int
    effect: str
    test: str
    attribute: str
    value: str

    @property
    def allows(self):
        return self.effect == RuleEffect.ALLOW


def rule_applies(rule, person):
    """Whether ``rule`` (a ``Rule`` or a ``VisibilityRule``) says something about ``person``."""
    test = rule.test
    if test == RuleTest.EVERYONE:
        return True
    if test == RuleTest.LOCAL_ACCOUNT:
        return person.local_account
    if test == RuleTest.ENT_ACCOUNT:
        return person.ent_account
    if test not in ATTRIBUTE_TESTS or not rule.attribute.strip():
        return False
    values = attribute_values(person.attributes, rule.attribute)
    if test == RuleTest.PRESENT:
        return bool(values)
    needle = folded(rule.value)
    if not needle:
        return False
    if test == RuleTest.EQUALS:
        return needle in values
    if test == RuleTest.CONTAINS:
        return any(needle in value for value in values)
    return any(value.startswith(needle) for value in values)


@dataclass(frozen=True)
class Decision:
    """What decided: ``rule`` (None: the service's default), at the level of ``category_path`` or the
    service (None)."""

    visible: bool
    rule: Rule | None = None


RULE_FIELDS = ("pk", "category_id", "category__path", "position", "effect", "test", "attribute", "value")


def load():
    """``(defaults, rules)`` of the enabled services: ``{service id: visible by default}`` and their rules in
    order, in one query."""
    names = ["pk", "visible_by_default", *(f"visibility_rules__{name}" for name in RULE_FIELDS)]
    rows = (
        Service.objects.filter(enabled=True)
        .order_by("pk", "visibility_rules__position", "visibility_rules__pk")
        .values_list(*names)
    )
    defaults, rules = {}, []
    for service_id, default, rule_pk, *fields in rows:
        defaults[service_id] = default
        if rule_pk is not None:
            category_id, path, position, effect, test, attribute, value = fields
            rules.append(Rule(rule_pk, service_id, category_id, path, position, effect, test, attribute, value))
    return defaults, rules


class Visibility:
    """What the rules say about one person, service by service and category by category."""

    def __init__(self, person, defaults, rules):
        self.person = person
        self.defaults = defaults
        self.service_rules, self.category_rules = {}, {}
        for rule in rules:
            if rule.category_id is None:
                self.service_rules.setdefault(rule.service_id, []).append(rule)
            elif rule.category_path:
                self.category_rules.setdefault(rule.category_path, []).append(rule)
        self._services = {}

    def first_applying(self, rules):
        return next((rule for rule in rules if rule_applies(rule, self.person)), None)

    def service(self, service_id):
        """The ``Decision`` for a service (an unknown or disabled one is not visible)."""
        if service_id not in self._services:
            rule = self.first_applying(self.service_rules.get(service_id, ()))
            visible = rule.allows if rule is not None else self.defaults.get(service_id, False)
            if service_id not in self.defaults:
                visible = False
            self._services[service_id] = Decision(visible, rule)
        return self._services[service_id]

    def category(self, service_id, path, steplen):
        """The ``Decision`` for the category at ``path``: its own rules, then its ancestors', then the
        service's."""
        if service_id not in self.defaults:
            return Decision(False)
        for depth in range(len(path) // steplen, 0, -1):
            rule = self.first_applying(self.category_rules.get(path[: depth * steplen], ()))
            if rule is not None:
                return Decision(rule.allows, rule)
        return self.service(service_id)

    def visible_service_ids(self):
        return {service_id for service_id in self.defaults if self.service(service_id).visible}


def visibility_for(user):
    """The rules' ``Visibility`` for ``user``, computed once per user object (one query; one more when a rule
    asks whether the account is the ENT's)."""
    cached = getattr(user, "_visibility", None)
    if cached is None:
        cached = Visibility(Person(user), *load())
        user._visibility = cached
    return cached


def forget_visibility(user):
    """Drops what ``visibility_for`` remembered, after rules changed."""
    user.__dict__.pop("_visibility", None)
