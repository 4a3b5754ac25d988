"""Question sets as YAML and JSON files: export, import, the round trip, and
malformed files refused whole with each problem named by path and line."""

import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import AuditEvent
from partnerships.models import StaffRole
from tests.factories import PartnershipFactory, two_partnerships
from tests.staff import staff_client, staff_url
from themes import library, services
from themes.models import Question, QuestionSet, Theme
from themes.selectors import theme_list_with_questions

pytestmark = pytest.mark.django_db

DESCRIPTORS = {"red_descriptor": "Not yet.", "amber_descriptor": "Partly.", "green_descriptor": "Fully."}


def export(question_set, fmt):
    return library.dump(
        library.export_data(question_set, theme_list_with_questions(question_set=question_set)), fmt
    )


def rows(question_set):
    """Everything a set says, without ids or its version."""
    themes = theme_list_with_questions(question_set=question_set)
    return (
        question_set.name,
        question_set.description,
        question_set.audience,
        question_set.template_key,
        [
            (
                t.key,
                t.order,
                t.title,
                t.description,
                t.guidance,
                t.red_descriptor,
                t.amber_descriptor,
                t.green_descriptor,
                t.is_local,
                [
                    (q.key, q.order, q.text, q.guidance, q.allows_na, q.evidence_expected, q.is_local)
                    for q in t.questions.all()
                ],
            )
            for t in themes
        ],
    )


@pytest.fixture
def local_set():
    """A template copy with local additions, multi-line guidance and
    characters that need care in YAML and JSON."""
    question_set = services.question_set_load_template(
        partnership=PartnershipFactory(), key="csap", publish=False
    )
    theme = services.theme_add(
        question_set=question_set,
        title="Local: children missing education – “quotes” & colons: yes",
        guidance="First line.\nSecond line: with a colon.\n\n- not a list\n# not a comment",
        **DESCRIPTORS,
    )
    services.question_add(theme=theme, text="yes", guidance="Looks like a boolean", allows_na=False)
    services.question_add(theme=theme, text="1.0", evidence_expected=True)
    return question_set


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_is_identical(local_set, fmt):
    text = export(local_set, fmt)
    other = PartnershipFactory()

    imported = services.question_set_import(partnership=other, content=text.encode(), filename=f"set.{fmt}")

    assert rows(imported) == rows(local_set)
    assert export(imported, fmt) == text
    assert imported.status == "draft" and imported.partnership == other
    assert any(t.is_local for t in imported.themes.all())


@pytest.mark.parametrize("key", library.template_keys())
def test_every_built_in_template_round_trips_in_both_formats(key):
    partnership = PartnershipFactory()
    question_set = services.question_set_load_template(partnership=partnership, key=key)
    yaml_text = export(question_set, "yaml")

    from_yaml = services.question_set_import(partnership=partnership, content=yaml_text, filename="x.yaml")
    from_json = services.question_set_import(
        partnership=partnership, content=export(from_yaml, "json"), filename="x.json"
    )

    assert rows(from_yaml)[1:] == rows(question_set)[1:] == rows(from_json)[1:]
    assert export(from_json, "yaml") == yaml_text
    # The export reads like the template itself.
    assert library.validate(yaml.safe_load(yaml_text)) == library.validate(library.template_read(key))


def test_an_import_under_a_name_in_use_becomes_its_next_version(local_set):
    text = export(local_set, "yaml")

    again = services.question_set_import(partnership=local_set.partnership, content=text, filename="x.yaml")
    renamed = services.question_set_import(
        partnership=local_set.partnership, content=text, filename="x.yaml", name="Another name"
    )

    assert (again.name, again.version, again.previous_version) == (local_set.name, 2, local_set)
    assert (renamed.name, renamed.version) == ("Another name", 1)


def test_json_and_yaml_are_told_apart_without_an_extension(local_set):
    for fmt in ("yaml", "json"):
        imported = services.question_set_import(
            partnership=local_set.partnership,
            content=export(local_set, fmt),
            filename="upload",
            name=f"From {fmt}",
        )
        assert rows(imported)[1:] == rows(local_set)[1:]


# ---------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------

GOOD_YAML = """\
format: s11portal/question-set@1
name: A local set
themes:
  - key: leadership
    title: Leadership
    descriptors:
      red: Not compliant.
      amber: Partly.
      green: Fully.
    questions:
      - key: lead
        text: Is there a named lead?
"""


def problems(content, filename="set.yaml"):
    with pytest.raises(library.QuestionSetFormatError) as excinfo:
        library.parse(content, filename=filename)
    return [(p.path, p.line, p.message) for p in excinfo.value.problems]


def test_the_good_file_is_good():
    assert library.parse(GOOD_YAML, filename="set.yaml")["themes"][0]["questions"][0]["key"] == "lead"


