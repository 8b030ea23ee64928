"""Settings for iro, read from the environment.

Safe defaults run the embedded demo (SQLite in ``var/``); production sets
``IRO_ENV=production`` and must then provide a secret key and allowed hosts.
A bad value fails loudly at start-up rather than half-working.
"""

from __future__ import annotations

import os
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
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
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
    "axes.middleware.AxesMiddleware",
    "iro.access.read_log.ReadLogMiddleware",
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
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'iro.sqlite3'}",
        conn_max_age=int(os.environ.get("IRO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + synchronous=FULL: a committed record survives a power cut; IMMEDIATE
    # transactions take the write lock up front so concurrent writers wait
    # instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
DATABASES["default"].setdefault("TEST", {})
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses demo-* usernames outright under production settings.
    "iro.demo.guard.RefuseDemoLoginsBackend",
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    }
}
# --- end sign-in lockout -------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
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

EMAIL_BACKEND = os.environ.get(
    "IRO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("IRO_FROM_EMAIL", "iro-service@northmoor.example")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IRO_LOG_LEVEL", "WARNING")},
}
