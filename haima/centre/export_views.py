"""个人信息下载: a page with a button that downloads the JSON document.

The download is a POST from the page's form: a GET link could be fetched
by a prefetcher or from another site's page, and each download should be a
deliberate act of a re-authenticated session.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .reauth import reauth_required
from .services.export import personal_data_export, personal_data_filename


@never_cache
@login_required
@reauth_required
@require_http_methods(["GET", "POST"])
def export_page(request):
    if request.method == "GET":
        return render(request, "centre/export.html")
    document = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{personal_data_filename()}"'
    )
    return response
