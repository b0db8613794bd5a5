"""Who may frame the portal: nobody by default (X-Frame-Options: DENY, CSP frame-ancestors 'none'), or the
ENT's origins (settings.ENT_ORIGINS) when they are set, for its "Assistance" tab."""

from django.conf import settings


class ENTFrameMiddleware:
    """Placed after the X-Frame-Options and CSP middlewares, so that it hands them the response first.

    With ENT origins, X-Frame-Options (which cannot name an origin) is left out and frame-ancestors lists
    them: every current browser obeys frame-ancestors before X-Frame-Options anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.ENT_ORIGINS and not hasattr(response, "_csp_config"):
            response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": list(settings.ENT_ORIGINS)}
            response.xframe_options_exempt = True
        return response
