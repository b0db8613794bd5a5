from django.urls import path

from tickets.views import bookmarks, dashboard, deposit, faq, files, links, pages, preferences, search, ticket

urlpatterns = [
    path("", pages.home, name="home"),
    path("aide/", pages.help_page, name="help"),
    path("services/", pages.services, name="services"),
    path("utilitaires/", pages.utilities, name="utilities"),
    path("ticket/<int:number>/", ticket.ticket_detail, name="ticket"),
    path("ticket/acces/", ticket.ticket_access, name="ticket_access"),
    path("fichiers/<str:token>/", files.attachment, name="attachment"),
    path("fichiers/<str:token>/vignette/", files.attachment, {"thumbnail": True}, name="attachment_thumbnail"),
    path("ticket/<int:number>/fichiers/<str:token>/supprimer/", files.remove_attachment, name="remove_attachment"),
    *ticket.urlpatterns,
    *dashboard.urlpatterns,
    *bookmarks.urlpatterns,
    *deposit.urlpatterns,
    *links.urlpatterns,
    *faq.urlpatterns,
    *preferences.urlpatterns,
    *search.urlpatterns,
]
