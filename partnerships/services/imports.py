"""Importing agencies from a CSV file: all rows or none, every problem
reported with its row and column."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.spreadsheets import spreadsheet_row

from ..models import Agency, Locality, Partnership, Sector
from .agencies import AGENCY_NAME_MAX, agency_contact_add, agency_create, agency_update

IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_COLUMNS = ("name", "sector", "statutory", "localities", "contact_name", "contact_email")
IMPORT_REQUIRED_COLUMNS = ("name", "sector", "statutory")
YES_WORDS = {"yes", "y", "true", "1"}
NO_WORDS = {"no", "n", "false", "0"}


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
    rows = [
        IMPORT_COLUMNS,
        [
            "Example Borough Council",
            "local_authority",
            "yes",
            "North; South",
            "Sam Jones",
            "sam.jones@example.org",
        ],
        ["Example Youth Football Club", "Sport and leisure", "no", "", "", ""],
    ]
    for row in rows:
        writer.writerow(spreadsheet_row(row))
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
            agency = agency_create(
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
