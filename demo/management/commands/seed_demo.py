"""Build the demo world (demo/data.py) and print a way in for every
agency and every member of staff.

Run it as often as you like: rows are found by slug or name and made only
if missing, so a second run adds nothing, except that it mints fresh resume
links (each link is its own row; earlier ones keep working) and resets the
demo staff passwords, because only their hashes are stored and the printed
lines must be true. TOTP secrets are kept, so authenticator apps stay set up.

Every change goes through the services, so the audit log, the receipts
(written to var/mail/ by default) and the submission lock are all real. The
earlier, closed cycle is seeded by travelling back to its dates
(time-machine, a dev dependency `make demo` installs), so its returns were
submitted while it was open, as the services demand.
"""

import logging
import random
import secrets
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditCycle, Submission, SubmissionStatus
from audits.services import (
    cycle_create,
    resume_link_create,
    submission_get_or_create,
    submission_submit,
    theme_response_save,
)
from audits.services.actions import ActionItemData, action_item_add
from audits.services.pdf import submission_pdf_builds_deferred
from audits.services.reminders import reminder_send_now, reminders_due
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from core.dates import UK
from core.domain import SYSTEM, Actor
from core.models import OutboundEmail
from demo import data as demo
from demo.meetings import meetings_demo_seed, panel_demo_lines
from demo.reports import reports_demo_seed
from demo.surveys import survey_demo_seed
from organisations.models import AgencyLink, LinkStatus, Organisation, OrganisationMembership, StandingDraft
from organisations.services import agency_link_decide, agency_link_propose, sign_in_link_create
from organisations.services.standing import standing_draft_update_from_return
from partnerships.models import Agency, Locality, Partnership, StaffMembership, StaffRole
from partnerships.services import partnership_create
from partnerships.services.agencies import agency_create, agency_update, locality_create
from partnerships.services.members import staff_invitation_accept, staff_member_invite
from themes.models import QuestionSet
from themes.selectors import theme_list_with_questions
from themes.services import question_set_load_template

# Action items the demo gives each Amber or Red theme.
DEMO_ACTIONS = (
    "Review our {theme} policy and brief every team on the changes",
    "Run refresher training on {theme} for all frontline managers",
    "Add {theme} checks to the quarterly quality assurance audit",
)
DEMO_LEADS = ("Designated Safeguarding Lead", "Head of HR", "Training manager", "Head of Quality")
FRIDAY = 4


def uk_datetime(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UK)


def cycle_window(spec: demo.CycleSpec, now: datetime) -> tuple[datetime, datetime]:
    today = timezone.localtime(now, UK).date()
    opens = uk_datetime(today - timedelta(days=spec.opens_days_ago), spec.opens_hour)
    close_day = today + timedelta(days=spec.closes_days_ahead)
    close_day += timedelta(days=(FRIDAY - close_day.weekday()) % 7)
    return opens, uk_datetime(close_day, spec.closes_hour)


def new_password() -> str:
    return secrets.token_urlsafe(12)


