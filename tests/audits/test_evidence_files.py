"""Evidence files are what their contents say, checked with a parser for
their type (issue 12 item 10): polyglots, other OLE files, zip bombs and
bogus PDFs are refused with GOV.UK messages; what is accepted is stored and
downloaded under the extension and Content-Type of what it is; and, when a
ClamAV daemon is configured, every file is scanned through its INSTREAM
protocol (here a small fake clamd on loopback that speaks it), failing closed.
"""

import io
import socket
import struct
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, PngImagePlugin

from audits.models import Evidence
from audits.services import evidence_stage_file, resume_link_create
from audits.services.evidence_files import EvidenceFileRefusedError, evidence_file_inspect, evidence_file_name
from core.clamav import VirusFoundError, VirusScanError, clamd_instream_scan
from core.domain import Actor
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

ALEX = Actor(name="Alex Patel", email="alex@alpha-council.example")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def image(fmt, **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, fmt, **save_kwargs)
    return out.getvalue()


def png_with_text(text: bytes) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text.decode())
    return image("PNG", pnginfo=info)


def office_zip(kind: str = "word", bomb_bytes: int = 0) -> bytes:
    """A minimal OOXML document, optionally with a member of `bomb_bytes`
    zeros (which deflate to almost nothing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{kind}/document.xml", "<document/>")
        if bomb_bytes:
            with archive.open(f"{kind}/media/image1.bin", "w", force_zip64=True) as member:
                block = b"\0" * (1024 * 1024)
                for _ in range(bomb_bytes // len(block)):
                    member.write(block)
    return out.getvalue()


def ole_file(stream_name: str, data: bytes = b"\0" * 4096) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding one
    stream of 4096 bytes or more (so it lives in regular sectors)."""
    data = data.ljust(4096, b"\0")
    sectors = (len(data) + 511) // 512
    end, free, fat_sector, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end] + [3 + i if i < sectors - 1 else end for i in range(sectors)]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name, kind, child, start, size):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1 if name else 0)
            + struct.pack("<III", none, none, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, none, 2, len(data))
    directory += entry("", 0, none, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + data.ljust(sectors * 512, b"\0")


# --- what is refused -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("picture.gif", image("GIF", comment=HTML), "must not contain web page code"),
        ("invoice.html", png_with_text(HTML), "must not contain web page code"),
        ("photo.jpg", image("JPEG") + HTML, "must not contain web page code"),
        ("setup.msi", ole_file("\x05SummaryInformation"), "must be a PDF, Word, Excel"),
        ("report.doc", ole_file("NotAnOfficeStream"), "must be a PDF, Word, Excel"),
        ("report.docx", office_zip(bomb_bytes=300 * 1024 * 1024), "too big when unpacked"),
        ("policy.pdf", b"%PDF-1.7\nnot really a PDF at all\n%%EOF\n", "not a PDF that can be opened"),
        (
            "policy.pdf",
            PDF.replace(b"/Count 1", b"/Count 0").replace(b"/Kids[3 0 R]", b"/Kids[]"),
            "not a PDF",
        ),
        ("broken.png", image("PNG")[:60], "cannot be opened"),
        ("page.html", HTML, "must be a PDF, Word, Excel"),
    ],
    ids=[
        "gif-html",
        "png-html-named-html",
        "jpeg-html",
        "msi",
        "other-ole",
        "zip-bomb",
        "bogus-pdf",
        "pdf-no-pages",
        "truncated-png",
        "html",
    ],
)
def test_a_file_that_is_not_what_it_seems_is_refused(name, data, message):
    world = two_partnerships().a
    theme = world.question_set.themes.first()
    with pytest.raises(EvidenceFileRefusedError, match=message):
        evidence_stage_file(submission=world.submission, theme=theme, upload=upload(name, data), actor=ALEX)
    assert not Evidence.objects.exists()


def test_a_zip_with_too_high_a_ratio_is_refused_below_the_size_limit(settings):
    settings.EVIDENCE_ZIP_MAX_RATIO = 10
    with pytest.raises(EvidenceFileRefusedError, match="too big when unpacked"):
        evidence_file_inspect(upload("notes.docx", office_zip(bomb_bytes=20 * 1024 * 1024)))


# --- what is accepted, and how it is named -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime", "stored_name"),
    [
        ("safeguarding.pdf", PDF, "application/pdf", "safeguarding.pdf"),
        ("invoice.html", image("PNG"), "image/png", "invoice.png"),
        ("setup.exe", PDF, "application/pdf", "setup.pdf"),
        ("chart", image("GIF"), "image/gif", "chart.gif"),
        ("photo.jpeg", image("JPEG"), "image/jpeg", "photo.jpg"),
        ("minutes.doc", ole_file("WordDocument"), "application/msword", "minutes.doc"),
        ("budget.bin", ole_file("Workbook"), "application/vnd.ms-excel", "budget.xls"),
        ("slides.ppt", ole_file("PowerPoint Document"), "application/vnd.ms-powerpoint", "slides.ppt"),
        (
            "..\\..\\plan.docx",
            office_zip(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "plan.docx",
        ),
    ],
)
def test_an_accepted_file_is_stored_and_named_by_what_it_is(name, data, mime, stored_name):
    world = two_partnerships().a
    theme = world.question_set.themes.first()
    item = evidence_stage_file(
        submission=world.submission, theme=theme, upload=upload(name, data), actor=ALEX
    )
    assert item.content_type == mime
    assert item.original_name == stored_name
    assert item.file.name.endswith(f"/{item.token}.{stored_name.rsplit('.', 1)[1]}")
    assert item.file.read() == data


