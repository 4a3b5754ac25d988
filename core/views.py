"""What every app's views share: where a `next` may send someone, and the
form → service → redirect shape of a POST (POST/redirect/GET)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .domain import DomainError

NEXT_FIELD = "next"


def safe_next_url(request: HttpRequest, *, fallback: str = "", within: str = "") -> str:
    """The `next` of this request (POST, then the query string) if it is a
    path on this site, and under `within` when given (`/<partnership>/staff/`
    keeps a staff form inside its partnership); else `fallback`. Another
    host, a scheme, `//host` and backslashes are refused."""
    candidate = request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD) or ""
    if (
        candidate
        and "\\" not in candidate
        and candidate.startswith(within)
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def form_post(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict], Any],
    *,
    done: Callable[[Any], tuple[str, str]],
    error_field: str | None = None,
) -> HttpResponseRedirect | None:
    """Bind, validate, call the service, redirect. On a valid POST `save`
    makes the view's one service call with the form's cleaned data. A
    DomainError it raises becomes an error on the form (on `error_field`, on
    the field the error names in its `field`, or on the whole form), shown in
    the page's GOV.UK error summary. Otherwise
    `done(result)` gives the success message ("" for none) and where to go.

    Returns the redirect, or None when the page is to be shown (a GET, or a
    POST with errors): the view then renders it, with status 200 and the
    form's errors and what was typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except DomainError as exc:
        field = error_field or getattr(exc, "field", None)  # a service may name the field it refused
        form.add_error(field if field in form.fields else None, str(exc))
        return None
    message, url = done(result)
    if message:
        messages.success(request, message)
    return redirect(url)
