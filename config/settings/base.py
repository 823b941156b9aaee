"""Settings shared by every environment (local, production, test)."""

from django.core.exceptions import ImproperlyConfigured

from .environment import *  # noqa: F403
from .environment import APP_DIR, env
from .services import *  # noqa: F403

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "corsheaders",
    "captcha",
    "ninja",
    "haima.core",
    "haima.accounts",
    "haima.captchas",
    "haima.mail",
    "haima.shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before the session: its language is needed by error envelopes even
    # when the session store itself fails. Django keeps no language in the
    # session since 4.0.
    "django.middleware.locale.LocaleMiddleware",
    "haima.api.middleware.ApiEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "haima.api.middleware.ApiCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APP_DIR / "templates"],
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

# Widgets render with the templates above (haima/templates) too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Auth -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["haima.accounts.backends.UsernameOrEmailBackend"]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# "Remember me" keeps the session this long; otherwise it ends with the browser.
SESSION_COOKIE_AGE = 14 * 24 * 3600
LOGIN_URL = "/user/login/"
LOGOUT_REDIRECT_URL = "/"
# Argon2 hashes made with other parameters verify too (they carry their
# parameters) and are re-hashed at login; so are PBKDF2 ones.
PASSWORD_HASHERS = [
    "haima.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- CORS and CSRF --------------------------------------------------------
# Only listed origins ever get Access-Control-Allow-Origin; never "allow all"
# together with credentials.

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "haima.core.views.csrf_failure"

# --- Captcha --------------------------------------------------------------
# django-simple-captcha's own test mode accepts any key, even unknown ones, so
# it stays off; CONTRACT's CAPTCHA_TEST_MODE is ours and accepts only live keys.

CAPTCHA_TEST_MODE = False
HAIMA_CAPTCHA_TEST_MODE = env.bool("CAPTCHA_TEST_MODE", default=False)
CAPTCHA_CHALLENGES = {
    "letters": "haima.captchas.challenges.letters",
    "math": "haima.captchas.challenges.arithmetic",
}
CAPTCHA_CHALLENGE = env.str("CAPTCHA_CHALLENGE", default="letters")
if CAPTCHA_CHALLENGE not in CAPTCHA_CHALLENGES:
    raise ImproperlyConfigured("CAPTCHA_CHALLENGE must be 'letters' or 'math'.")
CAPTCHA_CHALLENGE_FUNCT = CAPTCHA_CHALLENGES[CAPTCHA_CHALLENGE]
CAPTCHA_LENGTH = env.int("CAPTCHA_LENGTH", default=4)
CAPTCHA_TIMEOUT = env.int("CAPTCHA_TIMEOUT_MINUTES", default=5)
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-30, 30)
CAPTCHA_FOREGROUND_COLOR = "#1f6b41"
CAPTCHA_BACKGROUND_COLOR = "#f4faf6"
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_arcs", "captcha.helpers.noise_dots")

# --- Accounts -------------------------------------------------------------

ACTIVATION_MAX_AGE = env.int("ACTIVATION_MAX_AGE", default=3600)
# Limits as "<count>/<period>" (haima.core.ratelimit), counted in Redis.
RATE_LIMITS = {
    "captcha_ip": env.str("RATE_CAPTCHA_IP", default="60/m"),
    "activation_resend_email": env.str("RATE_ACTIVATION_RESEND_EMAIL", default="3/h"),
    "activation_resend_ip": env.str("RATE_ACTIVATION_RESEND_IP", default="20/h"),
    "password_reset_email": env.str("RATE_PASSWORD_RESET_EMAIL", default="3/h"),
    "password_reset_ip": env.str("RATE_PASSWORD_RESET_IP", default="20/h"),
    # Login: failures lock an account or an IP out (429) for the window...
    "login_account": env.str("RATE_LOGIN_ACCOUNT", default="10/15m"),
    "login_ip": env.str("RATE_LOGIN_IP", default="50/15m"),
    # ...and consecutive failures require a captcha until a success.
    "login_captcha_account": env.str("RATE_LOGIN_CAPTCHA_ACCOUNT", default="3/1d"),
    "login_captcha_ip": env.str("RATE_LOGIN_CAPTCHA_IP", default="3/1d"),
}
# Proxies in front that append to X-Forwarded-For (0: use the peer address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [APP_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [APP_DIR / "static"]
# Serve straight from the app folders; production collects to STATIC_ROOT.
WHITENOISE_USE_FINDERS = True

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
