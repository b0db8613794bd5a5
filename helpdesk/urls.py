from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from tickets import views as ticket_views

urlpatterns = [
    path("", ticket_views.home, name="home"),
    path("aide/", ticket_views.help_page, name="help"),
    path("services/", ticket_views.services, name="services"),
    path("utilitaires/", ticket_views.utilities, name="utilities"),
    path("ticket/<int:number>/", ticket_views.ticket_detail, name="ticket"),
    path("ticket/acces/", ticket_views.ticket_access, name="ticket_access"),
    path("fichiers/<str:token>/", ticket_views.attachment, name="attachment"),
    path("fichiers/<str:token>/vignette/", ticket_views.attachment, {"thumbnail": True}, name="attachment_thumbnail"),
    path("preferences/", account_views.preferences, name="preferences"),
    path("langue/", account_views.set_language, name="set_language"),
    path("comptes/", include("allauth.urls")),
    path("administration/", admin.site.urls),
]
