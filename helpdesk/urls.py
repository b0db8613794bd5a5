from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", include("tickets.urls")),
    path("preferences/", account_views.preferences, name="preferences"),
    path("langue/", account_views.set_language, name="set_language"),
    path("comptes/", include("allauth.urls")),
    path("administration/", admin.site.urls),
]
