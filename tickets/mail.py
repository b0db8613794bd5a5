"""Mail of the ticket domain: the outbox rows, what they say, and their delivery.

``tickets.notifications`` decides who hears of an event and calls ``write_event_mail`` inside the
action's transaction: each recipient gets one ``OutgoingMail`` row, rendered there and then in their
language, with its action links. ``tickets.tasks`` then delivers rows by id through ``deliver``.

Delivery is exactly-once in the normal case and at-least-once at worst: a row is marked "sending" in a
short transaction before the message goes out and "sent" right after. A worker that dies between the
two leaves it "sending"; after ``MAIL_ABANDONED_AFTER_MINUTES`` the sweep sends it again, so a message
already handed to the mail server just before the crash goes out twice. Its Message-ID is the same both
times, which lets the receiving side drop the copy.
"""

import enum
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from tickets import links, permissions
from tickets.models import Category, MailStatus, OutgoingMail, Priority, Status, TicketScope
from tickets.richtext import html_to_text, sanitize_html

logger = logging.getLogger(__name__)

# What a mail's subject says of each kind of event: "[Assistance n°255228] Clôture demandée : …".
EVENT_LABELS = {
    "ticket.created": gettext_lazy("Nouveau ticket"),
    # Not the status of the same name: in English the event reads "Taken in charge", the status "In progress".
    "ticket.taken": pgettext_lazy("mail subject", "Pris en charge"),
    "ticket.assigned": gettext_lazy("Ticket affecté"),
    "ticket.freed": gettext_lazy("Ticket libéré"),
    "ticket.information_requested": gettext_lazy("Demande d'informations"),
    "ticket.commented": gettext_lazy("Nouveau commentaire"),
    "ticket.postponed": gettext_lazy("Ticket reporté"),
    "ticket.recalled": gettext_lazy("Ticket rappelé"),
    "ticket.closure_requested": gettext_lazy("Clôture demandée"),
    "ticket.closed": gettext_lazy("Ticket clos"),
    "ticket.closure_approved": gettext_lazy("Clôture approuvée"),
    "ticket.closure_refused": gettext_lazy("Clôture refusée"),
    "ticket.expired": gettext_lazy("Demande de clôture expirée"),
    "ticket.cancelled": gettext_lazy("Ticket annulé"),
    "ticket.rejected": gettext_lazy("Ticket refusé"),
    "ticket.reopened": gettext_lazy("Ticket ré-ouvert"),
    "ticket.moved": gettext_lazy("Ticket déplacé"),
    "ticket.subject_changed": gettext_lazy("Sujet modifié"),
    "ticket.priority_changed": gettext_lazy("Priorité modifiée"),
    "ticket.scope_changed": gettext_lazy("Visibilité modifiée"),
    "ticket.owner_changed": gettext_lazy("Propriétaire modifié"),
    "ticket.invited": gettext_lazy("Nouvel invité"),
    "ticket.uninvited": gettext_lazy("Invitation retirée"),
}
# The same in every language: a reply to a mail is matched to its ticket by this tag.
SUBJECT_TAG = "[Assistance n°{number}]"
# Phrases that name no author: the scheduler's, written as whole sentences.
AUTHORLESS_KINDS = frozenset({"ticket.expired"})
# A grouped mail waits at most this many grouping delays after its first action.
GROUP_SPAN = 5
# A task may reach its row a little before the row's time; it still sends.
DUE_TOLERANCE = timedelta(seconds=2)
RETRY_DELAY_CAP = 3600
# The data key naming the person an event is about.
PERSON_KEYS = {
    "ticket.assigned": "manager",
    "ticket.invited": "user",
    "ticket.uninvited": "user",
    "ticket.owner_changed": "new",
}


class Reason(enum.StrEnum):
    """Why a person gets a mail about a ticket, first match wins (see ``tickets.notifications``)."""

    OWNER = "owner"
    IN_CHARGE = "in_charge"
    PREVIOUS_MANAGER = "previous_manager"
    MONITORING = "monitoring"
    INVITEE = "invitee"
    FOLLOWER = "follower"


