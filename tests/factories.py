"""Builders the tests share: the people and catalogue of the guide, the roles of the ``world`` fixture
(tests/conftest.py), a ticket in a given status, and tickets with their histories in bulk."""

import random
from datetime import timedelta

from django.utils import timezone

from tickets.models import EntryScope, Event, Invitation, Membership, Status, Ticket

# The privileges of a manager of a service that the world's "manager_without_<privilege>" each lack.
PRIVILEGES = ["take_free", "take_assigned", "assign", "move", "reject", "reopen"]

# The guide's people (username: first name, last name), with the address the ENT gives them
# (guide_email) and the password "demo" of every test user.
GUIDE_PEOPLE = {
    "seclier5": ("Benjamin", "Seclier"),
    "mdupont": ("Marie", "Dupont"),
    "gest-scol": ("Sophie", "Lambert"),
    "gest-scol2": ("Paul", "Girard"),
}

# The part of the guide's catalogue the tests read, in the guide's order: each service with its managers
# and its categories as (code, label, short label, children).
GUIDE_SERVICES = [
    (
        "Polytech Nancy – Service informatique",
        [],
        [
            (
                "00_Polytech",
                "Polytech Nancy",
                "Polytech Nancy",
                [("00_Polytech_Salles", "Salles informatiques et logiciels d'enseignement", "Salles informatiques")],
            ),
        ],
    ),
    (
        "DN – Applications de scolarité",
        ["gest-scol", "gest-scol2"],
        [
            (
                "02_App_Gestion",
                "Support technique pour les applications de scolarité (Apogée, SNW, ...)",
                "Applications scolarité",
                [],
            ),
            ("02_ADE", "Support technique pour ADE UL", "ADE UL", []),
        ],
    ),
    (
        "DN – Pilotage et formation continue",
        [],
        [
            (
                "04_Pilotage",
                "Support technique pour les applications liées au pilotage des données (My report, Catisurvey, ...)",
                "Pilotage des données",
                [],
            ),
        ],
    ),
]


def guide_email(first_name, last_name):
    """The address the ENT gives: "benjamin.seclier@univ-lorraine.fr"."""
    return f"{first_name}.{last_name}@univ-lorraine.fr".lower()


def ticket_in(world, status, *, idle_days=30, **fields):
    """The owner's ticket in ``status``, handled by "in_charge" unless free, with "invitee" invited by "manager".

    ``world`` holds ``people`` (owner, in_charge, invitee…), ``service`` and ``categories["home"]``.
    """
    people = world["people"]
    ticket = Ticket.objects.create(
        subject="Connexion apogee impossible",
        description="<p>Bonjour</p>",
        owner=people["owner"],
        service=world["service"],
        category=world["categories"]["home"],
        status=status,
        manager=None if status == Status.FREE else people["in_charge"],
        last_action_at=timezone.now() - timedelta(days=idle_days),
        **fields,
    )
    # Invited by a manager: the invitee reads what managers share with invitees ("Gestionnaires et invités").
    Invitation.objects.create(ticket=ticket, user=people["invitee"], invited_by=people["manager"])
    return ticket


# Tickets in bulk: each lives one of these lives after its creation, as steps (kind, who acts, new status).
TAKEN = ("ticket.taken", "manager", Status.IN_PROGRESS)
LIVES = [
    [],
    [TAKEN],
    [TAKEN, ("ticket.information_requested", "manager", Status.AWAITING_INFO)],
    [
        TAKEN,
        ("ticket.information_requested", "manager", Status.AWAITING_INFO),
        ("ticket.commented", "owner", Status.IN_PROGRESS),
    ],
    [TAKEN, ("ticket.postponed", "manager", Status.POSTPONED)],
    [
        TAKEN,
        ("ticket.closure_requested", "manager", Status.CLOSURE_REQUESTED),
        ("ticket.closure_approved", "owner", Status.APPROVED),
    ],
    [TAKEN, ("ticket.rejected", "manager", Status.REJECTED)],
    [("ticket.cancelled", "owner", Status.CANCELLED)],
]
CLOSING = {Status.APPROVED, Status.CANCELLED, Status.REJECTED}
TEXTS = {
    "ticket.created": "<p>Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?</p>",
    "ticket.information_requested": "<p>Pouvez-vous préciser le navigateur utilisé ?</p>",
    "ticket.commented": "<p>Firefox, à jour.</p>",
    "ticket.closure_requested": "<p>Le correctif a été appliqué, pouvez-vous vérifier ?</p>",
    "ticket.postponed": "<p>En attente de l'éditeur.</p>",
    "ticket.rejected": "<p>Doublon.</p>",
}
SUBJECTS = ["Connexion apogee impossible", "Emploi du temps ADE non mis à jour", "Export My report en erreur"]


def bulk_tickets(count, *, owners, categories, seed=0):
    """``count`` tickets with their histories, written with one bulk insert of tickets and one of entries.

    Each is filed by one of ``owners`` in one of ``categories`` over the last two years, and lives one of
    LIVES, handled by one of its service's managers; in a service without managers it stays free.
    Returns the tickets.
    """
    rng = random.Random(seed)
    managers = {}
    for membership in Membership.objects.select_related("user").order_by("pk"):
        managers.setdefault(membership.service_id, []).append(membership.user)
    now = timezone.now()
    plans = []
    for _ in range(count):
        category, owner = rng.choice(categories), rng.choice(owners)
        manager = rng.choice(managers.get(category.service_id) or [None])
        life = rng.choice(LIVES) if manager else []
        moments = [now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))]
        for _step in life:
            moments.append(min(moments[-1] + timedelta(minutes=rng.randint(5, 3 * 24 * 60)), now))
        plans.append((category, owner, manager, life, moments))
    tickets = Ticket.objects.bulk_create(
        [
            Ticket(
                subject=rng.choice(SUBJECTS),
                description=TEXTS["ticket.created"],
                status=life[-1][2] if life else Status.FREE,
                owner=owner,
                manager=manager if life and life[0] == TAKEN else None,
                service_id=category.service_id,
                category=category,
                created_at=moments[0],
                last_action_at=moments[-1],
                taken_at=moments[1] if life and life[0] == TAKEN else None,
                closed_at=moments[-1] if life and life[-1][2] in CLOSING else None,
                version=len(life) + 1,
            )
            for category, owner, manager, life, moments in plans
        ]
    )
    entries = []
    for ticket, (_category, owner, manager, life, moments) in zip(tickets, plans, strict=True):
        steps = [("ticket.created", "owner", Status.FREE), *life]
        actors = {"owner": owner, "manager": manager}
        statuses = ["", *(new_status for _kind, _who, new_status in steps)]
        entries += [
            Event(
                ticket=ticket,
                actor=actors[who],
                kind=kind,
                old_status=old,
                new_status=new,
                created_at=moment,
                text=TEXTS.get(kind, ""),
                scope=EntryScope.INVITED,
            )
            for (kind, who, new), old, moment in zip(steps, statuses, moments, strict=False)
        ]
    Event.objects.bulk_create(entries)
    return tickets


def guide_tickets(guide, count, *, seed=0):
    """``count`` tickets in bulk (bulk_tickets), filed by the guide's Benjamin Seclier and Marie Dupont in any
    category of the ``guide`` fixture, handled by its managers."""
    people = guide["people"]
    owners = [people["seclier5"], people["mdupont"]]
    return bulk_tickets(count, owners=owners, categories=list(guide["categories"].values()), seed=seed)
