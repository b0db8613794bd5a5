"""Synthetic tickets for the demo and the benchmark: many tickets with believable histories, written in
bulk. They are spread over the demo's services and people (``tickets.demo.data``)."""

import io
import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from tickets.models import Category, EntryScope, Event, Membership, Origin, Priority, Status, Ticket, TicketScope
from tickets.statistics.rebuild import rebuild as rebuild_statistics

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
PRIORITIES = list(Priority.values)
MESSAGES = [
    "Bonjour, je n'arrive pas à me connecter à Apogee, pouvez-vous m'aider SVP ?",
    "Le message d'erreur apparaît dès que je valide le formulaire.",
    "Le problème se reproduit depuis ce matin, sur plusieurs postes.",
    "Merci de me donner accès, mon responsable est d'accord.",
]
# Each service's own vocabulary: a third of its tickets name its topic, no other service's do. A word frequent
# overall and absent from most services, as a real service's words are (payroll in human resources).
SERVICE_TOPICS = ["salaire", "inscription", "facture", "amphithéâtre", "badge"]
TOPIC_SHARE = 1 / 3
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
EXCHANGE = ("ticket.commented", None, Status.IN_PROGRESS, COMMENTS)
PUBLIC_SHARE = 0.15
TICKET_COLUMNS = (
    "id", "subject", "description", "status", "priority", "scope", "origin", "owner_id", "manager_id",
    "service_id", "category_id", "created_at", "last_action_at", "taken_at", "closed_at", "version",
)  # fmt: skip
EVENT_COLUMNS = ("ticket_id", "actor_id", "kind", "old_status", "new_status", "text", "scope", "data", "created_at")


def generate_tickets(count, *, seed=0, batch_size=2000, progress=None):
    """Adds ``count`` tickets with their histories (about five entries each), spread over the last two years.

    Tickets are filed by the demo users into every category that accepts tickets and handled by
    the managers of the category's service; a taken ticket gets a few exchanges, some are public. On
    PostgreSQL rows are written with COPY (a million tickets in minutes), elsewhere with bulk inserts.
    Written past the workflow, their statistics are then recomputed (``rebuild_statistics``).
    Returns the number of history entries written.
    """
    rng = random.Random(seed)
    User = get_user_model()
    owners = list(User.objects.filter(memberships__isnull=True, is_superuser=False).values_list("pk", flat=True))
    categories = list(Category.objects.filter(accepts_tickets=True, enabled=True).values_list("pk", "service_id"))
    if not owners or not categories:
        raise ValueError("load the demo data first")
    managers_of = {}
    for service_id, user_id in Membership.objects.order_by("pk").values_list("service_id", "user_id"):
        managers_of.setdefault(service_id, []).append(user_id)
    topics = topics_of(sorted({service_id for _category, service_id in categories}))
    copying = connection.vendor == "postgresql"
    if copying:
        batch_size = max(batch_size, 20_000)
    now = timezone.now()
    events_written = 0
    for start in range(0, count, batch_size):
        size = min(batch_size, count - start)
        with transaction.atomic():
            first_id = reserve_ticket_ids(size) if copying else None
            tickets, events = [], []
            for offset in range(size):
                ticket, history = plan_ticket(rng, now, owners, categories, managers_of, topics)
                if copying:
                    ticket["id"] = first_id + offset
                tickets.append(ticket)
                events.append(history)
            if copying:
                events_written += copy_rows(tickets, events)
            else:
                events_written += insert_rows(tickets, events)
        if progress:
            progress(start + size, events_written)
    with transaction.atomic():
        rebuild_statistics()
    return events_written


def topics_of(service_ids):
    """``{service id: its topic}``, the services in the order of their ids."""
    return {service_id: SERVICE_TOPICS[index % len(SERVICE_TOPICS)] for index, service_id in enumerate(service_ids)}


