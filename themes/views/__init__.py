"""Staff pages for question sets: the builder (builder.py), files and the
built-in library (files.py), and which set each agency answers in a cycle
(cycles.py). URLs in themes/urls_staff.py."""
