"""The 账户中心's pages, under /user/account/ (each section its own module)."""

from django.urls import path

from . import (
    cancel_views,
    email_views,
    export_views,
    phone_views,
    sessions_views,
    views,
)

app_name = "centre"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.reauth_page, name="reauth"),
    path("username/", views.username_page, name="username"),
    path("email/", email_views.email_change_page, name="email"),
    path(
        "email/confirm/<str:token>/",
        email_views.email_confirm_page,
        name="email_confirm",
    ),
    path(
        "email/not-me/<str:token>/",
        email_views.email_not_me_page,
        name="email_not_me",
    ),
    path("phone/remove/", phone_views.phone_remove_page, name="phone_remove"),
    path("sessions/", sessions_views.sessions_page, name="sessions"),
    path("sessions/end/", sessions_views.session_end_page, name="session_end"),
    path(
        "sessions/end-others/",
        sessions_views.sessions_end_others_page,
        name="sessions_end_others",
    ),
    path("export/", export_views.export_page, name="export"),
    path("cancel/", cancel_views.cancel_page, name="cancel"),
    path("cancel/done/", cancel_views.cancel_done_page, name="cancel_done"),
    path("cancel/undo/", cancel_views.cancel_undo_page, name="cancel_undo"),
]
