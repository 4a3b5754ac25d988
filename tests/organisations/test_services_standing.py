"""The standing draft (issue 13 item 5): edited theme by theme with the
agency page's rules, updated from one of the organisation's returns, and a
linked agency's new return started from it, each theme marked carried
forward and confirmed one by one through the agency's own save; recorded in
the return's history; refused once anyone has saved the return."""

import pytest

from audits.models import Answer, Rag, SubmissionStatus, ThemeResponse
from audits.selectors.review import submission_history
from audits.services import submission_submit
from audits.services.submit import SubmissionIncompleteError, submission_gaps
from core.domain import Actor
from core.models import AuditEvent
from organisations.models import StandingDraft, StandingDraftAnswer, StandingDraftTheme
from organisations.services import OrganisationRefusedError
from organisations.services.standing import (
    StandingDraftStaleError,
    standing_draft_start,
    standing_draft_theme_save,
    standing_draft_update_from_return,
)
from tests.factories import theme_save
from themes.models import Question

from .standing_support import LEAD, leadership_answers, standing_world

pytestmark = pytest.mark.django_db


def _save_leadership(membership, version=0, **kwargs):
    return standing_draft_theme_save(
        membership=membership,
        template_key="csap",
        theme_key="leadership",
        answers=kwargs.pop("answers", leadership_answers()),
        rag=kwargs.pop("rag", Rag.GREEN),
        comments=kwargs.pop("comments", "A named lead since 2024"),
        expected_version=version,
    )


def test_a_member_edits_a_theme_and_the_draft_says_who_and_when():
    s = standing_world()
    row = _save_leadership(s.w.member)
    draft = StandingDraft.objects.get(organisation=s.w.org, template_key="csap")
    assert (draft.updated_by_name, row.version, row.rag) == ("Pat Member", 1, Rag.GREEN)
    assert draft.updated_at is not None
    assert StandingDraftAnswer.objects.filter(draft=draft).count() == len(leadership_answers())
    # Changed later by another member: a stale page is refused, a fresh one saves.
    with pytest.raises(StandingDraftStaleError, match="Pat Member saved this theme"):
        _save_leadership(s.w.admin, version=0, rag=Rag.AMBER, comments="Board report late")
    row = _save_leadership(s.w.admin, version=1, rag=Rag.AMBER, comments="Board report late")
    draft.refresh_from_db()
    assert (row.version, row.rag, draft.updated_by_name) == (2, Rag.AMBER, s.w.admin.name)
    # Nothing of it is in any partnership's tables.
    assert not ThemeResponse.objects.filter(submission__in=[s.alpha, s.bravo]).exists()


def test_the_agency_pages_rules_apply_in_its_words():
    s = standing_world()
    with pytest.raises(
        OrganisationRefusedError, match="Say in the comments how your organisation will improve"
    ):
        _save_leadership(s.w.member, rag=Rag.RED, comments="")
    with pytest.raises(OrganisationRefusedError, match="this question cannot be not applicable"):
        _save_leadership(s.w.member, answers={LEAD: "na"}, comments="Why")
    with pytest.raises(OrganisationRefusedError, match="why the questions you answered 'Not applicable'"):
        _save_leadership(s.w.member, answers={"partnership-representation": "na"}, rag="", comments="")
    with pytest.raises(OrganisationRefusedError, match="not in the built-in question set"):
        standing_draft_theme_save(
            membership=s.w.member,
            template_key="csap",
            theme_key="no-such-theme",
            answers={},
            rag="",
            comments="",
            expected_version=0,
        )
    assert not StandingDraftTheme.objects.exists()


def test_a_new_return_starts_from_the_draft_each_theme_to_be_confirmed():
    s = standing_world()
    _save_leadership(s.w.member)
    detail = standing_draft_start(membership=s.w.member, target=s.alpha)
    assert detail["themes"] == 1 and detail["answers"] == len(leadership_answers())
    leadership = s.alpha.question_set.themes.get(key="leadership")
    response = ThemeResponse.objects.get(submission=s.alpha, theme=leadership)
    assert (response.carried_forward, response.rag, response.version) == (True, Rag.GREEN, 0)
    assert response.comments == "A named lead since 2024"
    assert set(Answer.objects.filter(submission=s.alpha).values_list("question__key", "value")) == set(
        leadership_answers().items()
    )
    # The return's history says so, in its own partnership's log only.
    event = AuditEvent.objects.get(verb="organisation.started_from_standing_draft")
    assert event.partnership_id == s.alpha.partnership_id and event.submission_id == s.alpha.pk
    words = " ".join(e.what for e in submission_history(partnership=s.alpha.partnership, submission=s.alpha))
    assert "standing draft of Northshire Police" in words
    # The other partnership's return is untouched until a member starts it too.
    assert not ThemeResponse.objects.filter(submission=s.bravo).exists()


