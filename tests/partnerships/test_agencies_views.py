"""The agencies pages as staff use them: forms that keep what was typed
beside GOV.UK errors, POST/redirect/GET, other partnerships' ids refused,
and constant-query lists."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from partnerships.models import Agency, AgencyContact, Locality, Sector, StaffRole
from tests.factories import (
    AgencyContactFactory,
    AgencyFactory,
    AuditCycleFactory,
    LocalityFactory,
    SubmissionFactory,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def admin(world):
    return staff_client(Client(), world.a.partnership, StaffRole.ADMIN)


@pytest.fixture
def read_only(world):
    return staff_client(Client(), world.a.partnership, StaffRole.READ_ONLY)


def _url(world, name, **kwargs):
    return staff_url(world.a.partnership, name, **kwargs)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _summary(response) -> str:
    html = response.content.decode()
    start = html.index('class="govuk-error-summary"')
    return re.sub(r"\s+", " ", html[start : html.index("</ul>", start)])


# --- List ----------------------------------------------------------------------


def test_list_shows_every_agency_with_its_details_and_the_navigation(world, read_only):
    AgencyFactory(
        partnership=world.a.partnership,
        name="Alpha Scouts",
        sector=Sector.VOLUNTARY,
        is_statutory=False,
        is_active=False,
        contacts=3,
    )
    response = read_only.get(_url(world, "staff_agencies"))
    text = _text(response)
    assert response.status_code == 200
    assert '<a class="govuk-link" href="/alpha/staff/agencies/' in text
    assert "ALPHA Borough Council" in text and "Alpha Scouts" in text and "BRAVO" not in text
    assert "Voluntary, community or faith organisation" in text
    assert '<strong class="govuk-tag govuk-tag--grey">Inactive</strong>' in text
    assert 'govuk-table__cell--numeric">3</td>' in text
    assert "ALPHA North" in text
    # Read-only staff see the list but not the buttons that change it.
    assert "Add an agency" not in text and "Import agencies" not in text
    # The staff navigation links here, marked as the current page.
    assert re.search(
        r'href="/alpha/staff/agencies/" aria-current="page">\s*<strong[^>]*>Agencies</strong>',
        response.content.decode(),
    )


def test_list_filters_and_search(world, read_only):
    AgencyFactory(partnership=world.a.partnership, name="Alpha Police", sector=Sector.POLICE)
    AgencyFactory(
        partnership=world.a.partnership, name="Alpha Scouts", sector=Sector.VOLUNTARY, is_active=False
    )
    url = _url(world, "staff_agencies")

    def names(query):
        response = read_only.get(url, query)
        assert response.status_code == 200
        return re.findall(
            r'<th scope="row" class="govuk-table__header"><a [^>]+>([^<]+)</a>', response.content.decode()
        )

    assert names({}) == ["ALPHA Borough Council", "Alpha Police", "Alpha Scouts"]
    assert names({"sector": "police"}) == ["Alpha Police"]
    assert names({"status": "inactive"}) == ["Alpha Scouts"]
    assert names({"locality": world.a.locality.pk}) == ["ALPHA Borough Council"]
    assert names({"q": "scout", "status": ""}) == ["Alpha Scouts"]
    assert names({"q": "nothing like it"}) == []


def test_list_bad_filter_values_get_errors_and_the_rest_applies(world, read_only):
    response = read_only.get(
        _url(world, "staff_agencies"), {"locality": world.b.locality.pk, "sector": "spies", "q": "alpha"}
    )
    assert response.status_code == 200
    summary = _summary(response)
    assert '<a href="#id_locality">Select a locality from the list</a>' in summary
    assert '<a href="#id_sector">Select a sector from the list</a>' in summary
    assert "<title>Error: Agencies" in _text(response)
    assert "ALPHA Borough Council" in _text(response)
    assert 'value="alpha"' in _text(response)


def test_list_is_constant_queries(world, read_only, django_assert_max_num_queries):
    url = _url(world, "staff_agencies")
    read_only.get(url)
    with django_assert_max_num_queries(12) as few:
        read_only.get(url)
    budget = len(few.captured_queries)  # read now: the next request empties the log it slices
    for _ in range(30):
        AgencyFactory(
            partnership=world.a.partnership,
            localities=[world.a.locality, LocalityFactory(partnership=world.a.partnership)],
            contacts=2,
        )
    # Saving agencies and localities drops the process's cached partnership
    # (one query to read it again, once): measure the page from then on.
    read_only.get(url)
    with django_assert_max_num_queries(budget):
        response = read_only.get(url)
    assert "31 agencies" in _text(response)


# --- Detail ----------------------------------------------------------------------


def test_detail_shows_fields_contacts_and_returns_with_review_links(
    world, read_only, django_assert_max_num_queries
):
    agency = world.a.agency
    url = _url(world, "staff_agency_detail", agency_id=agency.pk)
    read_only.get(url)
    with django_assert_max_num_queries(20) as few:
        read_only.get(url)
    # More contacts and more cycles' returns: no more queries.
    AgencyContactFactory(agency=agency, name="Jo Bloggs", email="jo@alpha.example", job_title="DSL")
    AgencyContactFactory(agency=agency, name="Kim", email="kim@alpha.example")
    older = SubmissionFactory(
        agency=agency,
        cycle=AuditCycleFactory(
            partnership=world.a.partnership,
            question_set=world.a.question_set,
            title="Section 11 audit 2024",
            opens_at=timezone.now() - timedelta(days=800),
            closes_at=timezone.now() - timedelta(days=700),
        ),
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = read_only.get(url)
    text = _text(response)
    assert '<h1 class="govuk-heading-xl">ALPHA Borough Council</h1>' in text
    assert "Local authority or district council" in text
    assert "sam@alpha-council.example" in text and "Primary</strong>" in text and "DSL" in text
    for submission in (world.a.submission, older):
        review = staff_url(world.a.partnership, "staff_return_review", reference=submission.reference)
        assert f'href="{review}"' in text
    # Newest cycle first.
    assert text.index(world.a.cycle.title) < text.index("Section 11 audit 2024")
    # Read-only: no change links or buttons.
    assert "Make primary" not in text and "Add a contact" not in text and "Change the details" not in text

    admin = staff_client(Client(), world.a.partnership, StaffRole.ADMIN)
    text = _text(admin.get(url))
    assert text.count("Make primary") == 2 and "Add a contact" in text and "Change the details" in text


def test_detail_is_a_404_for_another_partnerships_agency(world, admin):
    assert admin.get(_url(world, "staff_agency_detail", agency_id=world.b.agency.pk)).status_code == 404


# --- Add and change an agency --------------------------------------------------------


def test_add_agency_errors_keep_what_was_typed(world, admin):
    south = LocalityFactory(partnership=world.a.partnership, name="ALPHA South")
    url = _url(world, "staff_agency_create")
    response = admin.post(url, {})
    summary = _summary(response)
    assert '<a href="#id_name">Enter the agency’s name</a>' in summary
    assert '<a href="#id_sector">Select a sector</a>' in summary
    assert '<a href="#id_statutory_1">Select yes if it is a statutory partner</a>' in summary

    response = admin.post(
        url,
        {"name": "alpha borough COUNCIL", "sector": "nhs", "statutory": "no", "localities": [str(south.pk)]},
    )
    assert response.status_code == 200
    text = _text(response)
    assert '<a href="#id_name">There is already an agency called ALPHA Borough Council</a>' in _summary(
        response
    )
    assert 'value="alpha borough COUNCIL"' in text
    assert '<option value="nhs" selected>' in text
    assert 'value="no" checked' in text
    assert f'value="{south.pk}" checked' in text
    assert Agency.objects.filter(partnership=world.a.partnership).count() == 1


def test_add_agency_refuses_another_partnerships_locality(world, admin):
    response = admin.post(
        _url(world, "staff_agency_create"),
        {"name": "New", "sector": "nhs", "statutory": "yes", "localities": [str(world.b.locality.pk)]},
    )
    assert "Select localities from the list" in _summary(response)
    assert not Agency.objects.filter(name="New").exists()


def test_add_agency_then_its_page(world, admin):
    response = admin.post(
        _url(world, "staff_agency_create"),
        {
            "name": " Alpha  Youth Club ",
            "sector": "sport",
            "statutory": "no",
            "localities": [str(world.a.locality.pk)],
        },
    )
    agency = Agency.objects.get(partnership=world.a.partnership, name="Alpha Youth Club")
    assert response.status_code == 302
    assert response["Location"] == _url(world, "staff_agency_detail", agency_id=agency.pk)
    assert not agency.is_statutory and agency.sector == "sport" and agency.is_active
    page = admin.get(response["Location"])
    assert "Alpha Youth Club added" in _text(page)
    assert "has no contacts, so no invitations or reminders can be sent" in _text(page)
    assert AuditEvent.objects.get(verb="agency.created").actor_id == admin.user.pk


def test_edit_agency_deactivates_it(world, admin):
    url = _url(world, "staff_agency_edit", agency_id=world.a.agency.pk)
    page = _text(admin.get(url))
    assert 'value="ALPHA Borough Council"' in page and f'value="{world.a.locality.pk}" checked' in page
    response = admin.post(
        url,
        {"name": "ALPHA Borough Council", "sector": "local_authority", "statutory": "yes", "active": "no"},
    )
    assert response.status_code == 302
    world.a.agency.refresh_from_db()
    assert not world.a.agency.is_active and not world.a.agency.localities.exists()
    assert world.a.agency.submissions.count() == 1


def test_edit_agency_missing_answers(world, admin):
    response = admin.post(_url(world, "staff_agency_edit", agency_id=world.a.agency.pk), {"name": "  "})
    summary = _summary(response)
    assert "Enter the agency’s name" in summary and "Select yes if the agency is active" in summary
    world.a.agency.refresh_from_db()
    assert world.a.agency.name == "ALPHA Borough Council"


def test_edit_another_partnerships_agency_is_a_404_and_changes_nothing(world, admin):
    response = admin.post(
        _url(world, "staff_agency_edit", agency_id=world.b.agency.pk),
        {"name": "Taken over", "sector": "nhs", "statutory": "no", "active": "no"},
    )
    assert response.status_code == 404
    world.b.agency.refresh_from_db()
    assert world.b.agency.name == "BRAVO Borough Council" and world.b.agency.is_active


# --- Contacts -------------------------------------------------------------------


def test_add_contact_duplicate_email_keeps_input(world, admin):
    url = _url(world, "staff_agency_contact_add", agency_id=world.a.agency.pk)
    assert 'id="id_primary_2" name="primary" type="radio" value="no" checked' in _text(admin.get(url))
    response = admin.post(
        url, {"name": "Sam Again", "email": "SAM@alpha-council.example", "job_title": "DSL", "primary": "yes"}
    )
    assert response.status_code == 200
    assert (
        '<a href="#id_email">ALPHA Borough Council already has a contact with the email address '
        "sam@alpha-council.example</a>" in _summary(response)
    )
    text = _text(response)
    assert (
        'value="Sam Again"' in text and 'value="SAM@alpha-council.example"' in text and 'value="DSL"' in text
    )
    response = admin.post(url, {"name": "", "email": "not an email"})
    summary = _summary(response)
    assert "Enter the contact’s full name" in summary
    assert "Enter an email address in the correct format, like name@example.org" in summary
    assert world.a.agency.contacts.count() == 1


def test_add_edit_make_primary_and_remove_contacts(world, admin):
    agency = world.a.agency
    response = admin.post(
        _url(world, "staff_agency_contact_add", agency_id=agency.pk),
        {"name": "Jo Bloggs", "email": "jo@alpha.example", "job_title": "", "primary": "no"},
    )
    assert response["Location"] == _url(world, "staff_agency_detail", agency_id=agency.pk)
    jo = agency.contacts.get(email="jo@alpha.example")
    assert not jo.is_primary

    edit = _url(world, "staff_agency_contact_edit", agency_id=agency.pk, contact_id=jo.pk)
    assert 'value="jo@alpha.example"' in _text(admin.get(edit))
    admin.post(
        edit, {"name": "Jo Bloggs", "email": "jo.bloggs@alpha.example", "job_title": "Safeguarding lead"}
    )
    jo.refresh_from_db()
    assert (jo.email, jo.job_title) == ("jo.bloggs@alpha.example", "Safeguarding lead")

    primary = _url(world, "staff_agency_contact_primary", agency_id=agency.pk, contact_id=jo.pk)
    assert admin.get(primary).status_code == 405  # state never changes on GET
    admin.post(primary)
    assert list(agency.contacts.filter(is_primary=True)) == [jo]

    remove = _url(world, "staff_agency_contact_remove", agency_id=agency.pk, contact_id=jo.pk)
    page = _text(admin.get(remove))
    assert "Remove Jo Bloggs?" in page and "the next contact by name will become primary" in page
    assert agency.contacts.count() == 2  # GET removed nothing
    response = admin.post(remove)
    assert response.status_code == 302
    assert "Jo Bloggs removed from ALPHA Borough Council. Sam ALPHA is now the primary contact." in _text(
        admin.get(response["Location"])
    )
    assert list(agency.contacts.values_list("name", "is_primary")) == [("Sam ALPHA", True)]


def test_contact_of_another_agency_or_partnership_is_a_404(world, admin):
    other_agency = AgencyFactory(partnership=world.a.partnership)
    for agency_id, contact_id in [
        (other_agency.pk, world.a.contact.pk),  # this partnership, wrong agency
        (world.a.agency.pk, world.b.contact.pk),  # another partnership's contact
    ]:
        for name in (
            "staff_agency_contact_edit",
            "staff_agency_contact_remove",
            "staff_agency_contact_primary",
        ):
            url = _url(world, name, agency_id=agency_id, contact_id=contact_id)
            assert admin.post(url, {"name": "X", "email": "x@x.example"}).status_code == 404
    assert AgencyContact.objects.count() == 3
    assert AgencyContact.objects.filter(name="X").count() == 0


def test_read_only_and_reviewers_cannot_post_changes(world):
    for role in (StaffRole.READ_ONLY, StaffRole.REVIEWER):
        client = staff_client(Client(), world.a.partnership, role)
        url = _url(
            world, "staff_agency_contact_remove", agency_id=world.a.agency.pk, contact_id=world.a.contact.pk
        )
        assert client.post(url).status_code == 403
    assert world.a.agency.contacts.count() == 1


# --- Import ---------------------------------------------------------------------


def _upload(text: str, name="agencies.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_template_downloads(world, admin):
    response = admin.get(_url(world, "staff_agency_import_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="agencies-template.csv"' in response["Content-Disposition"]
    assert response.content.decode().startswith(
        "name,sector,statutory,localities,contact_name,contact_email\r\n"
    )


def test_import_good_file(world, admin):
    response = admin.post(
        _url(world, "staff_agency_import"),
        {"file": _upload("name,sector,statutory,localities\r\nAlpha Police,police,yes,ALPHA North\r\n")},
    )
    assert response.status_code == 302 and response["Location"] == _url(world, "staff_agencies")
    assert "Imported 1 agency: 1 added, 0 updated, 0 contacts added." in _text(
        admin.get(response["Location"])
    )
    assert Agency.objects.filter(partnership=world.a.partnership, name="Alpha Police").exists()


def test_import_bad_file_lists_each_problem_and_saves_nothing(world, admin):
    text = "name,sector,statutory\r\nGood,nhs,yes\r\nBad,spies,yes\r\n,nhs,perhaps\r\n"
    response = admin.post(_url(world, "staff_agency_import"), {"file": _upload(text)})
    assert response.status_code == 200
    summary = _summary(response)
    for problem in [
        "Row 3, column sector: “spies” is not a sector",
        "Row 4, column name: Enter the agency’s name",
        "Row 4, column statutory: Enter yes or no",
    ]:
        assert f'<a href="#id_file">{problem}' in summary
    assert "The file has 3 problems. Nothing was imported." in _text(response)
    assert "<title>Error: Import agencies" in _text(response)
    assert not Agency.objects.filter(name="Good").exists()


def test_import_refuses_missing_and_too_large_files(world, admin):
    url = _url(world, "staff_agency_import")
    assert '<a href="#id_file">Choose a CSV file to import</a>' in _summary(admin.post(url, {}))
    big = "name,sector,statutory\r\n" + "A,nhs,yes\r\n" * 110_000
    assert len(big) > 1024 * 1024
    response = admin.post(url, {"file": _upload(big)})
    assert '<a href="#id_file">The file must be smaller than 1MB</a>' in _summary(response)
    assert not Agency.objects.filter(name="A").exists()


# --- Localities -----------------------------------------------------------------


def test_localities_list_add_rename_remove(world, admin):
    list_url = _url(world, "staff_localities")
    text = _text(admin.get(list_url))
    assert "ALPHA North" in text and "BRAVO North" not in text
    # In use: no remove link offered.
    assert _url(world, "staff_locality_remove", locality_id=world.a.locality.pk) not in text

    create = _url(world, "staff_locality_create")
    response = admin.post(create, {"name": "alpha north"})
    assert '<a href="#id_name">There is already a locality called ALPHA North</a>' in _summary(response)
    assert 'value="alpha north"' in _text(response)
    assert admin.post(create, {"name": "ALPHA South"})["Location"] == list_url
    south = Locality.objects.get(partnership=world.a.partnership, name="ALPHA South")

    edit = _url(world, "staff_locality_edit", locality_id=south.pk)
    response = admin.post(edit, {"name": ""})
    assert "Enter the locality’s name" in _summary(response)
    admin.post(edit, {"name": "ALPHA Coast"})
    south.refresh_from_db()
    assert south.name == "ALPHA Coast"

    remove = _url(world, "staff_locality_remove", locality_id=south.pk)
    assert "Remove ALPHA Coast?" in _text(admin.get(remove))
    assert Locality.objects.filter(pk=south.pk).exists()
    response = admin.post(remove)
    assert "ALPHA Coast removed" in _text(admin.get(response["Location"]))
    assert not Locality.objects.filter(pk=south.pk).exists()


def test_locality_in_use_is_not_removed_and_says_why(world, admin):
    remove = _url(world, "staff_locality_remove", locality_id=world.a.locality.pk)
    page = _text(admin.get(remove))
    assert "ALPHA North cannot be removed" in page and "1 agency is in it" in page
    assert "<button" not in page.split("cannot be removed")[1]
    response = admin.post(remove)
    assert "ALPHA North cannot be removed because 1 agency is in it." in _text(
        admin.get(response["Location"])
    )
    assert Locality.objects.filter(pk=world.a.locality.pk).exists()


def test_another_partnerships_locality_is_a_404(world, admin):
    for name in ("staff_locality_edit", "staff_locality_remove"):
        assert (
            admin.post(_url(world, name, locality_id=world.b.locality.pk), {"name": "Mine"}).status_code
            == 404
        )
    world.b.locality.refresh_from_db()
    assert world.b.locality.name == "BRAVO North"
