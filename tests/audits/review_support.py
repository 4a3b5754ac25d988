"""Shared set-up for the review tests: a partnership's world whose return is
complete and submitted, and a reviewer."""

from audits.models import Submission
from audits.services import submission_submit
from core.domain import Actor
from tests.factories import World, submission_complete

SUBMITTER = Actor(name="Sam Submitter", email="sam.submitter@agency.example")


def submit(submission: Submission, actor: Actor = SUBMITTER) -> Submission:
    submission = Submission.objects.get(pk=submission.pk)
    return submission_submit(
        submission=submission,
        submitted_by=actor,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director of Children's Services",
        expected_version=submission.version,
    )


def submitted_world(world: World, **kwargs) -> World:
    """The world with its return complete (every theme Green, all Yes) and
    submitted; world.submission is refreshed."""
    submission_complete(world.submission, **kwargs)
    world.submission = submit(world.submission)
    return world


def reviewer_actor(user) -> Actor:
    return Actor.for_user(user)
