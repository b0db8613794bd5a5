from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts, for people outside the ENT; the ASSISTANCE_LOCAL_SIGNUP setting closes sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_REGISTRATION
