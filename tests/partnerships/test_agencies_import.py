"""Importing agencies from a CSV file: every row checked, every problem
reported with its row and column, nothing saved unless all rows are good."""

import pytest

from core.domain import Actor
from core.models import AuditEvent
from partnerships import services
from partnerships.models import Agency, AgencyContact, Sector
from tests.factories import LocalityFactory, two_partnerships

pytestmark = pytest.mark.django_db

ADMIN = Actor(name="Ada Admin", email="ada@alpha.example")
HEADER = "name,sector,statutory,localities,contact_name,contact_email\r\n"


@pytest.fixture
def world():
    w = two_partnerships()
    LocalityFactory(partnership=w.a.partnership, name="ALPHA South")
    return w


def _import(world, text: str, encoding="utf-8"):
    return services.agency_import(partnership=world.a.partnership, content=text.encode(encoding), actor=ADMIN)


def _problems(world, text: str, encoding="utf-8") -> list[str]:
    with pytest.raises(services.AgencyImportError) as refused:
        _import(world, text, encoding)
    return [str(p) for p in refused.value.problems]


def test_the_template_imports_once_its_localities_exist(world):
    LocalityFactory(partnership=world.a.partnership, name="North")
    LocalityFactory(partnership=world.a.partnership, name="South")
    result = _import(world, services.agency_import_template_csv())
    assert [a.name for a in result.created] == ["Example Borough Council", "Example Youth Football Club"]
    council = Agency.objects.get(partnership=world.a.partnership, name="Example Borough Council")
    assert sorted(lo.name for lo in council.localities.all()) == ["North", "South"]
    assert [(c.name, c.email, c.is_primary) for c in council.contacts.all()] == [
        ("Sam Jones", "sam.jones@example.org", True)
    ]
    club = Agency.objects.get(partnership=world.a.partnership, name="Example Youth Football Club")
    assert club.sector == Sector.SPORT and not club.is_statutory and not club.contacts.exists()


def test_good_file_adds_and_updates_all_in_one(world):
    text = (
        "\ufeffName, Sector ,STATUTORY,Localities,Contact_Name,Contact_Email\r\n"
        "Alpha Police,police,Yes,alpha north;  ALPHA SOUTH ,Pat Officer,PAT@police.example\r\n"
        "alpha borough council,Local authority or district council,no,ALPHA South,"
        "Sam ALPHA,sam@alpha-council.example\r\n"
        ",,,,,\r\n"
        "Alpha Scouts,voluntary,n,,,\r\n"
    )
    result = _import(world, text)
    assert [a.name for a in result.created] == ["Alpha Police", "Alpha Scouts"]
    assert [a.name for a in result.updated] == ["ALPHA Borough Council"]
    assert result.contacts_added == 1  # the council's contact was there already

    police = Agency.objects.get(partnership=world.a.partnership, name="Alpha Police")
    assert police.is_statutory and police.sector == Sector.POLICE
    assert sorted(lo.name for lo in police.localities.all()) == ["ALPHA North", "ALPHA South"]
    assert police.contacts.get().email == "pat@police.example"

    council = world.a.agency
    council.refresh_from_db()
    assert council.name == "ALPHA Borough Council"  # the name is matched, not renamed
    assert not council.is_statutory
    assert [lo.name for lo in council.localities.all()] == ["ALPHA South"]
    assert council.contacts.count() == 1

    summary = AuditEvent.objects.get(partnership=world.a.partnership, verb="agencies.imported")
    assert summary.detail == {
        "created": ["Alpha Police", "Alpha Scouts"],
        "updated": ["ALPHA Borough Council"],
        "contacts_added": 1,
    }
    assert AuditEvent.objects.filter(partnership=world.a.partnership, verb="agency.created").count() == 2


def test_updating_keeps_an_inactive_agency_inactive_and_adds_a_new_contact(world):
    world.a.agency.is_active = False
    world.a.agency.save()
    _import(world, HEADER + "ALPHA Borough Council,local_authority,yes,,Jo New,jo@alpha.example\r\n")
    world.a.agency.refresh_from_db()
    assert not world.a.agency.is_active
    assert sorted(c.email for c in world.a.agency.contacts.all()) == [
        "jo@alpha.example",
        "sam@alpha-council.example",
    ]
    assert world.a.agency.contacts.get(is_primary=True).email == "sam@alpha-council.example"


