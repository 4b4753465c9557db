-- 0009 record log storage, SQLite (issue 4 performance; the PostgreSQL file does the same).
-- The record-log format (entry bytes, tree, checkpoints) is unchanged; only where the tree's
-- hashes are kept changes (docs/record-log-format.md §6):
--
-- * record_log.leaf: the entry's leaf hash H(0x00 ‖ entry bytes), 32 bytes, written with the
--   entry (was: a level-0 row of record_tree as 64 hex characters).
-- * record_nodes (level, idx, hash): the perfect subtrees of level >= 4 only, hash as 32 bytes
--   (was: record_tree, every level, hex). Levels 1–3 are recomputed from at most 16 stored
--   leaves when a proof needs them (record::kStoredLevel in src/record/record_tree.h).
-- * record_log.seq becomes INTEGER PRIMARY KEY, i.e. SQLite's rowid: one B-tree fewer per entry
--   (a BIGINT PRIMARY KEY is a separate unique index beside the rowid).
--
-- Stored hashes are moved, never recomputed from the entries (that would hide damage from
-- `zhifa verify`); a malformed stored hash becomes a missing one, which verify reports.
-- unhex() is SQLite 3.41's; zhifa registers the same function on older libraries.
CREATE TABLE record_log_new (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id BIGINT,
  unit_id BIGINT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  leaf BLOB
);
INSERT INTO record_log_new (seq, at, actor_id, unit_id, kind, target, payload, leaf)
SELECT l.seq, l.at, l.actor_id, l.unit_id, l.kind, l.target, l.payload,
       (SELECT unhex(t.hash) FROM record_tree t WHERE t.level = 0 AND t.idx = l.seq - 1)
FROM record_log l ORDER BY l.seq;
DROP TABLE record_log;
ALTER TABLE record_log_new RENAME TO record_log;
CREATE INDEX record_log_target ON record_log (target, seq);
CREATE INDEX record_log_actor ON record_log (actor_id, seq);
CREATE INDEX record_log_kind ON record_log (kind, seq);
CREATE INDEX record_log_unit ON record_log (unit_id, seq);

CREATE TABLE record_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
INSERT INTO record_nodes (level, idx, hash)
SELECT level, idx, unhex(hash) FROM record_tree
WHERE level >= 4 AND length(hash) = 64 AND unhex(hash) IS NOT NULL;
DROP TABLE record_tree;
