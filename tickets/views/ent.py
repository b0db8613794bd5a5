"""The ENT's "Assistance" tab: the portlet it frames, and the counter of its badge (README.md, "ENT tab")."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_GET

from accounts.cas.gateway import gateway_view
from tickets.portlet import counter, portlet_page


@require_GET
@gateway_view
def portlet(request):
    """A person's open tickets, those waiting for their approval, "Déposer un ticket", and for a manager the
    counts of free tickets and of theirs. A visitor the CAS gateway did not log in gets the login button."""
    context = {"link_target": settings.ENT_LINK_TARGET}
    if request.user.is_authenticated:
        context.update(portlet_page(request.user))
    response = render(request, "tickets/portlet.html", context)
    add_never_cache_headers(response)
    return response


@require_GET
def badge_counter(request):
    """The badge's numbers as JSON, readable by the ENT's origins only (CORS with credentials)."""
    if request.user.is_authenticated:
        response = JsonResponse({"authenticated": True, **counter(request.user)})
    else:
        response = JsonResponse({"authenticated": False})
    origin = request.headers.get("Origin")
    if origin and origin in settings.ENT_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
    patch_vary_headers(response, ["Origin", "Cookie"])
    add_never_cache_headers(response)
    return response


urlpatterns = [
    path("ent/", portlet, name="ent_portlet"),
    path("ent/compteur/", badge_counter, name="ent_counter"),
]
