"""Settings of the portal, all read from the environment (see README.md, "Configuration").

With nothing configured the portal runs as a demo: DEBUG on, SQLite in var/, mail written as
.eml files into var/mail/, Celery tasks run in-process. DJANGO_PROFILE=production turns DEBUG
off and requires a secret key and the allowed hosts.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from helpdesk.database import session_options
from helpdesk.origins import parse_origins

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

PROFILE = env.str("DJANGO_PROFILE", default="demo")
if PROFILE not in {"demo", "production"}:
    raise ImproperlyConfigured("DJANGO_PROFILE must be 'demo' or 'production'.")
PRODUCTION = PROFILE == "production"
# The demo (tickets.demo: its data, its mailbox, its CAS server) is installed and routed in the demo only.
DEMO = not PRODUCTION

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # DEBUG shows settings and code on every error page: never on a portal people use.
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on in the production profile.")
VAR_DIR = Path(env.str("ASSISTANCE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="demo-only-key-never-used-in-production-0123456789abcdef")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The institution the portal serves, shown in the header, the login button and the mails.
INSTITUTION_NAME = env.str("ASSISTANCE_INSTITUTION_NAME", default="Université de Lorraine")
SITE_NAME = _("Assistance")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "treebeard",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "accounts",
    "accounts.cas",
    "tickets",
]
if DEMO:
    INSTALLED_APPS.append("tickets.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # frame-ancestors for the ENT's origins, if any (helpdesk/framing.py).
    "helpdesk.framing.ENTFrameMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.portal",
                "accounts.context_processors.login_options",
                "tickets.menu.menu",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another (postgres://user@host:5432/name).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'assistance.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    work_mem = env.str("ASSISTANCE_DATABASE_WORK_MEM", default="16MB")
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", session_options(work_mem))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite ignores the covering columns (INCLUDE) of the statistics' indexes: they serve PostgreSQL only.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Local accounts' passwords: Argon2 (memory-hard), at a fraction of PBKDF2's CPU per login; hashes made
# by the others still verify and are rehashed with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Local accounts (people outside the ENT): login by login name or mail, verified mail.
# ASSISTANCE_LOCAL_ACCOUNTS=false leaves the ENT (CAS) as the only way in.
LOCAL_ACCOUNTS = env.bool("ASSISTANCE_LOCAL_ACCOUNTS", default=True)
ACCOUNT_LOGIN_METHODS = {"username", "email"}
# Sign-up asks for an address and no login: the address becomes the login, which no ENT login can be
# (accounts/adapter.py).
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ALLOW_REGISTRATION = LOCAL_ACCOUNTS and env.bool("ASSISTANCE_LOCAL_SIGNUP", default=True)
ACCOUNT_ADAPTER = "accounts.cas.adapter.CASAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Assistance] "
# Failed logins: five in five minutes from one address, and five for one login name.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
# How many reverse proxies in front of the portal append the client's address to X-Forwarded-For: the
# limits above count each person by the address the farthest of them saw (0: the connection's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ASSISTANCE_TRUSTED_PROXIES", default=0)
if not LOCAL_ACCOUNTS:
    # allauth's switch for "no local login": no password form, no sign-up, no password reset.
    SOCIALACCOUNT_ONLY = True
    ACCOUNT_EMAIL_VERIFICATION = "none"

# ENT login through the university's CAS server (accounts/cas/). The demo runs its own CAS server
# on ASSISTANCE_CAS_PORT; in production the ENT login is there once ASSISTANCE_CAS_SERVER_URL is set.
CAS_DEMO_PORT = env.int("ASSISTANCE_CAS_PORT", default=8001)
CAS_SERVER_URL = env.str(
    "ASSISTANCE_CAS_SERVER_URL", default="" if PRODUCTION else f"http://127.0.0.1:{CAS_DEMO_PORT}/"
)
CAS_VERSION = env.int("ASSISTANCE_CAS_VERSION", default=3)
if CAS_VERSION not in {2, 3}:
    raise ImproperlyConfigured("ASSISTANCE_CAS_VERSION must be 2 or 3.")
CAS_TIMEOUT = env.float("ASSISTANCE_CAS_TIMEOUT", default=10)
# The CAS attributes that fill the user's fields; all attributes are kept in User.attributes too.
CAS_ATTRIBUTES = {
    "display_name": env.str("ASSISTANCE_CAS_ATTRIBUTE_DISPLAY_NAME", default="displayName"),
    "first_name": env.str("ASSISTANCE_CAS_ATTRIBUTE_FIRST_NAME", default="givenName"),
    "last_name": env.str("ASSISTANCE_CAS_ATTRIBUTE_LAST_NAME", default="sn"),
    "email": env.str("ASSISTANCE_CAS_ATTRIBUTE_EMAIL", default="mail"),
    "affiliation": env.str("ASSISTANCE_CAS_ATTRIBUTE_AFFILIATION", default="eduPersonAffiliation"),
}
# The ENT vouches for its people and their addresses: no mail to confirm before a first login.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
if not CAS_SERVER_URL and not LOCAL_ACCOUNTS:
    raise ImproperlyConfigured(
        "ASSISTANCE_LOCAL_ACCOUNTS is off and ASSISTANCE_CAS_SERVER_URL is empty: nobody could log in."
    )

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("ASSISTANCE_TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("ASSISTANCE_STATIC_ROOT", default=str(VAR_DIR / "static")))
# Uploaded files live outside any public URL: only views that check permissions serve them.
MEDIA_ROOT = Path(env.str("ASSISTANCE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Limits of attached files (tickets.attachments): bytes per file, bytes and number of the files of one
# ticket (the number also bounds what one deposit costs to check), and pixels of an image, so that a small
# file that unpacks into a huge bitmap is refused.
MAX_FILE_SIZE = env.int("ASSISTANCE_MAX_FILE_SIZE", default=10 * 1024 * 1024)
MAX_TICKET_FILES_SIZE = env.int("ASSISTANCE_MAX_TICKET_FILES_SIZE", default=50 * 1024 * 1024)
MAX_FILES_PER_TICKET = env.int("ASSISTANCE_MAX_FILES_PER_TICKET", default=10)
MAX_IMAGE_PIXELS = env.int("ASSISTANCE_MAX_IMAGE_PIXELS", default=40_000_000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Mail: .eml files in var/mail/ unless ASSISTANCE_SMTP_HOST names an SMTP server.
DEFAULT_FROM_EMAIL = env.str("ASSISTANCE_FROM_EMAIL", default="assistance@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAIL_DIR = Path(env.str("ASSISTANCE_MAIL_DIR", default=str(VAR_DIR / "mail")))
if env.str("ASSISTANCE_SMTP_HOST", default=""):
    smtp_security = env.str("ASSISTANCE_SMTP_SECURITY", default="starttls")
    if smtp_security not in {"none", "starttls", "ssl"}:
        raise ImproperlyConfigured("ASSISTANCE_SMTP_SECURITY must be 'none', 'starttls' or 'ssl'.")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("ASSISTANCE_SMTP_HOST"),
                "port": env.int("ASSISTANCE_SMTP_PORT", default=587 if smtp_security == "starttls" else 25),
                "username": env.str("ASSISTANCE_SMTP_USER", default=""),
                "password": env.str("ASSISTANCE_SMTP_PASSWORD", default=""),
                "use_tls": smtp_security == "starttls",
                "use_ssl": smtp_security == "ssl",
                "timeout": 30,
            },
        }
    }
elif PRODUCTION:
    # Mail written to files would reach nobody, without a word: production needs its SMTP server.
    raise ImproperlyConfigured("The production profile sends mail through SMTP: set ASSISTANCE_SMTP_HOST.")
else:
    MAILERS = {
        "default": {
            # Another backend taking the same options may stand in (the delivery tests slow it down).
            "BACKEND": env.str("ASSISTANCE_MAIL_BACKEND", default="helpdesk.mail.EmlFileBackend"),
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }

# Action links of mails (approve or refuse a closure, answer a question) expire after this many days.
ACTION_LINK_DAYS = env.int("ASSISTANCE_ACTION_LINK_DAYS", default=30)

# Mail notifications (tickets.notifications): the portal's address as the mails link it, no trailing slash.
SITE_URL = env.str("ASSISTANCE_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Actions on one ticket this many seconds apart go to a recipient in one mail; 0 sends one mail per action.
# A grouped mail is sent by a worker once its time has come (in-process, only the sweep sends it).
MAIL_GROUP_SECONDS = env.int("ASSISTANCE_MAIL_GROUP_SECONDS", default=0)
# Tries after the first failure, and the wait before the first retry (doubled at each try, at most an hour).
MAIL_MAX_RETRIES = env.int("ASSISTANCE_MAIL_MAX_RETRIES", default=5)
MAIL_RETRY_SECONDS = env.int("ASSISTANCE_MAIL_RETRY_SECONDS", default=30)
# The sweep re-queues a mail still waiting this many seconds after it was due (its task got lost), and
# one left "sending" for this many minutes (its worker died). The latter must exceed the SMTP timeout.
MAIL_SWEEP_GRACE_SECONDS = env.int("ASSISTANCE_MAIL_SWEEP_GRACE_SECONDS", default=60)
MAIL_ABANDONED_AFTER_MINUTES = env.int("ASSISTANCE_MAIL_ABANDONED_AFTER_MINUTES", default=15)
# The Celery queue of mail delivery; empty: Celery's default queue.
MAIL_QUEUE = env.str("ASSISTANCE_MAIL_QUEUE", default="")

# Mail in (tickets.mailin): replies to the mails, and mail to a service's address, become history entries and
# tickets. Mails carry a Reply-To of this address with a signed tag (assistance+<tag>@domain): the mailbox
# must receive the "+" addresses. Empty: no Reply-To and no gateway (the default in production).
MAIL_IN_ADDRESS = env.str("ASSISTANCE_MAIL_IN_ADDRESS", default="" if PRODUCTION else DEFAULT_FROM_EMAIL)
# The IMAP mailbox that beat polls every minute; without a host, only `manage.py receive_mail` (an MTA's
# pipe) brings mail in.
MAIL_IN_IMAP_HOST = env.str("ASSISTANCE_MAIL_IN_IMAP_HOST", default="")
MAIL_IN_IMAP_SECURITY = env.str("ASSISTANCE_MAIL_IN_IMAP_SECURITY", default="ssl")
if MAIL_IN_IMAP_SECURITY not in {"none", "starttls", "ssl"}:
    raise ImproperlyConfigured("ASSISTANCE_MAIL_IN_IMAP_SECURITY must be 'none', 'starttls' or 'ssl'.")
MAIL_IN_IMAP_PORT = env.int("ASSISTANCE_MAIL_IN_IMAP_PORT", default=993 if MAIL_IN_IMAP_SECURITY == "ssl" else 143)
MAIL_IN_IMAP_USER = env.str("ASSISTANCE_MAIL_IN_IMAP_USER", default="")
MAIL_IN_IMAP_PASSWORD = env.str("ASSISTANCE_MAIL_IN_IMAP_PASSWORD", default="")
MAIL_IN_IMAP_FOLDER = env.str("ASSISTANCE_MAIL_IN_IMAP_FOLDER", default="INBOX")
# Where a message that could not be processed is moved, with the reason in a header.
MAIL_IN_IMAP_FAILED_FOLDER = env.str("ASSISTANCE_MAIL_IN_IMAP_FAILED_FOLDER", default="Assistance-echecs")
MAIL_IN_IMAP_TIMEOUT = env.int("ASSISTANCE_MAIL_IN_IMAP_TIMEOUT", default=30)
# Messages read in one poll at most; the rest wait for the next minute.
MAIL_IN_BATCH = env.int("ASSISTANCE_MAIL_IN_BATCH", default=100)
# Where `receive_mail` keeps a message it could not process (the IMAP poller moves it to the folder above).
MAIL_IN_FAILED_DIR = Path(env.str("ASSISTANCE_MAIL_IN_FAILED_DIR", default=str(VAR_DIR / "mail-in-failed")))
# A larger message is refused, unread, with an answer saying so.
MAIL_IN_MAX_BYTES = env.int("ASSISTANCE_MAIL_IN_MAX_BYTES", default=50 * 1024 * 1024)
# Messages a sender may send in an hour; the next ones are refused (answered once a day).
MAIL_IN_PER_HOUR = env.int("ASSISTANCE_MAIL_IN_PER_HOUR", default=20)

# Celery: tasks run in-process unless CELERY_BROKER_URL names a broker (redis://host:6379/0).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if PRODUCTION and not CELERY_BROKER_URL:
    # In-process tasks would send every mail inside the request of the action that wrote it.
    raise ImproperlyConfigured("The production profile delivers mail through Celery: set CELERY_BROKER_URL.")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL

# The cache holds what the web workers share: the limits on failed logins above all. In production it is
# Redis (the broker's server unless ASSISTANCE_CACHE_URL names another), so that every worker counts the
# same failures and a restart forgets none; the demo keeps it in memory.
CACHE_URL = env.str("ASSISTANCE_CACHE_URL", default=CELERY_BROKER_URL if PRODUCTION else "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# An action queues its mail after commit, in the request: a broker that is down must cost a second at
# most, not the default retries; the mail stays in the outbox for the sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# Scheduled work (tickets.scheduled), run by `celery -A helpdesk beat` in CELERY_TIMEZONE (the portal's time
# zone), or by `manage.py run_scheduled_work` from cron where beat does not run.
# The daily summary lists the open tickets of a service without action for this many days.
SUMMARY_IDLE_DAYS = env.int("ASSISTANCE_SUMMARY_IDLE_DAYS", default=7)
summary_time = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", env.str("ASSISTANCE_SUMMARY_TIME", default="07:00"))
if summary_time is None:
    raise ImproperlyConfigured("ASSISTANCE_SUMMARY_TIME must be a time of day such as 07:00.")
try:
    summary_schedule = crontab(
        hour=int(summary_time[1]),
        minute=int(summary_time[2]),
        day_of_week=env.str("ASSISTANCE_SUMMARY_DAYS", default="mon-fri"),
    )
except ValueError as error:
    raise ImproperlyConfigured("ASSISTANCE_SUMMARY_DAYS must be days of the week such as mon-fri or *.") from error
EXPIRE_EVERY_MINUTES = env.int("ASSISTANCE_EXPIRE_EVERY_MINUTES", default=60)
RECALL_EVERY_MINUTES = env.int("ASSISTANCE_RECALL_EVERY_MINUTES", default=5)
if EXPIRE_EVERY_MINUTES < 1 or RECALL_EVERY_MINUTES < 1:
    raise ImproperlyConfigured("ASSISTANCE_EXPIRE_EVERY_MINUTES and ASSISTANCE_RECALL_EVERY_MINUTES must be 1 or more.")
# A periodic task still waiting when its next run is due is dropped ("expires"): a worker that was down
# then runs each job once, not once per missed period.
# Files accepted on a deposit whose form had an error are kept this long for the person to finish it.
DRAFT_HOURS = env.int("ASSISTANCE_DRAFT_HOURS", default=24)

HOURLY = {"schedule": timedelta(hours=1), "options": {"expires": 3600}}
CELERY_BEAT_SCHEDULE = {
    "expire-closure-requests": {
        "task": "tickets.tasks.expire_closure_requests",
        "schedule": timedelta(minutes=EXPIRE_EVERY_MINUTES),
        "options": {"expires": EXPIRE_EVERY_MINUTES * 60},
    },
    "recall-postponed-tickets": {
        "task": "tickets.tasks.recall_postponed_tickets",
        "schedule": timedelta(minutes=RECALL_EVERY_MINUTES),
        "options": {"expires": RECALL_EVERY_MINUTES * 60},
    },
    # Sent once a day whatever happens: a second run the same day finds the summaries already written.
    "send-daily-summaries": {
        "task": "tickets.tasks.send_daily_summaries",
        "schedule": summary_schedule,
    },
    "forget-abandoned-drafts": {"task": "tickets.tasks.forget_abandoned_drafts", **HOURLY},
    # Historique keeps each person's last 25 tickets; a visit only writes its row.
    "forget-old-views": {"task": "tickets.tasks.forget_old_views", **HOURLY},
    "sweep-outbox": {
        "task": "tickets.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    },
}
if MAIL_IN_IMAP_HOST:
    CELERY_BEAT_SCHEDULE["receive-mail"] = {
        "task": "tickets.mailin.tasks.receive_mail",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 60},
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

SESSION_COOKIE_NAME = "assistance_sessionid"
LANGUAGE_COOKIE_NAME = "assistance_language"
CSRF_COOKIE_NAME = "assistance_csrftoken"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# The ENT's "Assistance" tab (README.md, "ENT tab"): the origins (scheme://host[:port]) allowed to frame the
# portal and to read the tab's counter. None by default: the portal then refuses every frame.
ENT_ORIGINS = parse_origins(env.list("ASSISTANCE_ENT_ORIGINS", default=[]), "ASSISTANCE_ENT_ORIGINS")
# Where the portlet's links open: in the ENT's frame ("_self") or in a new tab ("_blank").
ENT_LINK_TARGET = env.str("ASSISTANCE_ENT_LINK_TARGET", default="_self")
if ENT_LINK_TARGET not in {"_self", "_blank"}:
    raise ImproperlyConfigured("ASSISTANCE_ENT_LINK_TARGET must be '_self' or '_blank'.")
# The portlet tries a CAS gateway (a login without a click for a person logged in to the ENT) once per session.
ENT_GATEWAY = env.bool("ASSISTANCE_ENT_GATEWAY", default=True)
# The demo ENT page's port (tickets/demo/ent.py), started with the demo.
ENT_DEMO_PORT = env.int("ASSISTANCE_ENT_PORT", default=8002)
# SameSite of the portal's cookies. "None" lets them reach a frame whose ENT is on another site (another
# registrable domain) than the portal; browsers then require them Secure, which they become (HTTPS only).
COOKIE_SAMESITE = env.str("ASSISTANCE_COOKIE_SAMESITE", default="Lax")
if COOKIE_SAMESITE not in {"Lax", "Strict", "None"}:
    raise ImproperlyConfigured("ASSISTANCE_COOKIE_SAMESITE must be 'Lax', 'Strict' or 'None'.")
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = COOKIE_SAMESITE
if COOKIE_SAMESITE == "None":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: only the portal's own files, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The rich-text editor adds its base styles in a <style> element that carries the page's nonce.
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if CAS_SERVER_URL:
    # Logging out through the ENT is a form whose redirect ends on the CAS server: form-action
    # covers a form's redirects too.
    SECURE_CSP["form-action"].append("{0.scheme}://{0.netloc}".format(urlsplit(CAS_SERVER_URL)))

if PRODUCTION:
    # Static files are served by the portal itself, compressed and cached for ever by their hash.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The load balancer polls the health page over plain HTTP, behind the proxy's HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("ASSISTANCE_LOG_LEVEL", default="INFO")},
}
