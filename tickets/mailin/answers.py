"""What the gateway answers a person who wrote: a refusal, the files it left out, a new ticket's number.

An answer is an outbox row (``OutgoingMail``), written in the transaction that records the message and
delivered like any mail once it commits; it is marked auto-generated, like every mail of the portal, so
that an auto-responder does not answer it. An answer to a user is in their language; to an address with
no account, in the portal's.
"""

import re
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import OutgoingMail
from tickets.notifications import queue_mails
from tickets.notifications.rendering import SUBJECT_TAG, SUMMARY_TAG, absolute_url, language_of

SIZE_PARAMS = ("size", "limit")
# "Re: [Assistance n°12] …" answered becomes "[Assistance n°12] … : …", not "… : Re: [Assistance n°12] …".
_REPLY_PREFIXES = re.compile(r"^(?:\s*(?:re|fwd?|tr|aw|wg)\s*:|\s*\[Assistance[^\]]*\])+\s*", re.IGNORECASE)


def write_refusal(refusal, *, to_address, subject):
    """Writes the answer telling ``to_address`` why their message ``subject`` was refused (a
    ``route.Refused``)."""
    user, ticket = refusal.user, refusal.ticket
    with translation.override(language_of(user) if user else settings.LANGUAGE_CODE):
        params = {**refusal.params, "site": settings.SITE_NAME, "url": absolute_url(reverse("home"))}
        for name in SIZE_PARAMS:
            if name in refusal.params:
                params[name] = filesizeformat(refusal.params[name])
        title = _("%(tag)s Votre message n'a pas été enregistré : %(subject)s")
        _write(to_address, user, ticket, title, subject, [refusal.message % params])


def write_files_left_out(ticket, user, *, subject, errors):
    """Writes the answer naming the files of ``user``'s message that were not attached to ``ticket``."""
    with translation.override(language_of(user)):
        paragraphs = [
            _("Votre message a été enregistré sur le ticket n°%(number)s, mais ces fichiers n'y ont pas été joints :")
            % {"number": ticket.pk},
            *[str(error) for error in errors],
            _("Vous pouvez les déposer sur la page du ticket : %(url)s")
            % {"url": absolute_url(reverse("ticket", args=[ticket.pk]))},
        ]
        _write(user.email, user, ticket, _("%(tag)s Fichiers non joints : %(subject)s"), subject, paragraphs)


def write_ticket_opened(ticket, user):
    """Writes the answer giving ``user`` the number of the ticket their mail opened."""
    with translation.override(language_of(user)):
        paragraphs = [
            _("Votre message a ouvert le ticket n°%(number)s : « %(subject)s ».")
            % {"number": ticket.pk, "subject": ticket.subject},
            _("Suivez-le sur le portail : %(url)s") % {"url": absolute_url(reverse("ticket", args=[ticket.pk]))},
            _("Pour le compléter, répondez à ce courriel."),
        ]
        _write(user.email, user, ticket, _("%(tag)s Ticket créé : %(subject)s"), ticket.subject, paragraphs)


def _write(to_address, user, ticket, title, subject, paragraphs):
    tag = SUBJECT_TAG.format(number=ticket.pk) if ticket else SUMMARY_TAG
    subject = _REPLY_PREFIXES.sub("", subject or "")
    context = {
        "heading": " ".join((title % {"tag": tag, "subject": subject}).split())[:255],
        "paragraphs": paragraphs,
        "site_name": settings.SITE_NAME,
        "institution": settings.INSTITUTION_NAME,
        "reason": _("Ce courriel est une réponse automatique à un message reçu par le portail %(site)s.")
        % {"site": settings.SITE_NAME},
    }
    mail = OutgoingMail.objects.create(
        # A mail to a user of a ticket carries the Reply-To of that ticket: their answer to it is a reply.
        recipient=user if ticket else None,
        ticket=ticket,
        to_address=to_address,
        language=translation.get_language(),
        subject=context["heading"],
        text_body=render_to_string("mail/mail_in_answer.txt", context).strip() + "\n",
        html_body=render_to_string("mail/mail_in_answer.html", context),
    )
    transaction.on_commit(partial(queue_mails, [(mail.pk, 0)]))
    return mail
