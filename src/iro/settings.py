"""Settings for iro, read from the environment.

Safe defaults run the embedded demo (SQLite in ``var/``); production sets
``IRO_ENV=production`` and must then provide a secret key and allowed hosts.
A bad value fails loudly at start-up rather than half-working.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IRO_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use true or false")


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}; expected one of {', '.join(choices)}")
    return value


def envint(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number of at least {minimum}")
    return number


def envrate(name: str, default: str) -> str:
    """A request rate such as ``600/hour`` (per second, minute, hour or day)."""
    value = (os.environ.get(name) or default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; use a number per second, minute, hour or day, "
            "e.g. 600/hour"
        )
    return value


IRO_ENV = envchoice("IRO_ENV", "demo", ("demo", "production", "test"))
PRODUCTION = IRO_ENV == "production"

# Demo logins (demo-<role> with one password) exist only outside production:
# the demo command and the demo sign-in shortcut both refuse when this is False.
DEMO_LOGINS_ALLOWED = not PRODUCTION
DEMO_PASSWORD = os.environ.get("IRO_DEMO_PASSWORD", "iro-demo-2026")

SECRET_KEY = os.environ.get("IRO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("IRO_SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-demo-key-never-use-in-production"  # noqa: S105

DEBUG = envbool("IRO_DEBUG", default=False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("IRO_ALLOWED_HOSTS", "").split(",") if h.strip()
] or (["127.0.0.1", "localhost", "testserver"] if not PRODUCTION else [])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("IRO_ALLOWED_HOSTS must be set in production")

# Who may an IRO see? "all": every child known to the service (IROs cover for
# each other); "chaired": only children whose conferences they chair or chaired.
IRO_CHILD_ACCESS = envchoice("IRO_CHILD_ACCESS", "all", ("all", "chaired"))

COUNCIL_NAME = os.environ.get("IRO_COUNCIL_NAME", "Northmoor Council")


def envyears(name: str, default: int) -> int:
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise ImproperlyConfigured(f"{name}={value!r}; expected a whole number of years, 1 to 100")
    return int(value)


# Retention (iro retention, the retention page): a record passes its retention period
# this many years after the later of the child's 18th birthday and its last activity.
# The default keeps every record to the child's 25th birthday at least. Nothing is
# deleted automatically: the report lists records for a person to act on.
IRO_RETENTION_YEARS = envyears("IRO_RETENTION_YEARS", 7)

INSTALLED_APPS = [
    "iro.access.admin_apps.IroAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Widget templates found through TEMPLATES (FORM_RENDERER below), so the project
    # may repair one of Django admin's widgets (templates/admin/widgets).
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",  # before iro.operations, whose admin replaces its task list
    "rest_framework",
    "drf_spectacular",
    "iro.people",
    "iro.access",
    "iro.children",
    "iro.journey",
    "iro.challenge",
    "iro.notices",
    "iro.reports",
    "iro.narrative",
    "iro.census",
    "iro.demo",
    "iro.documents",
    "iro.rights",
    "iro.operations",
    "iro.work",
    "iro.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "iro.access.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iro.demo.guard.RefuseDemoSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "iro.access.middleware.LoginRequiredMiddleware",
    "iro.access.middleware.MethodNotAllowedPage",
    "axes.middleware.AxesMiddleware",
    "iro.access.read_log.ReadLogMiddleware",
    "iro.operations.routers.ReplicaMiddleware",
]

ROOT_URLCONF = "iro.urls"
WSGI_APPLICATION = "iro.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iro.access.context_processors.service",
                "iro.work.context_processors.work",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{VAR_DIR / 'iro.sqlite3'}")}


def conn_max_age(engine: str) -> int:
    """How long (seconds) a process keeps its database connection between requests
    (``IRO_DB_CONN_MAX_AGE``). PostgreSQL's are kept a minute by default: a new one is a
    server process started and its catalogue caches filled, which cost a page of the
    regional dataset 22 ms of the machine's CPU (saturation went from 32 to 52 requests a
    second; docs/performance.md). SQLite's are a file opened: not kept."""
    return envint("IRO_DB_CONN_MAX_AGE", 60 if engine.endswith("postgresql") else 0)


