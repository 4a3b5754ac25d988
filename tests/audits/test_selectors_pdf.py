import pytest
from django.http import Http404

from audits.models import SubmissionPdf
from audits.selectors.pdf import submission_pdf_get, submission_pdf_list
from audits.services import submission_submit
from core.domain import Actor
from tests.factories import submission_complete, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"submission_pdf_list", "submission_pdf_get"}


@pytest.fixture
def world():
    worlds = two_partnerships()
    for w in worlds:
        submission_complete(w.submission)
        w.submission.refresh_from_db()
        submission_submit(
            submission=w.submission,
            submitted_by=Actor(name="Sam", email="sam@example.org"),
            signed_off_by_name="Alex",
            signed_off_by_role="Director",
            expected_version=w.submission.version,
        )
    assert SubmissionPdf.objects.count() == 2
    return worlds


def test_submission_pdf_list_holds_only_its_partnership(world):
    a, b = world
    assert [
        p.submission_id for p in submission_pdf_list(partnership=a.partnership, submission=a.submission)
    ] == [a.submission.pk]
    # Another partnership's return named under this partnership: nothing.
    assert list(submission_pdf_list(partnership=a.partnership, submission=b.submission)) == []


def test_submission_pdf_get_refuses_another_partnership(world):
    a, b = world
    found = submission_pdf_get(partnership=a.partnership, submission=a.submission, version=1)
    assert found.submission_id == a.submission.pk
    with pytest.raises(Http404):
        submission_pdf_get(partnership=a.partnership, submission=b.submission, version=1)
    with pytest.raises(Http404):
        submission_pdf_get(partnership=b.partnership, submission=a.submission, version=1)
    with pytest.raises(Http404):
        submission_pdf_get(partnership=a.partnership, submission=a.submission, version=2)
