"""Django settings for Kho. Every value comes from ``kho.config.env`` (style.md rule 19)."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from kho.config import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.get_data_dir()
OBJECT_STORE_DIR = Path(os.environ.get("KHO_OBJECT_STORE_DIR") or DATA_DIR / "objects")

DEBUG = env.get_bool("KHO_DEBUG", default=False)
_secret = env.get_secret_key(DATA_DIR)
SECRET_KEY = _secret or "kho-insecure-development-key-set-KHO_SECRET_KEY-in-production"  # noqa: S105
KHO_SECRET_KEY_IS_DEFAULT = not _secret
# Earlier keys, comma-separated: sessions and sealed TOTP secrets made under them still open after a change.
SECRET_KEY_FALLBACKS = env.get_list("KHO_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env.get_list("KHO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list("KHO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "kho.core",
    "kho.audit",
    "kho.agencies",
    "kho.records",
    "kho.storage",
    "kho.ingest",
    "kho.access",
    "kho.search",
    "kho.signing",
    "kho.api",
    "kho.web",
    "kho.handover",
    "kho.packages",
    "kho.copies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kho.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kho.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kho.audit.middleware.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kho.access.middleware.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kho.config.urls"
WSGI_APPLICATION = "kho.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE = env.parse_database_url(os.environ.get("KHO_DATABASE_URL"), DATA_DIR)
DATABASES = {"default": DATABASE.as_django()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KHO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "ocr", "index"],
    }
}
# Worker heartbeats and the recovery of tasks whose worker died (kho.core.taskrecovery, README "Workers").
KHO_TASK_LEASE = env.get_task_lease_policy()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kho.access.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "kho.access.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "kho.access.passwords.CommonPasswordValidator"},
    {"NAME": "kho.access.passwords.NumericPasswordValidator"},
    {"NAME": "kho.access.passwords.CharacterVarietyValidator"},
]
# Sign-in security (README "Sign-in security"): locks, idle timeout, second factor; one backend counts.
AUTHENTICATION_BACKENDS = ["kho.access.backends.GuardedModelBackend"]
KHO_SIGN_IN = env.get_sign_in_policy()

LANGUAGE_CODE = env.get_choice("KHO_LANGUAGE", "vi", ["vi", "en"])
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.get_int("KHO_SESSION_SECONDS", 8 * 3600, minimum=60)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
KHO_HTTPS = env.get_bool("KHO_HTTPS", default=False)  # served over HTTPS: Secure cookies and HSTS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = KHO_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if KHO_HTTPS else 0
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Kho's own settings, read here once and passed to pure code as frozen contexts (style.md rule 4).
KHO_MIN_DPI = env.get_int("KHO_MIN_DPI", 200, minimum=72)
KHO_OCR_LANGUAGE = os.environ.get("KHO_OCR_LANGUAGE", "vie")
KHO_INGEST_MAX_BYTES = env.get_int("KHO_INGEST_MAX_BYTES", 2 * 1024**3, minimum=1)
KHO_OCR_ENGINE = env.get_choice("KHO_OCR_ENGINE", "ocrmypdf", ["ocrmypdf", "recorded"])
KHO_OCR_RECORDINGS = Path(os.environ.get("KHO_OCR_RECORDINGS") or DATA_DIR / "ocr-recordings")
KHO_OCR_PAGE_TIMEOUT = env.get_int("KHO_OCR_PAGE_TIMEOUT", 120, minimum=5)
# Master key of classified objects at rest (storage.keys reads the file when it is first needed).
KHO_MASTER_KEY_FILE = env.get_master_key_file()
KHO_MASTER_KEY = env.get_master_key()
# Air-gapped profile: the address `kho serve` listens on, and the proxies whose X-Forwarded-For is believed.
KHO_BIND = env.get_bind_host()
KHO_TRUSTED_PROXIES = env.get_networks("KHO_TRUSTED_PROXIES")
# XSDs (METS, PREMIS, EAD, xlink) for validating packages offline; None disables package validation.
_SCHEMA_DEFAULT = BASE_DIR.parent.parent.parent / "shared" / "testdata" / "xml-schemas"
KHO_SCHEMA_DIR: Path | None = (
    Path(os.environ["KHO_SCHEMA_DIR"]).expanduser().resolve()
    if os.environ.get("KHO_SCHEMA_DIR", "").strip()
    else (_SCHEMA_DEFAULT if _SCHEMA_DEFAULT.is_dir() else None)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact": {"()": "kho.core.redact.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("KHO_LOG_LEVEL", "WARNING")},
}
