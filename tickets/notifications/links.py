"""Action links of mails: "Approuver la clôture", "Refuser la clôture", "Répondre".

A link never acts by itself (mail scanners follow links): it opens the ticket with the action's form in
front, and the person confirms with a POST. The URL carries a token signed with the portal's secret,
bound to one ``ActionLink`` row, hence to one ticket, one action and one recipient.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import ActionLink

SALT = "tickets.links"
# Actions a mail may carry a link for, and the form of the ticket page each one opens.
LINKED_ACTIONS = {"approve_closure", "refuse_closure", "comment"}


class LinkRefused(Exception):
    """A link that cannot be used; ``reason`` is a translated sentence for the person who followed it."""

    def __init__(self, reason, *, link=None):
        super().__init__(str(reason))
        self.reason = reason
        self.link = link


def create_link(ticket, action, recipient):
    """A new link for ``recipient`` to do ``action`` on ``ticket`` as it is now. Returns the URL path."""
    if action not in LINKED_ACTIONS:
        raise ValueError(action)
    now = timezone.now()
    link = ActionLink.objects.create(
        ticket=ticket,
        recipient=recipient,
        action=action,
        ticket_version=ticket.version,
        created_at=now,
        expires_at=now + timedelta(days=settings.ACTION_LINK_DAYS),
    )
    token = signing.dumps({"l": link.pk, "t": ticket.pk, "a": action, "u": recipient.pk}, salt=SALT, compress=True)
    return reverse("action_link", args=[token])


def read_link(token):
    """The ``ActionLink`` a token names, checked: signature, expiry, unused, ticket unchanged.

    Raises ``LinkRefused`` with the reason; never acts.
    """
    try:
        payload = signing.loads(str(token), salt=SALT)
        link = ActionLink.objects.select_related("ticket", "recipient").get(
            pk=payload["l"], ticket_id=payload["t"], action=payload["a"], recipient_id=payload["u"]
        )
    except (signing.BadSignature, ActionLink.DoesNotExist, KeyError, TypeError, ValueError):
        raise LinkRefused(_("Ce lien n'est pas valide.")) from None
    if link.used_at is not None:
        raise LinkRefused(_("Ce lien a déjà servi."), link=link)
    if link.expires_at <= timezone.now():
        raise LinkRefused(_("Ce lien a expiré."), link=link)
    if link.ticket.version != link.ticket_version:
        raise LinkRefused(_("Le ticket a changé depuis l'envoi de ce courriel."), link=link)
    return link


def check_recipient(link, user):
    """Raises ``LinkRefused`` unless ``user`` is the person the link was sent to."""
    if link.recipient_id != user.pk:
        raise LinkRefused(_("Ce lien a été envoyé à une autre personne : connectez-vous avec votre propre compte."))


def use_link(link):
    """Marks the link used, once: a second use at the same moment is refused."""
    with transaction.atomic():
        updated = ActionLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not updated:
        raise LinkRefused(_("Ce lien a déjà servi."), link=link)
