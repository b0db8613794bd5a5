"""The CAS provider that django-allauth finds in this app (allauth ships none)."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.cas.profile import profile_from


class CASAccount(ProviderAccount):
    def to_str(self):
        return self.account.extra_data.get(settings.CAS_ATTRIBUTES["display_name"]) or self.account.uid


class CASProvider(Provider):
    """The university's CAS server. ``data`` handed to the extract methods is a ``CASIdentity``."""

    id = "cas"
    name = "CAS"
    account_class = CASAccount
    # The server is a setting (CAS_SERVER_URL), not an allauth SocialApp with client keys.
    uses_apps = False
    supports_redirect = True

    def get_login_url(self, request, **kwargs):
        url = reverse("cas_login")
        next_url = kwargs.get("next")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        return HttpResponseRedirect(self.get_login_url(request, next=next_url))

    def extract_uid(self, data):
        return data.username

    def extract_extra_data(self, data):
        return dict(data.attributes)

    def extract_common_fields(self, data):
        fields = profile_from(data)
        return {
            "username": data.username,
            **{name: fields[name] for name in ("first_name", "last_name", "email") if name in fields},
        }

    def extract_email_addresses(self, data):
        email = profile_from(data).get("email")
        # The university vouches for the address it gives.
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []


provider_classes = [CASProvider]
