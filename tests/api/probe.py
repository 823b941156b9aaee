"""A second API on the same error handlers, to exercise the envelope itself."""

from django.urls import include, path
from ninja import NinjaAPI, Schema

from haima.api.errors import install_error_handlers

probe_api = NinjaAPI(urls_namespace="probe", docs_url=None)
install_error_handlers(probe_api)


class EchoIn(Schema):
    name: str
    count: int


@probe_api.post("echo")
def echo(request, payload: EchoIn):
    return {"name": payload.name, "count": payload.count}


@probe_api.get("boom")
def boom(request):
    raise RuntimeError("the probe exploded")


urlpatterns = [
    path("api/v1/probe/", probe_api.urls),
    path("", include("config.urls")),
]
