"""Writes to partnerships, their localities, agencies and staff."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Agency, AgencyContact, Locality, Partnership, StaffMembership


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
