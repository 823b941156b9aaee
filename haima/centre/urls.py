"""The 账户中心's pages, under /user/account/ (each section its own module)."""

from django.urls import path

from . import views

app_name = "centre"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.reauth_page, name="reauth"),
]
