"""Every staff page within the ten queries of a working page (issue 20): each
GET URL the authorisation cases list (tests/authz/cases_*.py, one for every
staff URL), asked for by a member whose role may see it, the page having
been asked for once before (as a warm process would). The main pages are
also measured at 10 and 700 agencies (tests/test_views_query_budget.py);
this one leaves no page out.

A download (an export, a PDF) is held to the same ten reads; it also writes
the row that records who downloaded what. A workbook of two sheets reads the
second sheet's rows as a one-sheet export does (five queries more)."""

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import StaffRole
from partnerships.permissions import ROLE_PERMS
from tests.staff import staff_client

from .test_staff_urls import CASES
from .world import authz_world

pytestmark = pytest.mark.django_db

BUDGET = 10
DOWNLOAD_RECORD = 'INSERT INTO "audits_auditevent"'
SECOND_SHEET = {"staff_cycle_export_workbook": 5}
# The unscoped roles, broadest first: the page is measured for the first
# that may see it.
ROLES = [StaffRole.ADMIN, StaffRole.REVIEWER, StaffRole.READ_ONLY]


def _consume(response) -> None:
    # A streamed download reads its rows while it is sent.
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


@pytest.mark.parametrize("case", [c for c in CASES if c.method == "get"], ids=lambda c: c.id)
def test_every_staff_page_stays_within_ten_queries(case):
    role = next((r for r in ROLES if case.perm in ROLE_PERMS[r]), None)
    if role is None:
        pytest.skip("only a scoped role may see this page")
    w = authz_world()
    client = staff_client(Client(), w.a.partnership, role)
    url = reverse(case.url_name, kwargs={"partnership_slug": w.a.partnership.slug, **case.kwargs(w.a)})
    _consume(client.get(url))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        _consume(response)
    assert response.status_code in case.ok, response.status_code
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    if not response.get("Content-Type", "").startswith("text/html"):
        recorded = [q for q in sql if q.startswith(DOWNLOAD_RECORD)]
        assert len(recorded) <= 1, recorded
        sql = [q for q in sql if q not in recorded]
    assert len(sql) <= BUDGET + SECOND_SHEET.get(case.url_name, 0), "\n\n".join(sql)
