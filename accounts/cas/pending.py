"""The ENT logins a browser started: one-time random states kept in its session.

The login puts a state in the service URL, and CAS validates a ticket only for the exact service URL
it was issued for: a ticket is thus bound to the browser whose session holds its state. Without
this, an attacker could make a victim's browser open the callback with a ticket for the attacker's
own account, and the victim would work under the attacker's name (login CSRF).
"""

import secrets

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_KEY = "accounts.cas.pending_logins"
# A person may open the login in several tabs and finish any of them; the bound keeps the session
# small when someone opens the login page over and over without finishing.
MAX_PENDING = 5


def service_url(request, next_url, state, *, gateway=False):
    """The callback URL that CAS sends the person back to, with ``next`` and the login's state inside it
    (and ``gateway=1`` for a login without a click, which may come back without a ticket).

    The callback builds it again from its own query to validate the ticket: the same function on
    the same ``next``, state and gateway flag gives the very URL the ticket was issued for.
    """
    url = request.build_absolute_uri(reverse("cas_callback"))
    query = {"next": next_url, "state": state} if next_url else {"state": state}
    if gateway:
        query["gateway"] = "1"
    return f"{url}?{urlencode(query)}"


def safe_next_url(request, next_url):
    """``next`` when it stays on this site, else the empty string."""
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if next_url and allowed else ""


def start_login(session):
    """Returns a new random state, kept in ``session`` until it is used.

    Only the ``MAX_PENDING`` latest states are kept: starting one more forgets the oldest.
    """
    state = secrets.token_urlsafe(32)
    session[SESSION_KEY] = [*pending_states(session), state][-MAX_PENDING:]
    return state


def finish_login(session, state):
    """Forgets ``state`` and says whether ``session`` had started it.

    False when ``state`` is empty, unknown to this session, or already used; nothing is raised.
    """
    states = pending_states(session)
    # Compared as bytes: compare_digest refuses str that are not ASCII, and `state` is typed by anyone.
    found = [kept for kept in states if state and secrets.compare_digest(kept.encode(), state.encode())]
    if not found:
        return False
    session[SESSION_KEY] = [kept for kept in states if kept not in found]
    return True


def pending_states(session):
    states = session.get(SESSION_KEY)
    return [state for state in states if isinstance(state, str)] if isinstance(states, list) else []
