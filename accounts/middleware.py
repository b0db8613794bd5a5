from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Speaks a logged-in user's preferred language when the browser has not chosen one yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language in dict(settings.LANGUAGES)
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
