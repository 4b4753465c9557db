-- 0002 calendar: yearly holiday arrangements loaded by an administrator (in addition to the
-- years shipped in the binary), the calendar version other nodes poll, and department/sector
-- overrides of the statutory time limits. Portable SQL as in 0001.

-- One row per loaded year: the file exactly as loaded (holiday-cn shape) and its SHA-256.
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  content TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  days INTEGER NOT NULL,
  loaded_by BIGINT,
  loaded_at TEXT NOT NULL,
  loaded_seq BIGINT NOT NULL
);

-- Bumped by every load: each node compares it with the version of its in-memory calendar.
INSERT INTO counters (name, value) VALUES ('calendar_version', 0);

-- A department's (or sector's) override of one rule of the time-limit table.
CREATE TABLE time_limit_overrides (
  id BIGINT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  kind TEXT NOT NULL,
  amount INTEGER NOT NULL DEFAULT 0,
  day_type TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  basis TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL,
  UNIQUE (rule_id, unit_id)
);