REASON_SENTENCES = {
    Reason.OWNER: gettext_lazy("Vous recevez ce courriel parce que vous êtes le propriétaire de ce ticket."),
    Reason.IN_CHARGE: gettext_lazy("Vous recevez ce courriel parce que ce ticket vous est confié."),
    Reason.PREVIOUS_MANAGER: gettext_lazy("Vous recevez ce courriel parce que ce ticket vous était confié."),
    Reason.MONITORING: gettext_lazy(
        "Vous recevez ce courriel parce que vous surveillez les tickets du service %(service)s."
    ),
    Reason.INVITEE: gettext_lazy("Vous recevez ce courriel parce que vous êtes invité sur ce ticket."),
    Reason.FOLLOWER: gettext_lazy("Vous recevez ce courriel parce que vous surveillez ce ticket."),
}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


# Writing the outbox.


def write_event_mail(event, recipients):
    """Writes the outbox row of each recipient for ``event``, or extends their pending row of the same
    ticket when actions are grouped (``MAIL_GROUP_SECONDS``). Creates the action links the mails carry.

    ``recipients`` maps users to their ``Reason``. Runs inside the action's transaction.
    Returns ``(mail id, seconds to wait before sending)`` for each row written or extended.
    """
    ticket = event.ticket
    now = timezone.now()
    group = timedelta(seconds=settings.MAIL_GROUP_SECONDS)
    written = []
    for user, reason in recipients.items():
        mail = _open_group(ticket, user, now) if group else None
        if mail is None:
            rendered = render_ticket_mail(user, ticket, [event], reason)
            mail = OutgoingMail.objects.create(
                recipient=user,
                to_address=user.email,
                language=language_of(user),
                subject=rendered.subject,
                text_body=rendered.text,
                html_body=rendered.html,
                ticket=ticket,
                created_at=now,
                not_before=now + group,
            )
        else:
            earlier = list(mail.events.select_related("actor"))
            for entry in earlier:
                entry.ticket = ticket  # the entries are shown as the ticket is now
            shown = [entry for entry in earlier if permissions.can_see_entry(user, entry)] + [event]
            rendered = render_ticket_mail(user, ticket, shown, reason)
            mail.subject, mail.text_body, mail.html_body = rendered.subject, rendered.text, rendered.html
            mail.not_before = max(now, min(now + group, mail.created_at + group * GROUP_SPAN))
            mail.save(update_fields=["subject", "text_body", "html_body", "not_before"])
        mail.events.add(event)
        written.append((mail.pk, max(0, round((mail.not_before - now).total_seconds()))))
    return written


def _open_group(ticket, user, now):
    """The recipient's mail of this ticket still waiting for more actions, locked; None when there is
    none or a worker holds it."""
    return (
        OutgoingMail.objects.select_for_update(skip_locked=True)
        .filter(ticket=ticket, recipient=user, status=MailStatus.PENDING, attempts=0, not_before__gt=now)
        .order_by("-created_at", "-pk")
        .first()
    )


# Rendering.


def language_of(user):
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def time_zone_of(user):
    """The recipient's time zone: the portal's, until people may choose their own."""
    return ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def render_ticket_mail(recipient, ticket, events, reason):
    """The subject, text and HTML of a mail telling ``recipient`` about ``events`` of ``ticket``, in
    their language and time zone. Creates the action links it carries (approve or refuse a closure,
    answer a question), so it writes to the database.

    The caller passes only events the recipient may see.
    """
    with translation.override(language_of(recipient)), timezone.override(time_zone_of(recipient)):
        context = {
            "institution": settings.INSTITUTION_NAME,
            "site_name": settings.SITE_NAME,
            "ticket": ticket,
            "heading": _("TICKET n°%(number)s : %(subject)s") % {"number": ticket.pk, "subject": ticket.subject},
            "status": ticket.get_status_display(),
            "ticket_url": absolute_url(reverse("ticket", args=[ticket.pk])),
            "entries": _entries(events),
            "actions": _action_links(recipient, ticket, events),
            "reason": REASON_SENTENCES[reason] % {"service": ticket.service.label},
        }
        subject = mail_subject(ticket, events)
        text = render_to_string("mail/ticket_event.txt", context)
        html = render_to_string("mail/ticket_event.html", context)
    return RenderedMail(subject=subject, text=_tidy_text(text), html=html)


