import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tickets.demo import ent
from tickets.demo.cas_server import start_for_demo


class Command(BaseCommand):
    help = "Migrates, loads the demo data and runs the portal until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        if not settings.DEBUG:
            raise CommandError("The demo runs with DEBUG on only (unset DJANGO_PROFILE=production).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo_data", stdout=self.stdout)
        url = f"http://{host}:{port}/"
        if "ASSISTANCE_SITE_URL" not in os.environ:
            # The mails' links lead to the demo, whatever port it runs on.
            settings.SITE_URL = url.rstrip("/")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Assistance is running on {url}"))
        mailer = settings.MAILERS["default"]
        mailbox = mailer["OPTIONS"].get("file_path") or f"the SMTP server {mailer['OPTIONS'].get('host')}"
        self.stdout.write(f"Mail is written as .eml files into {mailbox}, listed on {url}demo/courriels/")
        cas_server = start_for_demo(self.stdout)
        ent_server = ent.start_for_demo(self.stdout, portal_url=url) if cas_server else None
        self.stdout.write("Press Ctrl+C to stop.")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        finally:
            if ent_server:
                ent_server.stop()
            if cas_server:
                cas_server.stop()
