"""An action plan's PDF builds whatever falls at the foot of a page.

WeasyPrint's tagged (PDF/UA) output once failed ("Table wrapper without a
table") when a table's caption fitted at the bottom of a page and the table
itself did not: a plan of seven themes in the Sheffield demo hit it. Plans of
1 to 10 themes, with actions of several lengths, put captions at many
different heights on the page."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audits.exports.actions import action_plan_pdf
from audits.models import Rag
from audits.selectors.actions import action_plan
from audits.services.actions import ActionItemData, action_item_add
from core.domain import Actor
from tests.factories import (
    AuditCycleFactory,
    PartnershipFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
)

pytestmark = pytest.mark.django_db

JO = Actor(name="Jo Lead", email="jo@council.example")


@pytest.mark.parametrize("words", [12, 40, 90])
def test_plans_of_every_length_build(words):
    partnership = PartnershipFactory()
    question_set = question_set_with_questions(partnership, themes=10, questions=2)
    cycle = AuditCycleFactory(partnership=partnership, question_set=question_set)
    submission = SubmissionFactory(cycle=cycle)
    text = " ".join(["improve"] * words)
    for theme in question_set.themes.order_by("order"):
        theme_save(submission, theme, rag=Rag.AMBER, comments="Partly in place.")
        action_item_add(
            submission=submission,
            theme=theme,
            data=ActionItemData(
                action=f"Action for {theme.title}: {text}",
                lead_person="Head of safeguarding",
                target_date=timezone.localdate() + timedelta(days=90),
                success_criteria=text,
                expected_outcome="Safer practice",
                impact_measure="Audit of files",
            ),
            actor=JO,
        )
    plans = action_plan(submission=submission)
    for count in range(1, len(plans) + 1):
        pdf = action_plan_pdf(submission=submission, themes=plans[:count])
        assert f"Action for {plans[count - 1].theme.title}" in "".join(
            page.extract_text() for page in PdfReader(BytesIO(pdf)).pages
        )
