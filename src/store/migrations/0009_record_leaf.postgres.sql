-- 0009 record log storage, PostgreSQL (see 0009_record_leaf.sqlite.sql for the why; record_log.seq
-- is already a plain BIGINT primary key here). The record-log format is unchanged.
ALTER TABLE record_log ADD COLUMN leaf BYTEA;
UPDATE record_log SET leaf = decode(t.hash, 'hex')
FROM record_tree t
WHERE t.level = 0 AND t.idx = record_log.seq - 1 AND t.hash ~ '^[0-9a-fA-F]{64}$';

CREATE TABLE record_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);
INSERT INTO record_nodes (level, idx, hash)
SELECT level, idx, decode(hash, 'hex') FROM record_tree
WHERE level >= 4 AND hash ~ '^[0-9a-fA-F]{64}$';
DROP TABLE record_tree;
