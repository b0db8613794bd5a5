from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from accounts.cas import views as cas_views
from helpdesk.health import health

# The administration asks for no password of its own (accounts.views.admin_login).
admin.site.login = account_views.admin_login

urlpatterns = [
    path("", include("tickets.urls")),
    path("langue/", account_views.set_language, name="set_language"),
    # allauth brings the ENT login's URLs in with its own (accounts/cas/urls.py), as for any provider.
    path("comptes/", include("allauth.urls")),
    path("administration/", admin.site.urls),
    path("sante/", health, name="health"),
]

if settings.LOCAL_ACCOUNTS:
    # allauth's password pages, closed to the accounts the ENT made (their password is the ENT's).
    urlpatterns[:0] = [
        path("comptes/password/change/", account_views.password_change),
        path("comptes/password/set/", account_views.password_set),
    ]
else:
    # The ENT is the only way in: the login page, and every link to it, goes straight to CAS.
    urlpatterns.insert(0, path("comptes/login/", cas_views.login))

if settings.DEMO:
    # The demo's own pages (its mailbox); a production install has none of them.
    urlpatterns.append(path("", include("tickets.demo.urls")))
