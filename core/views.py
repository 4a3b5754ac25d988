"""What every app's views share: where a `next` may send someone, and the
form → service → redirect shape of a POST (POST/redirect/GET)."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
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
    error_field: str | Mapping[type[DomainError], str] | None = None,
    refused: Callable[[DomainError], HttpResponse | None] | None = None,
    formsets: Sequence[forms.BaseFormSet] = (),
) -> HttpResponse | None:
    """Bind, validate, call the service, redirect. On a valid POST `save`
    makes the view's one service call with the form's cleaned data. A
    DomainError it raises becomes an error on the form (on `error_field`, on
    the field the error names in its `field`, or on the whole form), shown in
    the page's GOV.UK error summary. `error_field` may instead map error
    classes to fields (the first class the error is an instance of wins;
    any other error goes on the field it names, or the whole form).
    `refused(error)`, when given, sees a DomainError first and returns the
    response to send instead (a redirect with the reason flashed, or the page
    again with a conflict shown), or None to put the error on the form as
    above. `formsets` are validated after the form; `save` runs only when all
    are valid. Otherwise `done(result)` gives the success message ("" for
    none) and where to go.

    Returns the redirect, or None when the page is to be shown (a GET, or a
    POST with errors): the view then renders it, with status 200 and the
    form's errors and what was typed."""
    if request.method != "POST" or not form.is_valid() or not all(f.is_valid() for f in formsets):
        return None
    try:
        result = save(form.cleaned_data)
    except DomainError as exc:
        if refused is not None and (response := refused(exc)) is not None:
            return response
        field = _refusal_field(exc, error_field)
        form.add_error(field if field in form.fields else None, str(exc))
        return None
    message, url = done(result)
    if message:
        messages.success(request, message)
    return redirect(url)


def _refusal_field(exc: DomainError, error_field) -> str | None:
    """The field a refusal goes on: the one given for its class, else the
    one the error names (a service may name the field it refused)."""
    if isinstance(error_field, Mapping):
        field = next((name for cls, name in error_field.items() if isinstance(exc, cls)), None)
        return field or getattr(exc, "field", None)
    return error_field or getattr(exc, "field", None)
