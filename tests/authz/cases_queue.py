"""The review queue and assigning a return to a reviewer."""

from partnerships.models import StaffMembership, StaffRole
from partnerships.permissions import Perm
from tests.factories import UserFactory

from .cases import Case


def _ref(w):
    return {"reference": w.submission.reference}


def _assign_post(w):
    """A reviewer of this partnership: the other partnership's id is not in
    the list, so posting it there is an error, never an assignment."""
    user = UserFactory(email=f"queue-reviewer@{w.partnership.slug}.example")
    membership, _ = StaffMembership.objects.get_or_create(
        user=user, partnership=w.partnership, defaults={"role": StaffRole.REVIEWER}
    )
    return {"reviewer": str(membership.pk)}


CASES = [
    Case("staff_review_queue", Perm.VIEW),
    Case("staff_return_assign", Perm.REVIEW, _ref),
    Case(
        "staff_return_assign",
        Perm.REVIEW,
        _ref,
        method="post",
        data=_assign_post,
        ok=(302,),
        id_suffix="post",
    ),
]
