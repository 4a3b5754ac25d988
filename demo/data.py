"""The demo world that `manage.py seed_demo` builds: two partnerships, their
localities, agencies, staff and where each agency has got to in its return.

Names are realistic but the people are invented, and every email address is
at a `.example` domain (RFC 2606), so no demo email can reach anyone.
"""

from dataclasses import dataclass, field

from audits.models import IncompletePolicy
from partnerships.models import Sector, StaffRole

# The bodies named in Section 11 of the Children Act 2004. Everyone else
# (schools, fire, early years, voluntary and faith groups, sport, private
# providers) takes part by choice or under another duty. A partnership may
# list more as statutory for its own audit (PartnershipSpec.statutory_sectors).
STATUTORY_SECTORS = frozenset(
    {
        Sector.LOCAL_AUTHORITY,
        Sector.NHS,
        Sector.POLICE,
        Sector.BRITISH_TRANSPORT_POLICE,
        Sector.PROBATION,
        Sector.PRISON,
        Sector.SECURE_TRAINING_CENTRE,
        Sector.SECURE_COLLEGE,
        Sector.YOUTH_JUSTICE,
    }
)


class Stage:
    """How far an agency has got with its return when the demo starts."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    # Submitted with themes left unanswered: they get the default Red.
    SUBMITTED_INCOMPLETE = "submitted_incomplete"
    # Submitted, then given back by the partnership for changes.
    RETURNED = "returned"
    # Submitted, then evaluated by the partnership: each theme moderated and
    # the outcome confirmed to the agency.
    EVALUATED = "evaluated"


# Each evaluated return's outcome and the partnership's message, by agency name.
EVALUATIONS = {
    "Lancashire Constabulary": (
        "assured",
        "Thank you. The panel is assured by your return and the evidence you linked. We have moderated "
        "one theme down to Amber: please add the action to your plan and update us in six months.",
    ),
    "Lancashire and South Cumbria Integrated Care Board": (
        "further_evidence",
        "Thank you. Please send the latest safer recruitment audit and the training figures by the end "
        "of next month so the partnership can confirm your ratings.",
    ),
    "Sheffield City Council Children's Services": (
        "scrutiny_panel",
        "Thank you. We would like to discuss your return at the May assurance meeting, in particular "
        "the themes we have moderated: the business unit will send a date.",
    ),
    "Sheffield Young Carers": (
        "assured",
        "Thank you for a clear return with good evidence. The partnership is assured; we look forward "
        "to your action plan update in six months.",
    ),
}


@dataclass(frozen=True)
class AgencySpec:
    name: str
    sector: str
    localities: tuple[str, ...]
    contacts: tuple[tuple[str, str], ...]
    stage: str = Stage.NOT_STARTED
    signed_off_by: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class StaffSpec:
    role: str
    email: str
    full_name: str


@dataclass(frozen=True)
class CycleSpec:
    title: str
    slug: str
    template: str
    incomplete_policy: str
    # Opens at this UK time on the day `opens_days_ago` days before the first
    # run; closes at 17:00 UK time on the first Friday at least
    # `closes_days_ahead` days after it.
    opens_days_ago: int
    opens_hour: int
    closes_days_ahead: int
    closes_hour: int = 17


@dataclass(frozen=True)
class PartnershipSpec:
    name: str
    slug: str
    contact_email: str
    localities: tuple[str, ...]
    cycle: CycleSpec
    extra_templates: tuple[str, ...]
    staff: tuple[StaffSpec, ...]
    agencies: tuple[AgencySpec, ...] = field(default=())
    # The cycle before this one, closed: most agencies submitted a complete
    # return in it, so reports can compare cycles and show movement.
    earlier_cycle: CycleSpec | None = None
    statutory_sectors: frozenset[str] = STATUTORY_SECTORS

    def is_statutory(self, agency: AgencySpec) -> bool:
        return agency.sector in self.statutory_sectors


# How many of a partnership's agencies submitted a return in its earlier cycle.
EARLIER_CYCLE_TOOK_PART = 0.8


PLATFORM_ADMIN = StaffSpec(
    role="platform_admin", email="platform@s11portal.example", full_name="Platform Admin"
)

L, B, P = "Lancashire", "Blackburn with Darwen", "Blackpool"
PAN = (L, B, P)
S = Stage
A = AgencySpec

CSAP = PartnershipSpec(
    name="Children's Safeguarding Assurance Partnership",
    slug="csap",
    contact_email="business.unit@csap.example",
    localities=PAN,
    cycle=CycleSpec(
        title="Section 11 audit 2026–27",
        slug="s11-2026",
        template="csap",
        incomplete_policy=IncompletePolicy.DEFAULT_RED,
        opens_days_ago=21,
        opens_hour=8,
        closes_days_ahead=42,
    ),
    earlier_cycle=CycleSpec(
        title="Section 11 audit 2025–26",
        slug="s11-2025",
        template="csap",
        incomplete_policy=IncompletePolicy.DEFAULT_RED,
        opens_days_ago=21 + 365,
        opens_hour=8,
        closes_days_ahead=42 - 365,
    ),
    extra_templates=("voluntary-community",),
    staff=(
        StaffSpec(StaffRole.ADMIN, "admin@csap.example", "Amira Hussain"),
        StaffSpec(StaffRole.REVIEWER, "reviewer@csap.example", "Gareth Booth"),
        StaffSpec(StaffRole.READ_ONLY, "read-only@csap.example", "Lucy Fenwick"),
    ),
    agencies=(
        # Councils
        A(
            "Lancashire County Council Children's Services",
            Sector.LOCAL_AUTHORITY,
            (L,),
            (
                ("Helen Whitaker", "helen.whitaker@lancashire-cc.example"),
                ("Children's Safeguarding Team", "childrens.safeguarding@lancashire-cc.example"),
            ),
            S.SUBMITTED,
            ("Dr Martin Ashworth", "Executive Director of Education and Children's Services"),
        ),
        A(
            "Blackburn with Darwen Borough Council Children's Services",
            Sector.LOCAL_AUTHORITY,
            (B,),
            (("Imran Patel", "imran.patel@blackburn-council.example"),),
            S.SUBMITTED,
            ("Jayne Ormerod", "Strategic Director of Children's Services"),
        ),
        A(
            "Blackpool Council Children's Services",
            Sector.LOCAL_AUTHORITY,
            (P,),
            (
                ("Kerry Lomax", "kerry.lomax@blackpool-council.example"),
                ("Safeguarding Business Support", "safeguarding@blackpool-council.example"),
            ),
            S.IN_PROGRESS,
        ),
        A(
            "Preston City Council",
            Sector.LOCAL_AUTHORITY,
            (L,),
            (("Neil Cartmell", "neil.cartmell@preston-council.example"),),
            S.SUBMITTED,
            ("Sarah Bamber", "Chief Executive"),
        ),
        A(
            "Burnley Borough Council",
            Sector.LOCAL_AUTHORITY,
            (L,),
            (("Rachel Sutcliffe", "rachel.sutcliffe@burnley-council.example"),),
        ),
        A(
            "Lancaster City Council",
            Sector.LOCAL_AUTHORITY,
            (L,),
            (("Owen Pritchard", "owen.pritchard@lancaster-council.example"),),
            S.IN_PROGRESS,
        ),
        # Police, probation, youth justice, prisons
        A(
            "Lancashire Constabulary",
            Sector.POLICE,
            PAN,
            (
                ("Det Supt Claire Hindle", "claire.hindle@lancashire-police.example"),
                ("Public Protection Unit", "safeguarding@lancashire-police.example"),
            ),
            S.EVALUATED,
            ("ACC Paul Redmond", "Assistant Chief Constable, Crime and Public Protection"),
        ),
        A(
            "British Transport Police",
            Sector.BRITISH_TRANSPORT_POLICE,
            PAN,
            (("Insp Femi Adeyemi", "safeguarding.northwest@btp-police.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "National Probation Service – Lancashire",
            Sector.PROBATION,
            PAN,
            (("Deborah Kay", "deborah.kay@probation-lancs.example"),),
            S.SUBMITTED,
            ("Andrew Holt", "Head of Probation Delivery Unit"),
        ),
        A(
            "Lancashire Youth Justice Service",
            Sector.YOUTH_JUSTICE,
            (L,),
            (("Marcus Greenwood", "marcus.greenwood@lancs-yjs.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "Blackburn with Darwen Youth Justice Service",
            Sector.YOUTH_JUSTICE,
            (B,),
            (("Nadia Hussain", "nadia.hussain@bwd-yjs.example"),),
            S.SUBMITTED_INCOMPLETE,
            ("Tariq Mahmood", "Youth Justice Service Manager"),
        ),
        A(
            "Blackpool Youth Justice Service",
            Sector.YOUTH_JUSTICE,
            (P,),
            (("Gemma Rigby", "gemma.rigby@blackpool-yjs.example"),),
        ),
        A(
            "HM Young Offender Institution Wyre Vale",
            Sector.PRISON,
            (L,),
            (
                ("Governor's Office", "governor@hmyoi-wyrevale.example"),
                ("Safeguarding Manager", "safeguarding@hmyoi-wyrevale.example"),
            ),
            S.IN_PROGRESS,
        ),
        # NHS
        A(
            "Lancashire and South Cumbria Integrated Care Board",
            Sector.NHS,
            PAN,
            (("Dr Rosemary Clegg", "designated.nurse@lsc-icb.example"),),
            S.EVALUATED,
            ("Sue Heywood", "Chief Nursing Officer"),
        ),
        A(
            "Blackpool Teaching Hospitals NHS Foundation Trust",
            Sector.NHS,
            (P,),
            (
                ("Joanne Blackburn", "joanne.blackburn@bfwh-nhs.example"),
                ("Safeguarding Team", "safeguarding@bfwh-nhs.example"),
            ),
            S.SUBMITTED,
            ("Peter Murphy", "Director of Nursing"),
        ),
        A(
            "Lancashire Teaching Hospitals NHS Foundation Trust",
            Sector.NHS,
            (L,),
            (("Angela Moss", "angela.moss@lthtr-nhs.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "East Lancashire Hospitals NHS Trust",
            Sector.NHS,
            (L, B),
            (("Samina Akhtar", "samina.akhtar@elht-nhs.example"),),
            S.RETURNED,
            ("Dr Colin Weir", "Medical Director"),
        ),
        A(
            "Lancashire & South Cumbria NHS Foundation Trust",
            Sector.NHS,
            PAN,
            (("Vicky Halstead", "vicky.halstead@lscft-nhs.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "North West Ambulance Service NHS Trust",
            Sector.NHS,
            PAN,
            (("Safeguarding Hub", "safeguarding@nwas-nhs.example"),),
        ),
        # Fire
        A(
            "Lancashire Fire and Rescue Service",
            Sector.FIRE_AND_RESCUE,
            PAN,
            (("Station Manager Lee Barnes", "lee.barnes@lancsfirerescue.example"),),
            S.SUBMITTED,
            ("Justin Castle", "Assistant Chief Fire Officer"),
        ),
        # Education
        A(
            "Ribble Valley Learning Trust",
            Sector.EDUCATION,
            (L,),
            (("Fiona Parkinson", "dsl@ribblevalley-trust.example"),),
            S.SUBMITTED,
            ("Mark Entwistle", "Chief Executive Officer"),
        ),
        A(
            "Blackpool Coastal Academies Trust",
            Sector.EDUCATION,
            (P,),
            (("Dean Hargreaves", "dean.hargreaves@coastal-academies.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "St Silas' Church of England Primary School, Blackburn",
            Sector.EDUCATION,
            (B,),
            (("Mrs Aisha Begum", "head@stsilas-primary.example"),),
        ),
        A(
            "Pendle Vale College",
            Sector.EDUCATION,
            (L,),
            (("Chris Duckworth", "safeguarding@pendlevale-college.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "Fylde Coast Sixth Form College",
            Sector.EDUCATION,
            (P,),
            (("Harriet Cookson", "harriet.cookson@fyldecoast-college.example"),),
        ),
        # Early years
        A(
            "Little Acorns Day Nursery, Chorley",
            Sector.EARLY_YEARS,
            (L,),
            (("Jodie Marsden", "manager@littleacorns-chorley.example"),),
            S.SUBMITTED,
            ("Jodie Marsden", "Nursery Manager and Designated Safeguarding Lead"),
        ),
        A(
            "Seaside Tots Nursery, Blackpool",
            Sector.EARLY_YEARS,
            (P,),
            (("Stacey Wilde", "hello@seasidetots.example"),),
        ),
        A(
            "Darwen Valley Childminding Network",
            Sector.EARLY_YEARS,
            (B,),
            (("Pauline Haworth", "coordinator@darwen-childminders.example"),),
            S.IN_PROGRESS,
        ),
        # Voluntary, community and faith
        A(
            "Red Rose Young Carers",
            Sector.VOLUNTARY,
            (L,),
            (
                ("Beth Aspinall", "beth@redrose-youngcarers.example"),
                ("Office", "office@redrose-youngcarers.example"),
            ),
            S.SUBMITTED,
            ("Graham Tattersall", "Chair of Trustees"),
        ),
        A(
            "Lancashire Women's Aid Network",
            Sector.VOLUNTARY,
            PAN,
            (("Yasmin Khan", "yasmin.khan@lancs-womensaid.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "Blackburn Youth Zone",
            Sector.VOLUNTARY,
            (B,),
            (("Kieran Walsh", "kieran.walsh@bbyouthzone.example"),),
        ),
        A(
            "Fylde Coast Family Support",
            Sector.VOLUNTARY,
            (P,),
            (("Maureen Dobson", "maureen@fyldefamilysupport.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "Holy Trinity Church Youth Ministry, Blackburn",
            Sector.VOLUNTARY,
            (B,),
            (("Rev Andrew Pilling", "youth@holytrinity-blackburn.example"),),
        ),
        A(
            "Blackpool Carers' Centre",
            Sector.VOLUNTARY,
            (P,),
            (("Tracey Holden", "tracey.holden@blackpoolcarers.example"),),
            S.SUBMITTED,
            ("Alan Corless", "Chief Officer"),
        ),
        # Sport and leisure
        A(
            "Darwen Juniors Football Club",
            Sector.SPORT,
            (B,),
            (("Steve Ainsworth", "welfare@darwenjuniorsfc.example"),),
            S.IN_PROGRESS,
        ),
        A(
            "Fylde Amateur Swimming Club",
            Sector.SPORT,
            (P,),
            (("Club Welfare Officer", "welfare@fyldeasc.example"),),
        ),
        A(
            "Red Rose Cricket Foundation",
            Sector.SPORT,
            (L,),
            (("Nicola Fielding", "nicola.fielding@redrosecricket.example"),),
            S.SUBMITTED,
            ("Ian Openshaw", "Foundation Director"),
        ),
        # Private and commissioned providers, and others
        A(
            "Northern Pathways Residential Care Ltd",
            Sector.PRIVATE,
            (L, B),
            (
                ("Registered Manager", "manager@northernpathways.example"),
                ("Leah Crompton", "leah.crompton@northernpathways.example"),
            ),
            S.IN_PROGRESS,
        ),
        A(
            "Horizon Supported Lodgings CIC",
            Sector.PRIVATE,
            (B, P),
            (("Femi Okonjo", "femi@horizon-lodgings.example"),),
        ),
        A(
            "Lancashire Licensed Taxi Operators' Association",
            Sector.OTHER,
            (L,),
            (("Secretary", "secretary@lancs-taxi-operators.example"),),
        ),
    ),
)

SHEFFIELD = PartnershipSpec(
    name="Sheffield Children's Safeguarding Partnership",
    slug="sheffield",
    contact_email="safeguarding.partnership@sheffield.example",
    localities=("Sheffield",),
    cycle=CycleSpec(
        title="Section 11 and Care Act self-assessment 2026–28",
        slug="s11-2026",
        template="sheffield",
        incomplete_policy=IncompletePolicy.BLOCK,
        opens_days_ago=14,
        opens_hour=9,
        closes_days_ahead=56,
    ),
    # Sheffield audits every two years.
    earlier_cycle=CycleSpec(
        title="Section 11 and Care Act self-assessment 2024–26",
        slug="s11-2024",
        template="sheffield",
        incomplete_policy=IncompletePolicy.BLOCK,
        opens_days_ago=14 + 730,
        opens_hour=9,
        closes_days_ahead=56 - 730,
    ),
    # Sheffield's own list of statutory agencies includes fire and rescue.
    statutory_sectors=STATUTORY_SECTORS | {Sector.FIRE_AND_RESCUE},
    extra_templates=("voluntary-community",),
    staff=(
        StaffSpec(StaffRole.ADMIN, "admin@sheffield.example", "Priya Sharma"),
        StaffSpec(StaffRole.REVIEWER, "reviewer@sheffield.example", "Tom Hartley"),
        StaffSpec(StaffRole.READ_ONLY, "read-only@sheffield.example", "Maggie O'Neill"),
    ),
    agencies=tuple(
        A(name, sector, ("Sheffield",), contacts, stage, signed_off_by)
        for name, sector, contacts, stage, signed_off_by in (
            (
                "Sheffield City Council Children's Services",
                Sector.LOCAL_AUTHORITY,
                (("Joanne Fletcher", "joanne.fletcher@sheffield-council.example"),),
                S.EVALUATED,
                ("Meredith Dixon", "Director of Children's Services"),
            ),
            (
                "Sheffield City Council Adult Social Care",
                Sector.LOCAL_AUTHORITY,
                (("Ravi Chauhan", "ravi.chauhan@sheffield-council.example"),),
                S.IN_PROGRESS,
                ("", ""),
            ),
            (
                "South Yorkshire Police",
                Sector.POLICE,
                (
                    ("DCI Helen Mottram", "helen.mottram@syp-police.example"),
                    ("Safeguarding Unit", "safeguarding@syp-police.example"),
                ),
                S.SUBMITTED,
                ("T/ACC Dave Marsh", "Assistant Chief Constable"),
            ),
            (
                "Sheffield Teaching Hospitals NHS Foundation Trust",
                Sector.NHS,
                (("Karen Staniforth", "karen.staniforth@sth-nhs.example"),),
                S.IN_PROGRESS,
                ("", ""),
            ),
            (
                "Sheffield Children's NHS Foundation Trust",
                Sector.NHS,
                (("Dr Ope Adebayo", "named.doctor@sch-nhs.example"),),
                S.SUBMITTED,
                ("Ellen Hardcastle", "Chief Nurse"),
            ),
            (
                "Sheffield Health and Social Care NHS Foundation Trust",
                Sector.NHS,
                (("Safeguarding Team", "safeguarding@shsc-nhs.example"),),
                S.NOT_STARTED,
                ("", ""),
            ),
            (
                "NHS South Yorkshire Integrated Care Board (Sheffield place)",
                Sector.NHS,
                (("Lindsey Hague", "lindsey.hague@sy-icb.example"),),
                S.SUBMITTED,
                ("Alun Windle", "Chief Nurse"),
            ),
            (
                "Sheffield Youth Justice Service",
                Sector.YOUTH_JUSTICE,
                (("Wayne Beardshaw", "wayne.beardshaw@sheffield-yjs.example"),),
                S.IN_PROGRESS,
                ("", ""),
            ),
            (
                "National Probation Service – South Yorkshire",
                Sector.PROBATION,
                (("Michelle Booker", "michelle.booker@probation-sy.example"),),
                S.NOT_STARTED,
                ("", ""),
            ),
            (
                "South Yorkshire Fire and Rescue",
                Sector.FIRE_AND_RESCUE,
                (("Watch Manager Asif Rehman", "asif.rehman@syfire.example"),),
                S.IN_PROGRESS,
                ("", ""),
            ),
            (
                "Steel Valley Academy Trust",
                Sector.EDUCATION,
                (("Gill Crookes", "dsl@steelvalley-trust.example"),),
                S.NOT_STARTED,
                ("", ""),
            ),
            (
                "Sheffield Young Carers",
                Sector.VOLUNTARY,
                (("Hannah Wragg", "hannah@sheffieldyoungcarers.example"),),
                S.EVALUATED,
                ("Rob Ibbotson", "Chief Executive"),
            ),
        )
    ),
)

PARTNERSHIPS = (CSAP, SHEFFIELD)

# Comments a return might really carry. `{theme}` is the theme's title in
# lower case, `{agency}` the agency's name.
COMMENTS_GREEN = (
    "All arrangements for {theme} are in place and were checked in our internal safeguarding audit "
    "this year. Evidence is held by our designated safeguarding lead and can be shared on request.",
    "{agency} meets every expectation on {theme}. Our safeguarding committee reviewed this last "
    "quarter and found no gaps; minutes are available.",
    "Policies covering {theme} were refreshed this year, approved by the board and published on the "
    "staff intranet. Compliance is monitored monthly through our performance dashboard.",
)
COMMENTS_AMBER = (
    "Partially in place: our policy on {theme} is out of date. To improve, the safeguarding lead will "
    "revise it and take it to the senior leadership team by the end of next quarter, and we will "
    "re-audit compliance in six months.",
    "Most arrangements for {theme} are in place, but we could not evidence them consistently across "
    "all sites. We will introduce a single recording template and audit a sample of records each "
    "quarter, reporting the results to the board.",
    "Gaps identified in {theme}: completion of refresher training is 78% against a 95% target. "
    "Additional sessions are booked over the next two months and managers will follow up everyone "
    "outstanding; progress will be reported monthly.",
)
COMMENTS_RED = (
    "Not yet in place: we have no agreed approach to {theme}. Our new designated safeguarding lead "
    "will draft one using the partnership's training offer, for sign-off within three months, and we "
    "will report progress at the six-month action plan review.",
    "Our recent internal review found significant weaknesses in {theme}. The board has agreed an "
    "action plan: interim measures are in place now, the full plan will be complete within six "
    "months, and the chief executive will oversee progress monthly.",
)
NA_REASONS = (
    "Where we answered 'not applicable': we do not commission services from other organisations.",
    "Not applicable answers: we have no premises of our own; all sessions run in partner venues "
    "whose safeguarding arrangements we check each year.",
    "We answered 'not applicable' where a question is about volunteers: we do not use volunteers.",
)
RETURN_REASON = (
    "Thank you for your return. The evidence for safer recruitment does not show DBS re-checks for "
    "bank and agency staff, and the rating of Green is not yet supported. Please add the latest "
    "audit results and review the rating before submitting again."
)


# ---------------------------------------------------------------------------
# Organisations (issue 13): the body behind agencies that answer for both
# demo partnerships. The demo's police and NHS rows are different bodies in
# life; here each pair stands for one organisation serving two partnerships.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    identifier_type: str
    identifier: str
    # (partnership slug, agency name) pairs linked (and accepted).
    agencies: tuple[tuple[str, str], ...]
    # (name, email, role): the first is the admin.
    members: tuple[tuple[str, str, str], ...]


ORGANISATIONS = (
    OrganisationSpec(
        name="Northern Police (demo force)",
        kind=Sector.POLICE,
        identifier_type="police_force",
        identifier="DEMO01",
        agencies=(("csap", "Lancashire Constabulary"), ("sheffield", "South Yorkshire Police")),
        members=(
            ("Rachel Dunn", "rachel.dunn@northern-police.example", "admin"),
            ("Tom Ellis", "tom.ellis@northern-police.example", "member"),
        ),
    ),
    OrganisationSpec(
        name="Northern Teaching Hospitals NHS Foundation Trust (demo trust)",
        kind=Sector.NHS,
        identifier_type="ods",
        identifier="RDEMO",
        agencies=(
            ("csap", "Lancashire Teaching Hospitals NHS Foundation Trust"),
            ("sheffield", "Sheffield Teaching Hospitals NHS Foundation Trust"),
        ),
        members=(("Priya Shah", "priya.shah@northern-hospitals.example", "admin"),),
    ),
    OrganisationSpec(
        name="The Probation Service",
        kind=Sector.PROBATION,
        identifier_type="",
        identifier="",
        agencies=(
            ("csap", "National Probation Service – Lancashire"),
            ("sheffield", "National Probation Service – South Yorkshire"),
        ),
        members=(("Gareth Lloyd", "gareth.lloyd@probation.example", "admin"),),
    ),
)
