"""The 账户中心's devices page: the account's live sessions, ending one or
all the others (after re-authentication)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .reauth import reauth_fresh, reauth_required
from .services.sessions import (
    device_list,
    session_end,
    session_ended_message,
    sessions_end_others,
    sessions_ended_message,
)


@never_cache
@login_required
@require_GET
def sessions_page(request):
    devices = device_list(user=request.user, current_key=request.session.session_key)
    return render(
        request,
        "centre/sessions.html",
        {
            "devices": devices,
            "others": sum(not device.current for device in devices),
            "confirmed": reauth_fresh(request),
        },
    )


# The two actions are POSTs; a GET (the way back from re-authentication,
# whose ``next`` is the action's URL) shows the list again to click anew.


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def session_end_page(request):
    if request.method == "POST":
        try:
            device = session_end(
                user=request.user,
                digest=request.POST.get("digest", ""),
                current_key=request.session.session_key,
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, session_ended_message(device))
    return redirect("centre:sessions")


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def sessions_end_others_page(request):
    if request.method == "POST":
        ended = sessions_end_others(
            user=request.user,
            current_key=request.session.session_key,
            context=RequestContext.from_request(request),
        )
        messages.success(request, sessions_ended_message(ended))
    return redirect("centre:sessions")
