"""Gudang settings. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import database_settings
from config.paths import ASSETS, static_root
from inventory.currencies import is_currency


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# Production sets its own key; only development (DEBUG=1) falls back to a fixed, public one.
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable to a long random value, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (or DEBUG=1 for development only)."
        )
    SECRET_KEY = "django-insecure-gudang-development-key"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "web.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "guardian",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from the package (no CDN)
    "pgtrigger",
    "pghistory",
    "accounts",
    "inventory",
    "crm",
    "layouts",
    "reports",
    "notifications",
    "imports",
    "web",
    "api",
    "history",
]

# The change history (django-pghistory, the `history` app): its triggers sit on other apps'
# tables (and Django's auth tables), so they are installed after every migrate rather than by
# those apps' migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True

# Background jobs (the Django tasks API): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's pages speak the language stored on the user (kept in the session).
    "accounts.language.UserLanguageMiddleware",
    # Who changes what: the signed-in user (and the page) attached to the change history.
    "history.middleware.HistoryMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "web.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the login view's answer first and can replace it with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): only this site's own files, no inline script or style
# (templates keep code in static/js/ and styles in static/css/), no plugins, no framing, forms
# post only here. Bootstrap's CSS draws its small icons (select arrows, check marks, close
# buttons) as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ASSETS / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user, every page needs login

# Django's four checks, saying their messages in Gudang's words (accounts.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes): 5 failed sign-ins for one username from one address lock that
# pair for 15 minutes; another address, or another username, can still sign in. Each refused
# attempt during the lockout starts the 15 minutes again (axes' default). A success clears the
# count. The lockout is shown on the login page itself (accounts.lockout). An administrator
# lifts a lockout early by deleting the "Access attempt" in the admin, or `manage.py axes_reset`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the TLS proxy every request comes from the proxy's address: take the client's address
# from the X-Forwarded-For entry the proxy appended (the right-most one, which a client cannot forge).
if env_bool("BEHIND_TLS_PROXY", False):
    AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_behind_proxy"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Indonesian"))]
LOCALE_PATHS = [ASSETS / "locale"]
# Dates: "2 Dec 2026" on pages, "02/12/2026" in tables (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = static_root()
STATICFILES_DIRS = [ASSETS / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

MESSAGE_TAGS = {40: "danger"}  # messages.ERROR rendered with Bootstrap's alert-danger
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Stock documents and deals default to this currency (an ISO 4217 code); one may name another.
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "IDR").strip().upper()
if not is_currency(DEFAULT_CURRENCY):
    raise ImproperlyConfigured(
        f"DEFAULT_CURRENCY={DEFAULT_CURRENCY!r} is not an ISO 4217 currency code (such as IDR, USD or SGD)."
    )

# The REST API (/api/v1/, the `api` app): JSON only, a token or the browser's session (with
# CSRF), the rate limit counted in the database so that it holds across app servers.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.DatabaseRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gudang API",
    "DESCRIPTION": "Warehouses, products, stock, documents, movements, companies, contacts and deals.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several choice sets are a field named "status": each its own named enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "inventory.models.DocumentStatus",
        "DeliveryStatusEnum": "inventory.models.DeliveryStatus",
        "ReservationStatusEnum": "inventory.models.ReservationStatus",
        "ImportStatusEnum": "imports.models.ImportStatus",
    },
}
# Requests per minute one API token (or one signed-in user's session) may make; 0: no limit.
GUDANG_API_RATE_LIMIT = int(os.environ.get("GUDANG_API_RATE_LIMIT", "600"))

# The company named at the head of printed documents.
COMPANY_NAME = os.environ.get("GUDANG_COMPANY_NAME", "").strip() or "Gudang"
# A report export of more rows than this is made in the background (reports.services.exports).
GUDANG_EXPORT_INLINE_ROWS = int(os.environ.get("GUDANG_EXPORT_INLINE_ROWS", "50000"))

# E-mail (low-stock notifications, `notifications.tasks`): printed on the console unless
# EMAIL_HOST names an SMTP server. EMAIL_USE_TLS=1 for STARTTLS (port 587), EMAIL_USE_SSL=1 for
# TLS from the start (port 465).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "Gudang <gudang@localhost>"
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one of them.")

# Production behind TLS sets HTTPS=1: redirects, secure cookies and HSTS follow from it.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
