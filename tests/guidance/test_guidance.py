"""A partnership's public guidance (issue 17 item 12): admins write guidance
and FAQs with safe formatting only, upload documents checked like evidence,
and the contact form reaches only the partnership's own mailbox through the
outbox, rate-limited per address, the sender only as Reply-To."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, OutboundEmail
from guidance.formatting import guidance_html
from guidance.models import GuidanceDocument, GuidanceEntry
from guidance.services import CONTACT_PER_IP
from partnerships.models import StaffRole
from tests.audits.test_services_theme_save import PDF_BYTES
from tests.factories import two_partnerships
from tests.staff import staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worlds():
    return two_partnerships()


@pytest.fixture
def admin(worlds):
    return staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


# --- safe formatting ---------------------------------------------------------------


def test_formatting_allows_paragraphs_lists_and_https_links_and_escapes_everything_else():
    html = guidance_html(
        "First <b>bold</b> & <script>alert(1)</script>\n\n- one\n- [toolkit](https://example.org/t?a=1&b=2)\n\n"
        '[bad](javascript:alert(1)) [worse](https://x.org/" onmouseover="x) [mail](mailto:team@example.org)'
    )
    assert '<p class="govuk-body">First &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;' in html
    assert "<script>" not in html and "<b>" not in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>one</li><li><a class="govuk-link" ' in html
    assert 'href="https://example.org/t?a=1&amp;b=2">toolkit</a>' in html
    assert 'href="javascript' not in html and "[bad](javascript:alert(1))" in html
    assert "onmouseover=" not in html.replace("&quot; onmouseover=&quot;", "")
    assert '<a class="govuk-link" href="mailto:team@example.org">mail</a>' in html


# --- guidance pages ------------------------------------------------------------------


def test_an_admin_writes_guidance_and_a_faq_and_only_their_partnership_shows_them(worlds, admin):
    a, b = worlds
    response = admin.post(
        url(a, "staff_guidance_entry_add"),
        {
            "kind": "faq",
            "title": "Can we take part if not mandated?",
            "body": "Yes.\n\n- Register\n- Wait",
            "order": "2",
        },
    )
    assert response.status_code == 302
    entry = GuidanceEntry.objects.get()
    assert entry.partnership_id == a.partnership.pk
    assert AuditEvent.objects.filter(verb="guidance.saved", partnership=a.partnership).count() == 1
    page = Client().get(url(a, "guidance")).content.decode()
    assert "Frequently asked questions" in page and "Can we take part if not mandated?" in page
    assert "<li>Register</li>" in page
    assert "Can we take part" not in Client().get(url(b, "guidance")).content.decode()

    response = admin.post(
        url(a, "staff_guidance_entry_edit", entry_id=entry.pk),
        {"kind": "guidance", "title": "Taking part", "body": "Anyone may.", "order": "1"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.title) == ("guidance", "Taking part")
    assert admin.post(url(a, "staff_guidance_entry_remove", entry_id=entry.pk)).status_code == 302
    assert not GuidanceEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "faq", "title": "", "body": "x", "order": "1"}, "Enter a heading or the question"),
        ({"kind": "faq", "title": "Q", "body": "", "order": "1"}, "Enter the text or the answer"),
        ({"kind": "", "title": "Q", "body": "x", "order": "1"}, "Select where it appears"),
        (
            {"kind": "faq", "title": "Q", "body": "x", "order": "first"},
            "The position must be a whole number, like 1",
        ),
    ],
)
def test_bad_entries_get_govuk_errors_and_keep_what_was_typed(worlds, admin, data, message):
    a, _ = worlds
    response = admin.post(url(a, "staff_guidance_entry_add"), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "There is a problem" in page
    for value in (data["title"], data["body"], data["order"]):
        if value:
            assert value in page
    assert not GuidanceEntry.objects.exists()


def test_another_partnerships_entry_cannot_be_changed(worlds, admin):
    _, b = worlds
    theirs = GuidanceEntry.objects.create(partnership=b.partnership, kind="faq", title="Theirs", body="x")
    a = worlds.a
    assert admin.get(url(a, "staff_guidance_entry_edit", entry_id=theirs.pk)).status_code == 404
    assert admin.post(url(a, "staff_guidance_entry_remove", entry_id=theirs.pk)).status_code == 404
    assert GuidanceEntry.objects.filter(pk=theirs.pk).exists()


# --- documents ---------------------------------------------------------------------


def test_a_document_is_checked_like_evidence_and_downloads_as_an_attachment(worlds, admin):
    a, b = worlds
    upload = SimpleUploadedFile("Toolkit 2026.pdf", PDF_BYTES, content_type="application/pdf")
    response = admin.post(url(a, "staff_guidance_document_add"), {"title": "Toolkit", "file": upload})
    assert response.status_code == 302
    document = GuidanceDocument.objects.get()
    assert (document.original_name, document.content_type) == ("Toolkit 2026.pdf", "application/pdf")
    page = Client().get(url(a, "guidance")).content.decode()
    download = url(a, "guidance_document", token=document.token)
    assert download in page and "Toolkit" in page
    response = Client().get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Another partnership's address does not serve it.
    assert Client().get(url(b, "guidance_document", token=document.token)).status_code == 404
    assert admin.post(url(a, "staff_guidance_document_remove", document_id=document.pk)).status_code == 302
    assert not GuidanceDocument.objects.exists()


def test_a_page_named_pdf_is_refused_with_a_govuk_error_and_the_title_kept(worlds, admin):
    a, _ = worlds
    upload = SimpleUploadedFile(
        "toolkit.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = admin.post(url(a, "staff_guidance_document_add"), {"title": "Our toolkit", "file": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "The selected file must be a PDF, Word" in page and 'value="Our toolkit"' in page
    assert not GuidanceDocument.objects.exists()


# --- the contact form ------------------------------------------------------------------


def contact(client, world, **overrides):
    data = {
        "name": "Pat Trust",
        "email": "pat@small-charity.example",
        "message": "We are not on your list.\nCan we join?",
    }
    data.update(overrides)
    return client.post(url(world, "contact"), data, REMOTE_ADDR="203.0.113.9")


def test_a_message_reaches_only_the_partnerships_own_address_with_the_sender_as_reply_to(
    worlds, django_capture_on_commit_callbacks
):
    a, b = worlds
    with django_capture_on_commit_callbacks(execute=True):
        response = contact(Client(), a, to="victim@example.org", to_email="victim@example.org")
    assert response.status_code == 302 and response["Location"] == url(a, "contact_sent")
    email = OutboundEmail.objects.get()
    assert (email.kind, email.to_email, email.partnership_id) == (
        "contact",
        a.partnership.contact_email,
        a.partnership.pk,
    )
    [message] = mail.outbox
    assert message.to == [f"{a.partnership.name} <{a.partnership.contact_email}>"]
    assert message.reply_to == ["pat@small-charity.example"]
    assert "victim" not in str(message.message())
    assert "Pat Trust" not in message.subject  # the subject is ours
    assert "We are not on your list.\nCan we join?" in message.body
    # The other partnership's form reaches the other partnership.
    with django_capture_on_commit_callbacks(execute=True):
        contact(Client(), b, REMOTE_ADDR="198.51.100.1")
    assert mail.outbox[-1].to == [f"{b.partnership.name} <{b.partnership.contact_email}>"]


def test_messages_from_one_address_are_limited(worlds):
    a, _ = worlds
    client = Client()
    for _ in range(CONTACT_PER_IP):
        assert contact(client, a).status_code == 302
    response = contact(client, a, message="One more")
    page = response.content.decode()
    assert response.status_code == 429 and "You have sent too many messages" in page
    assert "One more" in page  # what was typed is kept
    assert OutboundEmail.objects.count() == CONTACT_PER_IP
    # Another address is not held up.
    assert (
        Client()
        .post(
            url(a, "contact"),
            {"name": "Sam", "email": "sam@x.example", "message": "Hi"},
            REMOTE_ADDR="198.51.100.7",
        )
        .status_code
        == 302
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter your name"),
        ({"email": "pat at charity"}, "Enter an email address in the correct format, like name@example.com"),
        ({"message": ""}, "Enter your message"),
        ({"name": "Pat\nBcc: x@example.org"}, "Your name must be on one line"),
    ],
)
def test_contact_errors_are_govuk_and_keep_what_was_typed(worlds, overrides, message):
    a, _ = worlds
    response = contact(Client(), a, **overrides)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "There is a problem" in page
    assert "We are not on your list." in page or overrides.get("message") == ""
    assert not OutboundEmail.objects.exists()


def test_a_bot_filling_the_hidden_field_is_told_sent_and_nothing_goes(worlds):
    a, _ = worlds
    response = contact(Client(), a, website="http://spam.example")
    assert response.status_code == 302
    assert not OutboundEmail.objects.exists()


def test_the_message_says_names_as_typed_and_the_html_part_escapes_them(
    worlds, django_capture_on_commit_callbacks
):
    a, _ = worlds
    a.partnership.name = 'Children\'s "Safeguarding" & <Young> Partners'
    a.partnership.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        contact(Client(), a, name="O'Brien <Pat> & Co", message="A <b>question</b> & more")
    [message] = mail.outbox
    assert (
        message.subject
        == 'Children\'s "Safeguarding" & <Young> Partners: a message through the Section 11 audit pages'
    )
    assert "O'Brien <Pat> & Co (pat@small-charity.example)" in message.body
    assert "A <b>question</b> & more" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;question&lt;/b&gt;" in html and "<b>question" not in html
    assert "O&#x27;Brien &lt;Pat&gt; &amp; Co" in html
