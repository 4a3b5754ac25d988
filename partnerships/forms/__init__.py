"""The forms of the partnerships app: agencies (agencies, contacts,
localities and the CSV import) and members (staff members)."""
