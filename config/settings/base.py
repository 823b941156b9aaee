"""Settings shared by every environment (local, production, test)."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from .environment import *  # noqa: F403
from .environment import APP_DIR, DATA_DIR, DEBUG, env
from .logs import logging_config
from .services import *  # noqa: F403

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
SITE_URL = env.str(
    "SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")

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
    "haima.audit",
    "haima.metrics",
    "haima.accounts",
    "haima.centre",
    "haima.captchas",
    "haima.mail",
    "haima.sms",
    "haima.shop",
]

MIDDLEWARE = [
    # First: it times the whole request, every middleware included.
    "haima.metrics.middleware.RequestDurationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "haima.core.context.RequestContextMiddleware",
    # Before the session: its language is needed by error envelopes even
    # when the session store itself fails. Django keeps no language in the
    # session since 4.0.
    "django.middleware.locale.LocaleMiddleware",
    "haima.api.middleware.ApiEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "haima.core.sessions.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "haima.api.middleware.ApiCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, the site's policy built once (haima.core.csp).
    "haima.core.csp.CSPMiddleware",
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
# "Remember me" keeps the session this long; otherwise it ends with the
# browser, and the server forgets it after SESSION_IDLE_TIMEOUT seconds
# without a request, so a copied cookie does not outlive the visit.
SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=4 * 3600)
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
    # At most 128 characters (ASVS 2.1.2), for every new password.
    {"NAME": "haima.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "haima.accounts.passwords.NoNullCharacterValidator"},
]

# --- Browser security -----------------------------------------------------
# Pages carry no inline script (haima/static only), so scripts come from
# this origin alone. Inline style attributes stay allowed: the admin's and
# the API docs' pages use them.

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies travel over HTTPS only, unless in development or told otherwise.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- CORS and CSRF --------------------------------------------------------
# Only listed origins ever get Access-Control-Allow-Origin; never "allow all"
# together with credentials.

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "haima.core.views.csrf_failure"
# The browsable docs at /api/v1/docs (the schema is always served).
API_DOCS = env.bool("API_DOCS", default=DEBUG)
# ApiCsrfViewMiddleware is Django's CsrfViewMiddleware, applied to the API
# too; the deploy check looks for the original by name.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

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
# Large enough to read on a phone; the widget shows it at this size.
CAPTCHA_IMAGE_SIZE = (160, 56)
CAPTCHA_FONT_SIZE = 40
CAPTCHA_LETTER_ROTATION = (-20, 20)
CAPTCHA_FOREGROUND_COLOR = "#1f6b41"
CAPTCHA_BACKGROUND_COLOR = "#f4faf6"
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_arcs", "captcha.helpers.noise_dots")

# --- SMS -----------------------------------------------------------------
# CONTRACT's short names, or any dotted path to a backend class.

SMS_BACKENDS = {
    "console": "haima.sms.backends.console.SmsBackend",
    "file": "haima.sms.backends.file.SmsBackend",
    "aliyun": "haima.sms.backends.aliyun.SmsBackend",
}
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_BACKEND = SMS_BACKENDS.get(SMS_BACKEND, SMS_BACKEND)
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(DATA_DIR / "sms.jsonl"))
SMS_CODE_TTL = env.int("SMS_CODE_TTL", default=300)
SMS_RESEND_COOLDOWN = env.int("SMS_RESEND_COOLDOWN", default=60)
SMS_DAILY_BUDGET = env.int("SMS_DAILY_BUDGET", default=1000)
# Read only by the aliyun backend; start-up names any that it misses.
ALIYUN_ACCESS_KEY_ID = env.str("ALIYUN_ACCESS_KEY_ID", default="")
ALIYUN_ACCESS_KEY_SECRET = env.str("ALIYUN_ACCESS_KEY_SECRET", default="")
ALIYUN_SMS_SIGN_NAME = env.str("ALIYUN_SMS_SIGN_NAME", default="")
ALIYUN_SMS_TEMPLATE_CODE = env.str("ALIYUN_SMS_TEMPLATE_CODE", default="")
ALIYUN_SMS_ENDPOINT = env.str("ALIYUN_SMS_ENDPOINT", default="dysmsapi.aliyuncs.com")

# --- Accounts -------------------------------------------------------------

ACTIVATION_MAX_AGE = env.int("ACTIVATION_MAX_AGE", default=3600)
# The 账户中心 (haima.centre): how long a re-authentication lasts, and the
# days between 注销 and the erasure of the account's personal data.
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=600)
ACCOUNT_DELETION_DAYS = env.int("ACCOUNT_DELETION_DAYS", default=15)
# Days the audit trail keeps an event (haima.audit.tasks.audit_purge).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
ACTIVATION_RESEND_COOLDOWN = 60  # seconds between two links to one address
# Limits as "<count>/<period>" (haima.core.ratelimit), counted in Redis;
# each can be set as RATE_<NAME> (RATE_SIGNIN_IP=100/15m) and is checked at
# start-up.
_RATE_DEFAULTS = {
    "captcha_ip": "60/m",
    # One new link a minute for an address (the page counts it down)...
    "activation_resend_cooldown": f"1/{ACTIVATION_RESEND_COOLDOWN}s",
    "activation_resend_email": "3/h",
    "activation_resend_ip": "20/h",
    "password_reset_email": "3/h",
    "password_reset_ip": "20/h",
    # Sign-ups tried from one network, by page or API, valid or not.
    "register_ip": "10/h",
    # Username availability looked up as people type on the sign-up page.
    "username_check_ip": "120/h",
    # The sign-in policy (haima.accounts.signin_policy): failed secrets lock
    # a typed login, an account or an IP out (429) for the window...
    "signin_login": "10/15m",
    "signin_account": "10/15m",
    "signin_ip": "50/15m",
    # ...and consecutive failures require a captcha until a success.
    "signin_captcha_login": "3/1d",
    "signin_captcha_ip": "3/1d",
    # SMS codes (haima.sms.firewall): below Aliyun's own flow control of
    # 1/min, 5/h and 10/d per phone, so ours refuses first.
    "sms_phone_cooldown": f"1/{SMS_RESEND_COOLDOWN}s",
    "sms_phone_hour": "5/h",
    "sms_phone_day": "10/d",
    "sms_ip_day": "20/d",
    "sms_site_day": f"{SMS_DAILY_BUDGET}/d",
    # Wrong tries of one code; the window outlives the code.
    "sms_code_tries": f"5/{SMS_CODE_TTL}s",
}
RATE_LIMITS = {
    name: env.str(f"RATE_{name.upper()}", default=rate)
    for name, rate in _RATE_DEFAULTS.items()
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
# config/settings/logs.py; production defaults to JSON.

LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Metrics --------------------------------------------------------------
# /metrics (haima.metrics) answers these addresses and networks only; any
# other client gets a 404. The client is the one TRUSTED_PROXY_COUNT finds.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# Under gunicorn, a directory of this server's own, empty when it starts:
# each worker writes its metrics there and /metrics adds them up
# (gunicorn.conf.py forgets exited workers). prometheus_client reads the
# variable itself, at import, to choose where it keeps values.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
