"""Root URLs: pages, the JSON API, captcha images, admin, i18n and probes."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from haima.audit.views import dashboard_view
from haima.captchas.views import captcha_refresh
from haima.core.health import healthz, readyz
from haima.metrics.views import metrics

urlpatterns = [
    # First: Django tries the patterns in order, and the API takes most calls.
    path("api/v1/", include("haima.api.urls")),
    path("", include("haima.shop.urls")),
    path("legal/", include("haima.shop.legal_urls")),
    path("user/account/", include("haima.centre.urls")),
    path("user/", include("haima.accounts.urls")),
    # Before captcha.urls: its refresh view would mint captchas with no limit.
    path("captcha/refresh/", captcha_refresh, name="captcha-refresh"),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/dashboard/", dashboard_view, name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    # Probes of the load balancer (haima.core.health); production exempts
    # them from the HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Browsers ask for /favicon.ico on every page; pages link favicon.svg.
    # Not permanent: the static name changes with its content in production.
    path(
        "favicon.ico", RedirectView.as_view(url=lazy(static, str)("haima/favicon.ico"))
    ),
]

# A 500 caused by an unreachable database or Redis is a 503 (Retry-After).
handler500 = "haima.api.unavailable.server_error"
