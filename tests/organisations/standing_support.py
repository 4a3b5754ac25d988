"""A standing-draft world: the organisation world (support.org_world) with,
in each partnership, the CSAP library set and a new cycle's return of the
linked agency on it (nobody has saved any of it)."""

from dataclasses import dataclass

from tests.factories import AuditCycleFactory, SubmissionFactory
from themes.library import template_data
from themes.services import question_set_load_template

from .support import OrgWorld, org_world

LEAD = "board-level-lead"


@dataclass
class StandingWorld:
    w: OrgWorld
    alpha: object  # alpha's new return, on alpha's copy of CSAP
    bravo: object


def standing_world() -> StandingWorld:
    w = org_world()
    returns = []
    for world in w.worlds:
        question_set = question_set_load_template(partnership=world.partnership, key="csap")
        cycle = AuditCycleFactory(partnership=world.partnership, question_set=question_set)
        returns.append(SubmissionFactory(cycle=cycle, agency=world.agency))
    return StandingWorld(w, *returns)


def leadership_answers(value="yes") -> dict[str, str]:
    theme = next(t for t in template_data("csap")["themes"] if t["key"] == "leadership")
    return {q["key"]: value for q in theme["questions"] if not q["is_local"]}
