"""The question-set builder in a real browser: an admin copies a built-in
template, adds a local theme and question, previews it as an agency sees
it, publishes, imports a broken file, compares versions and gives the
voluntary sector its own set. axe-core checks every page on the way, with
and without errors on it."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from audits.models import CycleQuestionSet
from partnerships.models import StaffRole
from tests.staff import staff_client
from themes.models import QuestionSet

from .test_accessibility import AxeAudit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_admin(new_context, site, partnership):
    """A browser context signed in as an admin (with a second factor) of
    the partnership: the test client's session cookie, handed over."""
    client = staff_client(Client(), partnership, StaffRole.ADMIN)
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context


BROKEN_YAML = b"""\
format: s11portal/question-set@1
name: Broken set
themes:
  - key: Leadership
    title: Leadership
    questions:
      - key: lead
"""


def test_the_builder_pages_have_no_axe_violations(new_context, site, world, shot, tmp_path):
    page = signed_in_admin(new_context, site, world.partnership).new_page()
    axe = AxeAudit(page)
    base = f"{site}/{world.partnership.slug}/staff/setup/"

    page.goto(base + "question-sets/")
    axe.check("question sets", "Question sets")
    axe.check_reflow("question sets")

    page.get_by_role("link", name="Copy from the library").click()
    axe.check("library", "Library of question sets")
    page.get_by_role("link", name="See the questions in Safeguarding self-assessment for voluntary").click()
    axe.check("library template", "Safeguarding self-assessment for voluntary, community and faith groups")
    page.get_by_role("link", name="Copy this question set").click()
    axe.check("copy from the library", "Make a copy to change")
    page.get_by_label("Name of the copy").fill("")
    page.get_by_role("button", name="Make a copy").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("copy from the library, with errors", "Make a copy to change")
    page.get_by_label("Name of the copy").fill("Voluntary sector check 2026")
    page.get_by_role("button", name="Make a copy").click()
    axe.check("builder: a draft copied from the library", "Voluntary sector check 2026 Draft")
    shot(page, "qset-builder")

    page.get_by_role("link", name="Add a theme").click()
    axe.check("add a theme", "Add a theme")
    page.get_by_role("button", name="Add theme").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("add a theme, with errors", "Add a theme")
    page.get_by_label("Title").fill("Local priority: exploitation")
    page.get_by_label("Red (not compliant)").fill("No one knows the local exploitation pathway.")
    page.get_by_label("Amber (partially compliant)").fill("Some staff know it.")
    page.get_by_label("Green (fully compliant)").fill("All staff know it and use it.")
    page.get_by_role("button", name="Add theme").click()
    axe.check("add a question", "Add a question")
    page.get_by_role("button", name="Add question", exact=True).click()
    axe.check("add a question, with errors", "Add a question")
    page.get_by_label("Question").fill("Do staff know the local exploitation pathway?")
    page.get_by_label("Agencies should have evidence ready for this").check()
    page.get_by_role("button", name="Add question", exact=True).click()
    expect(page.get_by_text("Question added to Local priority: exploitation")).to_be_visible()
    expect(page.get_by_text("Local", exact=True).first).to_be_visible()
    axe.check("builder with a local theme", "Voluntary sector check 2026 Draft")
    # The partnership's own question, mapped to one of the library's (issue 13 item 4).
    page.get_by_role("link", name=re.compile("^Map to a library question")).first.click()
    axe.check("map a question to the library", "Map a question to the library")
    # The set still asks every library question itself: refused, the choice kept.
    page.get_by_label("Library question").select_option(index=1)
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already answers to that library question")
    axe.check("map a question to the library, with errors", "Map a question to the library")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Preview Local priority: exploitation as an agency sees it").click()
    axe.check("preview of a theme", "Local priority: exploitation")
    shot(page, "qset-preview")
    # The new theme is the last one, so its button leads back to the return.
    page.get_by_role("button", name="Save and go to your return").click()
    expect(page.get_by_text("This is a preview: nothing was saved.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Back to Voluntary sector check 2026")).click()

    page.get_by_role("link", name="Remove theme Local priority: exploitation").click()
    axe.check("remove a theme", "Remove the theme Local priority: exploitation?")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Publish version 1").click()
    axe.check("builder, published", "Voluntary sector check 2026 Published")

    # The set in use by the world's open cycle: frozen, with a new version.
    page.goto(base + f"question-sets/{world.question_set.pk}/")
    axe.check("builder, a set in use", f"{world.question_set.name} In use")
    page.get_by_role("button", name="Make a new version to edit").click()
    axe.check("builder, a new draft version", f"{world.question_set.name} Draft")
    page.get_by_role("link", name="Change theme Theme 1").click()
    axe.check("change a theme", "Change the theme")
    page.get_by_label("Title").fill("Theme 1, reworded")
    page.get_by_role("button", name="Save theme").click()
    page.get_by_role("link", name="See what changed from version 1").click()
    axe.check("changes between versions", f"Changes from {world.question_set}")
    shot(page, "qset-diff")

    page.goto(base + "question-sets/import/")
    axe.check("import", "Import a question set")
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(BROKEN_YAML)
    page.get_by_label("Upload a question set file").set_input_files(str(broken))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("themes[0].key (line 4): must use only lower-case letters").first).to_be_visible()
    axe.check("import, with errors", "Import a question set")
    shot(page, "qset-import-errors")
    assert not QuestionSet.objects.filter(name="Broken set").exists()

    page.goto(base + "question-sets/new/")
    page.get_by_role("button", name="Create question set").click()
    axe.check("create a set, with errors", "Create a question set")

    page.goto(base + f"question-sets/cycles/{world.cycle.slug}/")
    axe.check("question sets by agency", "Question sets by agency")
    page.get_by_role("button", name="Add rule").click()
    axe.check("question sets by agency, with errors", "Question sets by agency")
    page.get_by_label("Question set").select_option(label="Voluntary sector check 2026 (version 1)")
    page.get_by_label("Which agencies answer it").select_option(
        label="Voluntary, community or faith organisation"
    )
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_text("will answer Voluntary sector check 2026")).to_be_visible()
    axe.check("question sets by agency, with a rule", "Question sets by agency")
    shot(page, "qset-cycle")
    assert CycleQuestionSet.objects.filter(cycle=world.cycle, sector="voluntary").exists()

    axe.assert_clean()
