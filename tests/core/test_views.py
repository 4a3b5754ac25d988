"""The two view helpers every app shares: the one safe-`next` check and the
form → service → redirect shape of a POST."""

from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from core.domain import DomainError
from core.views import form_post, safe_next_url

STAFF = "/tsp/staff/"


def _request(method="get", data=None, query="", secure=False):
    factory = RequestFactory()
    path = "/tsp/staff/cycles/remind/" + (f"?{query}" if query else "")
    request = getattr(factory, method)(path, data or {}, secure=secure)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/tsp/staff/cycles/2027/", "/tsp/staff/cycles/2027/"),
        ("/tsp/staff/cycles/2027/?status=late#agencies", "/tsp/staff/cycles/2027/?status=late#agencies"),
        ("http://testserver/tsp/staff/", "http://testserver/tsp/staff/"),
        ("https://evil.example/tsp/staff/", ""),
        ("//evil.example/tsp/staff/", ""),
        ("/\\evil.example/", ""),
        ("\\\\evil.example\\tsp\\staff\\", ""),
        ("javascript:alert(1)", ""),
        ("", ""),
    ],
)
def test_safe_next_keeps_paths_on_this_site_only(target, expected):
    assert safe_next_url(_request("post", {"next": target})) == expected
    assert safe_next_url(_request("get", query=urlencode({"next": target}))) == expected


def test_safe_next_prefers_the_post_then_the_query_then_the_fallback():
    request = _request("post", {"next": "/posted/"}, query="next=/queried/")
    assert safe_next_url(request) == "/posted/"
    assert safe_next_url(_request("post", {}, query="next=/queried/")) == "/queried/"
    assert safe_next_url(_request("post", {"next": "https://evil.example/"}), fallback="/home/") == "/home/"


def test_safe_next_within_a_prefix_keeps_a_staff_form_inside_its_partnership():
    assert safe_next_url(_request("post", {"next": "/tsp/staff/x/"}), within=STAFF) == "/tsp/staff/x/"
    assert safe_next_url(_request("post", {"next": "/other/staff/x/"}), within=STAFF, fallback="/f/") == "/f/"
    assert safe_next_url(_request("post", {"next": "/tsp/"}), within=STAFF) == ""


def test_safe_next_over_https_refuses_a_plain_http_address():
    request = _request("post", {"next": "http://testserver/tsp/"}, secure=True)
    assert safe_next_url(request) == ""
    assert safe_next_url(_request("post", {"next": "/tsp/"}, secure=True)) == "/tsp/"


class NameForm(forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})


def _done(result):
    return f"{result} saved", f"/done/{result}/"


def test_form_post_shows_the_page_on_a_get_and_calls_nothing():
    calls = []
    request = _request("get")
    form = NameForm(None)
    assert form_post(request, form, calls.append, done=_done) is None
    assert calls == []


def test_form_post_with_errors_shows_the_page_and_calls_nothing():
    calls = []
    form = NameForm({"name": ""})
    assert form_post(_request("post", {"name": ""}), form, calls.append, done=_done) is None
    assert calls == []
    assert form.errors == {"name": ["Enter a name"]}


def test_form_post_turns_a_domain_error_into_a_form_error():
    def refuse(data):
        raise DomainError(f"{data['name']} is taken")

    form = NameForm({"name": "Alpha"})
    assert form_post(_request("post"), form, refuse, done=_done) is None
    assert form.non_field_errors() == ["Alpha is taken"]

    form = NameForm({"name": "Alpha"})
    assert form_post(_request("post"), form, refuse, done=_done, error_field="name") is None
    assert form.errors == {"name": ["Alpha is taken"]}


def test_form_post_calls_the_service_once_then_says_so_and_redirects():
    calls = []

    def save(data):
        calls.append(data)
        return data["name"]

    request = _request("post")
    response = form_post(request, NameForm({"name": "Alpha"}), save, done=_done)
    assert calls == [{"name": "Alpha"}]
    assert response.status_code == 302 and response["Location"] == "/done/Alpha/"
    assert [str(m) for m in get_messages(request)] == ["Alpha saved"]

    request = _request("post")
    form_post(request, NameForm({"name": "Beta"}), save, done=lambda result: ("", "/quiet/"))
    assert list(get_messages(request)) == []