def test_every_problem_is_named_with_its_path_and_line():
    bad = GOOD_YAML.replace("      green: Fully.\n", "").replace(
        "        text: Is there a named lead?\n",
        "        text: yes\n        allow_na: false\n      - key: lead\n        text: Again?\n",
    )

    found = problems(bad)

    assert found == [
        ("themes[0].descriptors.green", 6, "is required"),
        ("themes[0].questions[0].allow_na", 12, found[1][2]),
        ("themes[0].questions[0].text", 11, "must be text (put it in quotes)"),
        ("themes[0].questions[1].key", 13, "'lead' is used by another question"),
    ]
    assert "is not a field of a question" in found[1][2] and "allows_na" in found[1][2]


def test_a_yaml_syntax_error_names_its_line():
    bad = GOOD_YAML.replace("    title: Leadership\n", "    title: [Leadership\n")

    [(path, line, message)] = problems(bad)

    assert path == "" and line == 6 and message.startswith("this is not valid YAML")


def test_a_json_syntax_error_names_its_line():
    [(_, line, message)] = problems(
        '{\n  "format": "s11portal/question-set@1",\n  "name": "x",,\n}', "set.json"
    )

    assert line == 3 and message.startswith("this is not valid JSON")


def test_a_key_given_twice_is_a_problem_not_silently_the_last():
    bad = GOOD_YAML.replace("name: A local set\n", "name: A local set\nname: Another\n")
    assert ("name", 3, "is given twice") in problems(bad)
    as_json = json.dumps(yaml.safe_load(GOOD_YAML))
    assert ("name", None, "is given twice (in one object)") in problems(
        as_json.replace('"name": "A local set"', '"name": "A", "name": "B"'), "set.json"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the file is empty"),
        ("just text", "the file must hold a mapping at the top level"),
        (b"\xff\xfe\x00bad", "the file must be text in UTF-8"),
        (GOOD_YAML + "---\nname: second\n", "this is not valid YAML"),
        ("a: &x [1, 2]\nb: *x\n", "this is not valid YAML: aliases (*name) are not allowed"),
        (b"x" * (library.MAX_FILE_BYTES + 1), "the file must be smaller than 1MB"),
    ],
    ids=["empty", "scalar", "not-utf8", "two-documents", "alias", "too-big"],
)
def test_files_that_are_not_a_question_set_at_all(content, expected):
    found = problems(content)
    assert any(message.startswith(expected) for _, _, message in found), found


def test_a_malformed_file_saves_nothing():
    partnership = PartnershipFactory()
    bad = GOOD_YAML + "  - key: second\n    title: No questions or descriptors\n"
    counts = (
        QuestionSet.objects.count(),
        Theme.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    )

    with pytest.raises(library.QuestionSetFormatError):
        services.question_set_import(partnership=partnership, content=bad, filename="set.yaml")

    after = (
        QuestionSet.objects.count(),
        Theme.objects.count(),
        Question.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == counts


# ---------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------


@pytest.fixture
def admin_world():
    w = two_partnerships().a
    return w, staff_client(Client(), w.partnership, StaffRole.ADMIN)


def test_the_upload_page_lists_each_problem_in_an_error_summary(admin_world):
    w, admin = admin_world
    bad = GOOD_YAML.replace("      green: Fully.\n", "").replace("    title: Leadership\n", "")
    before = QuestionSet.objects.count()

    response = admin.post(
        staff_url(w.partnership, "staff_question_set_import"),
        {"file": SimpleUploadedFile("local.yaml", bad.encode(), "application/yaml"), "name": "Kept name"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Import a question set" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_file">themes[0].title (line 4): is required</a>' in html
    assert '<a href="#id_file">themes[0].descriptors.green (line 5): is required</a>' in html
    assert "The file has 2 problems" in html
    assert 'value="Kept name"' in html
    assert QuestionSet.objects.count() == before


def test_an_upload_without_a_file_is_an_error_not_a_crash(admin_world):
    w, admin = admin_world
    response = admin.post(staff_url(w.partnership, "staff_question_set_import"), {})
    assert response.status_code == 200
    assert "Choose a YAML or JSON file to import" in response.content.decode()


def test_a_good_upload_makes_a_draft_and_goes_to_it(admin_world):
    w, admin = admin_world

    response = admin.post(
        staff_url(w.partnership, "staff_question_set_import"),
        {"file": SimpleUploadedFile("local.yml", GOOD_YAML.encode()), "name": ""},
    )

    imported = QuestionSet.objects.get(partnership=w.partnership, name="A local set")
    assert response["Location"] == staff_url(w.partnership, "staff_question_set", pk=imported.pk)
    assert imported.status == "draft"
    assert AuditEvent.objects.filter(verb="question_set.imported", object_id=str(imported.pk)).exists()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_export_download(admin_world, fmt):
    w, admin = admin_world

    response = admin.get(staff_url(w.partnership, "staff_question_set_export", pk=w.question_set.pk, fmt=fmt))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-v1.{fmt}"')
    assert response.content.decode() == export(w.question_set, fmt)


def test_an_unknown_export_format_is_not_found(admin_world):
    w, admin = admin_world
    url = staff_url(w.partnership, "staff_question_set_export", pk=w.question_set.pk, fmt="xml")
    assert admin.get(url).status_code == 404