def test_the_carried_themes_are_confirmed_one_by_one_before_submitting():
    s = standing_world()
    _save_leadership(s.w.member)
    standing_draft_start(membership=s.w.member, target=s.alpha)
    leadership = s.alpha.question_set.themes.get(key="leadership")
    gaps = {g.theme.key: g for g in submission_gaps(submission=s.alpha)}
    assert gaps["leadership"].unconfirmed
    s.alpha.refresh_from_db()
    with pytest.raises(SubmissionIncompleteError, match="Confirm or change the answers filled in"):
        submission_submit(
            submission=s.alpha,
            submitted_by=Actor(name="Pat", email=s.w.member.email),
            signed_off_by_name="Chief",
            signed_off_by_role="Chief Constable",
            expected_version=s.alpha.version,
        )
    # The agency confirms by saving the theme as it is: no longer carried forward.
    theme_save(s.alpha, leadership, rag=Rag.GREEN, comments="A named lead since 2024")
    assert not ThemeResponse.objects.get(submission=s.alpha, theme=leadership).carried_forward
    gaps = {g.theme.key: g for g in submission_gaps(submission=s.alpha)}
    assert "leadership" not in gaps or not gaps["leadership"].unconfirmed
    for theme in s.alpha.question_set.themes.exclude(key="leadership"):
        theme_save(s.alpha, theme, value="yes", rag=Rag.GREEN)
    s.alpha.refresh_from_db()
    submitted = submission_submit(
        submission=s.alpha,
        submitted_by=Actor(name="Pat", email=s.w.member.email),
        signed_off_by_name="Chief",
        signed_off_by_role="Chief Constable",
        expected_version=s.alpha.version,
    )
    assert submitted.status == SubmissionStatus.SUBMITTED


def test_a_started_return_or_one_without_a_draft_is_refused():
    s = standing_world()
    with pytest.raises(OrganisationRefusedError, match="no standing draft"):
        standing_draft_start(membership=s.w.member, target=s.alpha)
    _save_leadership(s.w.member)
    theme_save(s.alpha, s.alpha.question_set.themes.get(key="leadership"))
    with pytest.raises(OrganisationRefusedError, match="already saved a theme"):
        standing_draft_start(membership=s.w.member, target=s.alpha)
    # Another organisation's draft does not feed this one's returns.
    assert not StandingDraft.objects.filter(organisation=s.w.other_org).exists()


def test_answers_carried_from_last_cycle_and_unconfirmed_give_way():
    s = standing_world()
    _save_leadership(s.w.member, answers={LEAD: "no"}, comments="Lead post vacant", rag=Rag.AMBER)
    # A carried-forward theme nobody confirmed (version 0).
    safer = s.alpha.question_set.themes.get(key="safe-recruitment")
    ThemeResponse.objects.create(submission=s.alpha, theme=safer, carried_forward=True, rag=Rag.RED)
    detail = standing_draft_start(membership=s.w.member, target=s.alpha)
    assert detail["replaced_carried_forward"]
    assert not ThemeResponse.objects.filter(submission=s.alpha, theme=safer).exists()
    assert Answer.objects.get(submission=s.alpha, question__key=LEAD).value == "no"


def test_the_draft_is_updated_from_a_return_including_a_mapped_local_question():
    s = standing_world()
    leadership = s.bravo.question_set.themes.get(key="leadership")
    # Bravo rephrased the lead question as its own, mapped to the library's.
    library_own = leadership.questions.get(key=LEAD)
    library_own.delete()
    local = Question.objects.create(
        theme=leadership,
        key="our-lead",
        order=99,
        text="Who is your lead?",
        is_local=True,
        library_key=f"leadership/{LEAD}",
    )
    answers = {q.pk: "yes" for q in leadership.questions.all()}
    answers[local.pk] = "no"
    theme_save(s.bravo, leadership, answers=answers, rag=Rag.AMBER, comments="Lead post vacant")
    detail = standing_draft_update_from_return(membership=s.w.member, source=s.bravo)
    assert detail["themes"] == 1
    draft = StandingDraft.objects.get(organisation=s.w.org, template_key="csap")
    assert StandingDraftAnswer.objects.get(draft=draft, question_key=LEAD).value == "no"
    assert StandingDraftTheme.objects.get(draft=draft, theme_key="leadership").rag == Rag.AMBER
    words = " ".join(e.what for e in submission_history(partnership=s.bravo.partnership, submission=s.bravo))
    assert "copied this return’s answers into its own standing draft" in words
    # And feeds alpha's new return, by library key.
    standing_draft_start(membership=s.w.member, target=s.alpha)
    assert Answer.objects.get(submission=s.alpha, question__key=LEAD).value == "no"


def test_updating_from_a_return_nobody_saved_or_off_the_library_is_refused():
    s = standing_world()
    with pytest.raises(OrganisationRefusedError, match="Nobody has saved a theme"):
        standing_draft_update_from_return(membership=s.w.member, source=s.alpha)
    # The organisation world's first returns are on a set made by hand, not the library.
    with pytest.raises(OrganisationRefusedError, match="not copied from a built-in question set"):
        standing_draft_update_from_return(membership=s.w.member, source=s.w.worlds.a.submission)