def test_downloads_are_attachments_named_and_typed_by_the_detected_type():
    world = two_partnerships().a
    theme = world.question_set.themes.first()
    item = evidence_stage_file(
        submission=world.submission, theme=theme, upload=upload("invoice.html", image("PNG")), actor=ALEX
    )
    # A row from before names were normalised: the download still says .png.
    Evidence.objects.filter(pk=item.pk).update(original_name="invoice.html", staged=False)

    agency = Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    agency.get(link.split("127.0.0.1:8000", 1)[-1])
    staff = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    slug = world.partnership.slug
    for client, url in (
        (agency, reverse("evidence_download", kwargs={"partnership_slug": slug, "token": item.token})),
        (
            staff,
            reverse(
                "staff_return_evidence",
                kwargs={
                    "partnership_slug": slug,
                    "reference": world.submission.reference,
                    "token": item.token,
                },
            ),
        ),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'attachment; filename="invoice.png"'
        assert response["X-Content-Type-Options"] == "nosniff"


def test_names_lose_folders_and_control_characters():
    from audits.services.evidence_files import EVIDENCE_FILE_TYPES

    pdf = EVIDENCE_FILE_TYPES["application/pdf"]
    assert evidence_file_name("C:\\Users\\me\\report.exe", pdf) == "report.pdf"
    assert evidence_file_name("../../etc/passwd", pdf) == "passwd.pdf"
    assert evidence_file_name("a\x00b\r\n.pdf", pdf) == "ab.pdf"
    assert evidence_file_name("", pdf) == "evidence.pdf"
    assert evidence_file_name(".hidden", pdf) == ".hidden.pdf"


# --- virus scanning through clamd --------------------------------------------------


class FakeClamd:
    """A clamd on 127.0.0.1 that speaks INSTREAM: length-prefixed chunks up
    to a zero length, then "stream: OK" or "stream: <name> FOUND"."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    command = b""
                    while not command.endswith(b"\0"):
                        command += self._read(conn, 1)
                    self.commands.append(command)
                    body = b""
                    while True:
                        (length,) = struct.unpack(">I", self._read(conn, 4))
                        if length == 0:
                            break
                        body += self._read(conn, length)
                    self.received.append(body)
                    reply = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in body else b"stream: OK\0"
                    conn.sendall(reply)
                except ConnectionError:
                    pass

    def close(self):
        self.sock.close()


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.CLAMAV_HOST, settings.CLAMAV_PORT, settings.CLAMAV_TIMEOUT_SECONDS = "127.0.0.1", server.port, 5
    yield server
    server.close()


def test_the_clamd_client_streams_the_file_in_chunks_and_reads_the_verdict(clamd):
    data = bytes(range(256)) * 1000  # more than one 64 KiB chunk
    clamd_instream_scan([data], host="127.0.0.1", port=clamd.port)
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [data]
    with pytest.raises(VirusFoundError, match="Eicar-Test-Signature"):
        clamd_instream_scan([b"prefix ", EICAR], host="127.0.0.1", port=clamd.port)


def test_a_clean_file_passes_the_scanner_and_an_infected_one_is_refused(clamd):
    world = two_partnerships().a
    theme = world.question_set.themes.first()
    evidence_stage_file(submission=world.submission, theme=theme, upload=upload("a.pdf", PDF), actor=ALEX)
    assert clamd.received == [PDF]

    infected = PDF + b"% " + EICAR + b"\n"
    with pytest.raises(EvidenceFileRefusedError, match=r"^The selected file contains a virus$"):
        evidence_stage_file(
            submission=world.submission, theme=theme, upload=upload("b.pdf", infected), actor=ALEX
        )
    assert Evidence.objects.count() == 1


def test_an_unreachable_scanner_refuses_the_file(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    settings.CLAMAV_HOST, settings.CLAMAV_PORT, settings.CLAMAV_TIMEOUT_SECONDS = "127.0.0.1", port, 2
    with pytest.raises(VirusScanError):
        clamd_instream_scan([PDF], host="127.0.0.1", port=port, timeout=2)
    world = two_partnerships().a
    with pytest.raises(EvidenceFileRefusedError, match="could not be checked for viruses"):
        evidence_stage_file(
            submission=world.submission,
            theme=world.question_set.themes.first(),
            upload=upload("a.pdf", PDF),
            actor=ALEX,
        )
    assert not Evidence.objects.exists()


def test_the_theme_page_shows_the_scanners_refusal_as_a_govuk_error(clamd):
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    agency = Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    agency.get(link.split("127.0.0.1:8000", 1)[-1])
    url = reverse("theme", kwargs={"partnership_slug": world.partnership.slug, "theme_key": theme.key})
    infected = SimpleUploadedFile("b.pdf", PDF + b"% " + EICAR + b"\n")
    page = agency.post(
        url, {"action": "evidence", "version": "0", "evidence_file": infected}
    ).content.decode()
    assert "There is a problem" in page
    assert "The selected file contains a virus" in page
    assert not Evidence.objects.exists()
