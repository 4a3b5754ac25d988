"""audits/selectors/question_sets.py: its tenancy tests live beside the
question-set selectors' own, in tests/themes/test_selectors.py
(test_cycle_rule_selectors_hold_only_their_partnership,
test_cycle_agency_question_sets_lists_only_its_agencies)."""

# question_set_list and question_set_usage: tenancy tests in tests/themes/test_selectors.py
# and tests/audits/test_selectors.py (they moved here from themes.selectors).
COVERED = {
    "cycle_question_set_rule_list",
    "cycle_question_set_rule_get",
    "cycle_agency_question_sets",
    "question_set_list",
    "question_set_usage",
    # Not a selector of rows: the condition "nobody has started this return",
    # used inside the partnership-scoped queries above (tested in
    # tests/audits/test_question_sets_rules_reapply.py).
    "submission_not_started",
}
