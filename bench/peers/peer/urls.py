from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("captcha/", include("captcha.urls")),
    path("me/", views.me),
]
