from django.http import Http404
from django.urls import reverse

from .selectors import partnership_get_by_slug


class PartnershipMiddleware:
    """Resolves the `<partnership_slug>` at the start of a tenant URL.

    The slug is taken out of the view's kwargs and the partnership is put on
    `request.partnership`, so views never look a tenant up themselves and an
    unknown slug is a plain 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.pop("partnership_slug", None)
        if slug is None:
            return None
        partnership = partnership_get_by_slug(slug=slug)
        if partnership is None:
            raise Http404("No such partnership")
        request.partnership = partnership
        return None


def partnership_reverse(request, name: str, **kwargs) -> str:
    """reverse() for a URL under the request's partnership prefix."""
    return reverse(name, kwargs={"partnership_slug": request.partnership.slug, **kwargs})
