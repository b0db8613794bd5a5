"""The portal's scheduled work: what Celery beat runs through ``tickets.tasks``, and what
``manage.py run_scheduled_work`` runs in-process where there is no beat.

Each job goes through its batch one item at a time, each in its own transaction: a ticket or a manager
that fails is logged and skipped, and the batch goes on. Each returns how many items it handled.
"""

import logging
from datetime import timedelta
from functools import partial
from itertools import groupby
from operator import attrgetter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tickets import workflow
from tickets.attachments import drafts
from tickets.models import Membership, OutgoingMail, Status, Ticket
from tickets.notifications import delivery, queue_mails
from tickets.notifications.outbox import write_summary_mail
from tickets.notifications.summaries import summary_section
from tickets.services import personal

logger = logging.getLogger(__name__)


def expire_closure_requests():
    """Expires every closure request its owner left unanswered past its service's delay
    (``Service.closure_delay_days`` after the ticket's last action). Returns how many expired."""
    now = timezone.now()
    waiting = Ticket.objects.filter(status=Status.CLOSURE_REQUESTED)
    # One condition per delay in use rather than date arithmetic on a column: SQLite cannot multiply a
    # duration, and the services' delays are a handful of values.
    delays = waiting.order_by().values_list("service__closure_delay_days", flat=True).distinct()
    past_delay = Q()
    for days in delays:
        past_delay |= Q(service__closure_delay_days=days, last_action_at__lte=now - timedelta(days=days))
    if not past_delay:
        return 0
    due = waiting.filter(past_delay).only("pk", "version").order_by("pk")
    return _act_on_each(list(due), workflow.expire, "expired")


def recall_postponed_tickets():
    """Recalls every postponed ticket whose recall date has come, as the scheduler (no actor).
    Returns how many were recalled."""
    due = (
        Ticket.objects.filter(status=Status.POSTPONED, recall_at__lte=timezone.now())
        .only("pk", "version")
        .order_by("recall_at", "pk")
    )
    return _act_on_each(list(due), partial(workflow.recall, actor=None), "recalled")


def _act_on_each(tickets, act, done_word):
    done = 0
    for ticket in tickets:
        try:
            act(ticket)
        except workflow.WorkflowError as error:
            # Someone acted on the ticket in the meantime, or it no longer qualifies: nothing to do.
            logger.warning("Ticket %s not %s: %s", ticket.pk, done_word, error)
        except Exception:
            # One broken ticket must not keep the others waiting until someone reads the log.
            logger.exception("Ticket %s not %s.", ticket.pk, done_word)
        else:
            done += 1
    if done:
        logger.info("%s ticket(s) %s.", done, done_word)
    return done


def send_daily_summaries(*, now=None):
    """Writes one daily summary mail to each manager who asked for it (``Membership.daily_summary``),
    active and with an address, covering each of their enabled services that has it on: free tickets,
    theirs, and those without action for ``SUMMARY_IDLE_DAYS`` days. Skips a manager with nothing to
    report, and one who already has the summary of the day (in the portal's time zone). The mails are
    queued for delivery once written. Returns how many were written."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    idle_days = settings.SUMMARY_IDLE_DAYS
    already = OutgoingMail.objects.filter(summary_date=day, recipient=OuterRef("user"))
    memberships = (
        Membership.objects.filter(daily_summary=True, service__enabled=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(Exists(already))
        .select_related("user", "service")
        .order_by("user_id", "service__label", "service_id")
    )
    shared = {}  # per service, the lists that are the same for each of its managers
    written = []
    for _user_id, group in groupby(memberships, key=attrgetter("user_id")):
        group = list(group)
        manager = group[0].user
        try:
            sections = [summary_section(m.service, manager, now, idle_days, shared) for m in group]
            if all(section.is_empty for section in sections):
                continue
            with transaction.atomic():
                row = write_summary_mail(manager, day, sections, idle_days=idle_days)
        except IntegrityError:
            logger.info("Manager %s already has the summary of %s.", manager.pk, day)  # another run was first
            continue
        except Exception:
            logger.exception("Daily summary of manager %s not written.", manager.pk)
            continue
        written.append((row.pk, 0))
    if written:
        transaction.on_commit(partial(queue_mails, written))
        logger.info("%s daily summaries written.", len(written))
    return len(written)


def sweep_outbox_in_process():
    """Sends, in this process, the mails the outbox left behind (as ``send_pending_mail`` does).
    Returns how many were sent."""
    return sum(delivery.deliver(mail_id).outcome == delivery.Outcome.SENT for mail_id in delivery.collect_due_mail())


def forget_old_views():
    """Deletes the views of tickets older than each person's last 25 (Historique). Returns how many."""
    return personal.forget_old_views()


def forget_abandoned_drafts():
    """Deletes the files of deposits abandoned for more than ``DRAFT_HOURS``. Returns how many."""
    return drafts.forget_abandoned_drafts(older_than=timedelta(hours=settings.DRAFT_HOURS))
