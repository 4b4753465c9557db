// zhifa::record::CommandBus — the one path by which state changes (the command → record spine).
//
// A command is a function that, inside one database transaction, reads what it needs, checks
// pure domain rules, writes the current-state tables through CommandTx::conn() and appends one or
// more events with CommandTx::Emit(). The bus commits only if the command succeeded AND emitted
// at least one event; a command that changes state without an event is rolled back with
// kInternal ("no record entry"). Event sequence numbers come from the counters row
// 'record_seq' updated inside the same transaction, so the log has no gaps and no duplicates on
// SQLite (one writer) and on PostgreSQL (row lock, any number of nodes).
// Thread-safety: CommandBus is thread-safe; CommandTx is used by one command only.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "record/record_tree.h"
#include "store/database.h"

namespace zhifa::record {

// Who runs a command. user_id is empty for the system itself (first start, demo).
struct Actor {
  std::optional<int64_t> user_id;
  std::optional<int64_t> unit_id;
  std::string ip;
};

struct Event {
  std::string kind;                // e.g. "unit.created", "auth.login_failed"
  std::string target;              // "unit:1001", "user:1002", "session:ab12…"
  nlohmann::json payload;          // what changed; keys sorted in the stored text
  std::optional<int64_t> unit_id;  // unit the event belongs to (data scope of the log)
  // Enforcement targets the event concerns besides `target` ("enterprise:<统一社会信用代码>",
  // "person:<keyed hash>", see record_service.h), indexed for the per-target timeline.
  std::vector<std::string> subjects;
};

class CommandTx {
 public:
  CommandTx(store::Conn& conn, const Actor& actor, int64_t now_micros, RecordTree* tree = nullptr)
      : conn_(conn), actor_(actor), now_(now_micros), tree_(tree) {}
  store::Conn& conn() { return conn_; }
  const Actor& actor() const { return actor_; }
  int64_t now() const { return now_; }
  // Appends an event to the record log with its leaf hash (record_log.leaf) and the Merkle
  // tree's completed subtrees (record_nodes), in the same transaction; returns its sequence
  // number.
  core::Result<int64_t> Emit(Event event);
  // Appends `events` in order exactly as Emit one by one would (the same seqs, entry rows,
  // leaves, record_nodes rows and record_subjects rows), in a constant number of statements:
  // one counters update for all of them, one frontier check, multi-row INSERTs (bulk writers such
  // as `zhifa demo --cases`, where each Emit's round trips bound PostgreSQL). Returns the seq of
  // the first event (the others follow without gaps); 0 and nothing written when `events` is
  // empty.
  core::Result<int64_t> EmitMany(std::vector<Event> events);
  // Allocates a new object id (from counters 'id').
  core::Result<int64_t> NewId();
  // Allocates `n` ≥ 1 consecutive object ids in one counters update, the ids n calls of NewId
  // would return; returns the first.
  core::Result<int64_t> NewIds(int64_t n);
  // Declares that the command found nothing to change: the bus rolls the transaction back and
  // reports success without an entry (nothing written can survive).
  void NoChange() { no_change_ = true; }
  bool no_change() const { return no_change_; }
  int emitted() const { return emitted_; }
  int64_t last_seq() const { return last_seq_; }

 private:
  store::Conn& conn_;
  const Actor& actor_;
  int64_t now_;
  RecordTree* tree_;
  int emitted_ = 0;
  int64_t last_seq_ = 0;
  bool no_change_ = false;
};

using CommandFn = std::function<core::Status(CommandTx&)>;

class CommandBus {
 public:
  explicit CommandBus(store::Database& db) : db_(db) {}
  // Runs the command and waits for the durable commit. Returns the command's error, or
  // kInternal when it emitted no event.
  core::Status Run(const Actor& actor, CommandFn fn);
  // As Run, returning at once; done(status) is called after the commit on a storage thread.
  void RunAsync(Actor actor, CommandFn fn, std::function<void(core::Status)> done);
  store::Database& db() { return db_; }
  // The Merkle tree every Emit appends to (Open it at start to fix the hash).
  RecordTree& tree() { return tree_; }

 private:
  store::TxFn Wrap(std::shared_ptr<Actor> actor, CommandFn fn);
  static core::Status Unwrap(core::Status st);
  store::Database& db_;
  RecordTree tree_;
};

// Reads one page of the record log, newest first (the operation log).
struct LogEntry {
  int64_t seq;
  std::string at;
  std::optional<int64_t> actor_id;
  std::optional<int64_t> unit_id;
  std::string kind;
  std::string target;
  std::string payload;
};

}  // namespace zhifa::record
