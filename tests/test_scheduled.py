"""Scheduled work: closure requests expiring, postponed tickets recalled, the managers' daily summaries,
the beat schedule and the operators' command. Mail goes out in-process, whatever broker CI names."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from tickets import scheduled, tasks, workflow
from tickets.models import Event, MailStatus, Membership, OutgoingMail, Status, Ticket

pytestmark = pytest.mark.django_db

SITE = "http://assistance.test"
TICKET_LINK = re.compile(rf"{re.escape(SITE)}/ticket/(\d+)/")


@pytest.fixture(autouse=True)
def _mail_settings(mail_in_process):
    mail_in_process.SUMMARY_IDLE_DAYS = 7


@pytest.fixture
def make_ticket(make_user, make_category):
    """A ticket of ``service`` whose last action was ``days_ago`` days ago."""
    categories = {}
    owner = make_user("proprietaire")

    def make(service, status=Status.FREE, *, manager=None, days_ago=0, subject="Connexion apogee impossible", **fields):
        category = categories.get(service.pk) or categories.setdefault(service.pk, make_category(service))
        moment = timezone.now() - timedelta(days=days_ago)
        return Ticket.objects.create(
            subject=subject,
            description="<p>Bonjour</p>",
            owner=fields.pop("owner", owner),
            service=service,
            category=category,
            status=status,
            manager=manager,
            created_at=moment,
            last_action_at=moment,
            **fields,
        )

    return make


def status_of(ticket):
    return Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)


# Closure requests.


def test_a_closure_request_expires_after_its_own_services_delay(
    make_user, make_service, make_ticket, django_capture_on_commit_callbacks, mailoutbox
):
    manager = make_user("gest")
    quick = make_service("Rapide", managers=[manager], closure_delay_days=3)
    slow = make_service("Lent", managers=[manager], closure_delay_days=10)
    requested = Status.CLOSURE_REQUESTED
    quick_past = make_ticket(quick, requested, manager=manager, days_ago=4)
    quick_recent = make_ticket(quick, requested, manager=manager, days_ago=2)
    slow_within = make_ticket(slow, requested, manager=manager, days_ago=4)
    slow_past = make_ticket(slow, requested, manager=manager, days_ago=11)
    working = make_ticket(quick, Status.IN_PROGRESS, manager=manager, days_ago=30)

    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.expire_closure_requests() == 2

    assert [status_of(t) for t in (quick_past, quick_recent, slow_within, slow_past, working)] == [
        Status.EXPIRED,
        requested,
        requested,
        Status.EXPIRED,
        Status.IN_PROGRESS,
    ]
    entry = Event.objects.get(ticket=quick_past, kind="ticket.expired")
    assert entry.actor is None and (entry.old_status, entry.new_status) == (requested, Status.EXPIRED)
    owner = quick_past.owner
    to_owner = [message for message in mailoutbox if message.to == [owner.email]]
    assert len(to_owner) == 2, "one mail per expired ticket to its owner"
    assert f"[Assistance n°{quick_past.pk}] Demande de clôture expirée : Connexion apogee impossible" in {
        message.subject for message in to_owner
    }
    assert scheduled.expire_closure_requests() == 0, "nothing left to expire"


def test_recall_at_the_date_not_before(make_user, make_service, make_ticket, django_capture_on_commit_callbacks):
    manager = make_user("gest")
    service = make_service(managers=[manager])
    now = timezone.now()
    due = make_ticket(service, Status.POSTPONED, manager=manager, recall_at=now - timedelta(minutes=1))
    later = make_ticket(service, Status.POSTPONED, manager=manager, recall_at=now + timedelta(hours=1))
    undated = make_ticket(service, Status.POSTPONED, manager=manager)

    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.recall_postponed_tickets() == 1

    assert [status_of(t) for t in (due, later, undated)] == [Status.IN_PROGRESS, Status.POSTPONED, Status.POSTPONED]
    entry = Event.objects.get(ticket=due, kind="ticket.recalled")
    assert entry.actor is None
    assert Ticket.objects.get(pk=due.pk).recall_at is None
    assert OutgoingMail.objects.filter(ticket=due, recipient=manager).exists(), "the manager in charge hears of it"


@pytest.mark.parametrize(
    ("job", "status", "fields"),
    [
        ("expire_closure_requests", Status.CLOSURE_REQUESTED, {"days_ago": 30}),
        ("recall_postponed_tickets", Status.POSTPONED, {"recall_at": timezone.now() - timedelta(days=1)}),
    ],
)
def test_a_failing_ticket_does_not_stop_the_batch(
    make_user, make_service, make_ticket, monkeypatch, caplog, job, status, fields
):
    manager = make_user("gest")
    service = make_service(managers=[manager])
    stale, broken, fine = (make_ticket(service, status, manager=manager, **fields) for _ in range(3))
    action = "expire" if job == "expire_closure_requests" else "recall"
    original = getattr(workflow, action)

    def flaky(ticket, **kwargs):
        if ticket.pk == stale.pk:
            # A manager acted on it between the batch's read and its action.
            Ticket.objects.filter(pk=ticket.pk).update(version=ticket.version + 1)
        if ticket.pk == broken.pk:
            raise RuntimeError("disk full")
        return original(ticket, **kwargs)

    monkeypatch.setattr(workflow, action, flaky)
    assert getattr(scheduled, job)() == 1
    assert [status_of(t) for t in (stale, broken, fine)] == [status, status, Status.EXPIRED if action == "expire"
                                                             else Status.IN_PROGRESS]  # fmt: skip
    assert f"Ticket {stale.pk} not" in caplog.text and "modifié entre-temps" in caplog.text
    assert f"Ticket {broken.pk} not" in caplog.text and "disk full" in caplog.text


# Daily summaries.


@pytest.fixture
def summary_world(make_user, make_service, make_ticket):
    """Scolarité has work; Paie has none. Sophie (French) and John (English) asked for the summary, Paul did
    not; Nora asked for it in Paie only."""
    people = {
        "sophie": make_user("sophie", first_name="Sophie", last_name="Lambert"),
        "john": make_user("john", first_name="John", last_name="Smith", language="en"),
        "paul": make_user("paul", first_name="Paul", last_name="Girard"),
        "nora": make_user("nora", first_name="Nora", last_name="Leroy"),
    }
    scolarite = make_service("Scolarité")
    paie = make_service("Paie")
    for name, service, summary in [
        ("sophie", scolarite, True),
        ("sophie", paie, True),
        ("john", scolarite, True),
        ("paul", scolarite, False),
        ("nora", paie, True),
    ]:
        Membership.objects.create(service=service, user=people[name], daily_summary=summary)
    tickets = {
        "free": [make_ticket(scolarite, subject=f"Libre {n}", days_ago=n) for n in range(3)],
        "sophie": [
            make_ticket(scolarite, Status.IN_PROGRESS, manager=people["sophie"], subject="Sophie récent", days_ago=1),
            make_ticket(scolarite, Status.AWAITING_INFO, manager=people["sophie"], subject="Sophie oublié", days_ago=9),
        ],
        "john": [make_ticket(scolarite, Status.IN_PROGRESS, manager=people["john"], subject="John ticket", days_ago=2)],
        "paul_idle": make_ticket(
            scolarite, Status.IN_PROGRESS, manager=people["paul"], subject="Paul vieux", days_ago=8
        ),
        "postponed": make_ticket(
            scolarite,
            Status.POSTPONED,
            manager=people["paul"],
            subject="Reporté",
            days_ago=20,
            recall_at=timezone.now() + timedelta(days=3),
        ),
        "closed": make_ticket(scolarite, Status.APPROVED, manager=people["sophie"], subject="Clos", days_ago=30),
    }
    return {"people": people, "scolarite": scolarite, "paie": paie, "tickets": tickets}


def summary_of(user):
    return OutgoingMail.objects.get(recipient=user, summary_date__isnull=False)


def test_the_summary_lists_free_tickets_the_managers_own_and_idle_ones(summary_world):
    assert scheduled.send_daily_summaries() == 2
    people, tickets = summary_world["people"], summary_world["tickets"]
    mail = summary_of(people["sophie"])
    assert mail.ticket is None and mail.language == "fr" and mail.to_address == people["sophie"].email
    assert mail.summary_date == timezone.localdate()
    assert mail.subject == f"[Assistance] Résumé quotidien du {timezone.localdate():%d/%m/%Y}"
    text = mail.text_body
    assert "== Scolarité ==" in text and "== Paie ==" in text
    assert "Tickets libres : 3" in text
    assert "Vos tickets : 2" in text
    assert "Sans action depuis 7 jours : 2" in text  # Sophie's forgotten one and Paul's; not the postponed one
    assert "Rien à signaler pour ce service." in text  # Paie
    for ticket in [*tickets["free"], *tickets["sophie"], tickets["paul_idle"]]:
        assert f"{SITE}/ticket/{ticket.pk}/" in text
        assert f'href="{SITE}/ticket/{ticket.pk}/"' in mail.html_body
    for ticket in [tickets["postponed"], tickets["closed"], *tickets["john"]]:
        assert f"/ticket/{ticket.pk}/" not in text
    scolarite = summary_world["scolarite"].pk
    assert f"{SITE}/tableau-de-bord/?vue=libres&service={scolarite}" in text
    assert f"{SITE}/tableau-de-bord/?vue=miens&service={scolarite}" in text
    assert f'href="{SITE}/preferences/"' in mail.html_body


def test_the_summary_of_an_english_manager_is_in_english(summary_world):
    scheduled.send_daily_summaries()
    mail = summary_of(summary_world["people"]["john"])
    assert mail.language == "en"
    assert '<html lang="en">' in mail.html_body
    # Words the catalogue already holds; the summary's own phrases follow with the catalogue's update.
    assert "(In progress," in mail.text_body and "(Free," in mail.text_body
    assert f"Preferences: {SITE}/preferences/" in mail.text_body
    assert "(Libre," not in mail.text_body and "Préférences" not in mail.text_body
    john_ticket = summary_world["tickets"]["john"][0]
    assert f"{SITE}/ticket/{john_ticket.pk}/" in mail.text_body


def test_only_managers_who_asked_get_a_summary_and_only_with_something_to_report(summary_world):
    people = summary_world["people"]
    assert scheduled.send_daily_summaries() == 2
    assert set(OutgoingMail.objects.values_list("recipient__username", flat=True)) == {"sophie", "john"}
    # Paul did not ask; Nora's only service has nothing to report.
    assert not OutgoingMail.objects.filter(recipient__in=[people["paul"], people["nora"]]).exists()


def test_inactive_managers_and_managers_without_address_get_no_summary(summary_world):
    people = summary_world["people"]
    people["sophie"].is_active = False
    people["sophie"].save()
    people["john"].email = ""
    people["john"].save()
    assert scheduled.send_daily_summaries() == 0


def test_a_summary_is_sent_once_a_day(summary_world, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.send_daily_summaries() == 2
    assert sorted(message.to[0] for message in mailoutbox) == ["john@univ.example", "sophie@univ.example"]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduled.send_daily_summaries() == 0
        assert tasks.send_daily_summaries.apply().get() == 0
    assert len(mailoutbox) == 2 and OutgoingMail.objects.count() == 2
    assert scheduled.send_daily_summaries(now=timezone.now() + timedelta(days=1)) == 2, "the next day, again"


def test_a_second_summary_the_same_day_is_refused_by_the_database(summary_world):
    from django.db import IntegrityError, transaction

    from tickets.notifications import outbox

    scheduled.send_daily_summaries()
    sophie = summary_world["people"]["sophie"]
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox.write_summary_mail(sophie, timezone.localdate(), [], idle_days=7)


def test_a_long_list_shows_its_first_twenty_and_its_count(make_user, make_service, make_ticket):
    manager = make_user("gest")
    service = make_service(managers=[manager])
    Membership.objects.filter(user=manager).update(daily_summary=True)
    free = [make_ticket(service, subject=f"Ticket {n:02}", days_ago=30 - n) for n in range(25)]
    assert scheduled.send_daily_summaries() == 1
    text = summary_of(manager).text_body
    assert "Tickets libres : 25" in text and "Sans action depuis 7 jours : 24" in text
    assert "… et 5 autres tickets" in text and "… et 4 autres tickets" in text
    listed = {int(number) for number in TICKET_LINK.findall(text)}
    assert listed == {ticket.pk for ticket in free[:20]}, "the oldest first"


# The schedule, the tasks and the command.


def test_the_beat_schedule_names_existing_tasks():
    from helpdesk.celery import app

    app.loader.import_default_modules()
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "tickets.tasks.expire_closure_requests",
        "tickets.tasks.recall_postponed_tickets",
        "tickets.tasks.send_daily_summaries",
        "tickets.tasks.sweep_outbox",
        "tickets.tasks.forget_abandoned_drafts",
        "tickets.tasks.forget_old_views",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    assert schedule["sweep-outbox"]["schedule"] == timedelta(minutes=1)
    summaries = schedule["send-daily-summaries"]["schedule"]
    assert (summaries.hour, summaries.minute, summaries.day_of_week) == ({7}, {0}, {1, 2, 3, 4, 5})
    assert app.conf.timezone == "Europe/Paris"


def test_the_tasks_run_the_jobs_and_return_their_counts(make_user, make_service, make_ticket):
    manager = make_user("gest")
    service = make_service(managers=[manager])
    make_ticket(service, Status.CLOSURE_REQUESTED, manager=manager, days_ago=30)
    make_ticket(service, Status.POSTPONED, manager=manager, recall_at=timezone.now() - timedelta(hours=1))
    assert tasks.expire_closure_requests.apply().get() == 1
    assert tasks.recall_postponed_tickets.apply().get() == 1
    assert tasks.send_daily_summaries.apply().get() == 0


def test_the_command_runs_the_jobs_and_prints_their_counts(
    settings, make_user, make_service, make_ticket, mailoutbox, capsys
):
    settings.MAIL_SWEEP_GRACE_SECONDS = 0
    manager = make_user("gest")
    service = make_service(managers=[manager])
    Membership.objects.filter(user=manager).update(daily_summary=True)
    make_ticket(service, Status.CLOSURE_REQUESTED, manager=manager, days_ago=30)
    make_ticket(service, Status.POSTPONED, manager=manager, recall_at=timezone.now() - timedelta(hours=1))
    make_ticket(service)

    call_command("run_scheduled_work")

    # The test's transaction never commits, so the mails wait in the outbox: the sweep sends them,
    # as it would where no worker runs. The owner and the manager in charge hear of both actions; the
    # manager gets the summary.
    assert capsys.readouterr().out.splitlines() == [
        "closure requests expired: 1",
        "postponed tickets recalled: 1",
        "daily summaries written: 1",
        "mails left behind sent: 5",
        "abandoned deposit files deleted: 0",
        "views past each person's last 25 forgotten: 0",
    ]
    assert len(mailoutbox) == 5
    call_command("run_scheduled_work", "summaries")
    assert capsys.readouterr().out.splitlines() == ["daily summaries written: 0"]
