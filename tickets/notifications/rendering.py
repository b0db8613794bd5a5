"""What the mails say: subjects, text and HTML of the ticket mails and of the daily summaries, rendered in
the recipient's language and time zone. Reads only; the outbox (``tickets.notifications.outbox``) writes
the rows and the action links.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from tickets import permissions
from tickets.comments.phrases import with_sentences
from tickets.models import Satisfaction, Status
from tickets.notifications import replies
from tickets.notifications.recipients import Reason
from tickets.richtext import html_to_text, sanitize_html

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
    "ticket.file_added": gettext_lazy("Nouveau fichier"),
    "ticket.file_removed": gettext_lazy("Fichier supprimé"),
    "ticket.handed_over": gettext_lazy("Gestionnaire parti"),
}
# The same in every language: a reply to a mail is matched to its ticket by this tag.
SUBJECT_TAG = "[Assistance n°{number}]"

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


@dataclass(frozen=True)
class ActionLinkWanted:
    """A link the mail should carry: its label and the action it opens (see ``tickets.notifications.links``)."""

    label: str
    action: str


def language_of(user):
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def time_zone_of(user):
    """The recipient's time zone: the portal's, until people may choose their own."""
    return ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def render_ticket_mail(recipient, ticket, events, reason, *, links=None):
    """The subject, text and HTML of a mail telling ``recipient`` about ``events`` of ``ticket``, in
    their language and time zone. ``links`` maps the actions of ``links_wanted`` to the URL paths of
    their links, made by the caller.

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
            "actions": [
                {"label": LINK_LABELS[action], "url": absolute_url(path)} for action, path in (links or {}).items()
            ],
            "reason": REASON_SENTENCES[reason] % {"service": ticket.service.label},
            "reply_line": reply_line(),
            "satisfaction": satisfaction_told(recipient, ticket, events),
        }
        subject = mail_subject(ticket, events)
        text = render_to_string("mail/ticket_event.txt", context)
        html = render_to_string("mail/ticket_event.html", context)
    return RenderedMail(subject=subject, text=_tidy_text(text), html=html)


def satisfaction_told(recipient, ticket, events):
    """The ``Satisfaction`` given with an approval among ``events``, when ``recipient`` may see it (the
    service's managers and admins); None otherwise."""
    approved = any(event.kind == "ticket.closure_approved" and _gave_satisfaction(event) for event in events)
    if not approved or not permissions.can_see_satisfaction(recipient, ticket):
        return None
    return Satisfaction.objects.filter(ticket_id=ticket.pk).first()


def _gave_satisfaction(event):
    return isinstance(event.data, dict) and event.data.get("satisfaction") is True


def reply_line():
    """The line above which a reply is written, in the active language; empty when mail in is off."""
    if not replies.enabled():
        return ""
    sentence = _("Pour répondre par courriel, écrivez au-dessus de cette ligne.")
    return " ".join([replies.REPLY_MARKER, sentence, "-##"])


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
    return [
        {
            "when": event.created_at,
            "author": event.sentence.author,
            "sentence": event.sentence,
            "html": mark_safe(sanitize_html(event.text)),  # noqa: S308 -- the allow-list's output
            "text": html_to_text(event.text),
            "scope": event.get_scope_display(),
        }
        for event in with_sentences(events)
    ]


# The actions a mail may carry a link for (``tickets.notifications.links``), with their labels.
LINK_LABELS = {
    "approve_closure": gettext_lazy("Approuver la clôture"),
    "refuse_closure": gettext_lazy("Refuser la clôture"),
    "comment": gettext_lazy("Répondre"),
}


def links_wanted(recipient, ticket, events):
    """The actions the mail should carry a link for, for the owner only: answer a question, approve or
    refuse a closure, while the ticket still waits for it."""
    if recipient.pk != ticket.owner_id:
        return []
    kinds = {event.kind for event in events}
    actions = []
    if "ticket.closure_requested" in kinds and ticket.status == Status.CLOSURE_REQUESTED:
        actions += ["approve_closure", "refuse_closure"]
    if "ticket.information_requested" in kinds and ticket.status == Status.AWAITING_INFO:
        actions.append("comment")
    return actions


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
