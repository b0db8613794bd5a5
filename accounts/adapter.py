from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts, for people outside the ENT; the ASSISTANCE_LOCAL_SIGNUP setting closes sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def populate_username(self, request, user):
        """A local account's login is its address (accounts.forms.SignupForm checks it fits).

        ENT logins have no "@": a local account can never take the login of someone's future first ENT
        login, nor be the one a manager's typed ENT login finds. A login already set is kept."""
        if not user.username and user.email:
            user.username = user.email
        super().populate_username(request, user)
