-- 0007 officers: the register of enforcement officers (执法人员名册) with their credential
-- (执法证: number, issuing authority, validity period, enforcement domains), status and legal
-- professional qualification (法律职业资格, 行政处罚法 第58条第2款). Portable SQL as in 0001.
-- Dates are TEXT 'YYYY-MM-DD' (they compare as text).
--   user_id: the person's zhifa account, if any (at most one record per account; NULLs are
--            distinct for UNIQUE on both databases).
--   cert_no: normalised 执法证号 (officers_rules.h NormaliseCertNo), unique across the city.
--   domains: the catalogue's domain ids as ",a,b," so a domain filter is a LIKE '%,a,%'.
--   status: active | suspended | revoked | retired.
--   first_review_on: the day of the person's first legal review (法制审核), set by the cases area
--            through OfficerService::RecordReview; NULL = none yet.
CREATE TABLE officers (
  id BIGINT PRIMARY KEY,
  user_id BIGINT UNIQUE REFERENCES users (id),
  unit_id BIGINT NOT NULL REFERENCES units (id),
  name TEXT NOT NULL,
  cert_no TEXT NOT NULL UNIQUE,
  issuing_authority TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  domains TEXT NOT NULL,
  legal_qualification INTEGER NOT NULL DEFAULT 0,
  legal_cert_no TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active',
  first_review_on TEXT,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL
);
CREATE INDEX officers_unit ON officers (unit_id, id);
CREATE INDEX officers_valid_to ON officers (valid_to, id);
CREATE INDEX officers_name ON officers (name, id);
