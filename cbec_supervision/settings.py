"""Settings for CBEC Supervision, read from the environment only.

Development defaults are safe: SQLite under var/, eager Celery, DEBUG on only when asked for.
In production (DEBUG off) a SECRET_KEY must be given or the process refuses to start.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from cbec_supervision.countries import overrides as country_overrides
from cbec_supervision.env import ConfigurationError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("TESTING", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
    else:
        raise ConfigurationError("SECRET_KEY is not set: refusing to start with DEBUG off (set SECRET_KEY or DEBUG=1)")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "django_celery_beat",
    "axes",
    "django_tables2",
    "cbec_supervision",
    "accounts",
    "catalogues",
    "filings",
    "partnerships",
    "imports",
    "risk_monitoring",
    "traceability",
    "anticounterfeit",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "cbec_supervision.correlation.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cbec_supervision.urls"
WSGI_APPLICATION = "cbec_supervision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cbec_supervision.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "cbec.sqlite3",
            # A busy web server and an in-process task can write at once; wait rather than fail.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's validators plus the complexity rule of a government system: 10 characters or more, from at
# least three of lower case, upper case, digits and other characters.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "accounts.passwords.ComplexityValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH, "min_classes": PASSWORD_MIN_CLASSES},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "cbec_supervision.security.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# A signed-in session ends after this many minutes without a request: staff at a shared office
# desk 30, enterprise users (who work in long sessions on their own machines) 120. 0 turns it off.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_IDLE_MINUTES_ENTERPRISE = env_int("SESSION_IDLE_MINUTES_ENTERPRISE", 120)

# --- Classification -----------------------------------------------------------------------------
# The table of HS chapters and headings inside the regime (light industry, textile, electrical goods):
# goods outside it are marked out of scope and routed to an inspector (catalogues/scope.py).
CBEC_SCOPE_TABLE = env_str("CBEC_SCOPE_TABLE", str(BASE_DIR / "data" / "scope" / "consumer_goods_scope.csv"))

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Country names: GB/T 2659 in Chinese from data/country_names_zh.csv (cbec_supervision/countries.py).
COUNTRIES_OVERRIDE = country_overrides()
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files are never served directly: every download goes through a view that checks
# the caller may see the object the file belongs to.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# An item of evidence in a counterfeit case (a video of a test purchase may be large).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 100 * 1024 * 1024)
# Submitted filings are to be decided within this many days; later ones are flagged overdue.
FILING_REVIEW_DAYS = env_int("FILING_REVIEW_DAYS", 5)
# An inter-bureau notice is to be acknowledged by the end of this many working days (Monday to Friday,
# Chinese public holidays and adjusted working days applied) after it was sent, unless the sender sets a date.
CBEC_NOTICE_DUE_WORKING_DAYS = env_int("CBEC_NOTICE_DUE_WORKING_DAYS", 5)
# A compulsory recall is to have recovered this share of the units sold by its deadline (else flagged).
CBEC_RECALL_MIN_RECOVERY_RATE = float(env_str("CBEC_RECALL_MIN_RECOVERY_RATE", "0.8"))
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 50 * 1024 * 1024)
# The public complaint form (no login): submissions per client address ("N/second|minute|hour|day"),
# and the photos a consumer may add (how many, and the size of each).
COMPLAINT_THROTTLE_RATE = env_str("COMPLAINT_THROTTLE_RATE", "5/hour")
COMPLAINT_PHOTO_MAX_COUNT = env_int("COMPLAINT_PHOTO_MAX_COUNT", 5)
COMPLAINT_PHOTO_MAX_BYTES = env_int("COMPLAINT_PHOTO_MAX_BYTES", 5 * 1024 * 1024)

# --- Security -----------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Behind a TLS-terminating proxy (NUM_PROXIES of them): trust its X-Forwarded-Proto and, for the
# API throttle, its X-Forwarded-For. With none, both headers are ignored (a client could forge them).
NUM_PROXIES = env_int("NUM_PROXIES", 0)
if NUM_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Cookies only over HTTPS outside development. Browsers treat http://127.0.0.1 and localhost as
# secure, so `make run` with DEBUG=0 still signs in on loopback; `make run` (DEBUG=1) sends them plain.
SECURE_COOKIES = env_bool("SECURE_COOKIES", SECURE_SSL_REDIRECT or not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
# TLS ends at the proxy in front (see SECURE_SSL_REDIRECT), and so does HSTS unless
# SECURE_HSTS_SECONDS asks Django to send it: then the check is not silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_SECONDS else ["security.W004"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Cache (throttling, axes, compiled catalogue indexes) ----------------------------------------
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cbec"}}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cbec_supervision.drf.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "cbec_supervision.drf.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cbec_supervision.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_THROTTLE_RATE", "20/minute")},
    "DATETIME_FORMAT": "iso-8601",
    "NUM_PROXIES": NUM_PROXIES,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CBEC Supervision API",
    "DESCRIPTION": "Quality-safety supervision of cross-border e-commerce consumer goods.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FilingStatusEnum": "filings.choices.FilingStatus",
        "ChangeRequestStatusEnum": "filings.choices.ChangeRequestStatus",
        "GoodsCategoryEnum": "filings.choices.GoodsCategory",
        "BatchStatusEnum": "imports.choices.BatchStatus",
        "VerificationStatusEnum": "imports.choices.VerificationStatus",
        "PartnershipKindEnum": "partnerships.choices.PartnershipKind",
        "CatalogueKindEnum": "catalogues.choices.CatalogueKind",
        "PartnershipStatusEnum": "partnerships.choices.PartnershipStatus",
        "SamplingVerdictEnum": "risk_monitoring.choices.SamplingVerdict",
        # one name per choice set: a test result's verdict is a test report's (pass/fail), a signal's
        # severity a risk score's level (high/medium/low)
        "TestVerdictEnum": "filings.choices.TestVerdict",
        "RiskLevelEnum": "risk_monitoring.choices.RiskLevel",
        "InvestigationStatusEnum": "traceability.choices.InvestigationStatus",
        "ResponsiblePartyEnum": "traceability.choices.ResponsibleParty",
        "LeadChannelEnum": "anticounterfeit.choices.LeadChannel",
        "SamplingChannelEnum": "risk_monitoring.choices.SamplingChannel",
        "LeadStatusEnum": "anticounterfeit.choices.LeadStatus",
        "DismissalReasonEnum": "anticounterfeit.choices.DismissalReason",
        "CaseStatusEnum": "anticounterfeit.choices.CaseStatus",
        "CaseDutyEnum": "anticounterfeit.choices.CaseDuty",
        "DecisionKindEnum": "anticounterfeit.choices.DecisionKind",
        "ServiceMethodEnum": "anticounterfeit.choices.ServiceMethod",
        "CaseDocumentKindEnum": "anticounterfeit.choices.CaseDocumentKind",
        "EvidenceKindEnum": "anticounterfeit.choices.EvidenceKind",
        "CustodyActionEnum": "anticounterfeit.choices.CustodyAction",
    },
}

# --- Celery -------------------------------------------------------------------------------------
# Without REDIS_URL tasks run in-process (eagerly), so a fresh machine needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Long report generation must not hold up the minute-by-minute risk work.
CELERY_TASK_ROUTES = {
    "reports.*": {"queue": "reports"},
    "risk_monitoring.*": {"queue": "default"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "cbec_supervision.heartbeat", "schedule": 300.0},
    # Catalogue editions loaded ahead of their date come into force at midnight (Asia/Shanghai).
    "announce-editions-in-force": {
        "task": "catalogues.announce_editions_in_force",
        "schedule": crontab(hour=0, minute=5),
    },
    # Inter-bureau notices unacknowledged past due are flagged to both bureaus (once each).
    "flag-overdue-notices": {
        "task": "traceability.flag_overdue_notices",
        "schedule": crontab(minute=10),
    },
    # Enterprises with repeated confirmed quality problems are proposed for strict supervision (daily).
    "escalation-check": {
        "task": "traceability.escalation_check",
        "schedule": crontab(hour=1, minute=40),
    },
    # Measures past their deadline, and recalls below the required recovery rate, flagged (once each).
    "flag-overdue-measures": {
        "task": "traceability.flag_overdue_measures",
        "schedule": crontab(minute=20),
    },
    # Every risk score recomputed each night (events recompute theirs within a minute meanwhile).
    "recompute-risk-scores": {
        "task": "risk_monitoring.recompute_risk_scores",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Risk scores: subjects per chunk of the nightly group, and how long events wait for more of them.
RISK_SCORES_CHUNK_SIZE = env_int("RISK_SCORES_CHUNK_SIZE", 5000)
RISK_SCORES_DEBOUNCE_S = env_int("RISK_SCORES_DEBOUNCE_S", 30)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)

if TESTING:
    # Fast hashing for the many users tests create; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
