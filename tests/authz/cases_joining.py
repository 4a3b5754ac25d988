from joining.models import AgencyRegistration
from partnerships.models import Sector
from partnerships.permissions import Perm

from .cases import Case


def _waiting(w):
    registration = AgencyRegistration.objects.create(
        partnership=w.partnership,
        organisation_name=f"Little Kickers {w.partnership.slug}",
        sector=Sector.SPORT,
        contact_name="Kim",
        contact_email=f"kim@{w.partnership.slug}-kickers.example",
        status=AgencyRegistration.Status.WAITING,
    )
    return {"registration_id": registration.pk}


CASES = [
    Case("staff_registrations", Perm.MANAGE),
    Case("staff_registration_approve", Perm.MANAGE, _waiting, method="post", ok=(302,)),
    Case("staff_registration_decline", Perm.MANAGE, _waiting, method="post", ok=(302,)),
]
