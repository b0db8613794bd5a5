"""Cette réponse vous a-t-elle aidé ? One answer per person and entry; a new one replaces the first."""

from django.utils import timezone

from tickets.models import FaqVote


def record_vote(entry, user, helpful):
    """Records whether ``user`` found ``entry``'s answer helpful, replacing their earlier answer if any.

    The caller has checked that the user may read the entry; visitors do not vote."""
    vote, _created = FaqVote.objects.update_or_create(
        entry=entry, user=user, defaults={"helpful": bool(helpful), "created_at": timezone.now()}
    )
    return vote
