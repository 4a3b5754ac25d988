"""Staff notifications keep to what each member may see (partnerships.scope):
a locality lead or a commissioner who asks to be told of every event is
told of their own agencies' returns only, never another's name."""

import pytest

from audits.models import NotificationKind, StaffNotification
from audits.services.notifications import staff_notification_queue
from partnerships.models import Agency, StaffMembership, StaffRole
from tests.factories import AgencyFactory, LocalityFactory, SubmissionFactory, two_partnerships
from tests.staff import staff_user

from .test_notifications import choose

pytestmark = pytest.mark.django_db


def test_scoped_members_are_told_only_of_their_own_agencies_returns():
    w = two_partnerships()
    south = LocalityFactory(partnership=w.a.partnership, name="ALPHA South")
    southern = AgencyFactory(partnership=w.a.partnership, name="Southern Trust", localities=[south])
    south_return = SubmissionFactory(cycle=w.a.cycle, agency=southern)
    council = AgencyFactory(partnership=w.a.partnership, name="Alpha County Council")
    Agency.objects.filter(pk=southern.pk).update(commissioned_by=council)

    def member(role, **kwargs):
        user = staff_user(w.a.partnership, role, **kwargs)
        membership = StaffMembership.objects.get(user=user, partnership=w.a.partnership)
        choose(membership, **{NotificationKind.CHALLENGE: "each"})
        return membership

    lead = member(StaffRole.LOCALITY_LEAD, localities=[south])
    commissioner = member(StaffRole.COMMISSIONER, agency=council)
    reviewer = member(StaffRole.REVIEWER)

    for submission in (w.a.submission, south_return):
        staff_notification_queue(
            partnership=w.a.partnership,
            kind=NotificationKind.CHALLENGE,
            submission=submission,
            event_key=f"challenge:{submission.pk}",
            summary="Challenged theme 1",
        )
    told = {
        (n.membership_id, n.submission_id)
        for n in StaffNotification.objects.filter(partnership=w.a.partnership)
    }
    assert told == {
        (reviewer.pk, w.a.submission.pk),
        (reviewer.pk, south_return.pk),
        (lead.pk, south_return.pk),
        (commissioner.pk, south_return.pk),
    }
