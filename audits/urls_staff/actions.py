from django.urls import path

from ..views.staff import actions

urlpatterns = [
    path("action-plans/", actions.latest, name="staff_action_plans"),
    path("cycles/<slug:cycle_slug>/action-plans/", actions.cycle_plans, name="staff_action_plans_cycle"),
    path(
        "cycles/<slug:cycle_slug>/action-plans/action-plans.xlsx",
        actions.cycle_plans_xlsx,
        name="staff_action_plans_cycle_xlsx",
    ),
    path("returns/<str:reference>/action-plan/", actions.plan, name="staff_action_plan"),
    path(
        "returns/<str:reference>/action-plan/action-plan.pdf", actions.plan_pdf, name="staff_action_plan_pdf"
    ),
    path(
        "returns/<str:reference>/action-plan/action-plan.xlsx",
        actions.plan_xlsx,
        name="staff_action_plan_xlsx",
    ),
]
