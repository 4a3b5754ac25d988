"""The organisation's evidence library: upload once (checked as a return's
evidence is), attach to returns in two partnerships: each gets its own copy
in its own storage; nothing of another organisation's library or returns."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import Evidence
from organisations.models import OrganisationEvidence
from organisations.services import OrganisationRefusedError
from organisations.services.evidence import organisation_evidence_attach, organisation_evidence_upload
from tests.audits.test_evidence_files import HTML, PDF

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
    return tmp_path


def _pdf(name="Safeguarding policy.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/octet-stream")


def test_attaching_copies_the_file_into_each_partnerships_own_storage(evidence_storage):
    w = org_world()
    item = organisation_evidence_upload(membership=w.member, upload=_pdf(), title="Policy 2026")
    assert item.file.name.startswith(f"organisation-evidence/{w.org.pk}/")
    for world in w.worlds:
        theme = world.submission.question_set.themes.get(key="theme-1")
        organisation_evidence_attach(membership=w.member, evidence=item, target=world.submission, theme=theme)
    copies = list(Evidence.objects.filter(kind=Evidence.Kind.FILE).order_by("submission__partnership_id"))
    assert len(copies) == 2
    names = set()
    for copy, world in zip(copies, w.worlds, strict=True):
        assert (
            copy.submission_id == world.submission.pk
            and copy.submission.partnership_id == world.partnership.pk
        )
        assert copy.file.name.startswith(f"evidence/{world.partnership.pk}/{world.submission.pk}/")
        assert copy.file.open("rb").read() == PDF
        assert copy.original_name == "Safeguarding policy.pdf" and copy.added_by_name == "Pat Member"
        names.add(copy.file.name)
    assert len(names) == 2 and item.file.name not in names
    # The library's own file stays; removing a copy would not touch it or the other.
    assert (evidence_storage / item.file.name).exists()


def test_the_library_refuses_what_a_return_refuses():
    w = org_world()
    client = member_client(w.member.email)
    page = reverse("organisation_evidence", args=[w.org.pk])
    response = client.post(page, {"file": SimpleUploadedFile("x.html", HTML), "title": "Typed title"})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and "Typed title" in body
    assert not OrganisationEvidence.objects.exists()
    response = client.post(page, {"file": _pdf(), "title": ""})
    assert response.status_code == 302
    assert OrganisationEvidence.objects.get().organisation_id == w.org.pk


def test_another_organisation_reaches_nothing_of_the_library():
    w = org_world()
    item = organisation_evidence_upload(membership=w.member, upload=_pdf())
    theme = w.other_submission.question_set.themes.get(key="theme-1")
    with pytest.raises(OrganisationRefusedError):
        organisation_evidence_attach(
            membership=w.other_admin, evidence=item, target=w.other_submission, theme=theme
        )
    other = member_client(w.other_admin.email)
    assert (
        other.get(reverse("organisation_evidence_attach", args=[w.other_org.pk, item.pk])).status_code == 404
    )
    # Our member cannot attach into the other organisation's return, however the form is filled.
    client = member_client(w.member.email)
    url = reverse("organisation_evidence_attach", args=[w.org.pk, item.pk])
    page = client.get(url).content.decode()
    assert w.other_submission.reference not in page and w.worlds.b.submission.reference in page
    response = client.post(url, {"where": f"{w.other_submission.pk}:theme-1"})
    assert response.status_code == 200 and "Choose a return and theme" in response.content.decode()
    assert not Evidence.objects.filter(submission=w.other_submission).exists()
    response = client.post(url, {"where": f"{w.worlds.b.submission.pk}:theme-1"})
    assert response.status_code == 302
    assert Evidence.objects.filter(submission=w.worlds.b.submission).count() == 1
