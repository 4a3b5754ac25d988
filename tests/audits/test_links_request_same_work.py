"""The "email me a fresh link" page answers known and unknown addresses with
the same response after the same work (issue 12 item 12): one task queued on
commit, the same number of queries, the same redirect."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import tasks
from core.models import OutboundEmail
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db


def test_known_and_unknown_addresses_get_the_same_response_after_the_same_work(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    world = two_partnerships().a
    url = reverse("link_request", kwargs={"partnership_slug": world.partnership.slug})
    queued = []
    monkeypatch.setattr(tasks.resume_link_send, "delay", lambda *args: queued.append(args))
    client.get(url)  # the session exists before either request

    seen = []
    for email in (world.contact.email, "nobody@nowhere.example"):
        queued.clear()
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = client.post(url, {"email": email})
        seen.append(
            (
                response.status_code,
                response["Location"],
                response.content,
                len(callbacks),
                [(pk, type(address)) for pk, address in queued],
                len(queries),
            )
        )
        assert queued == [(world.partnership.pk, email)]

    assert seen[0] == seen[1], seen
    assert not OutboundEmail.objects.exists()
