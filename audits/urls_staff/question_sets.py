"""Question sets: /<partnership>/staff/setup/question-sets/… and the
built-in library at …/setup/library/…"""

from django.urls import path

from ..views.staff.question_sets import builder, cycles, files, mapping

QS = "setup/question-sets/"
SET = QS + "<int:pk>/"

urlpatterns = [
    path(QS, builder.question_set_list, name="staff_question_sets"),
    path(QS + "new/", builder.question_set_create, name="staff_question_set_create"),
    path(QS + "import/", files.question_set_import, name="staff_question_set_import"),
    path(QS + "cycles/<slug:cycle_slug>/", cycles.cycle_question_sets, name="staff_question_set_cycle"),
    path(
        QS + "cycles/<slug:cycle_slug>/rules/<int:rule_pk>/delete/",
        cycles.cycle_question_set_rule_delete,
        name="staff_question_set_cycle_rule_delete",
    ),
    path(SET, builder.question_set_detail, name="staff_question_set"),
    path(SET + "edit/", builder.question_set_edit, name="staff_question_set_edit"),
    path(SET + "publish/", builder.question_set_publish, name="staff_question_set_publish"),
    path(SET + "new-version/", builder.question_set_new_version, name="staff_question_set_new_version"),
    path(SET + "copy/", builder.question_set_copy, name="staff_question_set_copy"),
    path(SET + "delete/", builder.question_set_delete, name="staff_question_set_delete"),
    path(SET + "changes/", builder.question_set_diff_view, name="staff_question_set_diff"),
    path(SET + "export/<slug:fmt>/", files.question_set_export, name="staff_question_set_export"),
    path(SET + "themes/add/", builder.theme_add, name="staff_question_set_theme_add"),
    path(SET + "themes/<int:theme_pk>/edit/", builder.theme_edit, name="staff_question_set_theme_edit"),
    path(SET + "themes/<int:theme_pk>/move/", builder.theme_move, name="staff_question_set_theme_move"),
    path(SET + "themes/<int:theme_pk>/delete/", builder.theme_delete, name="staff_question_set_theme_delete"),
    path(
        SET + "themes/<int:theme_pk>/preview/", builder.theme_preview, name="staff_question_set_theme_preview"
    ),
    path(
        SET + "themes/<int:theme_pk>/questions/add/",
        builder.question_add,
        name="staff_question_set_question_add",
    ),
    path(
        SET + "questions/<int:question_pk>/edit/",
        builder.question_edit,
        name="staff_question_set_question_edit",
    ),
    path(
        SET + "questions/<int:question_pk>/map/",
        mapping.question_map,
        name="staff_question_set_question_map",
    ),
    path(
        SET + "questions/<int:question_pk>/move/",
        builder.question_move,
        name="staff_question_set_question_move",
    ),
    path(
        SET + "questions/<int:question_pk>/delete/",
        builder.question_delete,
        name="staff_question_set_question_delete",
    ),
    path("setup/library/", files.library_list, name="staff_library"),
    path("setup/library/<slug:key>/", files.library_template, name="staff_library_template"),
    path("setup/library/<slug:key>/copy/", files.library_copy, name="staff_library_copy"),
]
