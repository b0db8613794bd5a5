import os
import threading
import time

from cas_server.models import ReplaceAttributName, ServicePattern
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepares the demo CAS server's database and serves it until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="Stop when the process that started this one ends, however it ends.",
        )

    def handle(self, *args, host, port, exit_with_parent, **options):
        call_command("migrate", interactive=False, verbosity=0)
        allow_local_services()
        if exit_with_parent:
            watch_parent()
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True, skip_checks=True)


def allow_local_services():
    """Lets every service of this machine ask for a login, receive all attributes and single logout."""
    pattern, _ = ServicePattern.objects.update_or_create(
        name="Assistance (démo)",
        defaults={"pattern": settings.DEMO_SERVICE_PATTERN, "pos": 100, "single_log_out": True},
    )
    ReplaceAttributName.objects.get_or_create(service_pattern=pattern, name="*", replace="")


def watch_parent():
    # A portal killed without a chance to clean up (SIGKILL, a crashed test run) must not leave its
    # CAS server holding the port: once orphaned, this process is adopted and its parent id changes.
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
