// zhifa::store — the one storage interface, with SQLite and PostgreSQL behind it.
//
// SQL text uses PostgreSQL-style numbered placeholders ($1, $2, …) in both dialects and stays
// within what PostgreSQL-compatible distributed engines accept. Values are NULL, 64-bit
// integers, doubles, UTF-8 text or binary strings (Blob: a BLOB column on SQLite, BYTEA on
// PostgreSQL — BlobType() names it for CREATE TABLE); booleans are stored as integers 0/1.
//
// Reads run in a read-only transaction (one consistent snapshot). Writes run in a read-write
// transaction that is durable when Write() returns ok: on SQLite every write goes through one
// writer thread that commits batches (group commit, synchronous=FULL); on PostgreSQL each write
// is its own transaction on a pooled connection. Database is thread-safe; Conn is not (it is
// only valid inside the callback that received it).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace zhifa::store {

enum class Dialect { kSqlite, kPostgres };

const char* DialectName(Dialect d);

struct Null {
  bool operator==(const Null&) const = default;
};
// Binary data (any bytes, NUL included). Text columns hold UTF-8 text, blob columns Blob.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};
using Value = std::variant<Null, int64_t, double, std::string, Blob>;
using Params = std::vector<Value>;

// The column type of binary data in CREATE TABLE: "BLOB" (SQLite) or "BYTEA" (PostgreSQL).
const char* BlobType(Dialect d);

// One result row. Accessors assert the column exists; Int/Text convert where sensible.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<Null>(values_.at(i)); }
  int64_t Int(size_t i) const;       // NULL → 0; text parsed as integer
  double Double(size_t i) const;     // NULL → 0
  std::string Text(size_t i) const;  // NULL → ""; numbers formatted; a blob's bytes
  // The bytes of a blob or text column (NULL → empty); a view into the row.
  std::string_view Bytes(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// One column of a row being streamed by Conn::QueryEach: borrows its bytes from the driver.
struct ValueRef {
  enum class Kind : uint8_t { kNull, kInt, kDouble, kText, kBlob };
  Kind kind = Kind::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view bytes;  // text or blob
};

// A row seen by a QueryEach callback; valid only during the callback (no copies are made).
class RowRef {
 public:
  RowRef(const ValueRef* values, size_t n) : values_(values), n_(n) {}
  size_t size() const { return n_; }
  bool IsNull(size_t i) const { return at(i).kind == ValueRef::Kind::kNull; }
  int64_t Int(size_t i) const;  // NULL → 0; text parsed as integer
  std::optional<int64_t> OptInt(size_t i) const;
  std::string_view Text(size_t i) const;  // text or blob bytes; NULL and numbers → ""
  std::string_view Bytes(size_t i) const { return Text(i); }
  const ValueRef& at(size_t i) const;

 private:
  const ValueRef* values_;
  size_t n_;
};
using RowFn = std::function<core::Status(const RowRef&)>;

// A connection inside one transaction. Not thread-safe; valid only inside the callback.
class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement that returns rows. Errors: kInternal with the database's message
  // (constraint violations: kConflict).
  virtual core::Result<QueryResult> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a statement that returns rows and calls fn for each row in order, without building a
  // QueryResult (for long scans: `zhifa verify`). Stops at fn's first error and returns it. The
  // default implementation goes through Query.
  virtual core::Status QueryEach(std::string_view sql, const Params& params, const RowFn& fn);
  // Runs a statement; returns the number of rows changed.
  virtual core::Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (migrations).
  virtual core::Status ExecScript(std::string_view sql) = 0;
  // Adds n to the row `name` of the counters table and returns its new value, in this
  // transaction. The default runs UPDATE … RETURNING; SQLite's writer reads a counter once per
  // group commit, adds in memory and writes it back once before the commit (sqlite_database.cc).
  // Every addition to a counter goes through here: an UPDATE beside it would not be seen by the
  // writer's batch, nor survive its write-back. Errors: kInternal when the row is missing.
  virtual core::Result<int64_t> AddToCounter(std::string_view name, int64_t n);
};

using TxFn = std::function<core::Status(Conn&)>;

struct Options {
  int read_pool_size = 4;  // SQLite read connections / PostgreSQL pool size
  int max_batch = 512;     // SQLite group commit: most writes in one transaction
  bool durable = true;     // synchronous=FULL (SQLite); false only in tests/benchmarks
  // SQLite read connections map up to this many bytes of the database file (PRAGMA mmap_size;
  // the library caps it, at 2 GB − 64 KiB in Debian's build); 0 reads with pread() only. Off by
  // default: a reader whose next transaction sees a new commit unmaps the whole file and faults
  // its pages in again, which under write load costs more than the pread() it saves (step
  // transitions 2.2k → 2.8k/s without it, bench/README.md).
  int64_t sqlite_mmap_bytes = 0;
  // Page cache of the SQLite writer connection (PRAGMA cache_size). Inserts into big indexes
  // touch one page per key range; a cache smaller than that working set re-reads and spills
  // pages on every transaction. Readers keep SQLite's default: a commit they see empties their
  // cache anyway.
  int64_t sqlite_writer_cache_mb = 32;
  // WAL pages that make a background connection checkpoint the WAL into the database file
  // (SQLite's own auto-checkpoint runs inside the writer's commit, every 1000 pages); the writer
  // checkpoints itself at 8× the window. Hot pages — the record log's tail and tree, counters, the
  // right edge of every append-ordered index — are in every commit; a pass per 4000 pages (16 MB)
  // copies each once (step transitions 3.8k → 4.0–4.5k/s against 1000 pages, bench/README.md).
  // This is the smallest window: a big database gets a wider one (SqliteCheckpointWindow). 0
  // leaves checkpoints to SQLite's auto-checkpoint on the writer thread.
  int64_t sqlite_checkpoint_pages = 4000;
  // The writer hands each commit's WAL frames to the kernel in one write instead of two per
  // frame (sqlite_wal_vfs.h; only when durable). false: SQLite's own writes.
  bool sqlite_gather_wal_writes = true;
  // The nice value of the SQLite writer thread (setpriority(2) on the thread; 0 leaves it at the
  // process's). The one writer runs every command of every request thread; at the same priority
  // the request threads its commits wake preempt it, and under step load it waited for the CPU
  // about half of each group commit's cycle (bench/README.md "Cases", 2026-11-28 07:47–09:30). A
  // value below the process's needs CAP_SYS_NICE (root, or systemd
  // AmbientCapabilities=CAP_SYS_NICE); without it the writer keeps the process's priority and a
  // warning is logged.
  int sqlite_writer_nice = -10;
};

