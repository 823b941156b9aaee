"""The 账户中心's phone removal (binding and changing: the page at
/user/account/phone/, haima.accounts.phone_views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haima.core.context import RequestContext
from haima.core.exceptions import ApplicationError

from .reauth import reauth_required
from .services.phone import phone_remove, phone_removed_message


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def phone_remove_page(request):
    """POST removes the phone; GET (the way back from re-authentication)
    shows the phone page, where the button is."""
    if request.method == "POST":
        try:
            phone = phone_remove(
                user=request.user, context=RequestContext.from_request(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, phone_removed_message(phone))
    return redirect("accounts:phone_bind")