@contextmanager
def celery_quiet():
    """The eager tasks (every email sent while seeding) each log a line at
    INFO, and kombu warns that there is no broker (there is none on purpose):
    the seed prints the logins, not a hundred lines of Celery."""
    quiet = {
        "celery": logging.WARNING,
        "celery.app.trace": logging.WARNING,
        "kombu.connection": logging.ERROR,
    }
    loggers = [logging.getLogger(name) for name in quiet]
    levels = [logger.level for logger in loggers]
    for logger, level in zip(loggers, quiet.values(), strict=True):
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the demo partnerships, agencies, returns and staff, and print "
        "a resume link for every agency and a sign-in for every member of staff."
    )

    def handle(self, *args, **options):
        agency_lines: list[str] = []
        staff_lines: list[str] = []
        # Returns' PDFs are not all built while seeding: Celery beat's sweep
        # (or the "Prepare the PDF" button on a copy) builds them.
        with celery_quiet(), submission_pdf_builds_deferred(), transaction.atomic():
            for spec in demo.PARTNERSHIPS:
                agencies, staff = self._partnership(spec)
                agency_lines += agencies
                staff_lines += staff
            staff_lines.append(self._platform_admin())
            organisation_lines = self._organisations()
        # After the commit has sent the meetings' invitations (each mints the
        # outsider a new link).
        panel_lines = panel_demo_lines(
            partnerships=list(Partnership.objects.filter(slug__in=[spec.slug for spec in demo.PARTNERSHIPS]))
        )
        # Printed only once everything is committed, so every line works.
        self.stdout.write(
            "# s11portal demo: one line per way in (agency links, staff sign-ins, organisation members)"
        )
        for line in agency_lines + panel_lines + staff_lines + organisation_lines:
            self.stdout.write(line)
        self.stdout.write(
            f"# Staff sign in at {settings.BASE_URL}{reverse('account_login')} with the password, "
            "then a code from an authenticator app set up with the TOTP secret"
        )

    # --- organisations --------------------------------------------------------

    def _organisations(self) -> list[str]:
        """Each demo organisation, its members, and its accepted links to an
        agency in each partnership; one line per member:
        `organisation <email> <URL that signs them in>`."""
        lines = []
        for spec in demo.ORGANISATIONS:
            organisation = Organisation.objects.filter(name=spec.name).first() or Organisation.objects.create(
                name=spec.name,
                kind=spec.kind,
                identifier_type=spec.identifier_type,
                identifier=spec.identifier,
            )
            members = [
                OrganisationMembership.objects.get_or_create(
                    organisation=organisation, email=email, defaults={"name": name, "role": role}
                )[0]
                for name, email, role in spec.members
            ]
            for slug, agency_name in spec.agencies:
                agency = Agency.objects.get(partnership__slug=slug, name=agency_name)
                if AgencyLink.objects.filter(agency=agency, status=LinkStatus.ACCEPTED).exists():
                    continue
                admin = (
                    agency.partnership.memberships.filter(role=StaffRole.ADMIN).select_related("user").first()
                )
                link = agency_link_propose(
                    agency=agency, organisation=organisation, actor=Actor.for_user(admin.user)
                )
                agency_link_decide(link=link, by=members[0], accept=True)
            self._standing_draft(organisation, members[0])
            for member in members:
                _, url = sign_in_link_create(email=member.email)
                lines.append(f"organisation {member.email} {url}")
        return lines

    def _standing_draft(self, organisation, admin) -> None:
        """The organisation's standing draft, filled from its latest answered
        return on a built-in set (once), so the demo shows one to update."""
        if StandingDraft.objects.filter(organisation=organisation).exists():
            return
        source = (
            Submission.objects.filter(
                agency__organisation_links__organisation=organisation,
                agency__organisation_links__status=LinkStatus.ACCEPTED,
                theme_responses__version__gt=0,
            )
            .exclude(question_set__template_key="")
            .select_related("question_set", "partnership")
            .order_by("-cycle__opens_at", "-pk")
            .first()
        )
        if source is not None:
            standing_draft_update_from_return(membership=admin, source=source)

    # --- partnerships ---------------------------------------------------------

    def _partnership(self, spec: demo.PartnershipSpec) -> tuple[list[str], list[str]]:
        partnership = Partnership.objects.filter(slug=spec.slug).first() or partnership_create(
            name=spec.name, slug=spec.slug, contact_email=spec.contact_email
        )
        staff_lines, admin = self._staff(partnership, spec.staff)
        admin_actor = Actor.for_user(admin)
        localities = {
            name: Locality.objects.filter(partnership=partnership, name=name).first()
            or locality_create(partnership=partnership, name=name, actor=admin_actor)
            for name in spec.localities
        }
        question_set = self._question_set(partnership, spec.cycle.template)
        for key in spec.extra_templates:
            self._question_set(partnership, key)
        cycle = self._cycle(partnership, spec.cycle, question_set, actor=admin_actor)
        reviewer = partnership.memberships.filter(role=StaffRole.REVIEWER).select_related("user").first().user
        themes = theme_list_with_questions(question_set=cycle.question_set)

        agencies = [
            (agency_spec, self._agency(partnership, spec, agency_spec, localities, actor=admin_actor))
            for agency_spec in spec.agencies
        ]
        if spec.earlier_cycle is not None:
            self._earlier_cycle(partnership, spec.earlier_cycle, question_set, agencies, actor=admin_actor)

        agency_lines = []
        for agency_spec, agency in agencies:
            submission = submission_get_or_create(cycle=cycle, agency=agency)
            if (
                submission.status == SubmissionStatus.NOT_STARTED
                and agency_spec.stage != demo.Stage.NOT_STARTED
            ):
                self._work_on_return(submission, agency_spec, themes, reviewer=reviewer)
            name, email = agency_spec.contacts[0]
            _, url = resume_link_create(submission=submission, name=name, email=email, mint=True)
            # The agency's name last: it has spaces, the fields before it have none.
            agency_lines.append(f"agency {partnership.slug} {url} {agency.name}")
        self._emails(cycle, reviewer)
        if spec.slug == "sheffield":
            # Sheffield's assurance meetings, with an independent chair and scrutineer.
            meetings_demo_seed(partnership=partnership, cycle=cycle, actor=Actor.for_user(reviewer))
        survey_demo_seed(partnership=partnership, cycle=cycle, actor=admin_actor)
        # A board report showing movement and moderated ratings straight away;
        # Sheffield publishes for children and young people.
        reports_demo_seed(
            partnership=partnership, cycle=cycle, actor=admin_actor, for_children=spec.slug == "sheffield"
        )
        return agency_lines, staff_lines

    def _emails(self, cycle, reviewer) -> None:
        """Invitations to the agencies still working on their returns, and
        once, a reminder sent by the reviewer to those in progress, so the
        staff email pages have a history (mail goes to var/mail/)."""
        reminders_due(cycle=cycle)
        if OutboundEmail.objects.filter(submission__cycle=cycle, kind=OutboundEmail.Kind.REMINDER).exists():
            return
        in_progress = list(
            Submission.objects.filter(cycle=cycle, status=SubmissionStatus.IN_PROGRESS).select_related(
                "agency", "cycle", "partnership"
            )
        )
        if in_progress:
            reminder_send_now(cycle=cycle, submissions=in_progress, actor=Actor.for_user(reviewer))

    def _question_set(self, partnership: Partnership, key: str) -> QuestionSet:
        existing = (
            QuestionSet.objects.filter(partnership=partnership, template_key=key).order_by("-version").first()
        )
        return existing or question_set_load_template(partnership=partnership, key=key, publish=True)

    def _cycle(self, partnership, spec: demo.CycleSpec, question_set, *, actor, window=None) -> AuditCycle:
        existing = AuditCycle.objects.filter(partnership=partnership, slug=spec.slug).first()
        if existing:
            return existing
        opens_at, closes_at = window or cycle_window(spec, timezone.now())
        return cycle_create(
            partnership=partnership,
            title=spec.title,
            slug=spec.slug,
            question_set=question_set,
            opens_at=opens_at,
            closes_at=closes_at,
            incomplete_policy=spec.incomplete_policy,
            actor=actor,
        )

    def _agency(
        self, partnership, partnership_spec: demo.PartnershipSpec, spec: demo.AgencySpec, localities, *, actor
    ) -> Agency:
        is_statutory = partnership_spec.is_statutory(spec)
        existing = Agency.objects.filter(partnership=partnership, name__iexact=spec.name).first()
        if existing is None:
            return agency_create(
                partnership=partnership,
                name=spec.name,
                sector=spec.sector,
                is_statutory=is_statutory,
                localities=[localities[name] for name in spec.localities],
                contacts=spec.contacts,
                actor=actor,
            )
        if existing.is_statutory != is_statutory:
            # A demo seeded before the partnership's own statutory list was followed.
            existing = agency_update(
                agency=existing,
                name=existing.name,
                sector=existing.sector,
                is_statutory=is_statutory,
                localities=existing.localities.all(),
                is_active=existing.is_active,
                actor=actor,
            )
        return existing

    # --- the earlier cycle ----------------------------------------------------

    def _earlier_cycle(self, partnership, spec: demo.CycleSpec, question_set, agencies, *, actor) -> None:
        """The cycle before this one, made and answered at its own dates: most
        agencies submitted a complete return (their ratings differ from this
        cycle's, so the comparison shows movement), and it has closed."""
        if AuditCycle.objects.filter(partnership=partnership, slug=spec.slug).exists():
            return
        import time_machine  # a development dependency: only this step of the demo needs it

        opens_at, closes_at = cycle_window(spec, timezone.now())
        with time_machine.travel(opens_at - timedelta(days=14), tick=False):
            cycle = self._cycle(partnership, spec, question_set, actor=actor, window=(opens_at, closes_at))
        themes = theme_list_with_questions(question_set=cycle.question_set)
        open_days = (closes_at - opens_at).days
        for agency_spec, agency in agencies:
            rng = random.Random(f"{partnership.slug}/{agency_spec.name}/{spec.slug}")
            if rng.random() >= demo.EARLIER_CYCLE_TOOK_PART:
                continue
            worked_on = opens_at + timedelta(days=rng.randint(1, open_days - 1), hours=2)
            contributors = [Actor(name=name, email=email) for name, email in agency_spec.contacts]
            with time_machine.travel(worked_on, tick=False):
                submission = submission_get_or_create(cycle=cycle, agency=agency)
                for theme in themes:
                    self._save_theme(submission, theme, agency_spec, rng, rng.choice(contributors))
                self._submit(submission, agency_spec, contributors)

    # --- returns --------------------------------------------------------------

    def _work_on_return(self, submission: Submission, spec: demo.AgencySpec, themes, *, reviewer) -> None:
        # Seeded per agency, so each agency's answers are the same on every
        # fresh database whatever order the agencies are made in.
        rng = random.Random(f"{submission.partnership.slug}/{spec.name}")
        contributors = [Actor(name=name, email=email) for name, email in spec.contacts]
        stage = spec.stage
        if stage == demo.Stage.IN_PROGRESS:
            count = rng.randint(1, len(themes) - 1)
        elif stage == demo.Stage.SUBMITTED_INCOMPLETE:
            count = len(themes) // 2
        else:
            count = len(themes)
        for index, theme in enumerate(themes[:count]):
            # An in-progress return often has its last theme half done.
            half_done = stage == demo.Stage.IN_PROGRESS and index == count - 1 and rng.random() < 0.5
            self._save_theme(submission, theme, spec, rng, rng.choice(contributors), half_done=half_done)
        if stage != demo.Stage.IN_PROGRESS:
            submission = self._submit(submission, spec, contributors)
        if stage == demo.Stage.RETURNED:
            self._return_for_changes(submission, reviewer=reviewer)
        if stage == demo.Stage.EVALUATED:
            self._evaluate(submission, themes, rng, reviewer=reviewer)

    def _submit(self, submission: Submission, spec: demo.AgencySpec, contributors) -> Submission:
        submission = Submission.objects.get(pk=submission.pk)
        signed_off_name, signed_off_role = spec.signed_off_by
        return submission_submit(
            submission=submission,
            submitted_by=contributors[0],
            signed_off_by_name=signed_off_name or contributors[0].name,
            signed_off_by_role=signed_off_role or "Designated Safeguarding Lead",
            expected_version=submission.version,
        )

    def _evaluate(self, submission: Submission, themes, rng, *, reviewer) -> None:
        """The partnership's evaluation, confirmed (and emailed) to the agency:
        each theme moderated, mostly agreeing with the agency's own rating but
        one a step lower, with the reason."""
        actor = Actor.for_user(reviewer)
        self_ratings = dict(submission.theme_responses.values_list("theme_id", "rag"))
        lowered = rng.choice([t for t in themes if self_ratings.get(t.pk) in ("green", "amber")])
        for theme in themes:
            rag, comment = self_ratings[theme.pk], "Agreed: the evidence supports the agency's rating."
            if theme.pk == lowered.pk:
                rag = "amber" if rag == "green" else "red"
                comment = (
                    f"Moderated down: the evidence for {theme.title.lower()} does not yet show the "
                    "arrangements working in practice. Add an action to the plan."
                )
            theme_moderation_save(submission=submission, theme=theme, rag=rag, comment=comment, actor=actor)
        outcome, message = demo.EVALUATIONS[submission.agency.name]
        review_outcome_save(submission=submission, outcome=outcome, message=message, actor=actor)
        review_evaluation_confirm(submission=submission, actor=actor)

    def _save_theme(self, submission, theme, spec, rng, actor, *, half_done=False) -> None:
        questions = list(theme.questions.all())
        if half_done:
            questions = questions[: max(1, len(questions) // 2)]
        rag = rng.choices(["green", "amber", "red"], weights=[55, 32, 13])[0]
        answers = {q.pk: "yes" for q in questions}
        if rag != "green":
            for question in rng.sample(questions, k=1 if rag == "amber" else max(1, len(questions) // 2)):
                answers[question.pk] = "no"
        comments = {
            "green": demo.COMMENTS_GREEN,
            "amber": demo.COMMENTS_AMBER,
            "red": demo.COMMENTS_RED,
        }[rag]
        text = rng.choice(comments).format(theme=theme.title.lower(), agency=spec.name)
        may_be_na = [q for q in questions if q.allows_na and answers[q.pk] == "yes"]
        if may_be_na and rng.random() < 0.3:
            answers[rng.choice(may_be_na).pk] = "na"
            text = f"{text}\n\n{rng.choice(demo.NA_REASONS)}"
        domain = spec.contacts[0][1].rsplit("@", 1)[1]
        links = []
        if rag == "green" and rng.random() < 0.4:
            links = [(f"https://intranet.{domain}/safeguarding/{theme.key}", f"{theme.title}: our policy")]
        theme_response_save(
            submission=submission,
            theme=theme,
            answers=answers,
            rag="" if half_done else rag,
            comments=text,
            expected_version=0,
            actor=actor,
            new_links=links,
        )
        if rag != "green" and not half_done:
            self._action_item(submission, theme, rng, actor)

    def _action_item(self, submission, theme, rng, actor) -> None:
        topic = theme.title.lower()
        action_item_add(
            submission=submission,
            theme=theme,
            data=ActionItemData(
                action=rng.choice(DEMO_ACTIONS).format(theme=topic),
                lead_person=rng.choice(DEMO_LEADS),
                target_date=timezone.localdate() + timedelta(days=rng.choice([45, 90, 120, 180])),
                success_criteria=f"Our next internal audit of {topic} finds no gaps",
                expected_outcome="Children are safer because staff act consistently",
                impact_measure="Quarterly file audit of ten cases",
            ),
            actor=actor,
        )

    def _return_for_changes(self, submission: Submission, *, reviewer) -> None:
        submission_return(submission=submission, reason=demo.RETURN_REASON, actor=Actor.for_user(reviewer))

    # --- staff ----------------------------------------------------------------

    def _staff(self, partnership, staff: tuple[demo.StaffSpec, ...]):
        """Each demo member of staff is invited and accepts, as a real one
        would (the invitation emails go to var/mail/)."""
        lines, admin = [], None
        User = get_user_model()
        for spec in staff:
            membership = (
                StaffMembership.objects.filter(partnership=partnership, user__email__iexact=spec.email)
                .select_related("user")
                .first()
            )
            if membership is None:
                invitation = staff_member_invite(
                    partnership=partnership,
                    email=spec.email,
                    full_name=spec.full_name,
                    role=spec.role,
                    actor=SYSTEM,
                )
                membership = staff_invitation_accept(
                    invitation=invitation, user=User.objects.get(email__iexact=spec.email)
                )
            password, secret = self._credentials(membership.user)
            lines.append(f"staff {partnership.slug} {spec.role} {spec.email} {password} {secret}")
            if spec.role == StaffRole.ADMIN:
                admin = membership.user
        return lines, admin

    def _platform_admin(self) -> str:
        spec = demo.PLATFORM_ADMIN
        User = get_user_model()
        user = User.objects.filter(email__iexact=spec.email).first() or User.objects.create_superuser(
            email=spec.email, full_name=spec.full_name
        )
        password, secret = self._credentials(user)
        return f"staff - {spec.role} {spec.email} {password} {secret}"

    def _credentials(self, user) -> tuple[str, str]:
        password = new_password()
        user.set_password(password)
        user.save(update_fields=["password"])
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is not None:
            secret = decrypt(authenticator.data["secret"])
        else:
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
        return password, secret
