"""The demo seeds each demo partnership's survey with replies from several
agencies, some over the threshold and some under, and the first agency's
review page shows the flag straight away."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from audits.models import Submission
from demo import data as demo
from partnerships.models import Partnership, StaffRole
from surveys.models import Survey, SurveyReply
from surveys.selectors import MIN_GROUP, survey_progress, survey_triangulation
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_replies_over_and_under_the_threshold_once():
    call_command("seed_demo", stdout=StringIO())
    replies = SurveyReply.objects.count()
    assert replies > 0
    for spec in demo.PARTNERSHIPS:
        partnership = Partnership.objects.get(slug=spec.slug)
        survey = Survey.objects.get(partnership=partnership)
        counts = [row.replies for row in survey_progress(partnership=partnership, survey=survey)]
        assert sum(1 for n in counts if n >= MIN_GROUP) >= 3, counts
        assert sum(1 for n in counts if 0 < n < MIN_GROUP) >= 2, counts

    call_command("seed_demo", stdout=StringIO())
    assert SurveyReply.objects.count() == replies

    spec = demo.PARTNERSHIPS[0]
    partnership = Partnership.objects.get(slug=spec.slug)
    flagged = [
        s
        for s in Submission.objects.filter(partnership=partnership, cycle__survey__isnull=False)
        if (t := survey_triangulation(partnership=partnership, submission=s)) and t.flagged
    ]
    assert flagged
    html = (
        staff_client(Client(), partnership, StaffRole.REVIEWER)
        .get(staff_url(partnership, "staff_return_review", reference=flagged[0].reference))
        .content.decode()
    )
    assert ">Differs</strong>" in html
