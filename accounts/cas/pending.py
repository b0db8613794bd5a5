"""The ENT logins a browser started: one-time random states kept in its session.

The login puts a state in the service URL, and CAS validates a ticket only for the exact service URL
it was issued for: a ticket is thus bound to the browser whose session holds its state. Without
this, an attacker could make a victim's browser open the callback with a ticket for the attacker's
own account, and the victim would work under the attacker's name (login CSRF).
"""

import secrets

SESSION_KEY = "accounts.cas.pending_logins"
# A person may open the login in several tabs and finish any of them; the bound keeps the session
# small when someone opens the login page over and over without finishing.
MAX_PENDING = 5


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
