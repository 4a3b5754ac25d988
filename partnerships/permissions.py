"""What each staff role may do, in one place.

Views ask for a permission, never a role, so a new role is one line here.
"""

from enum import StrEnum

from .models import StaffRole


class Perm(StrEnum):
    VIEW = "view"  # dashboards, heatmaps, reviews read-only, reports, exports, PDFs
    REVIEW = "review"  # moderate, confirm evaluations, return for changes, meetings, reminders
    MANAGE = "manage"  # cycles, question sets, agencies, staff, resending invitations


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    StaffRole.ADMIN: frozenset({Perm.VIEW, Perm.REVIEW, Perm.MANAGE}),
    StaffRole.REVIEWER: frozenset({Perm.VIEW, Perm.REVIEW}),
    StaffRole.READ_ONLY: frozenset({Perm.VIEW}),
    # A reviewer's permissions over fewer agencies: partnerships/scope.py.
    StaffRole.LOCALITY_LEAD: frozenset({Perm.VIEW, Perm.REVIEW}),
}


def role_has_perm(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())


# One line per role, shown where an admin chooses someone's role.
ROLE_DESCRIPTIONS: dict[str, str] = {
    StaffRole.ADMIN: "What a reviewer can do, and set up cycles, question sets, agencies and staff.",
    StaffRole.REVIEWER: "See returns and reports, evaluate returns, send reminders, return for changes.",
    StaffRole.READ_ONLY: "See progress, returns, reports and exports, but change nothing.",
    StaffRole.LOCALITY_LEAD: "What a reviewer can do, for the agencies in the localities they lead only.",
}
