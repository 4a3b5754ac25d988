"""Joint boards: the owner's admins offer a cycle and stop sharing it; the
other partnership's admins accept, decline or leave it. Each world makes
its own shares, so the other partnership's ids must be a 404."""

from audits.models import CycleShare
from partnerships.permissions import Perm
from tests.factories import AuditCycleFactory, PartnershipFactory

from .cases import Case


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _partner(w):
    return PartnershipFactory(slug=f"{w.partnership.slug}-partner", name=f"{w.partnership.name} partner")


def _share(w):
    """The world's cycle offered to a partner partnership."""
    share, _ = CycleShare.objects.get_or_create(
        cycle=w.cycle,
        partnership=_partner(w),
        defaults={"slug": f"{w.partnership.slug}-{w.cycle.slug}", "invited_by_name": "Ada"},
    )
    return {**_cycle(w), "share_id": share.pk}


def _offered(w):
    """A cycle of another partnership offered to the world's partnership."""
    owner = PartnershipFactory(slug=f"{w.partnership.slug}-owner", name=f"{w.partnership.name} owner")
    cycle = (
        AuditCycleFactory(partnership=owner, slug="joint-2026")
        if not owner.cycles.exists()
        else owner.cycles.get()
    )
    share, _ = CycleShare.objects.get_or_create(
        cycle=cycle,
        partnership=w.partnership,
        defaults={"slug": f"{owner.slug}-joint-2026", "invited_by_name": "Olu"},
    )
    return {"share_id": share.pk}


CASES = [
    Case("staff_cycle_admin_share", Perm.MANAGE, _cycle),
    Case(
        "staff_cycle_admin_share",
        Perm.MANAGE,
        _cycle,
        method="post",
        data=lambda w: {"partner": _partner(w).slug},
        ok=(302, 200),  # offered, or (the second time) already offered
        id_suffix="post",
    ),
    Case("staff_cycle_admin_share_stop", Perm.MANAGE, _share, method="post", ok=(302,)),
    Case("staff_shared_cycles", Perm.MANAGE),
    Case("staff_shared_cycle_accept", Perm.MANAGE, _offered, method="post", ok=(302,)),
    Case("staff_shared_cycle_end", Perm.MANAGE, _offered, method="post", ok=(302,)),
]
