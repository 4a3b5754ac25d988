from django.conf import settings
from django.urls import reverse

from partnerships.staff import staff_context


def service(request):
    """What every page needs: the service name, where it links to, and the
    partnership when the URL is under one (set on the request by the tenancy
    middleware)."""
    partnership = getattr(request, "partnership", None)
    context = {
        "service_name": settings.SERVICE_NAME,
        "service_url": _service_url(request, partnership),
        "partnership": partnership,
        # django-csp's per-response nonce. It is lazy (and false until read):
        # reading it here is what puts it in the Content-Security-Policy.
        "csp_nonce": str(getattr(request, "csp_nonce", "")),
    }
    context.update(staff_context(request))  # staff pages: their partnership's workspace
    return context


def _service_url(request, partnership) -> str:
    """The service name in the header leads to the home of where the person
    is: the partnership's own home under a partnership, a signed-in member of
    staff's workspace (the staff index sends a member of one partnership
    straight there), and only otherwise the list of every partnership."""
    if partnership is not None:
        return reverse("partnership_home", kwargs={"partnership_slug": partnership.slug})
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return reverse("staff_index")
    return reverse("home")
