"""Files made from a partnership's rows, reads only: everything it holds for
offboarding (offboarding.py) and one person's data for a subject-access
request (subject_access.py)."""
