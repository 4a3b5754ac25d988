"""The forms of the audits app, one module per part: journey (the agency's
return), actions (the action plan), cycles (setting up cycles), review (the
review workspace), dashboard and reports (the staff filter forms) and fields
(the GOV.UK date input shared by them)."""
