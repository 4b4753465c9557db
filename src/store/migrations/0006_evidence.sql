-- 0006 evidence: metadata of evidence files (证据材料). The bytes live in the content-addressed
-- evidence store under the data directory (<data_dir>/evidence/xx/yy/<hash>); `hash` names the
-- file and is the same hash the record log's evidence.added entry commits to. One row per
-- upload: the same bytes uploaded twice give two rows and one file.
-- target_kind/target: what the file is about ('enterprise' + 统一社会信用代码, 'record' + a
-- record-log target such as 'unit:1001'; issue 5 adds case steps). stage: one of the six stages
-- of 行政处罚法 第47条 (initiation, investigation, review, decision, service, execution).
CREATE TABLE evidence (
  id BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  hash_alg TEXT NOT NULL,
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  stage TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  captured_at TEXT NOT NULL,
  device TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  created_seq BIGINT NOT NULL
);
CREATE INDEX evidence_target ON evidence (target_kind, target, id);
CREATE INDEX evidence_unit ON evidence (unit_id, id);
CREATE INDEX evidence_hash ON evidence (hash);
