import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Local accounts, for people outside the ENT; the ASSISTANCE_LOCAL_SIGNUP setting closes sign-up."""

    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def get_client_ip(self, request):
        """The address failed logins are counted by: the client's, as the trusted proxies saw it.

        Behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies (ASSISTANCE_TRUSTED_PROXIES), the address the farthest
        trusted proxy appended to X-Forwarded-For; what the client wrote before it is not believed. A
        request that did not come through them (a header too short or unreadable) counts by its own
        address: an odd header is never an error.
        """
        trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        if trusted > 0 and len(forwarded) >= trusted:
            try:
                return str(ipaddress.ip_address(forwarded[-trusted]))
            except ValueError:
                pass
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 -- a key, not a bind address

    def populate_username(self, request, user):
        """A local account's login is its address (accounts.forms.SignupForm checks it fits).

        ENT logins have no "@": a local account can never take the login of someone's future first ENT
        login, nor be the one a manager's typed ENT login finds. A login already set is kept."""
        if not user.username and user.email:
            user.username = user.email
        super().populate_username(request, user)
