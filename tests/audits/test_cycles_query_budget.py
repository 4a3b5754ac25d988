"""The cycle pages of issue 17 items 3-5 stay within ten queries whatever
the number of agencies: the overdue list, the cycle's page with each
agency's row, the emails page and starting the next cycle with its rules."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits.models import AuditCycle, CycleQuestionSet
from audits.services.reminders import reminders_due
from partnerships.models import Sector, StaffRole
from tests.audits.test_views_query_budget import BUDGET, _count
from tests.factories import AgencyFactory, AuditCycleFactory, PartnershipFactory, question_set_with_questions
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("agencies", [3, 60])
def test_cycle_pages_stay_within_ten_queries(agencies):
    partnership = PartnershipFactory(slug=f"budget{agencies}")
    question_set = question_set_with_questions(partnership, themes=2, questions=2)
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=partnership, question_set=question_set, opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=10),
    )  # fmt: skip
    for n in range(agencies):
        AgencyFactory(partnership=partnership, name=f"Agency {n:03d}", sector=Sector.VOLUNTARY, contacts=2)
    for sector in ("voluntary", "police"):
        CycleQuestionSet.objects.create(
            partnership=partnership, cycle=cycle, question_set=question_set, sector=sector
        )
    reminders_due()
    AuditCycle.objects.filter(pk=cycle.pk).update(closes_at=now - timedelta(days=1))
    client = staff_client(Client(), partnership, StaffRole.ADMIN)
    pages = {
        "overdue": staff_url(partnership, "staff_cycle_overdue", cycle_slug=cycle.slug),
        "cycle": staff_url(partnership, "staff_cycle_admin_detail", cycle_slug=cycle.slug),
        "emails": staff_url(partnership, "staff_cycle_emails", cycle_slug=cycle.slug),
        "next cycle": staff_url(partnership, "staff_cycle_admin_next", cycle_slug=cycle.slug),
    }
    counts = {label: _count(client, "get", url) for label, url in pages.items()}
    assert all(count <= BUDGET for count in counts.values()), counts
