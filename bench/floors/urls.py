from django.urls import include, path

from . import views

urlpatterns = [
    path(
        "_bench/<int:submission_id>/naive-theme/<slug:theme_key>/",
        views.naive_theme,
        name="bench_naive_theme",
    ),
    path("_bench/<int:submission_id>/plain-answers/", views.plain_answers, name="bench_plain_answers"),
    path("", include("s11portal.urls")),
]
