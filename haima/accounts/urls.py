from django.urls import path, re_path

from . import password_views, phone_views, views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent_page, name="register_sent"),
    # The emailed link, with or without the trailing slash (CONTRACT §2).
    re_path(r"^active/(?P<token>[^/]+)/?$", views.activate, name="activate"),
    path("activation/resend/", views.activation_resend_page, name="activation_resend"),
    path("login/", views.login_page, name="login"),
    path("sms-login/", phone_views.sms_login_page, name="sms_login"),
    path("account/phone/", phone_views.phone_bind_page, name="phone_bind"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/reset/", password_views.password_reset_page, name="password_reset"),
    path(
        "password/reset/<str:token>/",
        password_views.password_reset_confirm_page,
        name="password_reset_confirm",
    ),
    path(
        "password/change/", password_views.password_change_page, name="password_change"
    ),
]
