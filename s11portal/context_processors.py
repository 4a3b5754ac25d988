from django.conf import settings

from partnerships.staff import staff_context


def service(request):
    """What every page needs: the service name, and the partnership when the
    URL is under one (set on the request by the tenancy middleware)."""
    context = {
        "service_name": settings.SERVICE_NAME,
        "partnership": getattr(request, "partnership", None),
    }
    context.update(staff_context(request))
    return context
