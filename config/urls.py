"""Root URLs: pages, the JSON API, captcha images, admin and i18n."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("haima.shop.urls")),
    path("user/", include("haima.accounts.urls")),
    path("api/v1/", include("haima.api.urls")),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
