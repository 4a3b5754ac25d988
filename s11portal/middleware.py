"""Requests no page of this service can make sense of, refused in one place
before any view or selector sees them.

An upload (a multipart body) that says it is bigger than
settings.REQUEST_BODY_MAX_BYTES: 413 with a GOV.UK page, decided from the
Content-Length header before a byte of the body is read or spooled to disk.
(Other bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE; the reverse proxy
caps every body too.)

A NUL byte (%00) in the path or the query string: PostgreSQL cannot store or
compare it, so psycopg raises when a selector passes it on (a `<str:>` URL
part such as a return's reference or an evidence token, or a filter value);
no URL or value of ours contains one. The path answers 404 (there is no
such page); a query string 400.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


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


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.REQUEST_BODY_MAX_BYTES:
                return render(
                    request,
                    "413.html",
                    {"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES), "back": request.path},
                    status=413,
                )
        return self.get_response(request)
