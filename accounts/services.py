"""Writes about people."""

from allauth.account.models import EmailAddress


def mark_email_verified(user):
    """Records the user's address as verified, for accounts whose address is known to be theirs."""
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
