"""Reads for staff notifications."""

from partnerships.models import Partnership, StaffMembership

from ..models import (
    NOTIFICATION_DEFAULTS,
    NotificationFrequency,
    NotificationKind,
    StaffNotificationPreference,
)


def notification_preferences_get(*, partnership: Partnership, membership: StaffMembership) -> dict[str, str]:
    """kind → frequency for this member of this partnership: what they
    chose, or their role's default (one query)."""
    if membership.partnership_id != partnership.pk:
        raise ValueError("The membership is not this partnership's")
    chosen = dict(
        StaffNotificationPreference.objects.filter(
            partnership=partnership, membership=membership
        ).values_list("kind", "frequency")
    )
    defaults = NOTIFICATION_DEFAULTS.get(membership.role, {})
    return {
        kind: chosen.get(kind) or defaults.get(kind, NotificationFrequency.NONE)
        for kind in NotificationKind.values
    }
