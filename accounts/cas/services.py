"""Writes about people who log in through CAS: their user, and the portal sessions CAS opened."""

import logging
from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.cas.client import ticket_digest
from accounts.cas.profile import profile_from
from accounts.cas.provider import CASProvider
from accounts.models import CASSession, User
from accounts.services import mark_email_verified

logger = logging.getLogger(__name__)

# Set in the session of a person who logged in through CAS: their logout goes through CAS too.
SESSION_FLAG = "accounts.cas.logged_in"


class AccountConflict(Exception):
    """The CAS login is already the login of a local account that nothing links to this person."""

    def __init__(self, username):
        super().__init__(username)
        self.username = username


@transaction.atomic
def sync_user(identity):
    """Creates or updates the user of a CAS identity from its attributes; returns the user.

    The user is found by their CAS account, else by login: an existing user with the same login is
    taken over only when it cannot be someone else's (no password of its own, or a verified address
    equal to the one CAS gives); otherwise ``AccountConflict`` is raised. Fields whose attribute
    CAS does not release keep their value; the attributes themselves are replaced.
    """
    fields = profile_from(identity)
    account = (
        SocialAccount.objects.select_for_update()
        .select_related("user")
        .filter(provider=CASProvider.id, uid=identity.username)
        .first()
    )
    if account is not None:
        user = account.user
    else:
        user = User.objects.select_for_update().filter(username=identity.username).first()
        if user is None:
            user = User(username=identity.username)
            user.set_unusable_password()
        elif not _may_take_over(user, fields.get("email", "")):
            raise AccountConflict(identity.username)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    if account is None:
        SocialAccount.objects.create(
            user=user, provider=CASProvider.id, uid=identity.username, extra_data=identity.attributes
        )
    if "email" in fields:
        _verify_email(user)
    return user


def _may_take_over(user, email):
    if not user.has_usable_password():
        return True
    return bool(email) and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _verify_email(user):
    # allauth lets one address be verified for one account only: someone else's stays theirs.
    taken = EmailAddress.objects.filter(email__iexact=user.email, verified=True).exclude(user=user).exists()
    if taken:
        logger.warning("CAS address of %s is verified for another account; left unverified", user.username)
        return
    mark_email_verified(user)


def remember_cas_session(session, ticket):
    """Records that ``ticket`` opened ``session``, for the single-logout request that names it."""
    if session.session_key is None:
        session.save()
    # Sessions live SESSION_COOKIE_AGE at most: their records need not outlive them.
    CASSession.objects.filter(created__lt=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)).delete()
    CASSession.objects.update_or_create(
        ticket_digest=ticket_digest(ticket), defaults={"session_key": session.session_key}
    )


def end_cas_session(ticket):
    """Ends the portal session that ``ticket`` opened, if any; says whether there was one."""
    record = CASSession.objects.filter(ticket_digest=ticket_digest(ticket)).first()
    if record is None:
        return False
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=record.session_key).delete()
    record.delete()
    return True


def forget_cas_session(sender, request, user, **kwargs):
    """On logout from the portal: the session is gone, its record goes too (user_logged_out receiver)."""
    if request is not None and request.session.session_key:
        CASSession.objects.filter(session_key=request.session.session_key).delete()
