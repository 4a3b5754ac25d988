"""Reads of a partnership's guidance; each takes the partnership first and
answers 404 for another partnership's row."""

from django.shortcuts import get_object_or_404

from partnerships.models import Partnership

from .models import GuidanceDocument, GuidanceEntry


def guidance_entries(*, partnership: Partnership, kind: str | None = None):
    qs = GuidanceEntry.objects.filter(partnership=partnership)
    return qs.filter(kind=kind) if kind else qs


def guidance_entry_get(*, partnership: Partnership, pk: int) -> GuidanceEntry:
    return get_object_or_404(GuidanceEntry, partnership=partnership, pk=pk)


def guidance_documents(*, partnership: Partnership):
    return GuidanceDocument.objects.filter(partnership=partnership)


def guidance_document_get(*, partnership: Partnership, pk: int) -> GuidanceDocument:
    return get_object_or_404(GuidanceDocument, partnership=partnership, pk=pk)


def guidance_document_by_token(*, partnership: Partnership, token: str) -> GuidanceDocument:
    return get_object_or_404(GuidanceDocument, partnership=partnership, token=token)
