"""What an uploaded evidence file really is, decided from its contents and
checked with a parser for its type, never from its name.

- PDF: opened with pypdf, which must find at least one page.
- PNG, JPEG, GIF: opened and verified with Pillow; and no HTML or script
  anywhere in the bytes (a GIF/HTML or PNG/HTML polyglot is refused, since a
  browser that sniffs it would run it).
- Word, Excel, PowerPoint (OOXML) and OpenDocument: zip containers whose
  members, inflated, stay under a total size and a compression ratio (a
  "zip bomb" is refused without inflating it).
- Legacy Office (OLE compound files): only when the streams say Word,
  Excel or PowerPoint; any other OLE file (an MSI installer) is refused.
- Optionally, a ClamAV daemon scans it (settings.CLAMAV_HOST): a match, or
  no clear answer, refuses the file.

The stored name and the download's extension and Content-Type come from the
detected type: content that is a PNG downloads as .png whatever it was
called when uploaded.
"""

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.clamav import VirusFoundError, VirusScanError, clamd_instream_scan
from core.domain import DomainError


@dataclass(frozen=True)
class EvidenceFileType:
    mime: str
    extension: str
    label: str


_TYPES = [
    EvidenceFileType("application/pdf", "pdf", "PDF"),
    EvidenceFileType("image/png", "png", "PNG image"),
    EvidenceFileType("image/jpeg", "jpg", "JPEG image"),
    EvidenceFileType("image/gif", "gif", "GIF image"),
    EvidenceFileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document"
    ),
    EvidenceFileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel spreadsheet"
    ),
    EvidenceFileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint"
    ),
    EvidenceFileType("application/msword", "doc", "Word document"),
    EvidenceFileType("application/vnd.ms-excel", "xls", "Excel spreadsheet"),
    EvidenceFileType("application/vnd.ms-powerpoint", "ppt", "PowerPoint"),
    EvidenceFileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text"),
    EvidenceFileType("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet"),
]
EVIDENCE_FILE_TYPES = {t.mime: t for t in _TYPES}
EVIDENCE_TYPES_HINT = "a PDF, Word, Excel, PowerPoint or OpenDocument file, or a PNG, JPEG or GIF image"

_IMAGES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}
_ZIPPED = {t.mime for t in _TYPES if t.extension in ("docx", "xlsx", "pptx", "odt", "ods")}
# Markup a browser would run if it sniffed the file as HTML (or SVG, XML).
# Only tags long enough that compressed image data will not contain them by
# chance (each letter matches 2 of 256 byte values).
_MARKUP = re.compile(
    rb"<(?:script|html|body|head|iframe|svg[\s>/]|object|embed|meta|!doctype|\?xml)|javascript:",
    re.IGNORECASE,
)
# OLE stream names of the three legacy Office formats.
_OLE_STREAMS = [
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
]


class EvidenceFileRefusedError(DomainError):
    pass


def _wrong_type() -> EvidenceFileRefusedError:
    return EvidenceFileRefusedError(f"The selected file must be {EVIDENCE_TYPES_HINT}")


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader  # loaded only when a PDF is uploaded

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise EvidenceFileRefusedError("The selected file is not a PDF that can be opened") from exc
    if pages < 1:
        raise EvidenceFileRefusedError("The selected file is not a PDF that can be opened")


def _check_image(data: bytes, mime: str) -> None:
    from PIL import Image  # loaded only when an image is uploaded

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _IMAGES[mime]:
                raise _wrong_type()
            image.verify()
    except EvidenceFileRefusedError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise EvidenceFileRefusedError("The selected image cannot be opened") from exc
    if _MARKUP.search(data):
        raise EvidenceFileRefusedError("The selected image must not contain web page code")


def _check_zip(data: bytes) -> None:
    too_big = EvidenceFileRefusedError(
        "The selected file is too big when unpacked. Save it again, or as a PDF, and upload that"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EvidenceFileRefusedError("The selected file is damaged and cannot be opened") from exc
    if len(members) > settings.EVIDENCE_ZIP_MAX_MEMBERS:
        raise too_big
    inflated = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    # The sizes are the archive's own claims; they are all a bomb has to
    # show, and nothing here ever inflates a member.
    if inflated > settings.EVIDENCE_ZIP_MAX_INFLATED_BYTES:
        raise too_big
    if inflated > settings.EVIDENCE_ZIP_MAX_RATIO * max(packed, 1) and inflated > 1024 * 1024:
        raise too_big


def _ole_type(data: bytes) -> str | None:
    import olefile  # loaded only when an old Office file is uploaded

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for stream, mime in _OLE_STREAMS:
                if ole.exists(stream):
                    return mime
    except Exception:  # olefile raises many kinds for a broken file
        return None
    return None


def _virus_scan(data: bytes) -> None:
    host = getattr(settings, "CLAMAV_HOST", "")
    if not host:
        return
    try:
        clamd_instream_scan(
            [data], host=host, port=settings.CLAMAV_PORT, timeout=settings.CLAMAV_TIMEOUT_SECONDS
        )
    except VirusFoundError as exc:
        raise EvidenceFileRefusedError("The selected file contains a virus") from exc
    except VirusScanError as exc:
        raise EvidenceFileRefusedError(
            "The selected file could not be checked for viruses. Try again in a few minutes"
        ) from exc


def evidence_file_inspect(upload) -> EvidenceFileType:
    """The type of an uploaded file, or EvidenceFileRefusedError with a
    GOV.UK message saying why it cannot be evidence."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise EvidenceFileRefusedError(
            f"The selected file must be smaller than {filesizeformat(settings.EVIDENCE_MAX_BYTES)}"
        )
    if upload.size == 0:
        raise EvidenceFileRefusedError("The selected file is empty")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        mime = _ole_type(data) or ""
    elif mime == "application/pdf":
        _check_pdf(data)
    elif mime in _IMAGES:
        _check_image(data, mime)
    elif mime in _ZIPPED:
        _check_zip(data)
    if mime not in EVIDENCE_FILE_TYPES:
        raise _wrong_type()
    _virus_scan(data)
    return EVIDENCE_FILE_TYPES[mime]


def evidence_file_name(name: str, file_type: EvidenceFileType | None) -> str:
    """The uploader's name for the file with the extension of what it is:
    `invoice.html` that is a PNG becomes `invoice.png`. Folders (from either
    kind of path) and control characters are dropped."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "evidence"
    if file_type is None:
        return base[:255]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = stem[: 255 - len(file_type.extension) - 1] or "evidence"
    return f"{stem}.{file_type.extension}"
