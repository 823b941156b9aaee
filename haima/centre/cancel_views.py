"""注销 pages: cancel (typed confirmation), the done page, and the undo offered
to a cancelled account's sign-in during its cooling-off.

The undo page reads its token from the query (the refused sign-in's link,
valid UNDO_MAX_AGE) and acts only on POST, like the emailed links' pages.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .forms import CancelForm
from .reauth import reauth_required
from .services.cancel import (
    CancellationPending,
    account_cancel,
    account_cancel_undo,
    confirm_word,
    undo_token_user,
)

DONE_KEY = "haima.cancelled"  # the done page's facts, for one showing


def undo_offer(error: CancellationPending):
    """The refusal's message with a 撤销注销 button (a link to the undo page),
    for a sign-in form's errors."""
    query = urlencode({"token": error.data["undo_token"]})
    url = f"{reverse('centre:cancel_undo')}?{query}"
    return format_html(
        '{} <a class="button secondary undo-cancel" href="{}">{}</a>',
        error.message,
        url,
        _("Undo the cancellation"),
    )


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def cancel_page(request):
    word = confirm_word()
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_cancel(
                user=request.user,
                confirm=form.cleaned_data["confirm"],
                context=RequestContext.from_request(request),
            )
        except ApplicationError as error:
            for field, field_messages in getattr(error, "errors", {}).items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            # The session is gone from the store already: forget it here too,
            # without logout()'s second sign-out event.
            request.session.flush()
            request.user = AnonymousUser()
            request.session[DONE_KEY] = True
            return redirect("centre:cancel_done")
    return render(
        request,
        "centre/cancel.html",
        {"form": form, "word": word, "days": settings.ACCOUNT_DELETION_DAYS},
    )


@never_cache
@require_http_methods(["GET"])
def cancel_done_page(request):
    if not request.session.pop(DONE_KEY, False):
        return redirect("shop:index")
    return render(
        request, "centre/cancel_done.html", {"days": settings.ACCOUNT_DELETION_DAYS}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_undo_page(request):
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        if request.method == "POST":
            account_cancel_undo(request=request, token=token)
            messages.success(request, _("Your account is active again."))
            return redirect("centre:overview")
        account = undo_token_user(token)
    except ApplicationError as failure:
        return render(
            request, "centre/cancel_undo.html", {"failure": failure}, status=400
        )
    return render(
        request, "centre/cancel_undo.html", {"account": account, "token": token}
    )
