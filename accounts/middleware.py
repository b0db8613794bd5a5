from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_for(request):
    """The language a page speaks: the one chosen in this browser, else the user's preference, else French.

    The browser's Accept-Language is not followed: the portal is French first, and English is a
    choice made with the language switch or in the preferences.
    """
    available = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in available:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in available:
        return user.language
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
