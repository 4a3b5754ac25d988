"""Writes to partnerships, their localities, agencies and staff."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse

from audits.models import OutboundEmail
from audits.services.core import Actor, DomainError, audit_event_record
from audits.services.outbox import outbound_email_queue

from .models import Agency, AgencyContact, Locality, Partnership, Sector, StaffMembership, StaffRole
from .permissions import ROLE_DESCRIPTIONS


class PartnershipMismatchError(ValueError):
    """Rows of two partnerships were about to be joined."""


@transaction.atomic
def partnership_create(*, name: str, slug: str, contact_email: str, reply_to_email: str = "") -> Partnership:
    return Partnership.objects.create(
        name=name, slug=slug, contact_email=contact_email, reply_to_email=reply_to_email
    )


def locality_create(*, partnership: Partnership, name: str) -> Locality:
    return Locality.objects.create(partnership=partnership, name=name)


@transaction.atomic
def agency_create(
    *,
    partnership: Partnership,
    name: str,
    sector: str,
    is_statutory: bool = True,
    localities: Iterable[Locality] = (),
    contacts: Iterable[tuple[str, str]] = (),
) -> Agency:
    localities = list(localities)
    if any(locality.partnership_id != partnership.pk for locality in localities):
        raise PartnershipMismatchError("A locality of another partnership was given.")
    agency = Agency.objects.create(
        partnership=partnership, name=name, sector=sector, is_statutory=is_statutory
    )
    agency.localities.set(localities)
    AgencyContact.objects.bulk_create(
        AgencyContact(agency=agency, name=c_name, email=c_email.lower(), is_primary=index == 0)
        for index, (c_name, c_email) in enumerate(contacts)
    )
    return agency


@transaction.atomic
def staff_member_add(
    *, partnership: Partnership, email: str, role: str, full_name: str = "", password=None
) -> StaffMembership:
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    membership, _ = StaffMembership.objects.update_or_create(
        user=user, partnership=partnership, defaults={"role": role}
    )
    return membership


# ---------------------------------------------------------------------------
# Agencies, their contacts and localities: the partnership admin's pages
# (partnerships/views_staff_agencies.py). Each service is atomic, refuses a
# row of another partnership, and writes an AuditEvent. Agencies are never
# deleted here, only made inactive: their returns are the audit history.
# ---------------------------------------------------------------------------


AGENCY_NAME_MAX = 200
LOCALITY_NAME_MAX = 120
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_COLUMNS = ("name", "sector", "statutory", "localities", "contact_name", "contact_email")
IMPORT_REQUIRED_COLUMNS = ("name", "sector", "statutory")
YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0"}


class FieldDomainError(DomainError):
    """A refusal about one field of a form: `field` names it."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field


class AgencyNameTakenError(FieldDomainError):
    field = "name"


class ContactEmailTakenError(FieldDomainError):
    field = "email"


class LocalityNameTakenError(FieldDomainError):
    field = "name"


class LocalityInUseError(DomainError):
    pass


def _same_partnership(partnership: Partnership, rows: Iterable, what: str) -> list:
    rows = list(rows)
    if any(row.partnership_id != partnership.pk for row in rows):
        raise PartnershipMismatchError(f"A {what} of another partnership was given.")
    return rows


def _agency_name_check(*, partnership: Partnership, name: str, exclude_pk=None) -> None:
    taken = Agency.objects.filter(partnership=partnership, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise AgencyNameTakenError(f"There is already an agency called {taken.first().name}")


def _agency_snapshot(agency: Agency) -> dict:
    return {
        "name": agency.name,
        "sector": agency.sector,
        "is_statutory": agency.is_statutory,
        "is_active": agency.is_active,
        "localities": sorted(lo.name for lo in agency.localities.all()),
    }


@transaction.atomic
def agency_add(
    *,
    partnership: Partnership,
    name: str,
    sector: str,
    is_statutory: bool,
    localities: Iterable[Locality] = (),
    actor: Actor,
) -> Agency:
    """A new (active) agency, named uniquely in its partnership whatever the case."""
    name = name.strip()
    localities = _same_partnership(partnership, localities, "locality")
    _agency_name_check(partnership=partnership, name=name)
    try:
        with transaction.atomic():
            agency = Agency.objects.create(
                partnership=partnership, name=name, sector=sector, is_statutory=is_statutory
            )
    except IntegrityError as exc:  # someone else added it since the check
        raise AgencyNameTakenError(f"There is already an agency called {name}") from exc
    agency.localities.set(localities)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="agency.created",
        obj=agency,
        detail=_agency_snapshot(agency),
    )
    return agency


