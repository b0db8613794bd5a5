"""Who may do what. Every check of a right in the portal goes through this module."""

from tickets.models import Membership


def is_manager(user):
    """Whether the user manages at least one enabled service; admins count as managers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the menu and the page ask it in the same request.
    if not hasattr(user, "_is_manager"):
        user._is_manager = Membership.objects.filter(user=user, service__enabled=True).exists()
    return user._is_manager
