"""The CAS gateway: a login without a click for a person already logged in to the ENT's CAS.

CAS's login URL with ``gateway=true`` sends the browser back to the portal at once: with a ticket when the
person has a CAS session (the callback then logs them in, as for the login button), without one otherwise
(the callback then sends them to the page they asked for, as a visitor). Never a loop: the attempt is
remembered in the session, and the way back carries ``DONE_PARAMETER`` too, for a browser that keeps no
cookie in the ENT's frame.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import redirect, resolve_url

from accounts.cas import client, pending

SESSION_KEY = "accounts.cas.gateway_tried"
# Added to the page's address when the gateway came back without a login: no second attempt from there.
DONE_PARAMETER = "sans_passerelle"


def should_try(request):
    """Whether this request is one to try the gateway on: a visitor's GET, gateway on, not tried yet."""
    return bool(
        settings.CAS_SERVER_URL
        and settings.ENT_GATEWAY
        and request.method == "GET"
        and not request.user.is_authenticated
        and DONE_PARAMETER not in request.GET
        and not request.session.get(SESSION_KEY)
    )


def attempt(request):
    """A redirect to the CAS gateway for this request's page, or None when it is not to be tried.

    The attempt is recorded before anything else; a CAS server that does not answer (checked within a
    second) leaves the person on the page as a visitor rather than on a browser error in the ENT's frame.
    """
    if not should_try(request):
        return None
    request.session[SESSION_KEY] = True
    if not client.reachable():
        return None
    state = pending.start_login(request.session)
    service = pending.service_url(request, request.get_full_path(), state, gateway=True)
    return redirect(client.gateway_url(service))


def page_without_login(next_url):
    """Where the gateway's way back leads a person it did not log in: their page, marked as tried."""
    page = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
    separator = "&" if "?" in page else "?"
    return f"{page}{separator}{DONE_PARAMETER}=1"


def gateway_view(view):
    """Decorates a view that a visitor may see (the ENT's tab): tries the gateway first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return attempt(request) or view(request, *args, **kwargs)

    return wrapped