def plan_ticket(rng, now, owners, categories, managers_of, topics):
    """One ticket's columns and its history's, as plain values."""
    category_id, service_id = rng.choice(categories)
    owner = rng.choice(owners)
    manager = rng.choice(managers_of.get(service_id) or [None])
    path = list(rng.choices(PATHS, PATH_WEIGHTS)[0]) if manager else []
    if path and path[0][0] == "ticket.taken":
        path[1:1] = [EXCHANGE] * rng.randint(1, 6)
    created = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
    times = [created, *step_times(rng, created, path, now)]
    status = path[-1][2] if path else Status.FREE
    message = rng.choice(MESSAGES)
    if rng.random() < TOPIC_SHARE:
        message += f" Cela concerne : {topics[service_id]}."
    description = f"<p>{message}</p>"
    ticket = {
        "subject": rng.choice(SUBJECTS),
        "description": description,
        "status": status,
        "priority": rng.choices(PRIORITIES, [10, 70, 15, 5])[0],
        "scope": TicketScope.PUBLIC if rng.random() < PUBLIC_SHARE else TicketScope.PRIVATE,
        "origin": Origin.WEB,
        "owner_id": owner,
        "manager_id": manager if path and status != Status.CANCELLED else None,
        "service_id": service_id,
        "category_id": category_id,
        "created_at": times[0],
        "last_action_at": times[-1],
        "taken_at": times[1] if path and path[0][0] == "ticket.taken" else None,
        "closed_at": times[-1] if status in CLOSING_STATUSES else None,
        "version": len(path) + 1,
    }
    history = [(owner, "ticket.created", "", Status.FREE, description, times[0])]
    previous = Status.FREE
    for step, ((kind, who, new_status, texts), moment) in enumerate(zip(path, times[1:], strict=True)):
        if who is None:  # an exchange: the owner and the manager take turns
            who = "owner" if step % 2 else "manager"
        text = f"<p>{rng.choice(texts)}</p>" if texts else ""
        history.append((owner if who == "owner" else manager, kind, previous, new_status, text, moment))
        previous = new_status
    return ticket, history


def step_times(rng, created, path, now):
    times, moment = [], created
    for _ in path:
        moment = min(moment + timedelta(minutes=rng.randint(5, 3 * 24 * 60)), now)
        times.append(moment)
    return times


def insert_rows(tickets, histories):
    saved = Ticket.objects.bulk_create([Ticket(**columns) for columns in tickets])
    events = [
        Event(ticket=ticket, actor_id=actor, kind=kind, old_status=old, new_status=new, text=text, created_at=moment)
        for ticket, history in zip(saved, histories, strict=True)
        for actor, kind, old, new, text, moment in history
    ]
    Event.objects.bulk_create(events, batch_size=5000)
    return len(events)


def reserve_ticket_ids(size):
    """Takes ``size`` consecutive ticket numbers from the sequence, so that COPY can write them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [Ticket._meta.db_table, Ticket._meta.db_table, size],
        )
        return cursor.fetchone()[0] - size + 1


def copy_rows(tickets, histories):
    """Writes the rows with PostgreSQL's COPY: tab-separated text, ``\\N`` for NULL."""
    ticket_lines = io.StringIO()
    for columns in tickets:
        ticket_lines.write("\t".join(copy_value(columns[name]) for name in TICKET_COLUMNS) + "\n")
    event_lines = io.StringIO()
    written = 0
    for columns, history in zip(tickets, histories, strict=True):
        ticket_id = str(columns["id"])
        for actor, kind, old, new, text, moment in history:
            values = (ticket_id, copy_value(actor), kind, old, new, copy_value(text), EntryScope.INVITED, "{}")
            event_lines.write("\t".join(values) + "\t" + moment.isoformat() + "\n")
            written += 1
    with connection.cursor() as cursor:
        for model, columns, lines in ((Ticket, TICKET_COLUMNS, ticket_lines), (Event, EVENT_COLUMNS, event_lines)):
            lines.seek(0)
            sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            cursor.cursor.copy_expert(sql, lines)
    return written


def copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
