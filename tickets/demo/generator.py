"""Synthetic tickets for the demo and the benchmark: many tickets with believable histories, written in
bulk. They are spread over the demo's services and people (``tickets.demo.data``)."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tickets.models import Category, EntryScope, Event, Membership, Priority, Status, Ticket

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
