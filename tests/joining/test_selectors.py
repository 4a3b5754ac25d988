"""Every selector of guidance, joining and lifecycle keeps to its
partnership: another partnership's rows are not found."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from audits.models import AuditCycle
from guidance import selectors as guidance_selectors
from guidance.models import GuidanceEntry
from joining import selectors as joining_selectors
from joining.models import AgencyRegistration
from lifecycle import selectors as lifecycle_selectors
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds():
    return two_partnerships()


def test_guidance_selectors_keep_to_their_partnership(worlds):
    a, b = worlds
    theirs = GuidanceEntry.objects.create(partnership=b.partnership, kind="faq", title="B's", body="x")
    assert list(guidance_selectors.guidance_entries(partnership=a.partnership)) == []
    assert list(guidance_selectors.guidance_documents(partnership=a.partnership)) == []
    with pytest.raises(Http404):
        guidance_selectors.guidance_entry_get(partnership=a.partnership, pk=theirs.pk)
    with pytest.raises(Http404):
        guidance_selectors.guidance_document_get(partnership=a.partnership, pk=1)
    with pytest.raises(Http404):
        guidance_selectors.guidance_document_by_token(partnership=a.partnership, token="x")
    assert guidance_selectors.guidance_entry_get(partnership=b.partnership, pk=theirs.pk) == theirs


def test_joining_selectors_keep_to_their_partnership(worlds):
    a, b = worlds
    theirs = AgencyRegistration.objects.create(
        partnership=b.partnership,
        organisation_name="B club",
        sector="sport",
        contact_name="Kim",
        contact_email="kim@b.example",
        status="waiting",
    )
    assert list(joining_selectors.registrations_waiting(partnership=a.partnership)) == []
    assert list(joining_selectors.registrations_decided(partnership=a.partnership)) == []
    with pytest.raises(Http404):
        joining_selectors.registration_get(partnership=a.partnership, pk=theirs.pk)
    assert list(joining_selectors.registrations_waiting(partnership=b.partnership)) == [theirs]


def test_lifecycle_selectors_keep_to_their_partnership(worlds):
    a, b = worlds
    with pytest.raises(ValueError, match="another partnership"):
        lifecycle_selectors.cycle_personal_data(partnership=a.partnership, cycle=b.cycle, keep_pdfs=True)
    AuditCycle.objects.filter(pk=b.cycle.pk).update(
        opens_at=timezone.now() - timedelta(days=3000), closes_at=timezone.now() - timedelta(days=2900)
    )
    assert [p.cycle for p in lifecycle_selectors.retention_preview(partnership=a.partnership)] == []
    assert [p.cycle for p in lifecycle_selectors.retention_preview(partnership=b.partnership)] == [b.cycle]
    policy = lifecycle_selectors.retention_policy_get(partnership=a.partnership)
    assert policy.partnership == a.partnership and policy.pk is None
    assert list(lifecycle_selectors.cycles_due(partnership=a.partnership, policy=policy)) == []
    b_policy = lifecycle_selectors.retention_policy_get(partnership=b.partnership)
    assert list(lifecycle_selectors.cycles_due(partnership=b.partnership, policy=b_policy)) == [b.cycle]
    assert list(lifecycle_selectors.cycles_anonymised(partnership=a.partnership)) == []
