from partnerships.permissions import Perm

from .cases import Case


def _reference(w):
    return {"reference": w.submission.reference}


CASES = [
    Case("staff_action_plans", Perm.VIEW, ok=(302,)),
    Case("staff_action_plans_cycle", Perm.VIEW, lambda w: {"cycle_slug": w.cycle.slug}),
    Case("staff_action_plans_cycle_xlsx", Perm.VIEW, lambda w: {"cycle_slug": w.cycle.slug}),
    Case("staff_action_plan", Perm.VIEW, _reference),
    Case("staff_action_plan_pdf", Perm.VIEW, _reference),
    Case("staff_action_plan_xlsx", Perm.VIEW, _reference),
]
