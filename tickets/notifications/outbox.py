"""The outbox: one ``OutgoingMail`` row per mail, written in the transaction of the action it tells about,
with the action links it carries. Delivery (``tickets.notifications.delivery``) only sends what is here.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tickets.comments.scopes import can_see_entry
from tickets.models import MailStatus, OutgoingMail
from tickets.notifications import links, rendering

# A grouped mail waits at most this many grouping delays after its first action.
GROUP_SPAN = 5


def write_event_mail(event, recipients):
    """Writes the outbox row of each recipient for ``event``, or extends their pending row of the same
    ticket when actions are grouped (``MAIL_GROUP_SECONDS``). Creates the action links the mails carry.

    ``recipients`` maps users to their ``Reason``. Runs inside the action's transaction.
    Returns ``(mail id, seconds to wait before sending)`` for each row written or extended.
    """
    ticket = event.ticket
    now = timezone.now()
    group = timedelta(seconds=settings.MAIL_GROUP_SECONDS)
    mails = []
    for user, reason in recipients.items():
        mail = _open_group(ticket, user, now) if group else None
        if mail is None:
            rendered = _render(user, ticket, [event], reason)
            mail = _new_row(user, rendered, ticket=ticket, created_at=now, not_before=now + group)
        else:
            earlier = list(mail.events.select_related("actor"))
            for entry in earlier:
                entry.ticket = ticket  # the entries are shown as the ticket is now
            shown = [entry for entry in earlier if can_see_entry(user, entry)] + [event]
            rendered = _render(user, ticket, shown, reason)
            mail.subject, mail.text_body, mail.html_body = rendered.subject, rendered.text, rendered.html
            mail.not_before = max(now, min(now + group, mail.created_at + group * GROUP_SPAN))
            mail.save(update_fields=["subject", "text_body", "html_body", "not_before"])
        mails.append(mail)
    # The new rows and every row's link to the event, two inserts whatever the number of recipients.
    OutgoingMail.objects.bulk_create([mail for mail in mails if mail.pk is None])
    Link = OutgoingMail.events.through
    Link.objects.bulk_create([Link(outgoingmail=mail, event=event) for mail in mails], ignore_conflicts=True)
    return [(mail.pk, max(0, round((mail.not_before - now).total_seconds()))) for mail in mails]


def _render(recipient, ticket, events, reason):
    """The mail, with a new link for each action it offers (a link names the ticket's current version)."""
    paths = {
        action: links.create_link(ticket, action, recipient)
        for action in rendering.links_wanted(recipient, ticket, events)
    }
    return rendering.render_ticket_mail(recipient, ticket, events, reason, links=paths)


def _open_group(ticket, user, now):
    """The recipient's mail of this ticket still waiting for more actions, locked; None when there is
    none or a worker holds it."""
    return (
        OutgoingMail.objects.select_for_update(skip_locked=True)
        .filter(ticket=ticket, recipient=user, status=MailStatus.PENDING, attempts=0, not_before__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )


def write_summary_mail(recipient, day, sections, *, idle_days):
    """Writes the outbox row of ``recipient``'s daily summary of ``day`` and returns it.

    Raises ``IntegrityError`` when they already have one for that day: run it in its own transaction.
    """
    rendered = rendering.render_daily_summary(recipient, day, sections, idle_days=idle_days)
    return _write_row(recipient, rendered, summary_date=day)


def _write_row(recipient, rendered, **fields):
    """A new outbox row of a ``RenderedMail`` to ``recipient``, in their language, saved."""
    mail = _new_row(recipient, rendered, **fields)
    mail.save()
    return mail


def _new_row(recipient, rendered, **fields):
    """The outbox row of a ``RenderedMail`` to ``recipient``, in their language, not yet saved."""
    return OutgoingMail(
        recipient=recipient,
        to_address=recipient.email,
        language=rendering.language_of(recipient),
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        **fields,
    )
