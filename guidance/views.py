"""A partnership's public guidance page, its documents and the contact
form; and the staff pages (partnership admins) that write them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.views.evidence import evidence_file_response
from core.client_ip import client_ip
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from reports.selectors import child_summaries_published

from . import selectors
from .forms import ContactForm, GuidanceDocumentForm, GuidanceEntryForm
from .models import GuidanceEntry
from .services import (
    contact_message_send,
    guidance_document_add,
    guidance_document_remove,
    guidance_entry_remove,
    guidance_entry_save,
)

# --- public -----------------------------------------------------------------------


def guidance_page(request):
    partnership = request.partnership
    return render(
        request,
        "guidance/guidance.html",
        {
            "sections": list(
                selectors.guidance_entries(partnership=partnership, kind=GuidanceEntry.Kind.GUIDANCE)
            ),
            "faqs": list(selectors.guidance_entries(partnership=partnership, kind=GuidanceEntry.Kind.FAQ)),
            "documents": list(selectors.guidance_documents(partnership=partnership)),
            "child_summaries": child_summaries_published(partnership=partnership),
        },
    )


def guidance_document(request, token):
    document = selectors.guidance_document_by_token(partnership=request.partnership, token=token)
    return evidence_file_response(document)


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request):
    form = ContactForm(request.POST or None)
    if done := form_post(
        request,
        form,
        # A bot filled the hidden field: say sent, send nothing.
        lambda data: (
            None
            if data["website"]
            else contact_message_send(
                partnership=request.partnership,
                name=data["name"],
                email=data["email"],
                message=data["message"],
                ip=client_ip(request),
            )
        ),
        done=lambda _: ("", _url(request, "contact_sent")),
    ):
        return done
    response = render(request, "guidance/contact.html", {"form": form})
    if form.non_field_errors():
        response.status_code = 429
    return response


def contact_sent(request):
    return render(request, "guidance/contact_sent.html")


# --- staff --------------------------------------------------------------------------


@staff_required(Perm.MANAGE)
def staff_guidance(request):
    partnership = request.partnership
    return render(
        request,
        "guidance/staff/list.html",
        {
            "entries": list(selectors.guidance_entries(partnership=partnership)),
            "documents": list(selectors.guidance_documents(partnership=partnership)),
            "child_summaries": child_summaries_published(partnership=partnership),
        },
    )


def _entry_form_page(request, form, entry=None):
    if done := form_post(
        request,
        form,
        lambda data: guidance_entry_save(
            partnership=request.partnership,
            entry=entry,
            actor=request.staff_actor,
            **{k: data[k] for k in ("kind", "title", "body", "order")},
        ),
        done=lambda _: ("Guidance saved", _url(request, "staff_guidance")),
    ):
        return done
    return render(request, "guidance/staff/entry_form.html", {"form": form, "entry": entry})


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.MANAGE)
def staff_guidance_entry_add(request):
    return _entry_form_page(request, GuidanceEntryForm(request.POST or None, initial={"kind": "guidance"}))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.MANAGE)
def staff_guidance_entry_edit(request, entry_id):
    entry = selectors.guidance_entry_get(partnership=request.partnership, pk=entry_id)
    return _entry_form_page(request, GuidanceEntryForm.from_entry(entry, request.POST or None), entry)


@require_POST
@staff_required(Perm.MANAGE)
def staff_guidance_entry_remove(request, entry_id):
    entry = selectors.guidance_entry_get(partnership=request.partnership, pk=entry_id)
    guidance_entry_remove(partnership=request.partnership, entry=entry, actor=request.staff_actor)
    messages.success(request, f"“{entry.title}” removed")
    return redirect(_url(request, "staff_guidance"))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.MANAGE)
def staff_guidance_document_add(request):
    form = GuidanceDocumentForm(request.POST or None, request.FILES or None)
    if done := form_post(
        request,
        form,
        lambda data: guidance_document_add(
            partnership=request.partnership,
            title=data["title"],
            description=data["description"],
            upload=data["file"],
            actor=request.staff_actor,
        ),
        done=lambda _: ("Document added", _url(request, "staff_guidance")),
        error_field="file",
    ):
        return done
    return render(request, "guidance/staff/document_form.html", {"form": form})


@require_POST
@staff_required(Perm.MANAGE)
def staff_guidance_document_remove(request, document_id):
    document = selectors.guidance_document_get(partnership=request.partnership, pk=document_id)
    guidance_document_remove(partnership=request.partnership, document=document, actor=request.staff_actor)
    messages.success(request, f"“{document.title}” removed")
    return redirect(_url(request, "staff_guidance"))