// The WAL pages between two background checkpoint passes on a SQLite database file of
// `database_pages` pages: 1/100 of the file, at least `min_pages`
// (Options::sqlite_checkpoint_pages) and at most 8 × min_pages — 4,000 pages up to a 1.6 GB file,
// 32,000 (128 MB) from 12.8 GB. Each pass writes the pages it copies at random places in the file;
// in a big file few of a window's pages coincide, and at 1 M cases (12.4 GB) the passes' writes
// beside the WAL's fdatasync cost the writer a quarter of its step rate. A wider window copies a
// page changed twice once. In a small file it only makes each reader's WAL lookups longer (one
// WAL-index segment per 4,096 frames), hence the fraction. Measured at two sizes only — 4,000
// pages at 611 MB, ≈ 32,000 at 12.7 GB — so 1/100 and the 8× cap are the line through those two
// points, not a measured optimum between them. bench/README.md "Cases", 2026-11-28 10:17–11:58 UTC.
int64_t SqliteCheckpointWindow(int64_t database_pages, int64_t min_pages);

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Runs fn in a read-only snapshot. Returns fn's status, or kUnavailable if the database is down.
  virtual core::Status Read(const TxFn& fn) = 0;
  // Runs fn in a read-write transaction; returns ok once it is durably committed. If fn fails,
  // nothing it did is kept and its error is returned. fn may run more than once (SQLite group
  // commit re-runs a batch when one of its jobs fails), so it must have no effect outside the
  // transaction. After a statement error, return it (PostgreSQL aborts the transaction); use
  // ON CONFLICT rather than catch-and-continue.
  virtual core::Status Write(TxFn fn) = 0;
  // As Write, but returns at once; done(status) runs on a storage thread after the commit.
  virtual void WriteAsync(TxFn fn, std::function<void(core::Status)> done) = 0;
  // Runs fn in a transaction outside the writer (migrations, bulk set-up). Not for commands.
  virtual core::Status Admin(const TxFn& fn) = 0;
  // A cheap round trip to the database.
  virtual core::Status Ping() = 0;
};

// Opens "sqlite:PATH" or a "postgresql://…" / "postgres://…" URL.
// Errors: kInvalidArgument for an unknown scheme (field "ZHIFA_DB"); kUnavailable when the
// database cannot be opened.
core::Result<std::unique_ptr<Database>> Open(const std::string& url, const Options& options = {});

core::Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const Options& options);
core::Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                                     const Options& options);

// Appends " AND <lhs> $n" to `where` and binds `value`, when `value` is not empty
// (optional list filters). `lhs` is trusted SQL such as "l.at >=".
void AndIf(std::string& where, Params& params, const std::string& value, std::string_view lhs);

// Appends " AND (<col> LIKE $n ESCAPE '\' OR …)" for `columns` and binds "%text%" with `text`'s
// % _ \ escaped, so the columns match when they contain `text` literally (list searches).
// Nothing when `text` is empty. `columns` is trusted SQL.
void AndContains(std::string& where, Params& params, std::string_view text,
                 std::initializer_list<std::string_view> columns);

// Appends " LIMIT $n OFFSET $m" for a 1-based page.
void AddPage(std::string& sql, Params& params, int page, int page_size);

// Builds "$1, $2, …" placeholder lists for IN (…) from `first`; appends values to params.
std::string Placeholders(Params& params, const std::vector<int64_t>& values);

// A multi-row INSERT (bulk writes: record::CommandTx::EmitMany, the case generator): runs
// `head` + "($1, $2, …), (…), …" + `tail` over `values`, which holds `cols` values per row, row
// after row (values.size() a multiple of cols). Rows go in statements of kInsertRowsMax rows
// while that many remain (at most kInsertRowsParams parameters each), the rest in statements of
// power-of-two sizes — so a bulk load prepares at most a dozen distinct statement texts per table
// (both drivers cache prepared statements by text). One round trip per statement.
inline constexpr size_t kInsertRowsMax = 1024;
inline constexpr size_t kInsertRowsParams = 16384;
core::Status InsertRows(Conn& c, std::string_view head, size_t cols, Params values,
                        std::string_view tail = {});

}  // namespace zhifa::store
