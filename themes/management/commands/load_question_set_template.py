from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Partnership
from themes import library
from themes.services import question_set_load_template


class Command(BaseCommand):
    help = "Copy a built-in question-set template into a partnership as a new published version."

    def add_arguments(self, parser):
        parser.add_argument("partnership", nargs="?", help="the partnership's slug")
        parser.add_argument("template", nargs="?", help=f"one of: {', '.join(library.template_keys())}")
        parser.add_argument("--list", action="store_true", help="list the templates and stop")
        parser.add_argument("--draft", action="store_true", help="leave the new set as a draft")

    def handle(self, *args, **options):
        if options["list"] or not options["template"]:
            for key in library.template_keys():
                data = library.template_read(key)
                self.stdout.write(f"{key}\t{data['name']} ({len(data['themes'])} themes)")
            return
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug {options['partnership']!r}")
        try:
            question_set = question_set_load_template(
                partnership=partnership, key=options["template"], publish=not options["draft"]
            )
        except KeyError as exc:
            raise CommandError(str(exc)) from exc
        except library.QuestionSetFormatError as exc:
            raise CommandError(f"The template is not valid: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {question_set} into {partnership}"))