def keep_connections(database: dict) -> None:
    database["CONN_MAX_AGE"] = conn_max_age(database["ENGINE"])
    # A kept connection is checked before a request reuses it, so a database restarted
    # in between costs a reconnection, not an error page.
    database["CONN_HEALTH_CHECKS"] = database["CONN_MAX_AGE"] != 0


keep_connections(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + synchronous=FULL: a committed record survives a power cut; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait
    # instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
# PostgreSQL's JIT compiler is for long analytic queries: on iro's, whose plans look
# costly to the planner (anti-joins over every Section 47), it spent 1.5 s compiling a
# work queue that runs in 50 ms. Off for every connection iro opens.
# random_page_cost 1.1, not the default 4 (which prices a random read for a spinning
# disk): iro's working set is in memory or on SSD, and at 4 the planner hashed whole
# tables where a few thousand index lookups cost a fifth of it (My work on the
# regional dataset: 148 ms at 4, 79 ms at 1.1; docs/performance.md).
POSTGRES_OPTIONS = {"options": "-c jit=off -c random_page_cost=1.1"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
DATABASES["default"].setdefault("TEST", {})
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica for reports and exports (iro.operations.routers): with none set, they
# read the primary. The replica is only ever read; migrations run on the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    keep_connections(DATABASES["replica"])
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).update(POSTGRES_OPTIONS)
    # Tests: the replica is the primary's test database, as a real replica would be.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["iro.operations.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses demo-* usernames outright under production settings.
    "iro.demo.guard.RefuseDemoLoginsBackend",
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The Administrator role's permissions in the admin (no superuser flag needed).
    "iro.access.admin_site.AdministratorBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "iro.access.adapters.NoSignupAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Production requires a second factor for everyone (enforced in access.middleware).
IRO_REQUIRE_MFA = envbool("IRO_REQUIRE_MFA", default=PRODUCTION)


# --- Sign-in lockout (security review, finding 5; see iro/access/signin.py) ---------
# django-axes counts failed sign-ins in the database, so every worker sees the same
# count, per account *and* address: one person's failures never lock out colleagues
# behind the same proxy, and a success resets only that account at that address.
# Wrong second-factor codes count too (MFA_FORMS).
AXES_ENABLED = envbool("IRO_AXES_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "iro.access.signin.lockout_username"
AXES_CLIENT_IP_CALLABLE = "iro.access.signin.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours, from the latest failure
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "iro.access.signin.locked_out_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# How many proxies of the council's, each appending to X-Forwarded-For, stand in front
# of gunicorn. 0: the address is REMOTE_ADDR (the header is not trusted).
IRO_TRUSTED_PROXY_COUNT = envint("IRO_TRUSTED_PROXY_COUNT", 0)
MFA_FORMS = {
    "authenticate": "iro.access.signin.SecondFactorForm",
    "reauthenticate": "iro.access.signin.SecondFactorReauthenticateForm",
}
# axes is the one counter of failed sign-ins; allauth's other rate limits (password
# changes, re-authentication...) live in the database cache, shared by every worker.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "iro_cache",  # made by `iro migrate` (iro.access.apps)
    },
    # Built reports, their charts and PDFs (iro.reports.cache): a table of their own so
    # they never crowd out the sign-in limits above. Made by `iro migrate` too.
    "reports": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "iro_report_cache",
        "TIMEOUT": 60 * 60 * 24,
        "OPTIONS": {"MAX_ENTRIES": 600},
    },
}
# --- end sign-in lockout -------------------------------------------------------------

