import os

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # The in-memory SQLite test database is one connection shared with the live server: requests
        # served at the same time from several threads would trip over it. One request at a time.
        from django.core.servers.basehttp import WSGIServer
        from django.test.testcases import LiveServerThread

        class OneRequestAtATime(WSGIServer):
            def __init__(self, *args, connections_override=None, **kwargs):
                # The live server's thread already uses the overridden connections.
                super().__init__(*args, **kwargs)

        LiveServerThread.server_class = OneRequestAtATime


# Playwright's synchronous API runs an event loop in the test's thread; the live server and
# the test's own database calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_FLAGS,
    }


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def log_in(page, base_url, username, password="demo"):
    """Logs in through the local account form, as a person outside the ENT would."""
    page.goto(f"{base_url}/comptes/login/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.get_by_text("Bonjour,").wait_for()
