"""Evidence in the copy (issue 13 item 4): copying a theme copies its
evidence files into the target partnership's own storage, as new uploads of
the target return, and its links; the preview says how many; both histories
record it; a second copy adds nothing twice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Evidence
from audits.selectors.review import submission_history
from organisations.services.copy import theme_copy, theme_copy_preview
from tests.audits.test_evidence_files import PDF
from tests.factories import theme_save

from .support import member_client, org_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }


def _world():
    w = org_world()
    source, target = w.worlds.a.submission, w.worlds.b.submission
    theme_save(
        source,
        source.question_set.themes.get(key="theme-1"),
        new_files=[SimpleUploadedFile("Training log.pdf", PDF, content_type="application/pdf")],
        new_links=[("https://intranet.example/policy", "Policy page")],
    )
    return w, source, target


def test_the_preview_counts_the_evidence_to_copy():
    w, source, target = _world()
    preview = {p.key: p for p in theme_copy_preview(source=source, target=target)}
    assert (preview["theme-1"].evidence_files, preview["theme-1"].evidence_links) == (1, 1)
    page = member_client(w.member.email).get(
        reverse("organisation_copy", args=[w.org.pk]), {"source": source.pk, "target": target.pk}
    )
    assert "1 evidence file" in page.content.decode() and "1 link" in page.content.decode()


def test_copying_puts_the_files_in_the_target_partnerships_storage_once():
    w, source, target = _world()
    theme_copy(membership=w.member, source=source, target=target, theme_key="theme-1")
    original = Evidence.objects.get(submission=source, kind=Evidence.Kind.FILE)
    copied = Evidence.objects.get(submission=target, kind=Evidence.Kind.FILE)
    assert copied.file.name.startswith(f"evidence/{target.partnership_id}/{target.pk}/")
    assert copied.file.name != original.file.name and copied.token != original.token
    assert copied.file.open("rb").read() == PDF and copied.sha256 == original.sha256
    assert copied.original_name == "Training log.pdf" and copied.added_by_name == "Pat Member"
    link = Evidence.objects.get(submission=target, kind=Evidence.Kind.LINK)
    assert (link.url, link.title) == ("https://intranet.example/policy", "Policy page")
    assert copied.theme.question_set_id == target.question_set_id

    # Both histories say so; a second copy adds nothing it already has.
    for submission, partnership in ((target, w.worlds.b.partnership), (source, w.worlds.a.partnership)):
        words = " ".join(e.what for e in submission_history(partnership=partnership, submission=submission))
        assert "2 evidence" in words
    preview = {p.key: p for p in theme_copy_preview(source=source, target=target)}["theme-1"]
    assert (preview.evidence_files, preview.evidence_links) == (0, 0)
    theme_copy(membership=w.member, source=source, target=target, theme_key="theme-1")
    assert Evidence.objects.filter(submission=target).count() == 2


def test_the_copy_preview_is_within_its_query_budget(django_assert_max_num_queries):
    w, source, target = _world()
    client = member_client(w.member.email)
    page = reverse("organisation_copy", args=[w.org.pk])
    client.get(page, {"source": source.pk, "target": target.pk})
    with django_assert_max_num_queries(10):
        assert client.get(page, {"source": source.pk, "target": target.pk}).status_code == 200
