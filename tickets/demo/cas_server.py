"""Starts and stops the demo CAS server (cas_server/, django-cas-server in .venv-cas).

The demo command runs it beside the portal and the tests start their own; neither is for
production, where the university's CAS server takes its place.
"""

import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

PROJECT_DIR = Path(settings.BASE_DIR) / "cas_server"


class DemoCASServerError(Exception):
    pass


def cas_python():
    """The interpreter of the CAS server's own virtual environment (ASSISTANCE_CAS_PYTHON to change it)."""
    return Path(os.environ.get("ASSISTANCE_CAS_PYTHON") or Path(settings.BASE_DIR) / ".venv-cas" / "bin" / "python")


class DemoCASServer:
    """One demo CAS server process on 127.0.0.1:``port``; a context manager that stops it on exit."""

    def __init__(self, port, *, var_dir, accounts_file=None):
        self.port = port
        self.var_dir = Path(var_dir)
        self.accounts_file = accounts_file
        self.log_path = self.var_dir / "cas-server.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout=60):
        """Starts the server and waits until its login page answers; raises DemoCASServerError."""
        python = cas_python()
        if not python.exists():
            raise DemoCASServerError(
                f"{python} is missing: the demo CAS server runs in its own virtual environment. "
                "Create it with: bash -c 'source scripts/setup.sh && ensure_cas_venv'"
            )
        self.var_dir.mkdir(parents=True, exist_ok=True)
        # The portal's own settings module and paths must not leak into the CAS server's Django.
        env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
        env["CAS_DEMO_VAR_DIR"] = str(self.var_dir)
        if self.accounts_file:
            env["CAS_DEMO_ACCOUNTS"] = str(self.accounts_file)
        command = [str(python), "manage.py", "servecas", "--port", str(self.port), "--exit-with-parent"]
        with open(self.log_path, "ab") as log:
            # A session of its own: Ctrl+C in the terminal reaches the portal, which stops this server
            # itself once the portal has stopped.
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.wait_until_ready(timeout)
        return self

    def wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DemoCASServerError(f"the demo CAS server stopped at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}login", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise DemoCASServerError(f"the demo CAS server did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def configured_for_demo():
    """Whether the portal's CAS server URL is the demo server's (so the demo command must start it)."""
    parts = urlsplit(settings.CAS_SERVER_URL)
    return parts.hostname in {"127.0.0.1", "localhost"} and parts.port == settings.CAS_DEMO_PORT


def start_for_demo(stdout):
    """Starts the demo CAS server for the demo command when the portal points to it; returns it or None."""
    if not configured_for_demo():
        if settings.CAS_SERVER_URL:
            stdout.write(f"ENT login through the CAS server {settings.CAS_SERVER_URL}")
        return None
    server = DemoCASServer(settings.CAS_DEMO_PORT, var_dir=Path(settings.VAR_DIR) / "cas")
    try:
        server.start()
    except DemoCASServerError as error:
        stdout.write(f"The ENT login is unavailable: {error}")
        return None
    stdout.write(
        f"ENT login through the demo CAS server on {server.url} (logins seclier5, gest-scol, admin…, "
        f"password demo; its log: {server.log_path})"
    )
    return server
