"""Sends, in this process, the mails the outbox still holds: the sweep without a worker, for operators."""

from django.core.management.base import BaseCommand

from tickets.notifications import delivery


class Command(BaseCommand):
    help = (
        "Sends the mails left behind (due pending mails, mails abandoned while sending) in this process, "
        "without Celery. A failure is recorded on the mail; the next run or the sweep tries again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            help="seconds a pending mail must be overdue (default: ASSISTANCE_MAIL_SWEEP_GRACE_SECONDS; 0: all due)",
        )
        parser.add_argument(
            "--abandoned-after",
            type=int,
            default=None,
            help="minutes after which a mail still 'sending' is sent again "
            "(default: ASSISTANCE_MAIL_ABANDONED_AFTER_MINUTES)",
        )

    def handle(self, *args, grace, abandoned_after, **options):
        outcomes = {}
        for mail_id in delivery.collect_due_mail(grace_seconds=grace, abandoned_after_minutes=abandoned_after):
            outcome = delivery.deliver(mail_id).outcome
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = ", ".join(f"{outcome}: {count}" for outcome, count in sorted(outcomes.items())) or "nothing to send"
        self.stdout.write(summary)
