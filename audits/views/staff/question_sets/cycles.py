"""Which question set each group of a cycle's agencies answers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.access import cycle_access
from audits.selectors.question_sets import (
    cycle_agency_question_sets,
    cycle_question_set_rule_get,
    cycle_question_set_rule_list,
)
from audits.services.question_sets import cycle_question_set_assign, cycle_question_set_unassign
from core.views import form_post
from partnerships.permissions import Perm
from partnerships.selectors import agency_list
from partnerships.staff import staff_required
from themes import selectors
from themes.forms import RuleForm

from .common import posted, staff_url


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_question_sets(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    form = RuleForm(
        posted(request),
        question_sets=list(selectors.question_set_published_list(partnership=request.partnership)),
        agencies=list(agency_list(partnership=request.partnership)),
    )
    if done := form_post(
        request,
        form,
        lambda data: cycle_question_set_assign(cycle=cycle, actor=request.staff_actor, **form.rule_kwargs()),
        done=lambda rule: (f"{rule.group_label} will answer {rule.question_set}", request.path),
    ):
        return done
    return render(
        request,
        "themes/cycle.html",
        {
            "cycle": cycle,
            "form": form,
            "rules": cycle_question_set_rule_list(partnership=request.partnership, cycle=cycle),
            "rows": cycle_agency_question_sets(partnership=request.partnership, cycle=cycle),
        },
    )


@staff_required(Perm.MANAGE)
@require_POST
def cycle_question_set_rule_delete(request, cycle_slug, rule_pk):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    rule = cycle_question_set_rule_get(partnership=request.partnership, cycle=cycle, pk=rule_pk)
    label = rule.group_label
    cycle_question_set_unassign(rule=rule, actor=request.staff_actor)
    messages.success(request, f"{label} will answer the cycle's default set, unless another rule applies")
    return redirect(staff_url(request, "staff_question_set_cycle", cycle_slug=cycle.slug))
