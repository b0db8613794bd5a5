"""Celery tasks of the scheduled work that Celery beat asks for (``tickets.scheduled``). Each takes no
argument and returns how many items it handled. The mail delivery tasks live with the outbox, in
``tickets.notifications.tasks``."""

from celery import shared_task

from tickets import scheduled


@shared_task(name="tickets.tasks.expire_closure_requests", ignore_result=True)
def expire_closure_requests():
    """Expires the closure requests past their service's delay. Returns how many expired."""
    return scheduled.expire_closure_requests()


@shared_task(name="tickets.tasks.recall_postponed_tickets", ignore_result=True)
def recall_postponed_tickets():
    """Recalls the postponed tickets whose recall date has come. Returns how many were recalled."""
    return scheduled.recall_postponed_tickets()


@shared_task(name="tickets.tasks.send_daily_summaries", ignore_result=True)
def send_daily_summaries():
    """Writes and queues the managers' daily summaries of the day. Returns how many were written."""
    return scheduled.send_daily_summaries()


@shared_task(name="tickets.tasks.forget_abandoned_drafts", ignore_result=True)
def forget_abandoned_drafts():
    """Deletes the files of deposits left unfinished. Returns how many were deleted."""
    return scheduled.forget_abandoned_drafts()
