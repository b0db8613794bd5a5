"""The language switch, and how the chosen language is remembered (the Préférences page reuses it)."""

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def remember_language(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def safe_next(request, fallback="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def set_language(request):
    """Switches the interface language; kept in a cookie, and in the preferences of a logged-in user."""
    language = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return remember_language(response, language)
