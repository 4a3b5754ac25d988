"""What each staff role may do, in one place.

Views ask for a permission, never a role, so a new role is one line here.
The staff-members page lists every role's permissions from these same
tables (`role_permission_table`), in the words below, so what it tells an
admin is what the code enforces.
"""

from dataclasses import dataclass
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
    # Read-only, over the services their agency commissions.
    StaffRole.COMMISSIONER: frozenset({Perm.VIEW}),
}


def role_has_perm(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())


# What each permission lets someone do, in plain words: the staff-members
# page's table. Every staff page asks for one of these (staff_required).
PERM_WORDS: dict[Perm, str] = {
    Perm.VIEW: (
        "See each cycle's progress, returns and their evidence, action plans, meetings, "
        "reports and practitioners' surveys, and download exports and PDFs"
    ),
    Perm.REVIEW: (
        "Evaluate returns (moderated ratings and outcomes), return them for changes, "
        "record meetings, and send reminders and survey links"
    ),
    Perm.MANAGE: (
        "Create and change audit cycles, question sets, agencies and localities, staff, "
        "guidance pages and data retention"
    ),
}

# Which agencies a role's permissions reach (partnerships/scope.py applies it).
ROLE_REACH: dict[str, str] = {
    StaffRole.ADMIN: "Every agency of the partnership",
    StaffRole.REVIEWER: "Every agency of the partnership",
    StaffRole.READ_ONLY: "Every agency of the partnership",
    StaffRole.LOCALITY_LEAD: "Only the agencies in the localities they lead",
    StaffRole.COMMISSIONER: "Only the services their agency commissions",
}

# One line per role, shown where an admin chooses someone's role.
ROLE_DESCRIPTIONS: dict[str, str] = {
    StaffRole.ADMIN: "What a reviewer can do, and set up cycles, question sets, agencies and staff.",
    StaffRole.REVIEWER: "See returns and reports, evaluate returns, send reminders, return for changes.",
    StaffRole.READ_ONLY: "See progress, returns, reports and exports, but change nothing.",
    StaffRole.LOCALITY_LEAD: "What a reviewer can do, for the agencies in the localities they lead only.",
    StaffRole.COMMISSIONER: "See the returns of the services their agency commissions, but change nothing.",
}


@dataclass(frozen=True)
class RolePermissions:
    role: str
    label: str
    reach: str
    # (what the permission lets them do, whether this role has it), in Perm order
    permissions: list[tuple[str, bool]]

    @property
    def can_do_everything(self) -> bool:
        return all(allowed for _, allowed in self.permissions)


def role_permission_table() -> list[RolePermissions]:
    """Every role, most powerful first, with each permission's words and
    whether the role has it, read from ROLE_PERMS."""
    return [
        RolePermissions(
            role=value,
            label=label,
            reach=ROLE_REACH[value],
            permissions=[(PERM_WORDS[perm], perm in ROLE_PERMS[value]) for perm in Perm],
        )
        for value, label in StaffRole.choices
    ]
