from organisations.models import AgencyLink, Organisation, OrganisationMembership
from partnerships.permissions import Perm

from .cases import Case


def _organisation() -> Organisation:
    org, created = Organisation.objects.get_or_create(
        name="Authz Police",
        defaults={"kind": "police", "identifier_type": "police_force", "identifier": "AZ1"},
    )
    if created:
        OrganisationMembership.objects.create(
            organisation=org, name="Az", email="az@police.example", role="admin"
        )
    return org


def _agency(w):
    return {"agency_id": w.agency.pk}


def _link(w):
    link = AgencyLink.objects.filter(agency=w.agency, status__in=["proposed", "accepted"]).first()
    if link is None:
        link = AgencyLink.objects.create(
            organisation=_organisation(), partnership=w.partnership, agency=w.agency
        )
    return {"agency_id": w.agency.pk, "link_id": link.pk}


CASES = [
    Case("staff_agency_organisation", Perm.VIEW, _agency),
    # The first permitted POST proposes the link; later ones are told it exists: back to the page.
    Case(
        "staff_agency_organisation_link",
        Perm.MANAGE,
        _agency,
        method="post",
        data=lambda w: {"organisation": _organisation().pk},
        ok=(302,),
    ),
    Case("staff_agency_organisation_new", Perm.MANAGE, _agency),
    Case("staff_agency_organisation_unlink", Perm.MANAGE, _link, method="post", ok=(302,)),
]
