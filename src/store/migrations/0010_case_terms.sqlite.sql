-- 0010 case search index (issue 5; src/cases/case_search.h): the character bigrams of each
-- case's title and party name, written with the case row (case_rows.h InsertCase), so a free-text
-- `q` of the case list reads the rows of its rarest bigram instead of scanning every case. The
-- PostgreSQL file is the same table; SQLite stores it WITHOUT ROWID (the primary key is the
-- table).
CREATE TABLE case_terms (
  term TEXT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  PRIMARY KEY (term, case_id)
) WITHOUT ROWID;
-- Cases already stored are indexed once at the next start (CaseService::IndexTerms).
INSERT INTO counters (name, value) SELECT 'case_terms_pending', 1 WHERE EXISTS (SELECT 1 FROM cases);
