"""One PDF renderer, and it never fetches from outside.

A loopback web server stands in for anything a PDF's HTML might name
(an internal service, a cloud metadata address). Every kind of PDF the
service makes is produced through its real code path with tags naming that
server injected into the HTML WeasyPrint is given; the server must see no
request. A control shows the harness does see a request when WeasyPrint is
called the way the action plan used to call it.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import weasyprint
from django.test import Client
from django.urls import reverse

from audits.models import SubmissionPdf
from audits.services.pdf import submission_pdf_build
from core.pdf import pdf_render, pdf_url_fetcher
from partnerships.models import StaffRole
from tests.audits.test_pdf import agency_client, fill_return, submit
from tests.factories import two_partnerships
from tests.staff import staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def loopback():
    """A web server on 127.0.0.1 that records every path asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile_html(loopback, monkeypatch):
    """Every HTML document handed to WeasyPrint names the loopback server in
    a stylesheet link, an @import, an image and a web font."""
    base, asked = loopback
    real = weasyprint.HTML

    def html_with_outside_references(*args, string=None, **kwargs):
        tags = (
            f'<link rel="stylesheet" href="{base}/link.css">'
            f"<style>@import url({base}/import.css); @font-face {{ font-family: X; src: url({base}/f.woff) }}"
            " body { font-family: X }</style>"
            f'<img src="{base}/img.png" alt=""><img src="file:///etc/hostname" alt="">'
        )
        string = string.replace("</body>", tags + "</body>") if "</body>" in string else string + tags
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html_with_outside_references)
    return asked


def test_the_harness_sees_a_fetch_when_weasyprint_is_left_to_its_default(hostile_html):
    weasyprint.HTML(string="<html><body>x</body></html>").write_pdf()
    assert hostile_html


@pytest.fixture
def world():
    world = two_partnerships().a
    fill_return(world)
    return world


def _get(client, name, world, **kwargs):
    response = client.get(reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs}))
    assert response.status_code == 200, (name, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF"), name
    return content


def test_no_pdf_kind_fetches_from_outside(world, hostile_html):
    agency = agency_client(world)
    _get(agency, "return_pdf_draft", world)
    _get(agency, "question_list_pdf", world, cycle_slug=world.cycle.slug)
    _get(agency, "grading_sheet_pdf", world, cycle_slug=world.cycle.slug)
    assert hostile_html == [], "draft or reference sheets"

    submit(world)
    record = SubmissionPdf.objects.get(submission=world.submission)
    submission_pdf_build(pdf_id=record.pk)
    assert SubmissionPdf.objects.get(pk=record.pk).is_built
    assert hostile_html == [], "submitted copy"

    _get(agency, "action_plan_pdf", world)
    assert hostile_html == [], "agency action plan"

    staff = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    _get(staff, "staff_action_plan_pdf", world, reference=world.submission.reference)
    _get(staff, "staff_cycle_report_pdf", world, cycle_slug=world.cycle.slug)
    assert hostile_html == [], "staff action plan or summary report"


def test_the_fetcher_serves_data_uris_and_our_static_files_only(loopback):
    base, asked = loopback
    assert pdf_url_fetcher("data:text/css,body%7Bcolor:red%7D")["mime_type"] == "text/css"
    for url in (
        f"{base}/x.css",
        "file:///etc/passwd",
        "https://s11portal.invalid/static/../../etc/passwd",
        "https://s11portal.invalid/elsewhere.css",
    ):
        with pytest.raises(ValueError):
            pdf_url_fetcher(url)
    assert asked == []
    assert pdf_render("<html lang='en-GB'><head><title>t</title></head><body>x</body></html>").startswith(
        b"%PDF"
    )