def mail_subject(ticket, events):
    """``[Assistance n°N] <label> : <subject>`` on one line, in the active language. With several
    events, the label is the last one that changed the status, else the last one."""
    changes = [event for event in events if event.old_status != event.new_status]
    main = (changes or events)[-1]
    subject = _("%(tag)s %(label)s : %(subject)s") % {
        "tag": SUBJECT_TAG.format(number=ticket.pk),
        "label": EVENT_LABELS.get(main.kind, main.kind),
        "subject": ticket.subject,
    }
    return " ".join(subject.split())[:255]


def _entries(events):
    people = _people_named_in(events)
    entries = []
    for event in events:
        author = "" if event.kind in AUTHORLESS_KINDS else str(event.actor) if event.actor else str(settings.SITE_NAME)
        entries.append(
            {
                "when": event.created_at,
                "author": author,
                "phrase": event.phrase,
                "html": mark_safe(sanitize_html(event.text)),  # noqa: S308 -- the allow-list's output
                "text": html_to_text(event.text),
                "details": _details(event, people),
                "scope": event.get_scope_display(),
            }
        )
    return entries


def _people_named_in(events):
    ids = {(event.data or {}).get(PERSON_KEYS[event.kind]) for event in events if event.kind in PERSON_KEYS}
    ids.discard(None)
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)} if ids else {}


def _details(event, people):
    """Lines that say what changed, beyond the phrase."""
    data = event.data or {}
    kind = event.kind
    person = people.get(data.get(PERSON_KEYS[kind])) if kind in PERSON_KEYS else None
    if kind == "ticket.assigned" and person:
        return [_("Confié à : %(name)s") % {"name": person}]
    if kind in {"ticket.invited", "ticket.uninvited"} and person:
        return [_("Personne : %(name)s") % {"name": person}]
    if kind == "ticket.owner_changed" and person:
        return [_("Nouveau propriétaire : %(name)s") % {"name": person}]
    if kind == "ticket.subject_changed":
        return [_("Ancien sujet : %(subject)s") % {"subject": data.get("old", "")}]
    if kind == "ticket.priority_changed":
        return [_("Priorité : %(old)s → %(new)s") % _labels(Priority, data)]
    if kind == "ticket.scope_changed":
        return [_("Visibilité du ticket : %(old)s → %(new)s") % _labels(TicketScope, data)]
    if kind == "ticket.moved":
        category = Category.objects.filter(pk=data.get("to_category")).first()
        return [_("Nouvelle catégorie : %(category)s") % {"category": category}] if category else []
    if kind == "ticket.postponed" and data.get("recall_at"):
        recall_at = timezone.localtime(datetime.fromisoformat(data["recall_at"]))
        return [_("Date de rappel : %(date)s") % {"date": formats.date_format(recall_at, "d/m/y H:i")}]
    return []


def _labels(choices, data):
    def label(value):
        try:
            return choices(value).label
        except ValueError:
            return value

    return {"old": label(data.get("old")), "new": label(data.get("new"))}


def _action_links(recipient, ticket, events):
    """The links of the mail for the owner: answer a question, approve or refuse a closure, while the
    ticket still waits for it."""
    if recipient.pk != ticket.owner_id:
        return []
    kinds = {event.kind for event in events}
    actions = []
    if "ticket.closure_requested" in kinds and ticket.status == Status.CLOSURE_REQUESTED:
        actions.append((_("Approuver la clôture"), "approve_closure"))
        actions.append((_("Refuser la clôture"), "refuse_closure"))
    if "ticket.information_requested" in kinds and ticket.status == Status.AWAITING_INFO:
        actions.append((_("Répondre"), "comment"))
    return [
        {"label": label, "url": absolute_url(links.create_link(ticket, action, recipient))} for label, action in actions
    ]


