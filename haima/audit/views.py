"""The operator's dashboard, a page of the admin for staff only."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .charts import bar_chart
from .dashboard import DAYS, GROUPS, PREFIX_HOURS, SERIES, dashboard_build


def dashboard(request):
    board = dashboard_build()
    groups = [
        {
            "label": group_label,
            "charts": [
                {
                    "label": series.label,
                    "total": board.total(series.key),
                    "svg": bar_chart(
                        label=str(series.label),
                        days=board.days,
                        values=board.counts[series.key],
                        colour=series.colour,
                    ),
                }
                for series in group
            ],
        }
        for group_label, group in GROUPS
    ]
    table = [
        (day, [board.counts[series.key][i] for series in SERIES])
        for i, day in enumerate(board.days)
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "board": board,
        "groups": groups,
        "columns": [series.label for series in SERIES],
        "table": reversed(table),  # today first
        "days": DAYS,
        "hours": PREFIX_HOURS,
    }
    return TemplateResponse(request, "admin/dashboard.html", context)


# Staff only: anyone else is sent to the admin's sign-in page.
dashboard_view = admin.site.admin_view(dashboard)
