"""The audit log: every state change writes one row (append-only; on
PostgreSQL a trigger refuses UPDATE and DELETE, see audits migration 0002)."""

from .domain import Actor
from .models import AuditEvent


def audit_event_record(
    *,
    partnership,
    actor: Actor,
    verb: str,
    submission=None,
    obj=None,
    detail: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        partnership=partnership,
        submission=submission,
        actor=actor.user,
        actor_name=actor.name,
        actor_email=actor.email,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )
