"""Two reviewers, one theme (or one outcome): optimistic locking, as on the
agency's theme page. A save from a form opened before someone else's save is
refused with the "saved this after you opened it" banner, keeping what was
typed; nothing is overwritten unseen. On PostgreSQL, two saves racing from
the same version: one wins, the other is told."""

import re
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from audits.models import Rag, ReviewOutcome, SubmissionReview, ThemeModeration
from audits.services.review import StaleReviewError, review_outcome_save, theme_moderation_save
from core.domain import Actor
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

ASHA = Actor(name="Asha Reviewer", email="asha@partnership.example")
BILAL = Actor(name="Bilal Reviewer", email="bilal@partnership.example")


@pytest.fixture
def a():
    return submitted_world(two_partnerships().a)


def first_theme(a):
    return a.question_set.themes.order_by("order").first()


def hidden_version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


# --- services -----------------------------------------------------------------


def test_a_moderation_saved_from_a_stale_version_is_refused(a):
    theme = first_theme(a)
    theme_moderation_save(
        submission=a.submission, theme=theme, rag=Rag.AMBER, comment="Asha's", actor=ASHA, expected_version=0
    )

    with pytest.raises(StaleReviewError, match="Asha Reviewer moderated this theme after you opened"):
        theme_moderation_save(
            submission=a.submission,
            theme=theme,
            rag=Rag.GREEN,
            comment="Bilal's",
            actor=BILAL,
            expected_version=0,
        )

    moderation = ThemeModeration.objects.get()
    assert (moderation.rag, moderation.comment, moderation.version) == (Rag.AMBER, "Asha's", 1)
    theme_moderation_save(
        submission=a.submission,
        theme=theme,
        rag=Rag.GREEN,
        comment="Bilal's",
        actor=BILAL,
        expected_version=1,
    )
    assert ThemeModeration.objects.get().version == 2


def test_an_outcome_saved_from_a_stale_version_is_refused(a):
    review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.ASSURED,
        message="Thanks.",
        actor=ASHA,
        expected_version=0,
    )

    with pytest.raises(StaleReviewError, match="Asha Reviewer saved the outcome after you opened"):
        review_outcome_save(
            submission=a.submission,
            outcome=ReviewOutcome.SCRUTINY_PANEL,
            message="Come to the panel.",
            actor=BILAL,
            expected_version=0,
        )

    review = SubmissionReview.objects.get()
    assert (review.outcome, review.message, review.version) == (ReviewOutcome.ASSURED, "Thanks.", 1)


# --- the pages ------------------------------------------------------------------


def _two_reviewers(a):
    return (
        staff_client(Client(), a.partnership, StaffRole.REVIEWER),
        staff_client(Client(), a.partnership, StaffRole.REVIEWER),
    )


def test_a_stale_moderation_form_shows_the_banner_and_keeps_what_was_typed(a):
    asha, bilal = _two_reviewers(a)
    theme = first_theme(a)
    page_url = staff_url(
        a.partnership, "staff_return_moderate", reference=a.submission.reference, theme_key=theme.key
    )
    asha_version = hidden_version(asha.get(page_url).content.decode())
    bilal_version = hidden_version(bilal.get(page_url).content.decode())

    saved = asha.post(page_url, {"rag": "amber", "comment": "Asha's view", "version": asha_version})
    assert saved.status_code == 302
    stale = bilal.post(page_url, {"rag": "green", "comment": "Bilal's view", "version": bilal_version})

    assert stale.status_code == 200
    page = stale.content.decode()
    moderation = ThemeModeration.objects.get()
    assert "Not saved" in page and f"{moderation.updated_by_name} moderated this theme" in page
    assert "after you opened it" in page
    assert "Asha&#x27;s view" in page and "Bilal&#x27;s view" in page
    moderation = ThemeModeration.objects.get()
    assert (moderation.rag, moderation.comment) == ("amber", "Asha's view")
    # Saving again from the page now shown keeps Bilal's, knowingly.
    again = bilal.post(page_url, {"rag": "green", "comment": "Bilal's view", "version": hidden_version(page)})
    assert again.status_code == 302
    assert ThemeModeration.objects.get().comment == "Bilal's view"


def test_a_stale_outcome_form_shows_the_banner_and_keeps_what_was_typed(a):
    asha, bilal = _two_reviewers(a)
    page_url = staff_url(a.partnership, "staff_return_outcome", reference=a.submission.reference)
    asha_version = hidden_version(asha.get(page_url).content.decode())
    bilal_version = hidden_version(bilal.get(page_url).content.decode())

    assert (
        asha.post(page_url, {"outcome": "assured", "message": "Thanks", "version": asha_version}).status_code
        == 302
    )
    stale = bilal.post(
        page_url, {"outcome": "scrutiny_panel", "message": "Come in", "version": bilal_version}
    )

    assert stale.status_code == 200
    page = stale.content.decode()
    assert "Not saved" in page and "saved the outcome" in page and "Come in" in page
    assert SubmissionReview.objects.get().message == "Thanks"


def test_a_moderation_form_with_no_version_is_refused_as_out_of_date(a):
    asha, _ = _two_reviewers(a)
    page_url = staff_url(
        a.partnership, "staff_return_moderate", reference=a.submission.reference, theme_key=first_theme(a).key
    )
    response = asha.post(page_url, {"rag": "amber", "comment": "x"})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
    assert not ThemeModeration.objects.exists()


# --- a real race ------------------------------------------------------------------


def _race(save_one):
    """Two connections save from the same version at the same moment."""
    barrier = threading.Barrier(2)
    results: list = []

    def run(actor):
        try:
            barrier.wait(5)
            save_one(actor)
            results.append("saved")
        except StaleReviewError:
            results.append("stale")
        except BaseException as exc:  # reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in (ASHA, BILAL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    close_old_connections()
    return sorted(map(str, results))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_moderating_at_once_one_is_told():
    a = submitted_world(two_partnerships().a)
    theme = first_theme(a)

    for _ in range(3):
        current = ThemeModeration.objects.filter(submission=a.submission, theme=theme).first()
        version = current.version if current else 0
        results = _race(
            lambda actor, version=version: theme_moderation_save(
                submission=a.submission,
                theme=theme,
                rag=Rag.RED,
                comment=actor.name,
                actor=actor,
                expected_version=version,
            )
        )
        assert results == ["saved", "stale"]
    assert ThemeModeration.objects.get().version == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_saving_the_outcome_at_once_one_is_told():
    a = submitted_world(two_partnerships().a)

    results = _race(
        lambda actor: review_outcome_save(
            submission=a.submission,
            outcome=ReviewOutcome.ASSURED,
            message=actor.name,
            actor=actor,
            expected_version=0,
        )
    )

    assert results == ["saved", "stale"]
    assert SubmissionReview.objects.get().version == 1
