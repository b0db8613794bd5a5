"""Demo data: the guide's institution, services, categories and people, and synthetic tickets.

Used by ``manage.py demo_data`` and by the tests. Everything here is idempotent: running it again
updates what exists and creates what is missing.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.services import mark_email_verified
from tickets.models import Category, EntryScope, Event, Membership, Priority, Service, Status, Ticket

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


def email_of(person):
    return f"{person.first_name}.{person.last_name}@univ-lorraine.fr".lower()


@transaction.atomic
def load_demo_data():
    """Creates or updates the demo people, services and categories. Returns the people."""
    User = get_user_model()
    users = {}
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
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        mark_email_verified(user)
        users[person.username] = user

    for label, address, managers, categories in SERVICES:
        service, _ = Service.objects.update_or_create(label=label, defaults={"email": address, "enabled": True})
        for username in managers:
            Membership.objects.get_or_create(service=service, user=users[username])
        for code, category_label, short_label, children in categories:
            parent = ensure_category(service, None, code, category_label, short_label)
            for child_code, child_label, child_short in children:
                ensure_category(service, parent, child_code, child_label, child_short)
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

SUBJECTS = [
    "Connexion apogee impossible",
    "Erreur à l'édition des relevés de notes",
    "Accès refusé à Mon dossier Web",
    "Emploi du temps ADE non mis à jour",
    "Bulletin de paie introuvable",
    "Demande d'accès à l'application de GRH",
    "Bon de commande bloqué",
    "Export My report en erreur",
    "Mot de passe de messagerie expiré",
    "Vidéoprojecteur en panne en salle B12",
]
MESSAGES = [
    "Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?",
    "Le message d'erreur apparaît dès que je valide le formulaire.",
    "Le problème se reproduit depuis ce matin, sur plusieurs postes.",
    "Merci de me donner accès, mon responsable est d'accord.",
]
COMMENTS = [
    "Pouvez-vous préciser le navigateur utilisé ?",
    "Voici la copie d'écran demandée.",
    "Le correctif a été appliqué, pouvez-vous vérifier ?",
    "Toujours le même problème de mon côté.",
    "C'est corrigé, merci beaucoup.",
]

# Each path is a plausible life of a ticket: (kind, actor, new status, text pool).
PATHS = [
    [],
    [("ticket.taken", "manager", Status.IN_PROGRESS, None)],
    [
        ("ticket.taken", "manager", Status.IN_PROGRESS, None),
        ("ticket.information_requested", "manager", Status.AWAITING_INFO, COMMENTS),
        ("ticket.commented", "owner", Status.IN_PROGRESS, COMMENTS),
    ],
    [
        ("ticket.taken", "manager", Status.IN_PROGRESS, None),
        ("ticket.commented", "manager", Status.IN_PROGRESS, COMMENTS),
        ("ticket.closure_requested", "manager", Status.CLOSURE_REQUESTED, COMMENTS),
        ("ticket.closure_approved", "owner", Status.APPROVED, None),
    ],
    [
        ("ticket.taken", "manager", Status.IN_PROGRESS, None),
        ("ticket.closure_requested", "manager", Status.CLOSURE_REQUESTED, COMMENTS),
        ("ticket.closure_refused", "owner", Status.IN_PROGRESS, COMMENTS),
        ("ticket.closure_requested", "manager", Status.CLOSURE_REQUESTED, COMMENTS),
        ("ticket.closure_approved", "owner", Status.APPROVED, None),
    ],
    [
        ("ticket.taken", "manager", Status.IN_PROGRESS, None),
        ("ticket.postponed", "manager", Status.POSTPONED, COMMENTS),
    ],
    [("ticket.cancelled", "owner", Status.CANCELLED, None)],
    [
        ("ticket.taken", "manager", Status.IN_PROGRESS, None),
        ("ticket.rejected", "manager", Status.REJECTED, COMMENTS),
    ],
]
PATH_WEIGHTS = [20, 15, 10, 30, 8, 5, 5, 7]
CLOSING_STATUSES = {Status.APPROVED, Status.CANCELLED, Status.REJECTED}


def generate_tickets(count, *, seed=0, batch_size=2000, progress=None):
    """Adds ``count`` tickets with their histories, spread over the last two years, in bulk.

    Tickets are filed by the demo users into every category that accepts tickets and handled by
    the managers of the category's service. Returns the number of history entries written.
    """
    rng = random.Random(seed)
    User = get_user_model()
    owners = list(User.objects.filter(memberships__isnull=True, is_superuser=False))
    categories = list(Category.objects.filter(accepts_tickets=True, enabled=True).select_related("service"))
    if not owners or not categories:
        raise ValueError("load the demo data first")
    managers_of = {}
    for membership in Membership.objects.select_related("user"):
        managers_of.setdefault(membership.service_id, []).append(membership.user)
    now = timezone.now()
    events_written = 0
    for start in range(0, count, batch_size):
        size = min(batch_size, count - start)
        plans = []
        for _ in range(size):
            category = rng.choice(categories)
            owner = rng.choice(owners)
            manager = rng.choice(managers_of.get(category.service_id) or [None])
            path = rng.choices(PATHS, PATH_WEIGHTS)[0] if manager else []
            created = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            plans.append((category, owner, manager, path, [created, *step_times(rng, created, path, now)]))
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create([build_ticket(rng, *plan) for plan in plans])
            events = []
            for ticket, (_category, owner, manager, path, times) in zip(tickets, plans, strict=True):
                events.extend(build_history(rng, ticket, owner, manager, path, times))
            Event.objects.bulk_create(events, batch_size=5000)
        events_written += len(events)
        if progress:
            progress(start + size, events_written)
    return events_written


def step_times(rng, created, path, now):
    times, moment = [], created
    for _ in path:
        moment = min(moment + timedelta(minutes=rng.randint(5, 3 * 24 * 60)), now)
        times.append(moment)
    return times


def build_ticket(rng, category, owner, manager, path, times):
    """An unsaved ticket in the state its path leads to; ``times`` holds its creation then each step."""
    status = path[-1][2] if path else Status.FREE
    return Ticket(
        subject=rng.choice(SUBJECTS),
        description=f"<p>{rng.choice(MESSAGES)}</p>",
        status=status,
        priority=rng.choices(list(Priority.values), [10, 70, 15, 5])[0],
        owner=owner,
        manager=manager if path and status not in {Status.CANCELLED} else None,
        service_id=category.service_id,
        category=category,
        created_at=times[0],
        last_action_at=times[-1],
        taken_at=times[1] if path and path[0][0] == "ticket.taken" else None,
        closed_at=times[-1] if status in CLOSING_STATUSES else None,
        version=len(path) + 1,
    )


def build_history(rng, ticket, owner, manager, path, times):
    entries = [
        Event(
            ticket=ticket,
            actor=owner,
            kind="ticket.created",
            old_status="",
            new_status=Status.FREE,
            text=ticket.description,
            scope=EntryScope.INVITED,
            created_at=times[0],
        )
    ]
    status = Status.FREE
    for (kind, who, new_status, texts), moment in zip(path, times[1:], strict=True):
        entries.append(
            Event(
                ticket=ticket,
                actor=owner if who == "owner" else manager,
                kind=kind,
                old_status=status,
                new_status=new_status,
                text=f"<p>{rng.choice(texts)}</p>" if texts else "",
                scope=EntryScope.INVITED,
                created_at=moment,
            )
        )
        status = new_status
    return entries