def test_bad_rows_are_all_reported_with_row_and_column_and_nothing_is_saved(world):
    text = HEADER + (
        "Good Agency,police,yes,ALPHA North,Kim,kim@good.example\r\n"  # row 2: fine
        ",police,yes,,,\r\n"  # row 3
        "Spy Agency,spies,maybe,Gotham; ALPHA North; Metropolis,,not-an-email\r\n"  # row 4
        "good agency,nhs,no,,Lee,\r\n"  # row 5
        f"{'x' * 201},nhs,no,,,\r\n"  # row 6
        "Bravo Only,nhs,yes,BRAVO North,,\r\n"  # row 7: another partnership's locality
    )
    problems = _problems(world, text)
    assert problems == [
        "Row 3, column name: Enter the agency’s name",
        "Row 4, column sector: “spies” is not a sector. Use a code or name from the list on this page",
        "Row 4, column statutory: Enter yes or no",
        "Row 4, column localities: No locality called Gotham, Metropolis. Add them on the localities page "
        "first, or correct the spelling",
        "Row 4, column contact_name: Enter the contact’s name, or leave contact_email empty too",
        "Row 4, column contact_email: “not-an-email” is not an email address, like name@example.org",
        "Row 5, column name: good agency is also on row 2: each agency must be on one row",
        "Row 5, column contact_email: Enter the contact’s email address, or leave contact_name empty too",
        "Row 6, column name: The name must be 200 characters or fewer",
        "Row 7, column localities: No locality called BRAVO North. Add it on the localities page first, "
        "or correct the spelling",
    ]
    assert not Agency.objects.filter(name__in=["Good Agency", "Bravo Only"]).exists()
    assert not AgencyContact.objects.filter(email="kim@good.example").exists()
    assert not AuditEvent.objects.filter(verb__startswith="agenc").exists()


def test_header_problems(world):
    assert _problems(world, "name,sector,statutry,colour\r\nA,nhs,yes,red\r\n") == [
        "Row 1: Unknown columns statutry, colour. The columns are name, sector, statutory, localities, "
        "contact_name, contact_email",
        "Row 1: The file has no statutory column",
    ]
    assert _problems(world, "name,name,sector,statutory\r\n") == [
        "Row 1: The column name appears more than once"
    ]
    assert _problems(world, "") == [
        "Row 1: The first row must name the columns: name, sector, statutory, localities, contact_name, "
        "contact_email"
    ]
    assert _problems(world, HEADER + ",,,,,\r\n") == [
        "The file has no agencies in it, only the row of column names"
    ]
    assert _problems(world, HEADER + "A,nhs,yes,,,,extra\r\n") == [
        "Row 2: The row has 7 cells but there are 6 columns"
    ]


def test_a_windows_excel_file_is_read(world):
    result = _import(world, "name,sector,statutory\r\nCafé Trust,voluntary,no\r\n", encoding="cp1252")
    assert [a.name for a in result.created] == ["Café Trust"]


def test_binary_and_absurdly_large_files_are_refused(world):
    with pytest.raises(services.AgencyImportError) as refused:
        services.agency_import(partnership=world.a.partnership, content=b"PK\x03\x04\x00\x00", actor=ADMIN)
    assert [str(p) for p in refused.value.problems] == ["The file must be a CSV file"]

    big = (HEADER + "A,nhs,yes,,,\r\n" * 80_000).encode()
    assert len(big) > services.IMPORT_MAX_BYTES
    with pytest.raises(services.AgencyImportError) as refused:
        services.agency_import(partnership=world.a.partnership, content=big, actor=ADMIN)
    assert [str(p) for p in refused.value.problems] == ["The file must be smaller than 1MB"]


def test_import_never_touches_another_partnership(world):
    _import(world, HEADER + "BRAVO Borough Council,nhs,no,,,\r\n")
    world.b.agency.refresh_from_db()
    assert world.b.agency.sector == Sector.LOCAL_AUTHORITY and world.b.agency.is_statutory
    assert Agency.objects.filter(partnership=world.a.partnership, name="BRAVO Borough Council").exists()
