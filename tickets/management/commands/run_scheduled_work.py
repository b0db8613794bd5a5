"""Runs the scheduled work once, in this process: for operators, and for cron where Celery beat does not run."""

from django.core.management.base import BaseCommand

from tickets import scheduled

# The jobs in the order they run; each returns how many items it handled.
JOBS = {
    "expire": ("closure requests expired", scheduled.expire_closure_requests),
    "recall": ("postponed tickets recalled", scheduled.recall_postponed_tickets),
    "summaries": ("daily summaries written", scheduled.send_daily_summaries),
    "sweep": ("mails left behind sent", scheduled.sweep_outbox_in_process),
    "drafts": ("abandoned deposit files deleted", scheduled.forget_abandoned_drafts),
    "views": ("views past each person's last 25 forgotten", scheduled.forget_old_views),
}


class Command(BaseCommand):
    help = (
        "Runs the scheduled work once, in this process, and prints what each job did: expire the closure "
        "requests past their service's delay, recall the postponed tickets whose date has come, write the "
        "managers' daily summaries (at most one a day each), send the mails left behind, delete the files of "
        "abandoned deposits, forget the views past each person's last 25 (Historique). Without arguments, all six; "
        "name some to run only them (e.g. from cron: 'expire recall sweep' every few minutes, 'summaries' once in "
        "the morning, 'drafts views' every hour)."
    )

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="*", choices=list(JOBS), metavar="job", help=", ".join(JOBS))

    def handle(self, *args, jobs, **options):
        for name in JOBS:
            if jobs and name not in jobs:
                continue
            label, run = JOBS[name]
            self.stdout.write(f"{label}: {run()}")
