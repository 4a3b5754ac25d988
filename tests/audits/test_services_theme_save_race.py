"""Two contributors save the same theme at once, on PostgreSQL with two real
connections (threads): the second save waits for the first's lock on the
return and then finds the theme changed (StaleThemeError), whether the
first save made the theme's response or updated it. The save reads the
response in the same query that waits for the lock, which still sees the
rows it joined as they were when it started (READ COMMITTED); the write
itself checks the version again."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from audits.models import Answer, ThemeResponse
from audits.services import StaleThemeError, theme_response_save
from core.domain import Actor
from tests.factories import two_partnerships

ALEX = Actor(name="Alex Patel", email="alex.patel@alpha-council.example")
BEN = Actor(name="Ben Okafor", email="ben.okafor@alpha-council.example")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _save(submission, theme, *, value, version, actor):
    return theme_response_save(
        submission=submission,
        theme=theme,
        answers={q.pk: value for q in theme.questions.all()},
        rag="green",
        comments="",
        expected_version=version,
        actor=actor,
    )


def _race(submission, theme, version):
    """Alex's save holds its transaction open just before commit; Ben's,
    opened at the same version, starts; then Alex's commits. Returns what
    each raised (or None)."""
    saved, release = threading.Event(), threading.Event()
    errors: dict[str, BaseException | None] = {"alex": None, "ben": None}

    def alex():
        try:
            with transaction.atomic():
                _save(submission, theme, value="yes", version=version, actor=ALEX)
                saved.set()
                assert release.wait(10)
        except BaseException as exc:  # reported to the test thread
            errors["alex"] = exc
            saved.set()
        finally:
            connection.close()

    def ben():
        try:
            _save(submission, theme, value="no", version=version, actor=BEN)
        except BaseException as exc:
            errors["ben"] = exc
        finally:
            connection.close()

    first = threading.Thread(target=alex)
    first.start()
    assert saved.wait(10)
    second = threading.Thread(target=ben)
    second.start()
    second.join(1.0)  # Ben's save is now waiting for the return's lock
    release.set()
    first.join(10)
    second.join(10)
    close_old_connections()
    return errors


@pytest.mark.parametrize("saved_before", [False, True], ids=["first save", "later save"])
def test_the_second_of_two_saves_at_once_of_one_theme_is_stale(saved_before):
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    version = 0
    if saved_before:
        version = _save(world.submission, theme, value="no", version=0, actor=BEN).version

    errors = _race(world.submission, theme, version)

    assert errors["alex"] is None, errors["alex"]
    assert isinstance(errors["ben"], StaleThemeError), errors["ben"]
    assert errors["ben"].current.updated_by_name == ALEX.name
    response = ThemeResponse.objects.get(submission=world.submission, theme=theme)
    assert (response.version, response.updated_by_name) == (version + 1, ALEX.name)
    assert set(Answer.objects.filter(submission=world.submission).values_list("value", flat=True)) == {"yes"}
