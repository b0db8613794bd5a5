"""Builders the tests share: the roles of the ``world`` fixture (tests/conftest.py) and a ticket in a given
status."""

from datetime import timedelta

from django.utils import timezone

from tickets.models import Invitation, Status, Ticket

# The privileges of a manager of a service that the world's "manager_without_<privilege>" each lack.
PRIVILEGES = ["take_free", "take_assigned", "assign", "move", "reject", "reopen"]


def ticket_in(world, status, *, idle_days=30, **fields):
    """The owner's ticket in ``status``, handled by "in_charge" unless free, with "invitee" invited.

    ``world`` holds ``people`` (owner, in_charge, invitee…), ``service`` and ``categories["home"]``.
    """
    people = world["people"]
    ticket = Ticket.objects.create(
        subject="Connexion apogee impossible",
        description="<p>Bonjour</p>",
        owner=people["owner"],
        service=world["service"],
        category=world["categories"]["home"],
        status=status,
        manager=None if status == Status.FREE else people["in_charge"],
        last_action_at=timezone.now() - timedelta(days=idle_days),
        **fields,
    )
    Invitation.objects.create(ticket=ticket, user=people["invitee"], invited_by=people["owner"])
    return ticket
