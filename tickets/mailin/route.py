"""Where a received message goes: a reply to a ticket's mail, a new ticket of a service, or nowhere (and why).

Reads only. A message a machine sent is ignored (``Ignored``); a message that cannot be recorded is
refused (``Refused``) with the sentence its sender is told.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.categories.tree import depositable_categories, takes_tickets
from tickets.models import FINAL_STATUSES, Category, IncomingMail, Service, Ticket
from tickets.notifications.replies import ADDRESS, read_reply_address

# Refusals answered at most once a day to one address: their sender may be anybody, or a forged address.
ANSWERED_ONCE_A_DAY = frozenset({"unknown_sender", "unknown_address", "wrong_sender", "rate"})

UNKNOWN_SENDER = _(
    "Votre adresse %(address)s ne correspond à aucun compte du portail %(site)s : votre message n'a pas été "
    "enregistré. Connectez-vous au portail pour déposer votre demande : %(url)s"
)
UNKNOWN_ADDRESS = _(
    "L'adresse à laquelle vous avez écrit ne reçoit pas de demandes : votre message n'a pas été enregistré. "
    "Pour déposer une demande, connectez-vous au portail : %(url)s"
)
WRONG_SENDER = _(
    "Votre message vient d'une autre adresse que celle à laquelle le courriel du ticket n°%(number)s a été "
    "envoyé : il n'a pas été ajouté au ticket. Répondez depuis l'adresse qui a reçu le courriel, ou "
    "connectez-vous au portail : %(url)s"
)
CLOSED = _(
    "Le ticket n°%(number)s est clos : votre réponse n'y a pas été ajoutée. Si le problème n'est pas résolu, "
    "ré-ouvrez le ticket ou déposez-en un nouveau sur le portail : %(url)s"
)
TOO_LARGE = _(
    "Votre message pèse %(size)s : un message reçu par courriel ne doit pas dépasser %(limit)s. Il n'a pas été "
    "enregistré. Déposez les fichiers volumineux sur le portail : %(url)s"
)
RATE = _(
    "Vous avez envoyé plus de %(limit)s messages en une heure : les suivants ne sont pas enregistrés pendant "
    "une heure. Vous pouvez toujours utiliser le portail : %(url)s"
)
SERVICE_CLOSED = _("Le service %(service)s ne reçoit plus de demandes : votre message n'a pas été enregistré.")
EMPTY = _("Votre message ne contient ni texte ni fichier : il n'a pas été enregistré.")


class Ignored(Exception):
    """A message that is recorded and deleted without an answer: ``reason`` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Refused(Exception):
    """A message that is not recorded; its sender is told ``message`` (a lazy sentence, with ``params``)."""

    def __init__(self, reason, message, params=None, *, user=None, ticket=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.params = params or {}
        self.user = user
        self.ticket = ticket


class NotConfigured(Exception):
    """The portal cannot take the message as it is set up; an administrator has to act."""


@dataclass(frozen=True)
class Reply:
    ticket: Ticket
    user: object


@dataclass(frozen=True)
class NewTicket:
    service: Service
    category: Category
    user: object


def route(message, *, size):
    """The ``Reply`` or ``NewTicket`` a received message makes. Raises ``Ignored``, ``Refused`` or
    ``NotConfigured``."""
    if message.automatic:
        raise Ignored(message.automatic)
    if not message.sender:
        raise Ignored("no_sender")
    if is_own_address(message.sender):
        raise Ignored("loop")
    if size > settings.MAIL_IN_MAX_BYTES:
        raise Refused("too_large", TOO_LARGE, {"size": size, "limit": settings.MAIL_IN_MAX_BYTES})
    if _sent_in_the_last_hour(message) >= settings.MAIL_IN_PER_HOUR:
        raise Refused("rate", RATE, {"limit": settings.MAIL_IN_PER_HOUR})
    for address in message.recipients:
        target = read_reply_address(address)
        if target is not None:
            return _reply(message, target)
    service = _service_at(message.recipients)
    if service is not None:
        return _new_ticket(message, service)
    raise Refused("unknown_address", UNKNOWN_ADDRESS)


def is_own_address(address):
    """Whether ``address`` is one the portal sends from or receives at: mail from it is the portal's own,
    come back."""
    address = address.lower()
    own = {settings.DEFAULT_FROM_EMAIL.lower(), settings.SERVER_EMAIL.lower(), settings.MAIL_IN_ADDRESS.lower()}
    if address in own or ADDRESS.match(address):
        return True
    return Service.objects.annotate(address=Lower("mail_in_address")).filter(address=address).exists()


def _sent_in_the_last_hour(message):
    """The sender's other messages of the last hour, those refused for this limit left out: a sender who
    keeps writing is taken again an hour after their last accepted message."""
    since = timezone.now() - timedelta(hours=1)
    earlier = IncomingMail.objects.filter(sender=message.sender, received_at__gte=since).exclude(key=message.key)
    return earlier.exclude(reason="rate").count()


def _reply(message, target):
    user = get_user_model().objects.filter(pk=target.user_id, is_active=True).first()
    ticket = Ticket.objects.select_related("service").filter(pk=target.ticket_id).first()
    if user is None or ticket is None:
        raise Refused("unknown_address", UNKNOWN_ADDRESS)
    if (user.email or "").lower() != message.sender:
        raise Refused("wrong_sender", WRONG_SENDER, {"number": ticket.pk})
    if ticket.status in FINAL_STATUSES:
        raise Refused("closed", CLOSED, {"number": ticket.pk}, user=user, ticket=ticket)
    return Reply(ticket=ticket, user=user)


def _service_at(recipients):
    if not recipients:
        return None
    return (
        Service.objects.annotate(address=Lower("mail_in_address"))
        .filter(address__in=recipients)
        .select_related("mail_in_category")
        .first()
    )


def _new_ticket(message, service):
    user = known_sender(message.sender)
    if user is None:
        raise Refused("unknown_sender", UNKNOWN_SENDER, {"address": message.sender})
    if not service.enabled:
        raise Refused("service_closed", SERVICE_CLOSED, {"service": service.label}, user=user)
    category = service.mail_in_category
    if category is not None:
        category = category.redirect_to or category
    if category is None or not takes_tickets(category):
        category = depositable_categories().filter(service=service).first()
    if category is None:
        raise NotConfigured(f"The service {service.pk} ({service.label}) has no category that takes tickets.")
    return NewTicket(service=service, category=category, user=user)


def known_sender(address):
    """The active user whose mail address is ``address`` (the one who logged in last, if several), or None."""
    return (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address=address.lower(), is_active=True)
        .order_by("-last_login", "pk")
        .first()
    )
