"""The Celery application: broker and options come from the Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The scheduled jobs (tickets.tasks), the mail delivery (tickets.notifications.tasks), the thumbnails of
# attached images (tickets.attachments.tasks) and of FAQ images (tickets.faq.tasks), and the mail gateway's
# poll (tickets.mailin.tasks).
app.autodiscover_tasks(["tickets", "tickets.notifications", "tickets.attachments", "tickets.faq", "tickets.mailin"])
