"""Django settings for Doudi.

Everything that differs between a demo machine and production comes from the environment
(see README.md, "Configuration"). In production (``DOUDI_ENV=production``) missing secrets are
an error; anywhere else they are generated once and kept in ``var/secrets.json`` so that the
one-command demo needs nothing set by hand.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from doudi.config import environment_is_production, local_secret, var_dir

PRODUCTION = environment_is_production()
VAR_DIR = var_dir()

SECRET_KEY = local_secret("DOUDI_SECRET_KEY", "django_secret_key")
# The key that protects personal ID numbers (encryption and keyed look-up hash).
DOUDI_DATA_KEY = local_secret("DOUDI_DATA_KEY", "data_key")

DEBUG = os.environ.get("DOUDI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DOUDI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "doudi.regions",
    "doudi.accounts",
    "doudi.audit",
    "doudi.registry",
    "doudi.policy",
    "doudi.workdays",
    "doudi.reserve_fund",
    "doudi.cases",
    "doudi.window",
    "doudi.benefits",
    "doudi.grants",
    "doudi.payroll",
    "doudi.checks",
    "doudi.jobs",
    "doudi.sources",
    "doudi.exchange",
    "doudi.web",
    "doudi.api",
    "doudi.demo",
    "doudi.linkage",
    "doudi.monitoring",
    "doudi.early_warning",
    "doudi.visits",
    "doudi.campaigns",
    "doudi.columnar",
    "doudi.rechecks",
    "doudi.disaster",
    "doudi.medical",
    "doudi.supervision",
    "doudi.notices",
    "doudi.hotline",
    "doudi.statistics",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "axes",
    # The task runner (docs/decisions/0018-task-runner.md).
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that every audit event of the request knows its channel (web or api).
    "doudi.web.middleware.ChannelMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doudi.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view: a query string carrying an ID number is refused (400).
    "doudi.web.middleware.IdNumberNotInUrlMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "doudi.web.middleware.NulMiddleware",
    # A bare 405 (require_POST) answered as the other error pages are.
    "doudi.web.middleware.BareErrorMiddleware",
    "doudi.web.middleware.RefusalMiddleware",
    # Axes must be last: it turns a locked-out login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "doudi.urls"
WSGI_APPLICATION = "doudi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doudi.web.context.navigation",
                "doudi.web.refusals.kept_input",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'doudi.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE: a transaction takes the write lock when it starts, so two writers never
            # both read the audit chain head and then race to append after it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["TEST"] = {"NAME": None}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Lock-out after repeated failed log-ins, per user name.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "doudi.accounts.lockout.locked_out_response"
AXES_VERBOSE = False
# Per account, not per address: a township office sits behind one NAT address, and locking the
# address would lock out every colleague (docs/decisions/0003-security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Uploaded spreadsheets (doudi.spreadsheets): the last row number any sheet or CSV file may reach
# and the cells it may hold, whatever the file claims about its size; an import page hands a
# file larger than IMPORT_BACKGROUND_BYTES to a background job (doudi.jobs) instead of parsing it
# while the browser waits (docs/decisions/0013-import-limits-and-safe-exports.md).
IMPORT_MAX_ROWS = int(os.environ.get("DOUDI_IMPORT_MAX_ROWS", "250000"))
IMPORT_MAX_CELLS = int(os.environ.get("DOUDI_IMPORT_MAX_CELLS", "4000000"))
# Where the departments' snapshots go (doudi.sources.storage): any pyarrow.fs URI, e.g.
# s3://bucket/doudi; empty for <DOUDI_VAR_DIR>/snapshots.
DOUDI_SNAPSHOT_URI = os.environ.get("DOUDI_SNAPSHOT_URI", "")
# The registry's columnar snapshot for batch reads (doudi.columnar): one folder per database.
DOUDI_COLUMNAR_DIR = Path(os.environ.get("DOUDI_COLUMNAR_DIR", VAR_DIR / "columnar"))
IMPORT_BACKGROUND_BYTES = int(os.environ.get("DOUDI_IMPORT_BACKGROUND_KB", "512")) * 1024

# Which engine runs the check rules: "duckdb" (embedded) or "spark" (docs/checks.md).
DOUDI_CHECK_ENGINE = os.environ.get("DOUDI_CHECK_ENGINE", "duckdb")
# Where Spark runs them: in process by default, or a cluster's master URL.
DOUDI_SPARK_MASTER = os.environ.get("DOUDI_SPARK_MASTER", "local[2]")

# Background work (doudi.jobs) is a django-tasks task kept in the application's own database,
# SQLite or PostgreSQL alike: no broker, no other service (docs/decisions/0018-task-runner.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A queued job starts at once in a thread of the web process, which works the queue until it is
# empty; with 0, only `doudi jobs run` (once, e.g. from cron) or `doudi jobs run --forever` (a
# separate worker, e.g. under systemd) processes the queue.
JOBS_IN_PROCESS = os.environ.get("DOUDI_JOBS_IN_PROCESS", "1") == "1"

# Session: 30 minutes of inactivity ends it; every request extends it.
SESSION_COOKIE_AGE = int(os.environ.get("DOUDI_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "doudi.web.views.csrf_failure"

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# Uploaded documents (一户一档). Never served as public files: a view checks jurisdiction.
MEDIA_ROOT = VAR_DIR / "media"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only (uploads say multipart themselves), read by the parser that refuses what cannot
    # be read safely: a body that is not an object, a NUL, nesting 10,000 deep.
    "DEFAULT_PARSER_CLASSES": ["doudi.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "doudi.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "doudi.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "doudi.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=8),
    "AUTO_REFRESH": True,
    "TOKEN_PREFIX": "doudi_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Doudi API",
    "DESCRIPTION": "兜底 social-assistance management: REST API v1. Every read and change is "
    "limited to the caller's jurisdiction.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # A transition's from_state and to_state are one set of choices: one name for it.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "doudi.cases.procedures.State",
        "CampaignStateEnum": "doudi.campaigns.models.CampaignState",
        "FindingStateEnum": "doudi.campaigns.models.FindingState",
        "FindingKindEnum": "doudi.campaigns.models.FindingKind",
        "PayrollStateEnum": "doudi.payroll.models.PayrollState",
        "PayrollProgrammeEnum": "doudi.payroll.models.PayrollProgramme",
        "VisitFindingEnum": "doudi.visits.models.Finding",
        "WarningSeverityEnum": "doudi.early_warning.models.Severity",
        "MedicalClaimKindEnum": "doudi.medical.models.ClaimKind",
        "MedicalCategoryEnum": "doudi.medical.models.Category",
        "ChecklistAnswerEnum": "doudi.supervision.models.CHECK_ANSWERS",
        # A hotline ticket's, in the hotline's answers and in supervision's referrals.
        "HotlineCategoryEnum": "doudi.hotline.models.Category",
        "HotlineTicketStateEnum": "doudi.hotline.models.TicketState",
    },
}

# How many people registered in a household outside the user's jurisdiction one user may meet in
# an hour (by typing or importing their ID numbers) before look-ups are refused (registry.clashes).
# The count is read from the audit trail, so all workers, the API and the CLI share it.
DOUDI_OUTSIDE_LOOKUPS_PER_HOUR = int(os.environ.get("DOUDI_OUTSIDE_LOOKUPS_PER_HOUR", "10"))
# Objections one network may lodge a day from the public notices (doudi.notices), and the
# public notice pages it may read a minute.
DOUDI_PUBLIC_OBJECTIONS_PER_DAY = int(os.environ.get("DOUDI_PUBLIC_OBJECTIONS_PER_DAY", "5"))
DOUDI_PUBLIC_PAGES_PER_MINUTE = int(os.environ.get("DOUDI_PUBLIC_PAGES_PER_MINUTE", "60"))
# Behind the proxy every request comes from the proxy's address, which would put the whole public
# under one bound: the header the proxy sets to the client's address (it must overwrite what the
# client sent, as nginx's `proxy_set_header X-Real-IP $remote_addr` does). Empty: REMOTE_ADDR.
DOUDI_CLIENT_ADDRESS_HEADER = os.environ.get("DOUDI_CLIENT_ADDRESS_HEADER", "")
# The hotline printed on every household's 明白卡 (社会救助服务热线); 12345 is the government's
# service line, which takes social-assistance calls where the bureau has no line of its own.
DOUDI_HOTLINE = os.environ.get("DOUDI_HOTLINE", "12345")

# Every handler masks ID numbers (identity.logging): this one by its filter, Django's default
# ones and any other by web.apps.WebConfig.ready, gunicorn's by the logger class of doudi serve.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_id_numbers": {"()": "doudi.identity.logging.RedactIdNumbers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_id_numbers"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DOUDI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "numexpr": {"level": "WARNING"}},
}

# The Chinese font embedded in PDF documents (Debian package fonts-noto-cjk), and its face in
# the collection (2: Simplified Chinese).
CJK_FONT = os.environ.get(
    "DOUDI_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
CJK_FONT_INDEX = int(os.environ.get("DOUDI_CJK_FONT_INDEX", "2"))

# ------------------------------------------------------------------------------ audit trail
# (docs/decisions/0012-keyed-chain-and-anchors.md) The key that seals every audit event
# and signs the anchors. It must never be stored in the database: whoever can write the
# database must not be able to re-seal what they rewrite. Losing it makes the chain unverifiable.
DOUDI_AUDIT_KEY = local_secret("DOUDI_AUDIT_KEY", "audit_key")
# The append-only file of signed anchors of the chain's end; empty: one file per database in
# DOUDI_VAR_DIR. In production, storage the database's administrators cannot write.
DOUDI_AUDIT_ANCHOR_PATH = os.environ.get("DOUDI_AUDIT_ANCHOR_PATH", "")
# Anchor automatically after every this many events (0: only `doudi audit anchor` / `verify`).
DOUDI_AUDIT_ANCHOR_EVERY = int(os.environ.get("DOUDI_AUDIT_ANCHOR_EVERY", "1000"))
# PostgreSQL: the owner's connection, used by `doudi migrate` only; the application itself then
# connects (DATABASE_URL) as a role that may read and append audit events but not change them.
DOUDI_MIGRATION_DATABASE_URL = os.environ.get("DOUDI_MIGRATION_DATABASE_URL", "")

# ---------------------------------------------------------------- production and deployment
# (issue 11 points 10-11; docs/decisions/0015-backup.md). doudi.production checks all of
# this at start and in `doudi check --deploy`.
INSTALLED_APPS.insert(INSTALLED_APPS.index("doudi.demo"), "doudi.backups")  # backup, restore
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("DOUDI_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The HSTS preload list is for public domains; a bureau's intranet host name cannot be on it.
SILENCED_SYSTEM_CHECKS += ["security.W021"]
# drf-spectacular's deploy check reports where the OpenAPI document is imprecise, not anything
# unsafe; `doudi spectacular --validate --fail-on-warn` shows the same list to the API's owners.
SILENCED_SYSTEM_CHECKS += ["drf_spectacular.W001"]

# Every response with personal data (every page behind the log-in, the API) says no-store.
# Placed after WhiteNoise, which answers for the static files (no personal data) by itself.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "doudi.web.middleware.NoStoreMiddleware",
)

# A password somebody else chose is changed first (accounts.views.password_change).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "doudi.web.middleware.PasswordChangeMiddleware",
)

# Password policy (docs/decisions/0003-security.md): at least 12 characters of at least three
# kinds (upper case, lower case, digits, other), not like the user name, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "doudi.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
