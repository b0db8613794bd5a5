"""The ENT login pages: off to CAS, back from CAS (and CAS's single-logout requests), failures."""

import logging

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.cas import client, gateway, pending, services
from accounts.cas.pending import safe_next_url, service_url
from accounts.cas.provider import CASProvider

logger = logging.getLogger(__name__)

# Why a login failed: the HTTP status and what the person reads.
FAILURES = {
    "missing_ticket": (400, _("Le serveur d'authentification de l'ENT n'a transmis aucun ticket de connexion.")),
    "unknown_state": (
        403,
        _(
            "Cette connexion à l'ENT n'a pas été commencée depuis ce navigateur, ou elle a déjà abouti : "
            "par sécurité, elle est refusée. Connectez-vous de nouveau."
        ),
    ),
    client.CASError.INVALID_TICKET: (
        403,
        _(
            "Votre connexion n'a pas pu être vérifiée : le ticket transmis par l'ENT est invalide, "
            "a expiré ou a déjà été utilisé."
        ),
    ),
    client.CASError.UNREACHABLE: (
        503,
        _("Le serveur d'authentification de l'ENT ne répond pas. Réessayez dans quelques instants."),
    ),
    client.CASError.BAD_RESPONSE: (
        502,
        _(
            "Le serveur d'authentification de l'ENT a fait une réponse incompréhensible. Réessayez dans "
            "quelques instants ; si cela se reproduit, prévenez l'assistance."
        ),
    ),
    "account_conflict": (
        409,
        _(
            "L'identifiant %(username)s est déjà celui d'un compte local de l'assistance. Contactez "
            "l'assistance pour qu'il soit rattaché à votre compte ENT."
        ),
    ),
}


@require_GET
@never_cache
def login(request):
    """Sends the person to the CAS server, which sends them back to the callback with a ticket.

    The service URL carries a new state kept in this browser's session (``pending``): the callback
    accepts only a ticket issued for a login that this browser started.
    """
    next_url = safe_next_url(request, request.GET.get("next", ""))
    state = pending.start_login(request.session)
    return redirect(client.login_url(service_url(request, next_url, state)))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def callback(request):
    """Back from CAS with a ticket (GET): validates it and logs the person in.

    The query's state must be one that this browser's session holds (it is then used up): otherwise
    the ticket is not even validated, and a "Connexion impossible" page answers 403.

    The CAS server also posts its single-logout requests here, to the service URL itself; they come
    without a CSRF token, as CAS defines them.
    """
    if request.method == "POST":
        return single_logout(request)
    ticket = request.GET.get("ticket", "")
    state = request.GET.get("state", "")
    received_next = request.GET.get("next", "")
    silent = request.GET.get("gateway") == "1"
    if silent and not ticket:
        # The gateway's answer for a person who is not logged in to the ENT: the page they asked for, as a visitor.
        pending.finish_login(request.session, state)
        return redirect(gateway.page_without_login(safe_next_url(request, received_next)))
    if not ticket:
        return login_failed(request, "missing_ticket")
    if not pending.finish_login(request.session, state):
        logger.warning("CAS callback with a state this session did not start, or already used")
        if silent:
            return redirect(gateway.page_without_login(safe_next_url(request, received_next)))
        return login_failed(request, "unknown_state")
    # Rebuilt from the query as received: the ticket was issued for this URL, `next` included.
    try:
        identity = client.validate_ticket(ticket, service_url(request, received_next, state, gateway=silent))
        user = services.sync_user(identity)
    except client.CASError as error:
        if silent:
            return redirect(gateway.page_without_login(safe_next_url(request, received_next)))
        return login_failed(request, error.reason)
    except services.AccountConflict as error:
        logger.warning("CAS login %s is a local account's login", error.username)
        return login_failed(request, "account_conflict", username=error.username)
    return log_in(request, user, identity, ticket, safe_next_url(request, received_next))


def log_in(request, user, identity, ticket, next_url):
    # allauth's own social login flow, on a user that already exists: it finds the CAS account,
    # refreshes its attributes and logs the person in as for any other allauth login.
    provider = get_adapter(request).get_provider(request, CASProvider.id)
    sociallogin = provider.sociallogin_from_response(request, identity)
    sociallogin.state["next"] = next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
    response = complete_social_login(request, sociallogin)
    if request.user.is_authenticated and request.user.pk == user.pk:
        request.session[services.SESSION_FLAG] = True
        services.remember_cas_session(request.session, ticket)
    return response


def single_logout(request):
    ticket = client.ticket_from_logout_request(request.POST.get("logoutRequest", ""))
    if ticket is None:
        return HttpResponseBadRequest("A CAS logoutRequest is expected.", content_type="text/plain")
    services.end_cas_session(ticket)
    return HttpResponse("OK", content_type="text/plain")


def login_failed(request, reason, **details):
    status, message = FAILURES[reason]
    retry_url = reverse("cas_login")
    if next_url := safe_next_url(request, request.GET.get("next", "")):
        retry_url = f"{retry_url}?{urlencode({'next': next_url})}"
    context = {"message": message % details if details else message, "reason": reason, "retry_url": retry_url}
    return render(request, "accounts/cas_error.html", context, status=status)
