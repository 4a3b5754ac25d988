import secrets

from django.core.files.base import ContentFile

from guidance.models import GuidanceDocument, GuidanceEntry
from partnerships.permissions import Perm

from .cases import Case


def _entry(w):
    entry = GuidanceEntry.objects.create(
        partnership=w.partnership, kind="faq", title="Who takes part?", body="All."
    )
    return {"entry_id": entry.pk}


def _document(w):
    document = GuidanceDocument(
        partnership=w.partnership,
        title="Toolkit",
        token=secrets.token_hex(16),
        original_name="toolkit.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    document.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    return {"document_id": document.pk}


ENTRY_POST = {"kind": "guidance", "title": "Before you start", "body": "Read the toolkit.", "order": "1"}

CASES = [
    Case("staff_guidance", Perm.MANAGE),
    Case("staff_guidance_entry_add", Perm.MANAGE),
    Case(
        "staff_guidance_entry_add",
        Perm.MANAGE,
        method="post",
        data=lambda w: ENTRY_POST,
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_guidance_entry_edit", Perm.MANAGE, _entry),
    Case(
        "staff_guidance_entry_edit",
        Perm.MANAGE,
        _entry,
        method="post",
        data=lambda w: ENTRY_POST,
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_guidance_entry_remove", Perm.MANAGE, _entry, method="post", ok=(302,)),
    Case("staff_guidance_document_add", Perm.MANAGE),
    Case("staff_guidance_document_remove", Perm.MANAGE, _document, method="post", ok=(302,)),
]
