"""Writes to partnerships, their localities, agencies and staff, one module
per part: agencies (with their contacts and localities), imports (agencies
from a CSV file) and members (staff). The names are re-exported here so that
`from partnerships.services import …` keeps working."""

from django.db import transaction

from ..models import Partnership
from .agencies import (
    AGENCY_NAME_MAX,
    LOCALITY_NAME_MAX,
    AgencyNameTakenError,
    ContactEmailTakenError,
    FieldDomainError,
    LocalityInUseError,
    LocalityNameTakenError,
    PartnershipMismatchError,
    agency_contact_add,
    agency_contact_remove,
    agency_contact_set_primary,
    agency_contact_update,
    agency_create,
    agency_update,
    locality_create,
    locality_remove,
    locality_rename,
    locality_uses,
)
from .imports import (
    IMPORT_COLUMNS,
    IMPORT_MAX_BYTES,
    IMPORT_REQUIRED_COLUMNS,
    AgencyImportError,
    ImportProblem,
    ImportResult,
    ImportRow,
    agency_import,
    agency_import_parse,
    agency_import_template_csv,
)
from .members import (
    LAST_ADMIN_MESSAGE,
    StaffMemberRefusedError,
    staff_invitation_accept,
    staff_invitation_password_url,
    staff_invitation_withdraw,
    staff_member_invite,
    staff_member_remove,
    staff_member_role_change,
    staff_member_second_factor_reset,
)


@transaction.atomic
def partnership_create(*, name: str, slug: str, contact_email: str, reply_to_email: str = "") -> Partnership:
    return Partnership.objects.create(
        name=name, slug=slug, contact_email=contact_email, reply_to_email=reply_to_email
    )


__all__ = [
    "AGENCY_NAME_MAX",
    "IMPORT_COLUMNS",
    "IMPORT_MAX_BYTES",
    "IMPORT_REQUIRED_COLUMNS",
    "LAST_ADMIN_MESSAGE",
    "LOCALITY_NAME_MAX",
    "AgencyImportError",
    "AgencyNameTakenError",
    "ContactEmailTakenError",
    "FieldDomainError",
    "ImportProblem",
    "ImportResult",
    "ImportRow",
    "LocalityInUseError",
    "LocalityNameTakenError",
    "PartnershipMismatchError",
    "StaffMemberRefusedError",
    "agency_contact_add",
    "agency_contact_remove",
    "agency_contact_set_primary",
    "agency_contact_update",
    "agency_create",
    "agency_import",
    "agency_import_parse",
    "agency_import_template_csv",
    "agency_update",
    "locality_create",
    "locality_remove",
    "locality_rename",
    "locality_uses",
    "partnership_create",
    "staff_invitation_accept",
    "staff_invitation_password_url",
    "staff_invitation_withdraw",
    "staff_member_invite",
    "staff_member_remove",
    "staff_member_role_change",
    "staff_member_second_factor_reset",
]
