"""Agencies, their contacts and localities: the partnership admin's pages
(partnerships/views/staff/agencies.py). Each service is atomic, refuses a
row of another partnership, and writes an AuditEvent. Agencies are never
deleted here, only made inactive: their returns are the audit history."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from core.audit import audit_event_record
from core.domain import Actor, DomainError

from ..models import Agency, AgencyContact, Locality, Partnership

AGENCY_NAME_MAX = 200
LOCALITY_NAME_MAX = 120


class PartnershipMismatchError(ValueError):
    """Rows of two partnerships were about to be joined."""


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
def agency_create(
    *,
    partnership: Partnership,
    name: str,
    sector: str,
    is_statutory: bool = True,
    localities: Iterable[Locality] = (),
    contacts: Iterable[tuple[str, str]] = (),
    actor: Actor,
) -> Agency:
    """A new (active) agency, named uniquely in its partnership whatever the
    case, with its contacts as (name, email): the first is the primary one."""
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
    for contact_name, contact_email in contacts:
        agency_contact_add(agency=agency, name=contact_name, email=contact_email, actor=actor)
    return agency


@transaction.atomic
def agency_commissioner_set(*, agency: Agency, commissioned_by: Agency | None, actor: Actor) -> Agency:
    """Mark the agency as commissioned by another of its partnership's
    agencies (None: by none). That agency's commissioners then see this
    agency's returns, read-only (partnerships/scope.py)."""
    partnership = agency.partnership
    if commissioned_by is not None:
        _same_partnership(partnership, [commissioned_by], "commissioning agency")
        if commissioned_by.pk == agency.pk:
            raise FieldDomainError("An agency cannot commission itself", field="commissioned_by")
    agency = (
        Agency.objects.select_for_update(of=("self",)).select_related("commissioned_by").get(pk=agency.pk)
    )
    before = agency.commissioned_by.name if agency.commissioned_by else ""
    after = commissioned_by.name if commissioned_by else ""
    if agency.commissioned_by_id == (commissioned_by.pk if commissioned_by else None):
        return agency
    agency.commissioned_by = commissioned_by
    agency.save(update_fields=["commissioned_by"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="agency.commissioner_set",
        obj=agency,
        detail={"commissioned_by": [before, after]},
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
def locality_create(*, partnership: Partnership, name: str, actor: Actor) -> Locality:
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
    agencies = locality.agencies.count()
    # The reverse of AuditCycle.scope_localities: audits is above this app.
    cycles = locality.scoping_cycles.count()
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
