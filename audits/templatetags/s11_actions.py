"""Action plan pieces that the agency journey's pages include: the task
list entry and the section of a theme page. Each reads through the action
selectors (one or two queries) so the journey's views need not know them."""

from django import template

from ..models import Rag
from ..selectors.actions import action_item_list, action_plan
from ..services.actions import action_item_can_change, action_plan_state, action_update_allowed

register = template.Library()


@register.inclusion_tag("audits/actions/_task_list_entry.html", takes_context=True)
def action_plan_task_list_entry(context, submission):
    themes = action_plan(submission=submission)
    can_add, _, _ = action_plan_state(submission)
    return {
        "partnership": context.get("partnership"),
        "submission": submission,
        "total": sum(len(p.items) for p in themes),
        "overdue": sum(p.overdue for p in themes),
        "missing": [p.theme for p in themes if p.needs_actions and not p.items],
        "needed": any(p.needs_actions for p in themes),
        "can_add": can_add,
    }


@register.inclusion_tag("audits/actions/_theme_section.html", takes_context=True)
def theme_action_section(context, submission, theme, rag=""):
    if not submission:
        # The question-set builder's preview of a theme page has no return.
        return {
            "partnership": context.get("partnership"),
            "submission": None,
            "theme": theme,
            "items": [],
            "rag": rag,
            "needs_actions": rag in (Rag.AMBER, Rag.RED),
            "required": False,
            "can_add": False,
            "editable": False,
            "can_update": False,
        }
    items = action_item_list(submission=submission, theme=theme)
    for item in items:
        item.can_change = action_item_can_change(item)
    can_add, editable, _ = action_plan_state(submission)
    return {
        "partnership": context.get("partnership"),
        "submission": submission,
        "theme": theme,
        "items": items,
        "rag": rag,
        "needs_actions": rag in (Rag.AMBER, Rag.RED),
        "required": submission.cycle.action_items_required,
        "can_add": can_add,
        "editable": editable,
        "can_update": action_update_allowed(submission),
    }
