"""Requests no page of this service can make sense of, refused in one place
before any view or selector sees them.

A NUL byte (%00) in the path or the query string: PostgreSQL cannot store or
compare it, so psycopg raises when a selector passes it on (a `<str:>` URL
part such as a return's reference or an evidence token, or a filter value);
no URL or value of ours contains one. The path answers 404 (there is no
such page); a query string 400.
"""

from django.core.exceptions import BadRequest
from django.http import Http404


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or "\x00" in request.path:
            raise Http404("No such page")
        if "%00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A NUL byte in the query string")
        return self.get_response(request)