# --- the API (iro.api) ------------------------------------------------------------
# Tokens or the browser's session; the same capabilities and object rules as the pages
# (the views ask them); one error body (iro.api.errors); counters of the rate limit in
# the default (database) cache, so the limit holds across worker processes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "iro.api.authentication.TokenAuthentication",
        "iro.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["iro.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": envrate("IRO_API_RATE", "600/hour")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "iro.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "iro API",
    "DESCRIPTION": (
        "The IRO service's records for other systems: children, journeys, conferences, "
        "plans, disputes, reports and the CIN census. Authenticate with a token made on "
        "the API tokens page (Authorization: Bearer iro_...)."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConferenceStatusEnum": "iro.journey.models.ConferenceStatus",
        "ActionStatusEnum": "iro.journey.models.ActionStatus",
        "DecisionEnum": "iro.journey.models.Decision",
        "DisputeReasonEnum": "iro.challenge.models.DisputeReason",
        "DisputeOutcomeEnum": "iro.challenge.models.DisputeOutcome",
        "ChallengeOutcomeEnum": "iro.challenge.models.ChallengeOutcome",
    },
}
# --- end the API ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
# The family documents (the plan for the family, the invitation letter) are translated
# into the thirteen languages below through the gettext catalogues in iro/locale
# (docs/languages.md). Staff pages stay in English: no LocaleMiddleware, so a page is
# translated only where a family document asks for its language (translation.override).
LANGUAGES = [
    ("en-gb", "English"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("zh-hans", "Chinese (simplified)"),
    ("fr", "French"),
    ("de", "German"),
    ("hi", "Hindi"),
    ("ms", "Malay"),
    ("pl", "Polish"),
    ("pa", "Punjabi"),
    ("es", "Spanish"),
    ("tr", "Turkish"),
    ("ur", "Urdu"),
    ("cy", "Welsh"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

STATICFILES_DIRS = [BASE_DIR / "static"]
NODE_MODULES = PROJECT_DIR / "node_modules"
if (NODE_MODULES / "govuk-frontend" / "dist" / "govuk").exists():
    STATICFILES_DIRS.append(("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Mail (iro.notices.mail): every message is queued, then sent by the worker ----------
# Production sends over SMTP to the server named here; elsewhere mail is written to files
# in var/mail and the pages say "kept on this machine, not sent". IRO_EMAIL_BACKEND can
# name another Django backend (e.g. ...console.EmailBackend).
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = os.environ.get(
    "IRO_EMAIL_BACKEND",
    SMTP_BACKEND if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Default: a mail relay on this host (localhost:25); otherwise the council's server.
EMAIL_HOST = os.environ.get("IRO_SMTP_HOST", "localhost")
EMAIL_PORT = envint("IRO_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("IRO_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("IRO_SMTP_PASSWORD", "")
# STARTTLS on the plain port (587), or TLS from the first byte (465): one of them at most.
EMAIL_USE_TLS = envbool("IRO_SMTP_STARTTLS", default=False)
EMAIL_USE_SSL = envbool("IRO_SMTP_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set IRO_SMTP_STARTTLS or IRO_SMTP_SSL, not both")
EMAIL_TIMEOUT = envint("IRO_SMTP_TIMEOUT", 30, minimum=1)
# How many times a message is tried, and the first pause between tries (doubled each time).
IRO_MAIL_ATTEMPTS = envint("IRO_MAIL_ATTEMPTS", 5, minimum=1)
IRO_MAIL_RETRY_SECONDS = envint("IRO_MAIL_RETRY_SECONDS", 60, minimum=0)
DEFAULT_FROM_EMAIL = os.environ.get("IRO_FROM_EMAIL", "iro-service@northmoor.example")
# The telephone number letters and emails to families give for questions. Outside
# production, a number Ofcom keeps for drama (never anyone's); in production none until
# set, and the letters then give the email address alone.
IRO_SERVICE_PHONE = os.environ.get(
    "IRO_SERVICE_PHONE", "" if PRODUCTION else "01632 960 000"
).strip()
# The address staff open the service at, for links in mail (no trailing slash).
IRO_SITE_URL = os.environ.get("IRO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# --- end mail --------------------------------------------------------------------------

# --- Background work (iro.operations.background; docs/architecture.md) ----------------
# The database backend: a task is a row written in the caller's transaction, run by
# `iro worker` (its own process). Tests run tasks at once in the caller (immediate);
# the worker's own tests switch to the database backend and run a real worker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if IRO_ENV == "test"
        else "django_tasks_db.DatabaseBackend",
    }
}
# The worker records a heartbeat this often; /healthz is unhealthy when the newest
# heartbeat is older than IRO_WORKER_STALE_SECONDS.
IRO_WORKER_HEARTBEAT_SECONDS = envint("IRO_WORKER_HEARTBEAT_SECONDS", 15, minimum=1)
IRO_WORKER_STALE_SECONDS = envint("IRO_WORKER_STALE_SECONDS", 120, minimum=1)
# The worker keeps the reports most read ready (iro.reports.keeping), looking this often
# (0: never); meanwhile a page may be given a copy at most IRO_REPORT_STALE_SECONDS old.
IRO_REPORT_KEEP_SECONDS = envint("IRO_REPORT_KEEP_SECONDS", 20, minimum=0)
# The worker runs at this lower CPU priority (Unix niceness, 0 to 19) than the web
# servers beside it: rebuilding reports after every change must not slow a reader's page.
# (Tests run the worker inside the test process: left at its priority there.)
IRO_WORKER_NICENESS = envint("IRO_WORKER_NICENESS", 0 if IRO_ENV == "test" else 10, minimum=0)
IRO_REPORT_STALE_SECONDS = envint("IRO_REPORT_STALE_SECONDS", 300, minimum=0)
# The largest census file the import page and the API take (bigger: iro cin import).
IRO_CENSUS_UPLOAD_MAX_MB = envint("IRO_CENSUS_UPLOAD_MAX_MB", 200, minimum=1)
# A running census import silent this long has stopped (its worker or command died).
IRO_CENSUS_IMPORT_STALLED_SECONDS = envint("IRO_CENSUS_IMPORT_STALLED_SECONDS", 600, minimum=1)
# A census return made on the census returns page is kept this long for its download,
# then its file dropped (it holds every child of the year): it can be made again.
IRO_CENSUS_RETURN_KEEP_DAYS = envint("IRO_CENSUS_RETURN_KEEP_DAYS", 30, minimum=1)
# --- end background work -----------------------------------------------------------------

# A history row keeps the whole reason given for a change (a text column, not 100
# characters): the child's details page and the family's history show it.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SESSION_COOKIE_HTTPONLY = True
# A signed-in session lasts this long from signing in (or from "Stay signed in"), then is
# signed out with a message (iro.access.session_time); the stored session outlives it a
# little, so the request that finds it over can say so.
IRO_SIGNED_IN_SECONDS = 8 * 60 * 60
SESSION_COOKIE_AGE = IRO_SIGNED_IN_SECONDS + 10 * 60
# ...and sooner when left unused this long (a browser left open on a child's record); 0:
# only the 8 hours. The same warning and "Stay signed in" come five minutes before.
IRO_IDLE_SECONDS = envint("IRO_IDLE_SECONDS", 30 * 60)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy and request size (security review, finding 18) --------
# Written on every response by iro.access.security_headers (its docstring says why
# each source is there). style-src also gets a per-request nonce for the family plan.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # data: the family plan's empty icon
    "font-src": ["'self'"],
    "connect-src": ["'self'"],  # the plain-language check
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The largest legitimate form is a conference record: a sibling group's three texts
# each (iro.text_limits.CONFERENCE_RECORD) and the rest. Longer bodies get a 400 page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000  # bytes
# --- end Content-Security-Policy ----------------------------------------------------
SECURE_REFERRER_POLICY = "same-origin"

# --- HTTPS behind the council's TLS proxy (security review, finding 15) -----------
# Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto (and
# overwrites any value a client sent). Every setting can be changed from the
# environment; the production defaults pass `iro check --deploy` with no warning.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Plain-HTTP requests that reach Django are redirected to HTTPS, except the health
    # check, which a load balancer may call over HTTP on the internal network.
    SECURE_SSL_REDIRECT = envbool("IRO_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("IRO_HSTS_SECONDS", 31536000)
    # The service's own host name and any below it (e.g. iro.council.gov.uk and
    # *.iro.council.gov.uk): never the council's other sites.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("IRO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Says the service may be preloaded; it only takes effect if the council submits its
    # domain to the browsers' preload list, which is the council's decision.
    SECURE_HSTS_PRELOAD = envbool("IRO_HSTS_PRELOAD", default=True)
# --- end HTTPS ---------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "iro.operations.log_filters.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals_on_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("IRO_LOG_LEVEL", "WARNING")},
}
