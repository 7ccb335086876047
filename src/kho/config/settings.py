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
ALLOWED_HOSTS = env.get_list("KHO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.get_list("KHO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kho.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KHO_LOG_LEVEL", "WARNING")},
}
