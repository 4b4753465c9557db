-- 0012 a case's steps found through its record entries (issue 5, steps at 1 M; bench/README.md
-- "Cases (issue 5)"). Portable SQL, both dialects.
--
-- Every case_steps row is written in the command of its record-log entry, with that entry's
-- seq, and the entry's target is the step's case ('case:<id>'; src/cases/case_service.cc and
-- the demo generator). The case's steps are therefore read through record_log_target
-- (target, seq), which every entry writes anyway, and the steps table keeps an index on seq
-- instead of its own (case_id, id): seq only grows, so each step adds to the index's last page,
-- where (case_id, id) cost a random page of a B-tree as large as the table's row count.
CREATE INDEX case_steps_seq ON case_steps (seq);
DROP INDEX case_steps_case;
