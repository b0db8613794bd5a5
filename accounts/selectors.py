"""Reads of people."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db.models import Case, Q, When

from accounts.cas.provider import CASProvider


def find_person(login):
    """The active user whose login, or else whose email address, is ``login`` (case aside when only one
    matches); None when nobody or several do.

    A local account's login is its address (accounts.adapter): an ENT login, which has no "@", only ever
    finds the person the ENT knows by it. An address finds nobody who claimed it without confirming it."""
    login = (login or "").strip()
    if not login or "\x00" in login:
        return None
    people = get_user_model().objects.filter(is_active=True)
    if "@" in login:
        # Anyone can sign up with someone else's address (and get it as login): until confirmed, it is not theirs.
        unconfirmed = EmailAddress.objects.filter(email__iexact=login, verified=False).values("user_id")
        people = people.exclude(pk__in=unconfirmed)
    found = login_holder(list(people.filter(username__iexact=login).order_by(exact_login_first(login))[:2]), login)
    if found is not None or "@" not in login:
        return found  # an address always holds an "@": no need to look for one
    found = list(people.filter(email__iexact=login)[:2])
    return found[0] if len(found) == 1 else None


def exact_login_first(login):
    """An ordering that puts the user whose login is exactly ``login`` first."""
    return Case(When(username=login, then=0), default=1)


def login_holder(people, login):
    """The one of ``people`` (users whose login is ``login``, case aside, in ``exact_login_first`` order, at
    least two when there are) whom ``login`` names: the exact one, or the only one; None otherwise."""
    if people and (people[0].username == login or len(people) == 1):
        return people[0]
    return None


def is_ent_account(user):
    """Whether the ENT login made this account: no password of its own and a CAS account.

    Such an account is the ENT's to open and close: a password set here would outlive it."""
    if user.has_usable_password():
        return False
    return SocialAccount.objects.filter(user=user, provider=CASProvider.id).exists()


def people_named(text, *, limit=10):
    """The active users whose names or login hold every word of ``text``, by name, at most ``limit``."""
    words = (text or "").replace("\x00", "").split()[:5]
    if not words:
        return []
    people = get_user_model().objects.filter(is_active=True)
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(display_name__icontains=word)
            | Q(username__icontains=word)
        )
    return list(people.order_by("last_name", "first_name", "username")[:limit])