_BLANK_LINES = re.compile(r"\n{3,}")
SIGNATURE_SEPARATOR = "-- "


def _tidy_text(text):
    # Template tags leave blank lines and trailing spaces that a plain-text reader would see; the
    # signature separator keeps its space, by which mail clients recognise it.
    lines = (line if line == SIGNATURE_SEPARATOR else line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


# Daily summaries.

# The same in every language, like the ticket mails' tag.
SUMMARY_TAG = "[Assistance]"


@dataclass(frozen=True)
class SummaryList:
    """One list of a daily summary: how many tickets it holds, the first of them, and the dashboard's
    query string that shows them all."""

    count: int
    tickets: list
    dashboard_query: dict


@dataclass(frozen=True)
class SummarySection:
    """What a manager's daily summary says of one of their services."""

    service: object  # a tickets.models.Service
    free: SummaryList
    mine: SummaryList
    idle: SummaryList

    @property
    def is_empty(self):
        return not (self.free.count or self.mine.count or self.idle.count)


def write_summary_mail(recipient, day, sections, *, idle_days):
    """Writes the outbox row of ``recipient``'s daily summary of ``day`` and returns it.

    Raises ``IntegrityError`` when they already have one for that day: run it in its own transaction.
    """
    rendered = render_daily_summary(recipient, day, sections, idle_days=idle_days)
    return OutgoingMail.objects.create(
        recipient=recipient,
        to_address=recipient.email,
        language=language_of(recipient),
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        summary_date=day,
    )


def render_daily_summary(recipient, day, sections, *, idle_days):
    """The subject, text and HTML of ``recipient``'s daily summary of ``day``, in their language and time
    zone: for each ``SummarySection``, the free tickets, theirs and those without action for ``idle_days``."""
    with translation.override(language_of(recipient)), timezone.override(time_zone_of(recipient)):
        heading = _("Résumé quotidien du %(date)s") % {"date": formats.date_format(day, "d/m/Y")}
        idle_label = ngettext("Sans action depuis %(days)s jour", "Sans action depuis %(days)s jours", idle_days) % {
            "days": idle_days
        }
        context = {
            "institution": settings.INSTITUTION_NAME,
            "site_name": settings.SITE_NAME,
            "heading": heading,
            "services": [
                {
                    "label": section.service.label,
                    "is_empty": section.is_empty,
                    "lists": [
                        _summary_list(_("Tickets libres"), section.free),
                        _summary_list(_("Vos tickets"), section.mine),
                        _summary_list(idle_label, section.idle),
                    ],
                }
                for section in sections
            ],
            "preferences_url": absolute_url(reverse("preferences")),
            "reason": _(
                "Vous recevez ce courriel parce que vous avez demandé le résumé quotidien de vos services "
                "dans vos préférences."
            ),
        }
        subject = " ".join(f"{SUMMARY_TAG} {heading}".split())[:255]
        text = render_to_string("mail/daily_summary.txt", context)
        html = render_to_string("mail/daily_summary.html", context)
    return RenderedMail(subject=subject, text=_tidy_text(text), html=html)


def _summary_list(label, found):
    return {
        "label": label,
        "count": found.count,
        "more": found.count - len(found.tickets),
        "url": absolute_url(f"{reverse('dashboard')}?{urlencode(found.dashboard_query)}"),
        "tickets": [
            {
                "number": ticket.pk,
                "subject": ticket.subject,
                "status": ticket.get_status_display(),
                "last_action_at": ticket.last_action_at,
                "url": absolute_url(reverse("ticket", args=[ticket.pk])),
            }
            for ticket in found.tickets
        ],
    }


# Delivery.


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_in: int | None = None
    error: BaseException | None = None


def deliver(mail_id):
    """Sends the outbox row ``mail_id`` once: claims it, sends it, marks it sent.

    Skips a row that is missing, already sent or failed, held by another worker, or not due yet.
    A failure is recorded on the row; the result says whether to retry and when. Never raises for a
    failed send; a database error while marking the row sent propagates (the row is then left
    "sending" and the sweep sends it again after the abandon delay).
    """
    mail = _claim(mail_id)
    if mail is None:
        return Delivery(Outcome.SKIPPED)
    try:
        build_message(mail).send()
    except Exception as error:
        logger.warning("Mail %s to %s not sent (try %s): %s", mail.pk, mail.to_address, mail.attempts, error)
        return _record_failure(mail, error)
    # Right after send() returns, so that only a crash in this instant can lead to a second send.
    OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT, sent_at=timezone.now(), last_error="")
    return Delivery(Outcome.SENT)


