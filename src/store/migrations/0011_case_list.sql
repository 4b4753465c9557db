-- 0011 case list at a city-year (issue 5, bench/README.md "Cases (issue 5)"). Portable SQL, both
-- dialects.
--
-- The search index gains the characters (unigrams) of title and party name beside their bigrams
-- (src/cases/case_search.h), so a one-character `q` reads the rows of its term instead of
-- scanning every case; the unigrams of the cases already stored are added at the next start
-- (CaseService::IndexTerms).
INSERT INTO counters (name, value) SELECT 'case_unigrams_pending', 1 WHERE EXISTS (SELECT 1 FROM cases);
-- A team's cases in a state with their due date: the count of "unit + state + overdue / due
-- soon" (the reviewers' and team leaders' worklists) is read from the index alone, without a
-- row per case.
CREATE INDEX cases_unit_state_due ON cases (unit_id, state, due_date, id);
-- The columns the list filters on most, by case id: when the cases come from another index (an
-- officer's cases, the own scope, a search term) the due date, state and scope of each are
-- checked here instead of in the row (≈ 2 KB; at a million cases most rows are not cached).
CREATE INDEX cases_id_due ON cases (id, due_date, state, unit_id, created_by);
