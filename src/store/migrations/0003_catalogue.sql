-- 0003 catalogue: enforcement matters (执法事项), their versions by effective date, benchmark
-- tiers (裁量阶次) and the holdings of units over time. Dates are TEXT 'YYYY-MM-DD' (they compare
-- as text). Amounts are integer fen; multiples integer per-mille. Portable SQL as in 0001.

CREATE TABLE catalogue_matters (
  id BIGINT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  sample INTEGER NOT NULL DEFAULT 0,
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL
);

-- One row per version; a version is in force from effective_from until the day before the next
-- version's effective_from (effective_to, inclusive; NULL = open).
CREATE TABLE catalogue_versions (
  id BIGINT PRIMARY KEY,
  matter_id BIGINT NOT NULL REFERENCES catalogue_matters (id),
  effective_from TEXT NOT NULL,
  effective_to TEXT,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  domain TEXT NOT NULL,
  violated_provision TEXT NOT NULL DEFAULT '',
  penalty_provision TEXT NOT NULL DEFAULT '',
  range_text TEXT NOT NULL DEFAULT '',
  range_kinds TEXT NOT NULL DEFAULT '',
  fine_basis TEXT,
  fine_min BIGINT,
  fine_max BIGINT,
  fine_min_permille BIGINT,
  fine_max_permille BIGINT,
  fine_fallback_min BIGINT,
  fine_fallback_max BIGINT,
  major_review INTEGER NOT NULL DEFAULT 0,
  transfer_threshold TEXT NOT NULL DEFAULT '',
  created_seq BIGINT NOT NULL,
  UNIQUE (matter_id, effective_from)
);
CREATE INDEX catalogue_versions_from ON catalogue_versions (effective_from, matter_id);

CREATE TABLE catalogue_tiers (
  version_id BIGINT NOT NULL REFERENCES catalogue_versions (id),
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  band TEXT,
  conditions_text TEXT NOT NULL DEFAULT '',
  condition_json TEXT NOT NULL DEFAULT '',
  standard_text TEXT NOT NULL,
  kinds TEXT NOT NULL DEFAULT '',
  fine_basis TEXT,
  fine_min BIGINT,
  fine_max BIGINT,
  fine_min_permille BIGINT,
  fine_max_permille BIGINT,
  fine_fallback_min BIGINT,
  fine_fallback_max BIGINT,
  source TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (version_id, ordinal)
);

-- A unit holds a matter on every day d with start_date <= d < end_date (end exclusive, NULL =
-- open). A transfer sets the old end_date and the new start_date to the same day.
CREATE TABLE catalogue_holdings (
  id BIGINT PRIMARY KEY,
  matter_id BIGINT NOT NULL REFERENCES catalogue_matters (id),
  unit_id BIGINT NOT NULL REFERENCES units (id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  created_seq BIGINT NOT NULL,
  ended_seq BIGINT
);
CREATE INDEX catalogue_holdings_matter ON catalogue_holdings (matter_id, start_date);
CREATE INDEX catalogue_holdings_unit ON catalogue_holdings (unit_id, matter_id);
