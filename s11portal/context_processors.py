from django.conf import settings


def service(request):
    """What every page needs: the service name, and the partnership when the
    URL is under one (set on the request by the tenancy middleware)."""
    return {
        "service_name": settings.SERVICE_NAME,
        "partnership": getattr(request, "partnership", None),
    }
