from django.conf import settings

from accounts.adapter import AccountAdapter
from accounts.cas import client, services


class CASAccountAdapter(AccountAdapter):
    """Local accounts as before; a person who came in through CAS leaves through CAS.

    Leaving the portal alone would leave the CAS session open: the next "Connexion" would log the
    person straight back in, and on a shared computer, the next person as them.
    """

    def get_logout_redirect_url(self, request):
        url = super().get_logout_redirect_url(request)
        if settings.CAS_SERVER_URL and request.session.get(services.SESSION_FLAG):
            return client.logout_url(request.build_absolute_uri(url))
        return url
