"""Staff pages for question sets: the builder (builder.py), files and the
built-in library (files.py), and which set each agency answers in a cycle
(cycles.py). URLs in audits/urls_staff/question_sets.py. They sit with the
other staff views, above audits and themes, because the builder's preview and
a set's cycles read audits as well as themes."""
