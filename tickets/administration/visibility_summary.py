"""Visibility rules as sentences: one phrase per rule, one summary per service or category, in the reader's
language ("Visible par : les personnels (affiliation = staff) ; refusé à : les comptes locaux ; sinon :
invisible")."""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tickets.administration.visibility import folded
from tickets.models import RuleEffect, RuleTest

# The attributes the CAS server usually sends, by their name case aside, with what the people call them.
ATTRIBUTE_NAMES = {
    "edupersonaffiliation": gettext_lazy("affiliation"),
    "edupersonprimaryaffiliation": gettext_lazy("affiliation principale"),
    "supannetablissement": gettext_lazy("établissement"),
    "supannentiteaffectation": gettext_lazy("composante"),
    "supannentiteaffectationprincipale": gettext_lazy("composante principale"),
}
# The attribute names offered when writing a rule (any other name may be typed).
KNOWN_ATTRIBUTES = [
    "eduPersonAffiliation",
    "eduPersonPrimaryAffiliation",
    "supannEtablissement",
    "supannEntiteAffectation",
    "supannEntiteAffectationPrincipale",
]
AFFILIATIONS = {
    "staff": gettext_lazy("les personnels"),
    "employee": gettext_lazy("les employés"),
    "faculty": gettext_lazy("les enseignants"),
    "teacher": gettext_lazy("les enseignants"),
    "researcher": gettext_lazy("les chercheurs"),
    "student": gettext_lazy("les étudiants"),
    "member": gettext_lazy("les membres"),
    "affiliate": gettext_lazy("les invités"),
    "alum": gettext_lazy("les anciens"),
    "emeritus": gettext_lazy("les émérites"),
    "retired": gettext_lazy("les retraités"),
}
AFFILIATION_ATTRIBUTES = {"edupersonaffiliation", "edupersonprimaryaffiliation"}


def attribute_label(name):
    """``affiliation (eduPersonAffiliation)`` for a known attribute, the name itself otherwise."""
    known = ATTRIBUTE_NAMES.get(folded(name))
    return f"{known} ({name})" if known else name


def who(rule):
    """Whom a rule speaks of: "les personnels (affiliation = staff)", "les comptes locaux"…"""
    if rule.test == RuleTest.EVERYONE:
        return _("tout le monde")
    if rule.test == RuleTest.LOCAL_ACCOUNT:
        return _("les comptes locaux")
    if rule.test == RuleTest.ENT_ACCOUNT:
        return _("les comptes ENT")
    name, key = rule.attribute, folded(rule.attribute)
    label = ATTRIBUTE_NAMES.get(key, name)
    if rule.test == RuleTest.PRESENT:
        return _("les personnes qui ont un attribut %(attribute)s") % {"attribute": label}
    values = {"attribute": label, "value": rule.value}
    if rule.test == RuleTest.EQUALS:
        if key in AFFILIATION_ATTRIBUTES and folded(rule.value) in AFFILIATIONS:
            return f"{AFFILIATIONS[folded(rule.value)]} ({label} = {rule.value})"
        if key == "supannetablissement":
            return _("les personnes de l'établissement %(value)s") % values
        if key.startswith("supannentiteaffectation"):
            return _("les personnes de la composante %(value)s") % values
        return _("les personnes dont %(attribute)s = %(value)s") % values
    if rule.test == RuleTest.CONTAINS:
        return _("les personnes dont %(attribute)s contient « %(value)s »") % values
    return _("les personnes dont %(attribute)s commence par « %(value)s »") % values


def rule_phrase(rule):
    """One rule on its own: "Visible par : les comptes ENT"."""
    if rule.effect == RuleEffect.ALLOW:
        return _("Visible par : %(who)s") % {"who": who(rule)}
    return _("Refusé à : %(who)s") % {"who": who(rule)}


def summary(rules, otherwise):
    """The rules of one service or category in order, the consecutive ones of one effect together, then
    ``otherwise`` (what holds when none applies)."""
    clauses, effect, people = [], None, []

    def close():
        if people:
            template = _("visible par : %(who)s") if effect == RuleEffect.ALLOW else _("refusé à : %(who)s")
            clauses.append(template % {"who": ", ".join(people)})

    for rule in rules:
        if rule.effect != effect:
            close()
            effect, people = rule.effect, []
        people.append(str(who(rule)))
    close()
    clauses.append(_("sinon : %(otherwise)s") % {"otherwise": otherwise})
    text = pgettext("between the clauses of a summary", " ; ").join(clauses)
    return text[:1].upper() + text[1:]


def service_summary(service, rules):
    otherwise = _("visible") if service.visible_by_default else _("invisible")
    return summary(rules, otherwise)


def category_summary(category, rules):
    otherwise = _("comme la catégorie parente") if category.depth > 1 else _("comme le service")
    return summary(rules, otherwise)


def decision_reason(decision):
    """Why a person sees a service or not, for "Tester en tant que…"."""
    if decision.rule is None:
        if decision.visible:
            return _("aucune règle ne s'applique : visible par défaut")
        return _("aucune règle ne s'applique : invisible par défaut")
    return format_lazy("{} {}", _("règle :"), rule_phrase(decision.rule))
