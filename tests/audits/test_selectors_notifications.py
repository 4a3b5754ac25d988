"""The notification preferences' selector keeps to its partnership."""

import pytest

from audits.models import NotificationFrequency, StaffNotificationPreference
from audits.selectors.notifications import notification_preferences_get
from partnerships.models import StaffMembership, StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_user

pytestmark = pytest.mark.django_db

COVERED = {"notification_preferences_get"}


def test_notification_preferences_get_is_one_members_in_one_partnership():
    world = two_partnerships()
    user = staff_user(world.a.partnership, StaffRole.READ_ONLY)
    in_a = StaffMembership.objects.get(user=user, partnership=world.a.partnership)
    in_b = StaffMembership.objects.create(user=user, partnership=world.b.partnership, role=StaffRole.ADMIN)
    StaffNotificationPreference.objects.create(
        partnership=world.b.partnership, membership=in_b, kind="challenge", frequency="none"
    )
    a_prefs = notification_preferences_get(partnership=world.a.partnership, membership=in_a)
    assert set(a_prefs.values()) == {NotificationFrequency.NONE}  # read-only defaults
    b_prefs = notification_preferences_get(partnership=world.b.partnership, membership=in_b)
    assert b_prefs["challenge"] == "none" and b_prefs["submitted"] == "each"
    with pytest.raises(ValueError):
        notification_preferences_get(partnership=world.a.partnership, membership=in_b)
