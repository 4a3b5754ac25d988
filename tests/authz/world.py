"""The world every staff URL is tried against: partnership alpha (whose pages
are requested) and bravo (whose reviewer must get a 404), each with an open
cycle, an agency and a submitted return, plus one signed-in client per role."""

from dataclasses import dataclass, field

from audits.models import Submission
from audits.services import submission_submit
from core.domain import Actor
from partnerships.models import Partnership
from tests.factories import World, submission_complete, two_partnerships


@dataclass
class AuthzWorld:
    a: World
    b: World
    # Anything a case builds once and reuses (e.g. a meeting), by name.
    extra: dict = field(default_factory=dict)

    @property
    def partnership(self) -> Partnership:
        return self.a.partnership

    @property
    def submission(self) -> Submission:
        return self.a.submission


def authz_world() -> AuthzWorld:
    worlds = two_partnerships()
    for w in worlds:
        submission_complete(w.submission)
        w.submission.refresh_from_db()
        w.submission = submission_submit(
            submission=w.submission,
            submitted_by=Actor(name="Sam", email=w.contact.email),
            signed_off_by_name="Alex Director",
            signed_off_by_role="Director of Children's Services",
            expected_version=w.submission.version,
        )
    return AuthzWorld(a=worlds.a, b=worlds.b)
