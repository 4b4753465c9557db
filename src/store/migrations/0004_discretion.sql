-- 0004 discretion: the penalty lists (不予/减轻/从轻/从重处罚清单 and other configured kinds),
-- their published versions with effective dates, entries, and per-matter options of the
-- discretion engine. Portable SQL as 0001. Dates are TEXT 'YYYY-MM-DD'; a version is in force on
-- d when effective_from <= d and (effective_to IS NULL or d < effective_to).

-- List kinds: Jinan's four are seeded; a city-wide lists editor may add more (e.g. 免予行政强制清单).
-- effect: no_penalty | reduced | lighter | heavier | exempt_compulsion.
CREATE TABLE discretion_list_kinds (
  id TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  effect TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_seq BIGINT NOT NULL DEFAULT 0
);
INSERT INTO discretion_list_kinds (id, name_zh, name_en, effect, builtin, sort_order)
VALUES ('no_penalty', '不予处罚清单', 'No-penalty list', 'no_penalty', 1, 1);
INSERT INTO discretion_list_kinds (id, name_zh, name_en, effect, builtin, sort_order)
VALUES ('reduced', '减轻处罚清单', 'Reduced-penalty list', 'reduced', 1, 2);
INSERT INTO discretion_list_kinds (id, name_zh, name_en, effect, builtin, sort_order)
VALUES ('lighter', '从轻处罚清单', 'Lighter-penalty list', 'lighter', 1, 3);
INSERT INTO discretion_list_kinds (id, name_zh, name_en, effect, builtin, sort_order)
VALUES ('heavier', '从重处罚清单', 'Heavier-penalty list', 'heavier', 1, 4);

-- One list per (department, kind).
CREATE TABLE discretion_lists (
  id BIGINT PRIMARY KEY,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  kind_id TEXT NOT NULL REFERENCES discretion_list_kinds (id),
  title TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL,
  UNIQUE (unit_id, kind_id)
);

-- Versions: a draft (published_seq NULL) is edited entry by entry, then published with its
-- effective date; publishing closes the previous published version (effective_to).
CREATE TABLE discretion_list_versions (
  id BIGINT PRIMARY KEY,
  list_id BIGINT NOT NULL REFERENCES discretion_lists (id),
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  effective_from TEXT,
  effective_to TEXT,
  note TEXT NOT NULL DEFAULT '',
  created_seq BIGINT NOT NULL,
  published_seq BIGINT,
  UNIQUE (list_id, number)
);
CREATE INDEX discretion_list_versions_force ON discretion_list_versions (list_id, status, effective_from);

CREATE TABLE discretion_entries (
  id BIGINT PRIMARY KEY,
  version_id BIGINT NOT NULL REFERENCES discretion_list_versions (id),
  matter_code TEXT NOT NULL,
  condition_json TEXT NOT NULL,
  modality TEXT NOT NULL,
  law TEXT NOT NULL,
  article TEXT NOT NULL,
  wording TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  updated_seq BIGINT NOT NULL
);
CREATE INDEX discretion_entries_version ON discretion_entries (version_id, ordinal, id);
CREATE INDEX discretion_entries_matter ON discretion_entries (matter_code, version_id);

-- 行政处罚法 第33条第2款 "法律、行政法规另有规定的，从其规定": per matter.
CREATE TABLE discretion_matter_options (
  matter_code TEXT PRIMARY KEY,
  punish_without_fault INTEGER NOT NULL,
  fault_basis TEXT NOT NULL DEFAULT '',
  updated_seq BIGINT NOT NULL
);
