from django.contrib.auth.views import LogoutView
from django.urls import path, re_path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    # The emailed link, with or without the trailing slash (CONTRACT §2).
    re_path(r"^active/(?P<token>[^/]+)/?$", views.activate, name="activate"),
    path("activation/resend/", views.activation_resend_page, name="activation_resend"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
