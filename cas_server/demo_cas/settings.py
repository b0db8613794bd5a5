"""Settings of the demo CAS server: django-cas-server with the demo accounts of accounts.json.

It stands in for the university's CAS server in the demo and the tests, never in production.
Environment: CAS_DEMO_VAR_DIR (its SQLite database, default var/cas/ of the portal) and
CAS_DEMO_ACCOUNTS (the accounts file, default cas_server/accounts.json).
"""

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PORTAL_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("CAS_DEMO_VAR_DIR") or PORTAL_DIR / "var" / "cas")
VAR_DIR.mkdir(parents=True, exist_ok=True)
DEMO_ACCOUNTS_FILE = Path(os.environ.get("CAS_DEMO_ACCOUNTS") or PROJECT_DIR / "accounts.json")

SECRET_KEY = "demo-cas-server-only-never-used-in-production-0123456789abcdef"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "cas_server",
    "demo_cas",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "demo_cas.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "cas.sqlite3",
        # Logins, validations and single-logout requests of several browsers can overlap.
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

# A browser sends the cookies of 127.0.0.1 to every port: the portal's cookies must not be taken for
# the CAS server's, nor the other way round.
SESSION_COOKIE_NAME = "cas_sessionid"
CSRF_COOKIE_NAME = "cas_csrftoken"
LANGUAGE_COOKIE_NAME = "cas_language"
SESSION_COOKIE_HTTPONLY = True

CAS_AUTH_CLASS = "demo_cas.auth.DemoAccount"
CAS_LOGIN_TEMPLATE = "demo_cas/login.html"
CAS_WARN_TEMPLATE = "demo_cas/warn.html"
CAS_LOGGED_TEMPLATE = "demo_cas/logged.html"
CAS_LOGOUT_TEMPLATE = "demo_cas/logout.html"
# The machine reaches no CDN and no PyPI: no remote style sheet, no "new version" check.
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_INFO_MESSAGES_ORDER = []
CAS_SHOW_SERVICE_MESSAGES = False
CAS_SLO_TIMEOUT = 5

# The services allowed to ask for a login: any port of this machine, as the demo and the tests use.
DEMO_SERVICE_PATTERN = r"^https?://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]+)?/.*$"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
