"""Demo data: the guide's institution, services, categories and people, and a few FAQ entries.

Loaded by ``manage.py demo_data``. Running it again updates what exists and creates what is missing.
"""

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.services import mark_email_verified
from tickets.demo.cas_server import PROJECT_DIR
from tickets.demo.faq import load_demo_faq
from tickets.models import Category, Membership, RuleEffect, RuleTest, Service, VisibilityRule

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    affiliation: str
    role: str


PEOPLE = [
    Person("seclier5", "Benjamin", "Seclier", "staff", "Utilisateur (le guide)"),
    Person("mdupont", "Marie", "Dupont", "staff", "Utilisatrice"),
    Person("jmartin", "Julien", "Martin", "faculty", "Utilisateur"),
    Person("cbernard", "Claire", "Bernard", "staff", "Utilisatrice"),
    Person("erobert", "Emma", "Robert", "staff", "Utilisatrice, Polytech Nancy"),
    Person("gest-scol", "Sophie", "Lambert", "staff", "Gestionnaire, applications de scolarité"),
    Person("gest-scol2", "Paul", "Girard", "staff", "Gestionnaire, applications de scolarité"),
    Person("gest-rh", "Luc", "Petit", "staff", "Gestionnaire, applications RH et finances"),
    Person("gest-dn", "Nadia", "Leroy", "staff", "Gestionnaire, applications de gestion et pilotage"),
    Person("gest-poly", "Thomas", "Moreau", "staff", "Gestionnaire, Polytech Nancy"),
    Person("admin", "Alice", "Administratrice", "staff", "Administratrice"),
]

# Service label, its address, its managers, then its categories in the guide's order:
# (code, label, short label, children).
SERVICES = [
    (
        "Polytech Nancy – Service informatique",
        "assistance-polytech@univ-lorraine.fr",
        ["gest-poly"],
        [
            (
                "00_Polytech",
                "Polytech Nancy",
                "Polytech Nancy",
                [
                    ("00_Polytech_Salles", "Salles informatiques et logiciels d'enseignement", "Salles informatiques"),
                    ("00_Polytech_Compte", "Compte et messagerie", "Compte et messagerie"),
                ],
            ),
        ],
    ),
    (
        "DN – Applications de gestion",
        "assistance-gestion@univ-lorraine.fr",
        ["gest-dn"],
        [
            ("01_App_Gestion", "Support technique pour les applications de gestion", "Applications de gestion", []),
            (
                "01_Acces_Gestion",
                "Demande d'accès aux applications de gestion (réservée au responsable hiérarchique des "
                "utilisateurs de l'application)",
                "Accès aux applications de gestion",
                [],
            ),
        ],
    ),
    (
        "DN – Applications de scolarité",
        "assistance-scolarite@univ-lorraine.fr",
        ["gest-scol", "gest-scol2"],
        [
            (
                "02_App_Gestion",
                "Support technique pour les applications de scolarité (Apogée, SNW, ...)",
                "Applications scolarité",
                [],
            ),
            ("02_Mon_Dossier_Web", 'Support technique pour l\'application "Mon dossier Web"', "Mon dossier Web", []),
            ("02_ADE", "Support technique pour ADE UL", "ADE UL", []),
        ],
    ),
    (
        "DN – Applications RH et finances",
        "assistance-rh-finances@univ-lorraine.fr",
        ["gest-rh"],
        [
            ("03_GRH", "Support technique pour les applications de GRH", "Applications GRH", []),
            ("03_Paie", "Support technique pour les applications de paie", "Applications paie", []),
            (
                "03_Finances",
                "Support technique pour les applications financières et budgétaires",
                "Applications financières",
                [],
            ),
            (
                "03_Agence_Comptable",
                "Support technique pour les applications spécifiques à l'Agence Comptable",
                "Agence Comptable",
                [],
            ),
        ],
    ),
    (
        "DN – Pilotage et formation continue",
        "assistance-pilotage@univ-lorraine.fr",
        ["gest-dn"],
        [
            (
                "04_Formation_Continue",
                "Support technique pour les applications liées à la formation continue",
                "Formation continue",
                [],
            ),
            (
                "04_Pilotage",
                "Support technique pour les applications liées au pilotage des données (My report, Catisurvey, ...)",
                "Pilotage des données",
                [],
            ),
        ],
    ),
]


# Polytech Nancy's service is only for Polytech's staff: students are refused, the people of the Polytech
# Nancy component see it, nobody else (its managers and admins aside). Set when the service has no rule yet.
POLYTECH = "Polytech Nancy – Service informatique"
POLYTECH_RULES = [
    (RuleEffect.DENY, RuleTest.EQUALS, "eduPersonAffiliation", "student"),
    (RuleEffect.ALLOW, RuleTest.EQUALS, "supannEntiteAffectationPrincipale", "Polytech Nancy"),
]


def cas_attributes():
    """The attributes the demo CAS server sends, by login (cas_server/accounts.json): a demo person logged in
    with their local password gets the same, so the visibility rules read them alike."""
    try:
        accounts = json.loads((PROJECT_DIR / "accounts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {login: dict(account.get("attributes") or {}) for login, account in accounts.items()}


def email_of(person):
    return f"{person.first_name}.{person.last_name}@univ-lorraine.fr".lower()


@transaction.atomic
def load_demo_data():
    """Creates or updates the demo people, services and categories. Returns the people."""
    User = get_user_model()
    users = {}
    attributes = cas_attributes()
    for person in PEOPLE:
        user, _ = User.objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": email_of(person),
                "affiliation": person.affiliation,
                "is_staff": person.username == "admin",
                "is_superuser": person.username == "admin",
                "is_active": True,
                "attributes": attributes.get(person.username, {}),
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        mark_email_verified(user)
        users[person.username] = user

    for label, address, managers, categories in SERVICES:
        service, _ = Service.objects.update_or_create(label=label, defaults={"email": address, "enabled": True})
        for position, username in enumerate(managers):
            # The first manager listed leads the service: they also run its properties and its managers.
            lead = position == 0
            Membership.objects.get_or_create(
                service=service,
                user=users[username],
                defaults={"can_manage_service": lead, "can_manage_managers": lead},
            )
        for code, category_label, short_label, children in categories:
            parent = ensure_category(service, None, code, category_label, short_label)
            for child_code, child_label, child_short in children:
                ensure_category(service, parent, child_code, child_label, child_short)
    polytech = Service.objects.get(label=POLYTECH)
    if not polytech.visibility_rules.exists():
        for position, (effect, test, attribute, value) in enumerate(POLYTECH_RULES):
            VisibilityRule.objects.create(
                service=polytech, position=position, effect=effect, test=test, attribute=attribute, value=value
            )
        polytech.visible_by_default = False
        polytech.save(update_fields=["visible_by_default"])
    load_demo_faq(users)
    return PEOPLE


def ensure_category(service, parent, code, label, short_label):
    existing = Category.objects.filter(service=service, code=code).first()
    if existing:
        if (existing.label, existing.short_label) != (label, short_label):
            existing.label, existing.short_label = label, short_label
            existing.save(update_fields=["label", "short_label"])
        return existing
    fields = {"service": service, "code": code, "label": label, "short_label": short_label}
    return Category.objects.add_child(parent, fields) if parent else Category.objects.add_root(fields)


# Synthetic tickets, for benchmarks: realistic histories written with bulk inserts.
