"""A small known data set for the statistics, written directly (tickets, their history entries and
satisfaction rows) relative to a first day ``base``: the period is ``base`` to ``base`` + 30 days.

Services: Scolarité (A: categories A1 with its child A1a, and A2; managed by gest-scol and gest-scol2) and
Paie (B: category B1; managed by gest-paie). Tickets moved between services, reopened and closed twice, a
refused closure, an expiry, a cancellation, tickets filed before and closed after the period."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tickets.models import FINAL_STATUSES, Event, Origin, Satisfaction, Status, Ticket

F, P, CR = Status.FREE, Status.IN_PROGRESS, Status.CLOSURE_REQUESTED


def at(base, offset, hour=12):
    """Local noon (or ``hour``) ``offset`` days after ``base``; fractional offsets add hours."""
    day = base + timedelta(days=int(offset))
    moment = datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())
    return moment + timedelta(hours=round((offset - int(offset)) * 24))


def build(base, people, categories):
    """The tickets (by name) of the data set. ``people``: owner, m1, m2, m3 (m1, m2 manage A; m3 B);
    ``categories``: A1, A1a, A2, B1."""
    c = categories
    plans = {
        # name: (subject, category now, manager now, origin, created offset, steps, rating)
        "T1": ("Connexion apogée impossible", c["A1"], "m1", Origin.WEB, 1, [
            ("ticket.taken", F, P, 1.25), ("ticket.closure_requested", P, CR, 4),
            ("ticket.closure_approved", CR, Status.APPROVED, 5)], 5),
        "T2": ("Connexion apogee impossible 17", c["A1a"], "m2", Origin.WEB, 2, [
            ("ticket.taken", F, P, 3), ("ticket.rejected", P, Status.REJECTED, 9)], None),
        "T3": ("Erreur export", c["A2"], "m1", Origin.PHONE, 3, [
            ("ticket.moved", F, F, 4), ("ticket.taken", F, P, 5)], None),
        "T4": ("Erreur export", c["A2"], "m1", Origin.WEB, -9, [
            ("ticket.taken", F, P, -8), ("ticket.closure_requested", P, CR, -4),
            ("ticket.expired", CR, Status.EXPIRED, 7)], None),
        "T5": ("connexion Apogee impossible", c["A1"], "m1", Origin.WEB, 9, [
            ("ticket.taken", F, P, 9.5), ("ticket.closed", P, Status.APPROVED, 11),
            ("ticket.reopened", Status.APPROVED, P, 14), ("ticket.closure_requested", P, CR, 17),
            ("ticket.closure_refused", CR, P, 18), ("ticket.closure_requested", P, CR, 19),
            ("ticket.closure_approved", CR, Status.APPROVED, 21)], 3),
        "T6": ('=HYPERLINK("http://x")', c["B1"], None, Origin.EMAIL, 10, [
            ("ticket.cancelled", F, Status.CANCELLED, 10.25)], None),
        "T7": ("Connexion Apogée impossible 2", c["A1"], None, Origin.WEB, 24, [], None),
        "T8": ("Après la période", c["A1"], None, Origin.WEB, 32, [], None),
        "T9": ("Imprimante", c["A2"], "m2", Origin.WEB, 27, [
            ("ticket.taken", F, P, 27.5), ("ticket.closed", P, Status.APPROVED, 33)], None),
        "T10": ("Bulletin de paie", c["B1"], "m3", Origin.EMAIL, -50, [("ticket.taken", F, P, -49)], None),
        "T11": ("Déplacé vers la paie", c["B1"], "m3", Origin.WEB, 12, [
            ("ticket.taken", F, P, 12.5), ("ticket.moved", P, F, 13), ("ticket.taken", F, P, 14),
            ("ticket.rejected", P, Status.REJECTED, 15)], 4),
    }  # fmt: skip
    tickets = {}
    for name, (subject, category, manager, origin, created, steps, rating) in plans.items():
        status = steps[-1][2] if steps else F
        taken = [offset for kind, old, new, offset in steps if old == F and new == P]
        closures = [offset for kind, old, new, offset in steps if new in FINAL_STATUSES and old not in FINAL_STATUSES]
        ticket = Ticket.objects.create(
            subject=subject,
            description="<p>x</p>",
            owner=people["owner"],
            manager=people[manager] if manager else None,
            service=category.service,
            category=category,
            origin=origin,
            status=status,
            created_at=at(base, created),
            last_action_at=at(base, steps[-1][3] if steps else created),
            taken_at=at(base, taken[-1]) if taken else None,
            closed_at=at(base, closures[-1]) if status in FINAL_STATUSES else None,
        )
        Event.objects.create(
            ticket=ticket, kind="ticket.created", old_status="", new_status=F, created_at=ticket.created_at
        )
        for kind, old, new, offset in steps:
            Event.objects.create(ticket=ticket, kind=kind, old_status=old, new_status=new, created_at=at(base, offset))
        if rating:
            Satisfaction.objects.create(
                ticket=ticket,
                rating=rating,
                author=people["owner"],
                service=ticket.service,
                category=ticket.category,
                manager=ticket.manager,
                created_at=ticket.closed_at,
            )
        tickets[name] = ticket
    return tickets


def make_world(make_user, make_service, make_category):
    people = {
        "owner": make_user("seclier5", first_name="Benjamin", last_name="Seclier"),
        "m1": make_user("gest-scol", first_name="Sophie", last_name="Lambert"),
        "m2": make_user("gest-scol2", first_name="Paul", last_name="Girard"),
        "m3": make_user("gest-paie", first_name="Pierre", last_name="Paie"),
    }
    scolarite = make_service("Scolarité", managers=[people["m1"], people["m2"]])
    paie = make_service("Paie", managers=[people["m3"]])
    a1 = make_category(scolarite, code="A1", label="Applications de scolarité")
    categories = {
        "A1": a1,
        "A1a": make_category(scolarite, parent=a1, code="A1a", label="Apogée"),
        "A2": make_category(scolarite, code="A2", label="Éditions"),
        "B1": make_category(paie, label="=Paie et bulletins"),
    }
    return {"people": people, "services": {"A": scolarite, "B": paie}, "categories": categories}


def table_rows(html, name):
    """The headers and the rows of the page's table ``name`` (data-table), as text."""
    import re
    from html import unescape

    found = re.search(r'<table[^>]*data-table="' + re.escape(name) + r'"[^>]*>(.*?)</table>', html, re.S)
    assert found, name
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    rows = [
        [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells.findall(row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)
    ]
    return rows[0], rows[1:]