def _claim(mail_id):
    now = timezone.now()
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.PENDING or mail.not_before > now + DUE_TOLERANCE:
            return None
        if mail.attempts > settings.MAIL_MAX_RETRIES:
            mail.status = MailStatus.FAILED
            mail.save(update_fields=["status"])
            return None
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.attempted_at = now
        mail.save(update_fields=["status", "attempts", "attempted_at"])
    return mail


def _record_failure(mail, error):
    error_text = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts > settings.MAIL_MAX_RETRIES:
        OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error=error_text)
        logger.error("Mail %s to %s failed for good after %s tries.", mail.pk, mail.to_address, mail.attempts)
        return Delivery(Outcome.FAILED, error=error)
    delay = retry_delay(mail.attempts)
    # not_before keeps the sweep from cutting the wait short.
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.PENDING, last_error=error_text, not_before=timezone.now() + timedelta(seconds=delay)
    )
    return Delivery(Outcome.RETRY, retry_in=delay, error=error)


def retry_delay(attempts):
    """Seconds to wait after the ``attempts``-th failed try: doubled at each try, at most an hour."""
    return min(RETRY_DELAY_CAP, settings.MAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def build_message(mail):
    """The message of an outbox row, text with its HTML alternative."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {
        # The same Message-ID on a second send lets the receiving side drop the copy.
        "Message-ID": f"<assistance.mail.{mail.pk}@{domain}>",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if mail.ticket_id:
        # Mail clients show the mails of one ticket as one conversation.
        headers["References"] = f"<assistance.ticket.{mail.ticket_id}@{domain}>"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
        headers=headers,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    return message


# The sweep.


def collect_due_mail(*, grace_seconds=None, abandoned_after_minutes=None):
    """Ids of the rows that should be on their way and may not be: pending rows due for more than
    ``grace_seconds``, and rows left "sending" for ``abandoned_after_minutes`` (put back to pending).

    Defaults come from ``MAIL_SWEEP_GRACE_SECONDS`` and ``MAIL_ABANDONED_AFTER_MINUTES``.
    """
    if grace_seconds is None:
        grace_seconds = settings.MAIL_SWEEP_GRACE_SECONDS
    if abandoned_after_minutes is None:
        abandoned_after_minutes = settings.MAIL_ABANDONED_AFTER_MINUTES
    now = timezone.now()
    with transaction.atomic():
        abandoned = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(status=MailStatus.SENDING, attempted_at__lte=now - timedelta(minutes=abandoned_after_minutes))
            .values_list("pk", flat=True)
        )
        if abandoned:
            logger.warning("Mails %s were left while sending; they will be sent again.", abandoned)
            OutgoingMail.objects.filter(pk__in=abandoned).update(
                status=MailStatus.PENDING, not_before=now, last_error="abandoned while sending"
            )
    due = OutgoingMail.objects.filter(
        status=MailStatus.PENDING, not_before__lte=now - timedelta(seconds=grace_seconds)
    ).order_by("not_before", "pk")
    return sorted(set(abandoned) | set(due.values_list("pk", flat=True)))
