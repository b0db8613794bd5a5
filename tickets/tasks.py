"""Celery tasks of the scheduled work that Celery beat asks for: each runs one job of ``tickets.scheduled``
(its docstring says what it does) and returns how many items it handled. The mail delivery tasks live
with the outbox, in ``tickets.notifications.tasks``."""

from celery import shared_task

from tickets import scheduled


def _scheduled_task(job):
    # Named as the beat schedule (settings.CELERY_BEAT_SCHEDULE) and the tasks already queued name it.
    return shared_task(name=f"tickets.tasks.{job.__name__}", ignore_result=True)(job)


expire_closure_requests = _scheduled_task(scheduled.expire_closure_requests)
recall_postponed_tickets = _scheduled_task(scheduled.recall_postponed_tickets)
send_daily_summaries = _scheduled_task(scheduled.send_daily_summaries)
forget_abandoned_drafts = _scheduled_task(scheduled.forget_abandoned_drafts)
forget_old_views = _scheduled_task(scheduled.forget_old_views)
