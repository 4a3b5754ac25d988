"""Joint boards: sharing a cycle with another partnership on the platform.

The owner's admin invites the other partnership by its web address; that
partnership's admin accepts (or declines) from their own workspace; either
side may end the sharing later. Nothing of the cycle moves: its returns
stay the owner's, and the second board's members read and review them
through audits.access, each by their role in their own partnership. Each
step is on the audit log of both partnerships."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from partnerships.models import Partnership

from ..access import cycle_owned
from ..models import AuditCycle, CycleShare


class CycleShareRefusedError(DomainError):
    field = "partnership"


def _both_logs(share: CycleShare, *, actor: Actor, verb: str) -> None:
    detail = {
        "cycle": share.cycle.title,
        "owner": share.cycle.partnership.name,
        "shared_with": share.partnership.name,
    }
    for partnership in (share.cycle.partnership, share.partnership):
        audit_event_record(partnership=partnership, actor=actor, verb=verb, obj=share, detail=detail)


@transaction.atomic
def cycle_share_invite(
    *, partnership: Partnership, cycle: AuditCycle, partner_slug: str, actor: Actor
) -> CycleShare:
    """Offer the cycle to the partnership at /<partner_slug>/. It sees
    nothing until its admin accepts."""
    cycle_owned(partnership=partnership, cycle=cycle)
    slug = partner_slug.strip().strip("/").lower()
    partner = Partnership.objects.filter(slug=slug).first()
    if partner is None:
        raise CycleShareRefusedError(f"There is no partnership at the web address /{slug}/ on this service")
    if partner.pk == partnership.pk:
        raise CycleShareRefusedError("Enter the web address of another partnership, not your own")
    share_slug = f"{partnership.slug}-{cycle.slug}"[:150]
    try:
        with transaction.atomic():
            share = CycleShare.objects.create(
                cycle=cycle, partnership=partner, slug=share_slug, invited_by_name=actor.name
            )
    except IntegrityError as exc:
        raise CycleShareRefusedError(f"{cycle.title} is already shared with {partner.name}") from exc
    _both_logs(share, actor=actor, verb="cycle.share_offered")
    return share


@transaction.atomic
def cycle_share_accept(*, partnership: Partnership, share: CycleShare, actor: Actor) -> CycleShare:
    """The invited partnership's admin accepts: its members may now review
    the cycle's returns from its workspace."""
    share = CycleShare.objects.select_for_update().select_related("cycle__partnership").get(pk=share.pk)
    if share.partnership_id != partnership.pk:
        raise CycleShareRefusedError("This cycle is not shared with your partnership")
    if share.accepted_at is not None:
        return share
    share.accepted_at, share.accepted_by_name = timezone.now(), actor.name
    share.save(update_fields=["accepted_at", "accepted_by_name"])
    _both_logs(share, actor=actor, verb="cycle.share_accepted")
    return share


@transaction.atomic
def cycle_share_end(*, partnership: Partnership, share: CycleShare, actor: Actor) -> None:
    """Either partnership ends the sharing (or the invited one declines):
    the second board's members lose the cycle at once."""
    share = (
        CycleShare.objects.select_for_update()
        .select_related("cycle__partnership", "partnership")
        .filter(pk=share.pk)
        .first()
    )
    if share is None:
        return
    if partnership.pk not in (share.partnership_id, share.cycle.partnership_id):
        raise CycleShareRefusedError("This cycle is not shared with your partnership")
    _both_logs(share, actor=actor, verb="cycle.share_ended")
    share.delete()
