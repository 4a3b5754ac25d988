"""An evidence file as a download, for the agency and for staff alike."""

from django.http import FileResponse

from ..services.evidence_files import EVIDENCE_FILE_TYPES, evidence_file_name


def evidence_file_response(item) -> FileResponse:
    """Always an attachment, named and typed by what the file was found to
    be when it was uploaded (an unknown type is plain bytes), never sniffed,
    rendered or kept in a cache."""
    file_type = EVIDENCE_FILE_TYPES.get(item.content_type)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=evidence_file_name(item.original_name, file_type),
        content_type=file_type.mime if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
