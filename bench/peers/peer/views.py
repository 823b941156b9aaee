from django.contrib.auth.decorators import login_required
from django.http import JsonResponse


@login_required
def me(request):
    """The signed-in user as JSON: the peer of Haima's ``GET /api/v1/me``."""
    user = request.user
    return JsonResponse(
        {
            "user": {
                "id": user.pk,
                "username": user.username,
                "email": user.email or None,
                "is_active": user.is_active,
                "date_joined": user.date_joined.isoformat(),
            }
        }
    )
