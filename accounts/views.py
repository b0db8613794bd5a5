"""The language switch, and how the chosen language is remembered (the Préférences page reuses it); the
administration's login; the password pages, closed to the accounts the ENT made."""

from functools import wraps

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import ENT_ACCOUNT_HAS_NO_PASSWORD
from accounts.selectors import is_ent_account


def remember_language(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
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


def admin_login(request, extra_context=None):
    """The administration's login is the portal's own (the ENT, or a local account with its limits on
    failed attempts): the administration's password form, which limits nothing, never receives one.
    A staff member already logged in goes on; anyone else logged in is refused."""
    target = safe_next(request, fallback=reverse("admin:index"))
    if not request.user.is_authenticated:
        return redirect_to_login(target, login_url=reverse("account_login"))
    if not request.user.is_staff:
        raise PermissionDenied
    return redirect(target)


def closed_to_ent_accounts(view):
    """``view``, except for an account the ENT made: a page (403) that says its password is the ENT's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and is_ent_account(request.user):
            context = {"message": ENT_ACCOUNT_HAS_NO_PASSWORD}
            return render(request, "accounts/ent_account_password.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper


# allauth would let an account the ENT made set a password of its own, which would outlive the ENT account.
password_change = closed_to_ent_accounts(allauth_views.password_change)
password_set = closed_to_ent_accounts(allauth_views.password_set)
