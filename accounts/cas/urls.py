"""The ENT login's URLs. allauth includes them under its own prefix, as for every provider."""

from django.conf import settings
from django.urls import path

from accounts.cas import views

# Without a CAS server configured there is no ENT login: no URL, and no button on the home page.
urlpatterns = (
    [
        path("cas/login/", views.login, name="cas_login"),
        path("cas/callback/", views.callback, name="cas_callback"),
    ]
    if settings.CAS_SERVER_URL
    else []
)
