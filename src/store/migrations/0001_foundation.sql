-- 0001 foundation: schema version, counters, the record log, org tree, users, roles, sessions,
-- login log. Portable SQL (SQLite 3.40, PostgreSQL 15, and PostgreSQL-compatible distributed
-- engines): BIGINT ids allocated by the application from counters, TEXT times in RFC 3339 UTC,
-- INTEGER 0/1 flags, no triggers, no dialect-specific types.

CREATE TABLE schema_version (
  version BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
);

-- Named counters: 'record_seq' (the record log head) and 'id' (object ids).
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('record_seq', 0);
INSERT INTO counters (name, value) VALUES ('id', 1000);

-- The record log (全过程记录): one row per event, gapless sequence from counters.record_seq.
-- target is "kind:id" (e.g. "unit:1001", "user:1002", "session:…").
CREATE TABLE record_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id BIGINT,
  unit_id BIGINT,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX record_log_target ON record_log (target, seq);
CREATE INDEX record_log_actor ON record_log (actor_id, seq);
CREATE INDEX record_log_kind ON record_log (kind, seq);
CREATE INDEX record_log_unit ON record_log (unit_id, seq);

CREATE TABLE units (
  id BIGINT PRIMARY KEY,
  parent_id BIGINT REFERENCES units (id),
  name TEXT NOT NULL,
  short_name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  code TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id, sort_order, id);

-- Closure of the org tree: every (ancestor, descendant) pair including (u, u) at depth 0.
CREATE TABLE unit_closure (
  ancestor_id BIGINT NOT NULL REFERENCES units (id),
  descendant_id BIGINT NOT NULL REFERENCES units (id),
  depth INTEGER NOT NULL,
  PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX unit_closure_descendant ON unit_closure (descendant_id, depth);

CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  phone TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NOT NULL DEFAULT '',
  totp_secret TEXT NOT NULL DEFAULT '',
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  created_by BIGINT,
  version BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  updated_seq BIGINT NOT NULL
);
CREATE INDEX users_unit ON users (unit_id, id);

CREATE TABLE role_assignments (
  id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units (id),
  scope TEXT NOT NULL,
  created_seq BIGINT NOT NULL
);
CREATE INDEX role_assignments_user ON role_assignments (user_id);

CREATE TABLE role_assignment_units (
  assignment_id BIGINT NOT NULL REFERENCES role_assignments (id),
  unit_id BIGINT NOT NULL REFERENCES units (id),
  PRIMARY KEY (assignment_id, unit_id)
);

-- Sessions: id is the SHA-256 (hex) of the cookie token; the token itself is never stored.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  revoked INTEGER NOT NULL DEFAULT 0,
  created_seq BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  user_id BIGINT,
  result TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  seq BIGINT NOT NULL
);
CREATE INDEX login_log_at ON login_log (at);
CREATE INDEX login_log_username ON login_log (username, id);
