-- 0005 record tree (issue 4, the verifiable record log). Portable SQL, both dialects.
--
-- record_meta: fixed properties of the log, written once when the log is created (first start
-- after this migration): 'hash' (sm3 | sha256), 'origin' (the checkpoint origin line),
-- 'signature' (sm2 | ed25519) and 'public_key' (PEM of the checkpoint key). zhifa refuses to
-- start when the configured hash differs from the stored one.
CREATE TABLE record_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The hashes of the perfect subtrees of the RFC 9162 Merkle tree over record_log:
-- (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level); level 0 is the leaf hash of
-- the entry with seq = idx + 1. Written in the transaction that appends the entry. hash is
-- lower-case hex (64 characters). The tree of entries written before this migration is built at
-- the first start (the hash is chosen by configuration, which SQL cannot see).
CREATE TABLE record_tree (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (level, idx)
);

-- Signed checkpoints (c2sp.org/tlog-checkpoint signed notes), one per tree size.
CREATE TABLE record_checkpoints (
  size BIGINT PRIMARY KEY,
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  at TEXT NOT NULL
);

-- Enforcement targets an entry concerns besides its own target (e.g. the enterprise and the
-- person of a case event): subject is "enterprise:<统一社会信用代码>" or "person:<keyed hash>".
-- An index for the per-target timeline; the entry bytes do not include it.
CREATE TABLE record_subjects (
  subject TEXT NOT NULL,
  seq BIGINT NOT NULL,
  PRIMARY KEY (subject, seq)
);
