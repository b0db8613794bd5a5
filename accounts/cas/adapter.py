from allauth.utils import build_absolute_uri
from django.conf import settings
from django.urls import reverse

from accounts.adapter import AccountAdapter
from accounts.cas import client, services
from accounts.selectors import is_ent_account


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

    def send_password_reset_mail(self, user, email, context):
        """Mails the reset key, or, to an account the ENT made, no key but the way in: through the ENT.

        The page answers the same either way, so that nobody learns which kind of account an address has.
        """
        if not is_ent_account(user):
            return super().send_password_reset_mail(user, email, context)
        login_url = build_absolute_uri(self.request, reverse("account_login"))
        context = {"user": user, "login_url": login_url, "institution_name": settings.INSTITUTION_NAME}
        return self.send_mail("account/email/password_reset_ent", email, context)
