from django.urls import include, path

# At the root, as a university's CAS server: /login, /logout, /serviceValidate, /p3/serviceValidate.
urlpatterns = [path("", include("cas_server.urls", namespace="cas_server"))]
