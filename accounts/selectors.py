"""Reads of people."""

from django.contrib.auth import get_user_model


def find_person(login):
    """The active user whose login, or else whose email address, is ``login`` (case aside when only one
    matches); None when nobody or several do."""
    login = (login or "").strip()
    if not login or "\x00" in login:
        return None
    people = get_user_model().objects.filter(is_active=True)
    exact = people.filter(username=login).first()
    if exact is not None:
        return exact
    for lookup in ("username__iexact", "email__iexact"):
        found = list(people.filter(**{lookup: login})[:2])
        if len(found) == 1:
            return found[0]
    return None
