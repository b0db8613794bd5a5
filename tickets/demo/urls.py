"""The demo's pages, routed by ``helpdesk.urls`` in the demo profile only."""

from django.urls import path

from tickets.demo import mailbox

urlpatterns = [
    path("demo/courriels/", mailbox.mailbox, name="demo_mailbox"),
    path("demo/courriels/<str:name>/", mailbox.mail, name="demo_mail"),
    path("demo/courriels/<str:name>/repondre/", mailbox.reply, name="demo_mail_reply"),
]
