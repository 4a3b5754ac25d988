"""A report page costs the same number of queries for 10 agencies as for
700, but more than the ten of a working page (docs/performance.md): after
the four every staff page makes (session, user, second factor, membership)
and the cycle and the report, each part reads its own kind of row: the
returns, agencies not started, agencies' localities, self and moderated
ratings (one query), earlier cycles with their response; then, for the
sections that need them, the previous cycle's returns and ratings, action
items, meetings and their actions. A locality pack reads the locality too."""

import pytest
from django.test import Client

from bench.dashboard import populate
from core.domain import Actor
from partnerships.models import StaffRole
from reports.models import SECTION_KEYS
from reports.services import report_create
from tests.audits.test_views_query_budget import _count
from tests.factories import PartnershipFactory
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

REPORT_BUDGET = 15  # every section, as a locality pack


def _report_counts(partnership, cycle) -> dict[str, int]:
    report = report_create(
        partnership=partnership,
        cycle=cycle,
        title="Board",
        sections=list(SECTION_KEYS),
        actor=Actor(name="R"),
    )
    few = report_create(
        partnership=partnership,
        cycle=cycle,
        title="Short",
        sections=["status", "themes"],
        actor=Actor(name="R"),
    )
    client = staff_client(Client(), partnership, StaffRole.READ_ONLY)
    locality = partnership.localities.order_by("pk").first()

    def url(r, query=""):
        return staff_url(partnership, "staff_report", cycle_slug=cycle.slug, report_id=r.pk) + query

    return {
        "every section": _count(client, "get", url(report)),
        "a locality pack": _count(client, "get", url(report, f"?locality={locality.pk}")),
        "status and themes": _count(client, "get", url(few)),
        "report list": _count(
            client, "get", staff_url(partnership, "staff_report_list", cycle_slug=cycle.slug)
        ),
    }


def test_report_pages_cost_the_same_for_10_and_700_agencies():
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    few = _report_counts(small, populate(small, agencies=10, themes=2, questions=3, localities=2))
    many = _report_counts(large, populate(large, agencies=700, themes=10, questions=12, localities=4))
    assert few == many, (few, many)
    assert many["a locality pack"] <= REPORT_BUDGET, many
    assert many["status and themes"] <= 11, many
    assert many["report list"] <= 10, many
