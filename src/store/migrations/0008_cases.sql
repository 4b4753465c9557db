-- 0008 cases (案件, issue 5): the administrative penalty procedure. Portable SQL, both dialects.
--
-- cases: one row per case. The procedure's state (src/cases/case_rules.h CaseSnapshot) is the
-- JSON text in `snapshot`; the columns beside it are what the list filters and sorts on,
-- denormalised and kept in step by every command: state, unit, matter, domain, procedure,
-- party, the next due date of the agency's running timers (due_date / due_timer) and the legal
-- review status (the reviewers' queue). The list reads only this table (and unit_closure for
-- the data scope), newest first by id; each common filter has an index ending in id so a page is
-- an index range scan with no sort (keyset paging with ?after=<id>, or page/offset).
-- Parties: organisations by 统一社会信用代码 (party_code); persons by 身份证号, stored only
-- encrypted (party_id_cipher, core::FieldCipher) and masked (party_id_masked); party_subject is
-- the record-log subject ("enterprise:<code>" or "person:<keyed hash>") of the per-target
-- timeline. Dates are "YYYY-MM-DD" text; money is integer fen.
CREATE TABLE cases (
  id BIGINT PRIMARY KEY,
  case_no TEXT NOT NULL UNIQUE,
  procedure_kind TEXT NOT NULL,
  state TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  matter_code TEXT NOT NULL,
  matter_name TEXT NOT NULL,
  domain TEXT NOT NULL,
  source TEXT NOT NULL,
  source_ref TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  party_kind TEXT NOT NULL,
  party_name TEXT NOT NULL,
  party_code TEXT NOT NULL DEFAULT '',
  party_id_cipher TEXT NOT NULL DEFAULT '',
  party_id_masked TEXT NOT NULL DEFAULT '',
  party_subject TEXT NOT NULL,
  party_address TEXT NOT NULL DEFAULT '',
  party_representative TEXT NOT NULL DEFAULT '',
  act_date TEXT NOT NULL,
  discovered_date TEXT NOT NULL,
  filed_date TEXT,
  decided_date TEXT,
  outcome TEXT,
  fine BIGINT NOT NULL DEFAULT 0,
  due_date TEXT,
  due_timer TEXT,
  legal_review TEXT NOT NULL DEFAULT 'none',
  form_no TEXT,
  snapshot TEXT NOT NULL,
  facts TEXT NOT NULL DEFAULT '{}',
  discretion TEXT NOT NULL DEFAULT '{}',
  created_by BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL
);
CREATE INDEX cases_unit ON cases (unit_id, id);
CREATE INDEX cases_unit_state ON cases (unit_id, state, id);
CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_matter ON cases (matter_code, id);
CREATE INDEX cases_domain ON cases (domain, id);
CREATE INDEX cases_procedure ON cases (procedure_kind, id);
CREATE INDEX cases_due ON cases (due_date, id);
CREATE INDEX cases_unit_due ON cases (unit_id, due_date, id);
CREATE INDEX cases_review ON cases (legal_review, unit_id, id);
CREATE INDEX cases_party ON cases (party_subject, id);
CREATE INDEX cases_party_name ON cases (party_name, id);
CREATE INDEX cases_creator ON cases (created_by, id);
CREATE UNIQUE INDEX cases_form_no ON cases (form_no);

-- Officers of a case (officer-register ids): role 'handler' (承办) or 'recused' (回避, 第43条).
CREATE TABLE case_officers (
  case_id BIGINT NOT NULL REFERENCES cases (id),
  officer_id BIGINT NOT NULL REFERENCES officers (id),
  role TEXT NOT NULL,
  PRIMARY KEY (case_id, officer_id)
);
CREATE INDEX case_officers_officer ON case_officers (officer_id, case_id);

-- Every step taken (a command; its record-log entry is `seq`): kind (the step id), the date of
-- the act, the step's data as JSON.
CREATE TABLE case_steps (
  id BIGINT PRIMARY KEY,
  case_id BIGINT NOT NULL REFERENCES cases (id),
  kind TEXT NOT NULL,
  step_date TEXT NOT NULL,
  data TEXT NOT NULL,
  actor_id BIGINT REFERENCES users (id),
  created_at TEXT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE INDEX case_steps_case ON case_steps (case_id, id);

-- Evidence files (migration 0006, uploaded with target 'case:<id>') attached to a step.
CREATE TABLE case_step_evidence (
  step_id BIGINT NOT NULL REFERENCES case_steps (id),
  evidence_id BIGINT NOT NULL REFERENCES evidence (id),
  case_id BIGINT NOT NULL REFERENCES cases (id),
  PRIMARY KEY (step_id, evidence_id)
);
CREATE INDEX case_step_evidence_case ON case_step_evidence (case_id, step_id);

-- The publication obligation a decision creates (国办发〔2018〕118号: penalty decisions within 7
-- working days, others within 20): for the publicity portal and checklist item 28.
-- published_at is set when the decision is published.
CREATE TABLE case_publications (
  case_id BIGINT PRIMARY KEY REFERENCES cases (id),
  unit_id BIGINT NOT NULL REFERENCES units (id),
  kind TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  decision_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  published_at TEXT,
  created_seq BIGINT NOT NULL
);
CREATE INDEX case_publications_unit ON case_publications (unit_id, due_date);
CREATE INDEX case_publications_due ON case_publications (due_date, case_id);

-- Serial numbers per department and year: case numbers ('case') and the serially numbered
-- on-the-spot decision forms of the simplified procedure ('form', 第52条).
CREATE TABLE case_serials (
  unit_id BIGINT NOT NULL REFERENCES units (id),
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (unit_id, kind, year)
);
