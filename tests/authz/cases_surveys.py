from partnerships.permissions import Perm
from tests.surveys.helpers import survey_make

from .cases import Case


def _survey(w):
    survey_make(w)
    return {"cycle_slug": w.cycle.slug}


def _agency(w):
    survey_make(w)
    return {"cycle_slug": w.cycle.slug, "agency_id": w.agency.pk}


CASES = [
    Case("staff_survey", Perm.VIEW, _survey),
    Case("staff_survey_agency", Perm.VIEW, _agency),
    Case("staff_survey_export", Perm.VIEW, _survey),
    Case("staff_survey_setup", Perm.MANAGE, _survey),
    Case(
        "staff_survey_share_remind",
        Perm.REVIEW,
        _survey,
        method="post",
        data=lambda w: {"which": "few"},
        ok=(302,),
    ),
    Case(
        "staff_survey_setup",
        Perm.MANAGE,
        _survey,
        method="post",
        data=lambda w: {"disagreement_threshold": "30"},
        ok=(302,),
        id_suffix="post",
    ),
]
