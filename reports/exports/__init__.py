"""A report as files and pictures, from what reports.selectors returned:
its sections in order with their charts (document.py, shared by the page,
the PDF and the Word document), the charts as SVG (charts.py) and the Word
document (word.py). Reads only."""
