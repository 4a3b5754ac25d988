"""Files made from what the selectors returned, reads only: a cycle's CSV and
XLSX exports (cycle.py), action plans as PDF and XLSX (actions.py), and a
return and the reference sheets as PDF (pdf.py)."""
