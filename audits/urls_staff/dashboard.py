from django.urls import path

from ..views.staff import dashboard

urlpatterns = [
    path("cycles/<slug:cycle_slug>/", dashboard.cycle_dashboard, name="staff_cycle_dashboard"),
    path("cycles/<slug:cycle_slug>/heatmap/", dashboard.cycle_heatmap_view, name="staff_cycle_heatmap"),
    path("cycles/<slug:cycle_slug>/questions/", dashboard.cycle_questions, name="staff_cycle_questions"),
]
