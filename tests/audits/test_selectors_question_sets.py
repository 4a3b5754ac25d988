"""audits/selectors/question_sets.py: its tenancy tests live beside the
question-set selectors' own, in tests/themes/test_selectors.py
(test_cycle_rule_selectors_hold_only_their_partnership,
test_cycle_agency_question_sets_lists_only_its_agencies)."""

COVERED = {"cycle_question_set_rule_list", "cycle_question_set_rule_get", "cycle_agency_question_sets"}