@transaction.atomic
def agency_update(
    *,
    agency: Agency,
    name: str,
    sector: str,
    is_statutory: bool,
    localities: Iterable[Locality],
    is_active: bool,
    actor: Actor,
) -> Agency:
    """Change an agency; `is_active=False` takes it out of cycles that
    include agencies by sector or locality from now on, and keeps its returns."""
    partnership = agency.partnership
    name = name.strip()
    localities = _same_partnership(partnership, localities, "locality")
    _agency_name_check(partnership=partnership, name=name, exclude_pk=agency.pk)
    before = _agency_snapshot(agency)
    agency.name, agency.sector, agency.is_statutory, agency.is_active = name, sector, is_statutory, is_active
    try:
        with transaction.atomic():
            agency.save(update_fields=["name", "sector", "is_statutory", "is_active"])
    except IntegrityError as exc:
        raise AgencyNameTakenError(f"There is already an agency called {name}") from exc
    agency.localities.set(localities)
    after = _agency_snapshot(agency)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        verb = "agency.updated"
        if "is_active" in changes and len(changes) == 1:
            verb = "agency.activated" if is_active else "agency.deactivated"
        audit_event_record(partnership=partnership, actor=actor, verb=verb, obj=agency, detail=changes)
    return agency


def _contact_email_check(*, agency: Agency, email: str, exclude_pk=None) -> None:
    taken = AgencyContact.objects.filter(agency=agency, email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ContactEmailTakenError(f"{agency.name} already has a contact with the email address {email}")


def _contact_event(contact: AgencyContact, *, verb: str, actor: Actor, **detail) -> None:
    audit_event_record(
        partnership=contact.agency.partnership,
        actor=actor,
        verb=verb,
        obj=contact,
        detail={
            "agency_id": contact.agency_id,
            "agency": contact.agency.name,
            "email": contact.email,
            **detail,
        },
    )


@transaction.atomic
def agency_contact_add(
    *,
    agency: Agency,
    name: str,
    email: str,
    job_title: str = "",
    is_primary: bool = False,
    actor: Actor,
) -> AgencyContact:
    """A contact to invite and remind. The agency's first contact is its
    primary contact whatever was asked; making another primary moves it."""
    email = email.strip().lower()
    _contact_email_check(agency=agency, email=email)
    has_primary = agency.contacts.filter(is_primary=True).exists()
    if is_primary and has_primary:
        agency.contacts.filter(is_primary=True).update(is_primary=False)
    try:
        with transaction.atomic():
            contact = AgencyContact.objects.create(
                agency=agency,
                name=name.strip(),
                email=email,
                job_title=job_title.strip(),
                is_primary=is_primary or not has_primary,
            )
    except IntegrityError as exc:
        raise ContactEmailTakenError(
            f"{agency.name} already has a contact with the email address {email}"
        ) from exc
    _contact_event(contact, verb="agency_contact.added", actor=actor, primary=contact.is_primary)
    return contact


@transaction.atomic
def agency_contact_update(
    *, contact: AgencyContact, name: str, email: str, job_title: str = "", actor: Actor
) -> AgencyContact:
    email = email.strip().lower()
    _contact_email_check(agency=contact.agency, email=email, exclude_pk=contact.pk)
    before = {"name": contact.name, "email": contact.email, "job_title": contact.job_title}
    contact.name, contact.email, contact.job_title = name.strip(), email, job_title.strip()
    after = {"name": contact.name, "email": contact.email, "job_title": contact.job_title}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        try:
            with transaction.atomic():
                contact.save(update_fields=["name", "email", "job_title"])
        except IntegrityError as exc:
            raise ContactEmailTakenError(
                f"{contact.agency.name} already has a contact with the email address {email}"
            ) from exc
        _contact_event(contact, verb="agency_contact.updated", actor=actor, changes=changes)
    return contact


@transaction.atomic
def agency_contact_set_primary(*, contact: AgencyContact, actor: Actor) -> AgencyContact:
    if contact.is_primary:
        return contact
    AgencyContact.objects.filter(agency_id=contact.agency_id, is_primary=True).update(is_primary=False)
    contact.is_primary = True
    contact.save(update_fields=["is_primary"])
    _contact_event(contact, verb="agency_contact.made_primary", actor=actor)
    return contact


@transaction.atomic
def agency_contact_remove(*, contact: AgencyContact, actor: Actor) -> AgencyContact | None:
    """Remove a contact; if it was the primary one, the next contact by name
    becomes primary. Returns the new primary contact, if one was made."""
    agency = contact.agency
    was_primary = contact.is_primary
    _contact_event(contact, verb="agency_contact.removed", actor=actor, name=contact.name)
    contact.delete()
    if not was_primary:
        return None
    successor = agency.contacts.order_by("name", "pk").first()
    if successor is not None:
        successor.is_primary = True
        successor.save(update_fields=["is_primary"])
    return successor


def _locality_name_check(*, partnership: Partnership, name: str, exclude_pk=None) -> None:
    taken = Locality.objects.filter(partnership=partnership, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise LocalityNameTakenError(f"There is already a locality called {taken.first().name}")


@transaction.atomic
def locality_add(*, partnership: Partnership, name: str, actor: Actor) -> Locality:
    name = name.strip()
    _locality_name_check(partnership=partnership, name=name)
    try:
        with transaction.atomic():
            locality = Locality.objects.create(partnership=partnership, name=name)
    except IntegrityError as exc:
        raise LocalityNameTakenError(f"There is already a locality called {name}") from exc
    audit_event_record(
        partnership=partnership, actor=actor, verb="locality.created", obj=locality, detail={"name": name}
    )
    return locality


@transaction.atomic
def locality_rename(*, locality: Locality, name: str, actor: Actor) -> Locality:
    name = name.strip()
    if name == locality.name:
        return locality
    _locality_name_check(partnership=locality.partnership, name=name, exclude_pk=locality.pk)
    before = locality.name
    locality.name = name
    try:
        with transaction.atomic():
            locality.save(update_fields=["name"])
    except IntegrityError as exc:
        raise LocalityNameTakenError(f"There is already a locality called {name}") from exc
    audit_event_record(
        partnership=locality.partnership,
        actor=actor,
        verb="locality.renamed",
        obj=locality,
        detail={"name": [before, name]},
    )
    return locality


def locality_uses(*, locality: Locality) -> tuple[int, int]:
    """How many agencies are in the locality, and how many audit cycles
    choose their agencies by it."""
    from audits.models import AuditCycle  # audits depends on partnerships, not the reverse

    agencies = locality.agencies.count()
    cycles = AuditCycle.scope_localities.through.objects.filter(locality_id=locality.pk).count()
    return agencies, cycles


@transaction.atomic
def locality_remove(*, locality: Locality, actor: Actor) -> None:
    """Remove a locality nobody uses: reports per locality and cycles that
    include agencies by locality would otherwise change silently."""
    # Lock the row so an agency cannot be put in it while we check.
    Locality.objects.select_for_update().filter(pk=locality.pk).first()
    agencies, cycles = locality_uses(locality=locality)
    if agencies or cycles:
        reasons = []
        if agencies:
            reasons.append(f"{agencies} agenc{'ies are' if agencies != 1 else 'y is'} in it")
        if cycles:
            reasons.append(f"{cycles} audit cycle{'s choose' if cycles != 1 else ' chooses'} agencies by it")
        raise LocalityInUseError(
            f"{locality.name} cannot be removed because {' and '.join(reasons)}. "
            "Take the agencies out of it (and change the cycles) first, or rename it instead."
        )
    audit_event_record(
        partnership=locality.partnership,
        actor=actor,
        verb="locality.removed",
        obj=locality,
        detail={"name": locality.name},
    )
    locality.delete()


# --- Importing agencies from a CSV file -----------------------------------


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class AgencyImportError(DomainError):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__(f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}")


@dataclass
class ImportRow:
    row: int
    name: str
    sector: str
    is_statutory: bool
    localities: list[Locality] = field(default_factory=list)
    contact_name: str = ""
    contact_email: str = ""
    existing: Agency | None = None


@dataclass
class ImportResult:
    created: list[Agency] = field(default_factory=list)
    updated: list[Agency] = field(default_factory=list)
    contacts_added: int = 0


def agency_import_template_csv() -> str:
    """The file to download, fill in and upload."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow(
        [
            "Example Borough Council",
            "local_authority",
            "yes",
            "North; South",
            "Sam Jones",
            "sam.jones@example.org",
        ]
    )
    writer.writerow(["Example Youth Football Club", "Sport and leisure", "no", "", "", ""])
    return out.getvalue()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel on Windows saves "CSV (Comma delimited)" in Windows-1252
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise AgencyImportError(
            [ImportProblem(None, None, "The file must be a CSV file saved as UTF-8 (in Excel: CSV UTF-8)")]
        ) from exc


def _sector_from(text: str) -> str | None:
    wanted = text.strip().lower()
    for value, label in Sector.choices:
        if wanted in (value, label.lower()):
            return value
    return None


def agency_import_parse(*, partnership: Partnership, content: bytes) -> list[ImportRow]:
    """Check every row of an agency CSV. Raises AgencyImportError listing
    every problem with its row and column; returns the rows if there are none."""
    if len(content) > IMPORT_MAX_BYTES:
        raise AgencyImportError([ImportProblem(None, None, "The file must be smaller than 1MB")])
    if b"\x00" in content:
        raise AgencyImportError([ImportProblem(None, None, "The file must be a CSV file")])
    text = _decode(content)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise AgencyImportError(
            [ImportProblem(None, None, f"The file could not be read as CSV ({exc})")]
        ) from exc
    if not records or not any(cell.strip() for cell in records[0]):
        raise AgencyImportError(
            [ImportProblem(1, None, f"The first row must name the columns: {', '.join(IMPORT_COLUMNS)}")]
        )

    header = [cell.strip().lower().replace(" ", "_") for cell in records[0]]
    problems: list[ImportProblem] = []
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if unknown:
        problems.append(
            ImportProblem(
                1,
                None,
                f"Unknown column{'s' if len(unknown) != 1 else ''} {', '.join(unknown)}. "
                f"The columns are {', '.join(IMPORT_COLUMNS)}",
            )
        )
    missing = [c for c in IMPORT_REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(ImportProblem(1, None, f"The file has no {', '.join(missing)} column"))
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        problems.append(ImportProblem(1, None, f"The column {', '.join(repeated)} appears more than once"))
    if problems:
        raise AgencyImportError(problems)

    localities = {lo.name.lower(): lo for lo in Locality.objects.filter(partnership=partnership)}
    existing = {a.name.lower(): a for a in Agency.objects.filter(partnership=partnership)}
    seen: dict[str, int] = {}
    rows: list[ImportRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines, as spreadsheets leave at the end
        if len(record) > len(header):
            problems.append(
                ImportProblem(
                    number, None, f"The row has {len(record)} cells but there are {len(header)} columns"
                )
            )
            continue
        cells = dict(zip(header, (c.strip() for c in record), strict=False))

        def problem(column, message, number=number):
            problems.append(ImportProblem(number, column, message))

        name = cells.get("name", "")
        if not name:
            problem("name", "Enter the agency’s name")
        elif len(name) > AGENCY_NAME_MAX:
            problem("name", f"The name must be {AGENCY_NAME_MAX} characters or fewer")
        elif name.lower() in seen:
            problem("name", f"{name} is also on row {seen[name.lower()]}: each agency must be on one row")
        else:
            seen[name.lower()] = number

        sector = _sector_from(cells.get("sector", ""))
        if not cells.get("sector"):
            problem("sector", "Enter the sector, for example local_authority or Police")
        elif sector is None:
            problem(
                "sector",
                f"“{cells['sector']}” is not a sector. Use a code or name from the list on this page",
            )

        statutory_text = cells.get("statutory", "").lower()
        if statutory_text not in YES_WORDS | NO_WORDS:
            problem("statutory", "Enter yes or no")

        chosen, unknown_localities = [], []
        for part in cells.get("localities", "").split(";"):
            part = part.strip()
            if not part:
                continue
            if part.lower() in localities:
                if localities[part.lower()] not in chosen:
                    chosen.append(localities[part.lower()])
            else:
                unknown_localities.append(part)
        if unknown_localities:
            problem(
                "localities",
                f"No locality called {', '.join(unknown_localities)}. Add "
                f"{'them' if len(unknown_localities) != 1 else 'it'} on the localities page first, "
                "or correct the spelling",
            )

        contact_name, contact_email = cells.get("contact_name", ""), cells.get("contact_email", "").lower()
        if contact_email and not contact_name:
            problem("contact_name", "Enter the contact’s name, or leave contact_email empty too")
        if contact_name and not contact_email:
            problem("contact_email", "Enter the contact’s email address, or leave contact_name empty too")
        if contact_email:
            try:
                validate_email(contact_email)
            except ValidationError:
                problem("contact_email", f"“{contact_email}” is not an email address, like name@example.org")
        if len(contact_name) > 200:
            problem("contact_name", "The contact’s name must be 200 characters or fewer")

        rows.append(
            ImportRow(
                row=number,
                name=name,
                sector=sector or "",
                is_statutory=statutory_text in YES_WORDS,
                localities=chosen,
                contact_name=contact_name,
                contact_email=contact_email,
                existing=existing.get(name.lower()),
            )
        )
    if not rows and not problems:
        problems.append(
            ImportProblem(None, None, "The file has no agencies in it, only the row of column names")
        )
    if problems:
        raise AgencyImportError(problems)
    return rows


@transaction.atomic
def agency_import(*, partnership: Partnership, content: bytes, actor: Actor) -> ImportResult:
    """Add the file's agencies, all or none. A row naming an agency the
    partnership has (whatever the case) updates its sector, statutory status
    and localities; its contact is added if the agency does not have that
    email address yet. Agencies not in the file are left alone."""
    rows = agency_import_parse(partnership=partnership, content=content)
    result = ImportResult()
    for row in rows:
        if row.existing is None:
            agency = agency_add(
                partnership=partnership,
                name=row.name,
                sector=row.sector,
                is_statutory=row.is_statutory,
                localities=row.localities,
                actor=actor,
            )
            result.created.append(agency)
        else:
            agency = agency_update(
                agency=row.existing,
                name=row.existing.name,
                sector=row.sector,
                is_statutory=row.is_statutory,
                localities=row.localities,
                is_active=row.existing.is_active,
                actor=actor,
            )
            result.updated.append(agency)
        if row.contact_email and not agency.contacts.filter(email__iexact=row.contact_email).exists():
            agency_contact_add(agency=agency, name=row.contact_name, email=row.contact_email, actor=actor)
            result.contacts_added += 1
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="agencies.imported",
        detail={
            "created": [a.name for a in result.created],
            "updated": [a.name for a in result.updated],
            "contacts_added": result.contacts_added,
        },
    )
    return result


# ---------------------------------------------------------------------------
# Staff members: partnership admins add, change and remove their staff, and
# reset a member's second factor. Each write locks the partnership row first,
# so two admins acting at once cannot leave it without an admin.
# ---------------------------------------------------------------------------


class StaffMemberRefusedError(DomainError):
    """A change to a partnership's staff that the rules refuse."""


LAST_ADMIN_MESSAGE = (
    "A partnership must always have a partnership admin. Make someone else a partnership admin first."
)


def _partnership_lock(partnership: Partnership) -> None:
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()


def _own_membership(partnership: Partnership, membership: StaffMembership) -> StaffMembership:
    """The membership, fresh from the database, if it is this partnership's."""
    fresh = (
        StaffMembership.objects.select_related("user")
        .filter(pk=membership.pk, partnership=partnership)
        .first()
    )
    if fresh is None:
        raise StaffMemberRefusedError("This person is not a member of staff of this partnership.")
    return fresh


def _other_admins(partnership: Partnership, membership: StaffMembership) -> bool:
    return (
        StaffMembership.objects.filter(partnership=partnership, role=StaffRole.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def _duration(seconds: int) -> str:
    """'3 days', '1 day', '12 hours': how long a set-password link lasts."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def staff_invitation_password_url(*, user_pk: int) -> str:
    """The link that lets a new member of staff set their password: allauth's
    own password-reset-from-key page, with a key made exactly as allauth's
    reset makes it. The outbox calls this when it sends the invitation, so
    the key is never stored; it lasts settings.PASSWORD_RESET_TIMEOUT from
    then and stops working once a password is set."""
    user = get_user_model().objects.get(pk=user_pk)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.BASE_URL}{path}"


def _invitation_queue(*, membership: StaffMembership, needs_password: bool) -> OutboundEmail:
    partnership, user = membership.partnership, membership.user
    role = StaffRole(membership.role)
    context = {
        "service_name": settings.SERVICE_NAME,
        "role": role.label,
        "role_description": ROLE_DESCRIPTIONS[role],
        "workspace_url": settings.BASE_URL
        + reverse("staff_home", kwargs={"partnership_slug": partnership.slug}),
        "sign_in_url": settings.BASE_URL + reverse("account_login"),
    }
    if needs_password:
        # The outbox makes the set-password link from this when it sends.
        context["user_pk"] = user.pk
        context["link_valid_for"] = _duration(settings.PASSWORD_RESET_TIMEOUT)
    return outbound_email_queue(
        partnership=partnership,
        kind=OutboundEmail.Kind.STAFF_INVITATION,
        to_email=user.email,
        to_name=user.full_name,
        template="staff_invitation" if needs_password else "staff_invitation_added",
        context=context,
        dedupe_key=f"staff_invitation:{membership.pk}",
    )


@transaction.atomic
def staff_member_invite(
    *, partnership: Partnership, email: str, full_name: str, role: str, actor: Actor
) -> StaffMembership:
    """Add someone to the partnership's staff and email them. Someone with no
    account gets one, with no password, and an invitation to set one; someone
    who already has an account (perhaps with another partnership, which is
    never mentioned) is told they have been added."""
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    email = email.strip().lower()
    full_name = full_name.strip()
    _partnership_lock(partnership)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None, full_name=full_name)
        except IntegrityError:  # made a moment ago by someone else (another partnership's admin)
            user = User.objects.get(email__iexact=email)
    elif StaffMembership.objects.filter(partnership=partnership, user=user).exists():
        raise StaffMemberRefusedError(f"{email} is already a member of staff of {partnership.name}.")
    if not user.full_name and full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    membership = StaffMembership.objects.create(partnership=partnership, user=user, role=role)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.member_added",
        obj=membership,
        detail={"email": user.email, "name": user.get_full_name(), "role": role},
    )
    # No usable password: a new account, or one that has never been set up.
    _invitation_queue(membership=membership, needs_password=not user.has_usable_password())
    return membership


@transaction.atomic
def staff_member_role_change(
    *, partnership: Partnership, membership: StaffMembership, role: str, actor: Actor
) -> StaffMembership:
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    previous = membership.role
    if previous == role:
        return membership
    if previous == StaffRole.ADMIN and not _other_admins(partnership, membership):
        raise StaffMemberRefusedError(
            "You are the only partnership admin, so you cannot change your own role. " + LAST_ADMIN_MESSAGE
            if actor.user is not None and membership.user_id == actor.user.pk
            else LAST_ADMIN_MESSAGE
        )
    membership.role = role
    membership.save(update_fields=["role"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.role_changed",
        obj=membership,
        detail={"email": membership.user.email, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def staff_member_remove(*, partnership: Partnership, membership: StaffMembership, actor: Actor) -> None:
    """Take someone off this partnership's staff. Their account stays: they
    may belong to another partnership."""
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    if actor.user is not None and membership.user_id == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot remove yourself. Ask another partnership admin to remove you."
        )
    if membership.role == StaffRole.ADMIN and not _other_admins(partnership, membership):
        raise StaffMemberRefusedError(LAST_ADMIN_MESSAGE)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.member_removed",
        obj=membership,
        detail={
            "email": membership.user.email,
            "name": membership.user.get_full_name(),
            "role": membership.role,
        },
    )
    OutboundEmail.objects.filter(
        dedupe_key=f"staff_invitation:{membership.pk}", status=OutboundEmail.Status.PENDING
    ).update(status=OutboundEmail.Status.CANCELLED, last_error="Removed from staff before this was sent.")
    membership.delete()


@transaction.atomic
def staff_member_second_factor_reset(
    *, partnership: Partnership, membership: StaffMembership, reason: str, actor: Actor
) -> int:
    """Delete a member's authenticator app and recovery codes (they lost
    their phone, say), so that they set up a new one at their next sign-in.
    Returns how many authenticators were deleted."""
    reason = reason.strip()
    if not reason:
        raise StaffMemberRefusedError("Enter why you are resetting their authenticator app.")
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    user = membership.user
    if user.is_superuser:
        raise StaffMemberRefusedError(
            "This person is a platform admin. Ask another platform admin to reset their authenticator app."
        )
    if actor.user is not None and user.pk == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot reset your own authenticator app here. Use “Two-factor authentication” instead."
        )
    deleted, _ = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).delete()
    if not deleted:
        raise StaffMemberRefusedError(f"{user.get_full_name()} has not set up an authenticator app.")
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.second_factor_reset",
        obj=membership,
        detail={"email": user.email, "reason": reason},
    )
    return deleted
