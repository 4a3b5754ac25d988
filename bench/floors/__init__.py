"""The floors the real pages are measured against (bench/run.py): a theme
page rendered the naive Django way (a form of ordinary ChoiceFields with
RadioSelect widgets, rendered by Django's widget templates) and "check your
answers" as a plain template loop over the answers, both built from the same
rows as the real pages, in the same base layout. Served only under the
bench's own settings (bench.floors.settings), never by the product."""
