"""Writes of a partnership's guidance pages, and the public contact form."""

import hashlib
import secrets
import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from audits.services.evidence_files import evidence_file_inspect, evidence_file_name
from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from core.ratelimit import ip_key, within_limits
from partnerships.models import Partnership

from .models import GuidanceDocument, GuidanceEntry


@transaction.atomic
def guidance_entry_save(
    *,
    partnership: Partnership,
    kind: str,
    title: str,
    body: str,
    order: int,
    actor: Actor,
    entry: GuidanceEntry | None = None,
) -> GuidanceEntry:
    if kind not in GuidanceEntry.Kind.values:
        raise DomainError("Select where it appears")
    if entry is not None and entry.partnership_id != partnership.pk:
        raise DomainError("That entry belongs to another partnership.")
    entry = entry or GuidanceEntry(partnership=partnership)
    entry.kind, entry.title, entry.body, entry.order = kind, title.strip(), body.strip(), order
    entry.save()
    audit_event_record(
        partnership=partnership, actor=actor, verb="guidance.saved", obj=entry, detail={"title": entry.title}
    )
    return entry


@transaction.atomic
def guidance_entry_remove(*, partnership: Partnership, entry: GuidanceEntry, actor: Actor) -> None:
    if entry.partnership_id != partnership.pk:
        raise DomainError("That entry belongs to another partnership.")
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="guidance.removed",
        obj=entry,
        detail={"title": entry.title},
    )
    entry.delete()


@transaction.atomic
def guidance_document_add(
    *, partnership: Partnership, title: str, description: str, upload, actor: Actor
) -> GuidanceDocument:
    """A document for anyone to download: checked like evidence (type from
    the content with a parser, size, markup, optional virus scan)."""
    file_type = evidence_file_inspect(upload)  # EvidenceFileRefusedError, a DomainError
    data = upload.read()
    document = GuidanceDocument(
        partnership=partnership,
        title=title.strip(),
        description=description.strip(),
        token=secrets.token_hex(16),
        original_name=evidence_file_name(upload.name, file_type),
        content_type=file_type.mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.save()
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="guidance.document_added",
        obj=document,
        detail={"title": document.title, "name": document.original_name},
    )
    return document


@transaction.atomic
def guidance_document_remove(*, partnership: Partnership, document: GuidanceDocument, actor: Actor) -> None:
    if document.partnership_id != partnership.pk:
        raise DomainError("That document belongs to another partnership.")
    name = document.file.name
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="guidance.document_removed",
        obj=document,
        detail={"title": document.title},
    )
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))


# --- the contact form ---------------------------------------------------------

CONTACT_WINDOW_SECONDS = 3600
CONTACT_PER_IP = 5  # an hour, from one address (IPv6: its /64)
CONTACT_PER_PARTNERSHIP = 60  # an hour, to one partnership, from anyone


class ContactLimitedError(DomainError):
    def __init__(self):
        super().__init__("You have sent too many messages. Wait an hour and try again.")


def contact_rate_check(*, partnership: Partnership, ip: str | None) -> None:
    limits = [(f"p:{partnership.pk}", CONTACT_PER_PARTNERSHIP)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", CONTACT_PER_IP))
    if not within_limits(scope="contact", window_seconds=CONTACT_WINDOW_SECONDS, limits=limits):
        raise ContactLimitedError()


@transaction.atomic
def contact_message_send(
    *, partnership: Partnership, name: str, email: str, message: str, ip: str | None
) -> OutboundEmail:
    """A message from the public to the partnership, through the outbox. Not
    an open relay: it always goes to the partnership's contact address; the
    sender's address is only its Reply-To, and the subject is ours."""
    contact_rate_check(partnership=partnership, ip=ip)
    return outbound_email_queue(
        partnership=partnership,
        kind=OutboundEmail.Kind.CONTACT,
        to_email=partnership.contact_email,
        to_name=partnership.name,
        template="contact",
        context={"sender_name": " ".join(name.split()), "sender_email": email.strip(), "message": message},
        dedupe_key=f"contact:{partnership.pk}:{uuid.uuid4().hex}",
    )
