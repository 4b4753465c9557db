// SQLite backend: WAL, foreign keys, synchronous=FULL, one writer thread with group commit and a
// pool of read-only connections. See database.h for the contract.
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/database.h"
#include "store/sqlite_wal_vfs.h"

namespace zhifa::store {
namespace {

using core::Err;
using core::ErrorCode;
using core::Status;

// Rewrites $N placeholders to ?N, leaving string literals and quoted names alone.
std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

core::Error DbError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) {
    return Err(ErrorCode::kConflict, "数据约束冲突: " + msg, "constraint violation: " + msg);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_IOERR || primary == SQLITE_FULL) {
    return Err(ErrorCode::kUnavailable, "数据库不可用: " + msg, "database unavailable: " + msg);
  }
  return Err(ErrorCode::kInternal, "数据库错误: " + msg, "database error: " + msg);
}

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    for (auto& [k, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  sqlite3* raw() { return db_; }
  Dialect dialect() const override { return Dialect::kSqlite; }

  core::Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    QueryResult out;
    auto st = Prepare(sql);
    if (!st) return st.error();
    sqlite3_stmt* s = *st;
    if (auto b = Bind(s, params); !b) return b.error();
    int ncol = sqlite3_column_count(s);
    out.columns.reserve(ncol);
    for (int i = 0; i < ncol; ++i) out.columns.emplace_back(sqlite3_column_name(s, i));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::vector<Value> vals;
      vals.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(s, i)) {
          case SQLITE_INTEGER:
            vals.emplace_back(static_cast<int64_t>(sqlite3_column_int64(s, i)));
            break;
          case SQLITE_FLOAT:
            vals.emplace_back(sqlite3_column_double(s, i));
            break;
          case SQLITE_NULL:
            vals.emplace_back(Null{});
            break;
          case SQLITE_BLOB: {
            const auto* b = static_cast<const char*>(sqlite3_column_blob(s, i));
            vals.emplace_back(Blob{std::string(b ? b : "", sqlite3_column_bytes(s, i))});
            break;
          }
          default:
            vals.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, i)),
                                          sqlite3_column_bytes(s, i)));
        }
      }
      out.rows.emplace_back(std::move(vals));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return DbError(db_, rc, "query");
    return out;
  }

  Status QueryEach(std::string_view sql, const Params& params, const RowFn& fn) override {
    auto st = Prepare(sql);
    if (!st) return st.error();
    sqlite3_stmt* s = *st;
    // A callback that runs the same SQL again (nested) gets its own statement.
    sqlite3_stmt* own = nullptr;
    if (sqlite3_stmt_busy(s)) {
      std::string text = RewritePlaceholders(sql);
      int rc = sqlite3_prepare_v2(db_, text.c_str(), static_cast<int>(text.size()), &own, nullptr);
      if (rc != SQLITE_OK) return DbError(db_, rc, "prepare");
      s = own;
    }
    struct Done {
      sqlite3_stmt* s;
      sqlite3_stmt* own;
      ~Done() {
        sqlite3_reset(s);
        sqlite3_finalize(own);
      }
    } done{s, own};
    if (auto b = Bind(s, params); !b) return b.error();
    const int ncol = sqlite3_column_count(s);
    std::vector<ValueRef> refs(static_cast<size_t>(ncol));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int i = 0; i < ncol; ++i) {
        ValueRef& v = refs[static_cast<size_t>(i)];
        switch (sqlite3_column_type(s, i)) {
          case SQLITE_INTEGER:
            v.kind = ValueRef::Kind::kInt;
            v.i = sqlite3_column_int64(s, i);
            break;
          case SQLITE_FLOAT:
            v.kind = ValueRef::Kind::kDouble;
            v.d = sqlite3_column_double(s, i);
            break;
          case SQLITE_NULL:
            v.kind = ValueRef::Kind::kNull;
            v.bytes = {};
            break;
          case SQLITE_BLOB: {
            v.kind = ValueRef::Kind::kBlob;
            const auto* b = static_cast<const char*>(sqlite3_column_blob(s, i));
            v.bytes = std::string_view(b ? b : "", sqlite3_column_bytes(s, i));
            break;
          }
          default: {
            v.kind = ValueRef::Kind::kText;
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
            v.bytes = std::string_view(t ? t : "", sqlite3_column_bytes(s, i));
          }
        }
      }
      ZHIFA_TRY(fn(RowRef(refs.data(), refs.size())));
    }
    if (rc != SQLITE_DONE) return DbError(db_, rc, "query");
    return core::Ok();
  }

  core::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    auto st = Prepare(sql);
    if (!st) return st.error();
    sqlite3_stmt* s = *st;
    if (auto b = Bind(s, params); !b) return b.error();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return DbError(db_, rc, "exec");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return Err(ErrorCode::kInternal, "数据库脚本错误: " + msg, "database script error: " + msg);
    }
    return core::Ok();
  }

  Status Simple(const char* sql) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return DbError(db_, rc, sql);
    return core::Ok();
  }

  // The writer's counters during a group commit (RunBatch): each is read once, inside the batch's
  // write transaction, then added to in memory — two statements fewer per command that emits a
  // record entry and takes an id — and written back once by FlushCounters before the COMMIT.
  // The batch's savepoints and rollbacks restore them with the database (CountersSnapshot /
  // RestoreCounters). Outside a batch (and on PostgreSQL) every addition is its own UPDATE.
  struct Counter {
    std::string name;
    int64_t stored;  // the value in the table
    int64_t value;   // the value after this batch's additions so far
  };
  core::Result<int64_t> AddToCounter(std::string_view name, int64_t n) override {
    if (!in_batch_) return Conn::AddToCounter(name, n);
    for (auto& c : counters_) {
      if (c.name == name) return c.value += n;
    }
    std::optional<int64_t> stored;
    ZHIFA_TRY(QueryEach("SELECT value FROM counters WHERE name = $1", {std::string(name)},
                        [&](const RowRef& row) -> Status {
                          stored = row.Int(0);
                          return core::Ok();
                        }));
    if (!stored) return Conn::AddToCounter(name, n);  // the missing row's error
    counters_.push_back(Counter{std::string(name), *stored, *stored + n});
    return *stored + n;
  }
  void BeginCounters() {
    counters_.clear();
    in_batch_ = true;
  }
  std::vector<Counter> CountersSnapshot() const { return counters_; }
  void RestoreCounters(std::vector<Counter> snapshot) { counters_ = std::move(snapshot); }
  // Writes the counters the batch changed (before its COMMIT).
  Status FlushCounters() {
    for (auto& c : counters_) {
      if (c.value == c.stored) continue;
      auto r = Exec("UPDATE counters SET value = $1 WHERE name = $2", {c.value, c.name});
      if (!r) return r.error();
      c.stored = c.value;
    }
    return core::Ok();
  }
  void EndCounters() {
    counters_.clear();
    in_batch_ = false;
  }

 private:
  core::Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    std::string text = RewritePlaceholders(sql);
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                                SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return DbError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), st);
    return st;
  }

  Status Bind(sqlite3_stmt* s, const Params& params) {
    sqlite3_clear_bindings(s);
    int n = sqlite3_bind_parameter_count(s);
    for (int i = 1; i <= n; ++i) {
      if (static_cast<size_t>(i) > params.size()) {
        return Err(ErrorCode::kInternal, "SQL 参数缺失", "missing SQL parameter");
      }
      const Value& v = params[i - 1];
      int rc = SQLITE_OK;
      if (const auto* p = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(s, i, *p);
      } else if (const auto* p = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(s, i, *p);
      } else if (const auto* p = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text(s, i, p->data(), static_cast<int>(p->size()), SQLITE_STATIC);
      } else if (const auto* p = std::get_if<Blob>(&v)) {
        // A zero-length blob is still a blob, not NULL (sqlite3_bind_blob(…, nullptr, 0) is NULL).
        rc = sqlite3_bind_blob(s, i, p->bytes.empty() ? "" : p->bytes.data(),
                               static_cast<int>(p->bytes.size()), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(s, i);
      }
      if (rc != SQLITE_OK) return DbError(db_, rc, "bind");
    }
    return core::Ok();
  }

  sqlite3* db_;
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Prepared statements by SQL text; looked up without copying the text.
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
  bool in_batch_ = false;          // the writer inside RunBatch
  std::vector<Counter> counters_;  // the batch's counters, in first-use order
};

// unhex(X) as in SQLite 3.41+ (which Debian 12's 3.40 lacks): the blob of the hex digits X, NULL
// when X is NULL or not an even number of hex digits. Migrations use it to turn hex text into
// blobs; registered only where the library has no unhex of its own.
void UnhexFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* text = sqlite3_value_text(argv[0]);
  const int n = sqlite3_value_bytes(argv[0]);
  auto nibble = [](unsigned char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (n % 2 != 0) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string out(static_cast<size_t>(n / 2), '\0');
  for (int i = 0; i < n / 2; ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      sqlite3_result_null(ctx);
      return;
    }
    out[static_cast<size_t>(i)] = static_cast<char>(hi << 4 | lo);
  }
  sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// `vfs`: nullptr for SQLite's default, or WalBufferVfs() (sqlite_wal_vfs.h).
core::Result<std::unique_ptr<SqliteConn>> OpenConn(const std::string& path, bool writer,
                                                   bool durable, int64_t mmap_bytes,
                                                   const char* vfs = nullptr) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    core::Error e = DbError(db, rc, "open " + path);
    sqlite3_close_v2(db);
    return e;
  }
  auto conn = std::make_unique<SqliteConn>(db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  if (writer) {
    ZHIFA_TRY(conn->Simple("PRAGMA journal_mode=WAL"));
    if (sqlite3_libversion_number() < 3041000) {
      sqlite3_create_function_v2(db, "unhex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                 UnhexFunction, nullptr, nullptr, nullptr);
    }
  }
  ZHIFA_TRY(conn->Simple(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF"));
  ZHIFA_TRY(conn->Simple("PRAGMA foreign_keys=ON"));
  if (!writer) {
    ZHIFA_TRY(conn->Simple("PRAGMA query_only=ON"));
    // Readers may map the database file (Options::sqlite_mmap_bytes): a page read is then a
    // memory access instead of a pread() system call, but every commit makes the next read
    // transaction unmap and fault in again.
    const std::string mmap = "PRAGMA mmap_size=" + std::to_string(std::max<int64_t>(0, mmap_bytes));
    ZHIFA_TRY(conn->Simple(mmap.c_str()));
  }
  return conn;
}

}  // namespace

int64_t SqliteCheckpointWindow(int64_t database_pages, int64_t min_pages) {
  return std::clamp(database_pages / 100, min_pages, 8 * min_pages);
}

namespace {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, Options options) : path_(std::move(path)), options_(options) {}

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();
    {
      std::lock_guard lock(ckpt_mu_);
      ckpt_stopping_ = true;
    }
    ckpt_cv_.notify_all();
    if (ckpt_thread_.joinable()) ckpt_thread_.join();
  }

  Status Init() {
    // The writer's commits reach the WAL in one write each (sqlite_wal_vfs.h) when each commit
    // is synced: only then does a sync write the gathered frames out before others read them.
    auto w =
        OpenConn(path_, true, options_.durable, 0,
                 options_.durable && options_.sqlite_gather_wal_writes ? WalBufferVfs() : nullptr);
    if (!w) return w.error();
    writer_ = std::move(*w);
    const std::string cache =
        "PRAGMA cache_size=-" +
        std::to_string(std::max<int64_t>(1, options_.sqlite_writer_cache_mb) * 1024);
    ZHIFA_TRY(writer_->Simple(cache.c_str()));
    if (options_.sqlite_checkpoint_pages > 0) {
      // WAL checkpoints off the writer thread: a connection of their own copies the WAL's pages
      // into the database file while the writer goes on committing (PASSIVE: neither waits for
      // the other). SQLite's own auto-checkpoint would run inside the writer's COMMIT and hold up
      // every command queued behind it (≈ 1/3 of the writer's time under step load,
      // bench/README.md). The writer checkpoints itself only when the WAL has grown to 8× the
      // threshold: the background pass cannot finish while frames keep arriving, and only a
      // checkpoint that reaches the WAL's end lets the next commit start the WAL file over.
      auto ck = OpenConn(path_, true, options_.durable, 0);
      if (!ck) return ck.error();
      checkpointer_ = std::move(*ck);
      auto ps = writer_->Query("PRAGMA page_size", {});
      if (!ps) return ps.error();
      page_size_ = ps->rows.empty() ? 0 : ps->rows[0].Int(0);
      ckpt_window_ = options_.sqlite_checkpoint_pages;
      UpdateCheckpointWindow();
      sqlite3_wal_hook(writer_->raw(), &SqliteDatabase::WalHook, this);
      ckpt_thread_ = std::thread([this] { CheckpointLoop(); });
    }
    for (int i = 0; i < std::max(1, options_.read_pool_size); ++i) {
      auto r = OpenConn(path_, false, options_.durable, options_.sqlite_mmap_bytes);
      if (!r) return r.error();
      readers_.push_back(std::move(*r));
    }
    writer_thread_ = std::thread([this] { WriterLoop(); });
    return core::Ok();
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Read(const TxFn& fn) override {
    std::unique_ptr<SqliteConn> conn;
    {
      std::unique_lock lock(read_mu_);
      read_cv_.wait(lock, [&] { return !readers_.empty(); });
      conn = std::move(readers_.back());
      readers_.pop_back();
    }
    // BEGIN/COMMIT go through the statement cache (parsed once per connection).
    auto begin = conn->Exec("BEGIN", {});
    Status st = begin ? core::Ok() : Status(begin.error());
    if (st) {
      st = fn(*conn);
      auto end = conn->Exec(st ? "COMMIT" : "ROLLBACK", {});
      if (st && !end) st = end.error();
    }
    {
      std::lock_guard lock(read_mu_);
      readers_.push_back(std::move(conn));
    }
    read_cv_.notify_one();
    return st;
  }

  Status Write(TxFn fn) override {
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    Status result;
    WriteAsync(std::move(fn), [&](Status st) {
      std::lock_guard lock(m);
      result = std::move(st);
      finished = true;
      cv.notify_one();
    });
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return finished; });
    return result;
  }

  void WriteAsync(TxFn fn, std::function<void(Status)> done) override {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(Job{std::move(fn), std::move(done), false});
    }
    cv_.notify_one();
  }

  Status Admin(const TxFn& fn) override {
    std::mutex m;
    std::condition_variable cv;
    bool finished = false;
    Status result;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(Job{fn,
                           [&](Status st) {
                             std::lock_guard l(m);
                             result = std::move(st);
                             finished = true;
                             cv.notify_one();
                           },
                           true});
    }
    cv_.notify_one();
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return finished; });
    return result;
  }

  Status Ping() override {
    return Read([](Conn& c) -> Status {
      auto r = c.Query("SELECT 1");
      if (!r) return r.error();
      return core::Ok();
    });
  }

 private:
  struct Job {
    TxFn fn;
    std::function<void(Status)> done;
    bool solo;
  };

  void WriterLoop() {
    if (options_.sqlite_writer_nice != 0) {
      // Linux: a thread's nice value is its own (PRIO_PROCESS with the thread id).
      const auto tid = static_cast<id_t>(gettid());
      static std::once_flag warned;  // once per process, not per database
      if (setpriority(PRIO_PROCESS, tid, options_.sqlite_writer_nice) != 0) {
        const int err = errno;
        std::call_once(warned, [&] {
          spdlog::warn(
              "SQLite writer thread: nice {} not set ({}); it runs at the process's priority "
              "(database.sqlite_writer_nice; lowering it needs CAP_SYS_NICE)",
              options_.sqlite_writer_nice, std::strerror(err));
        });
      }
    }
    std::vector<Job> batch;
    std::vector<Status> results;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        batch.clear();
        if (queue_.front().solo) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        } else {
          while (!queue_.empty() && !queue_.front().solo &&
                 batch.size() < static_cast<size_t>(options_.max_batch)) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
          }
        }
      }
      RunBatch(batch, results);
      for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
    }
  }

  // The WAL length, in multiples of Options::sqlite_checkpoint_pages, at which the writer
  // checkpoints itself (see Init).
  static constexpr int64_t kWriterCheckpointFactor = 8;

  // Called by SQLite on the writer thread after each commit with the WAL's length in frames.
  // A background pass is asked for when `threshold` frames have arrived since the last pass's
  // end, so that each pass copies many frames for its two fsyncs (a pass per commit would put a
  // database fsync beside every commit's WAL fsync).
  static int WalHook(void* self, sqlite3* db, const char* name, int frames) {
    auto* d = static_cast<SqliteDatabase*>(self);
    const int64_t threshold = d->ckpt_window_.load(std::memory_order_relaxed);
    if (frames >= kWriterCheckpointFactor * threshold) {
      // The background pass has copied most frames already; this one copies the rest.
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      return SQLITE_OK;
    }
    bool wake = false;
    {
      std::lock_guard lock(d->ckpt_mu_);
      if (frames < d->ckpt_copied_) d->ckpt_copied_ = 0;  // the WAL started over
      if (!d->ckpt_due_ && frames - d->ckpt_copied_ >= threshold) wake = d->ckpt_due_ = true;
    }
    if (wake) d->ckpt_cv_.notify_one();
    return SQLITE_OK;
  }

  void CheckpointLoop() {
    for (;;) {
      {
        std::unique_lock lock(ckpt_mu_);
        ckpt_cv_.wait(lock, [&] { return ckpt_stopping_ || ckpt_due_; });
        if (ckpt_stopping_) return;
      }
      // A busy database (a writer's own checkpoint, `zhifa verify`'s lock) is not an error here:
      // the next commit past the threshold asks again.
      int log = 0, copied = 0;
      int rc = sqlite3_wal_checkpoint_v2(checkpointer_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                         &log, &copied);
      UpdateCheckpointWindow();
      std::lock_guard lock(ckpt_mu_);
      ckpt_due_ = false;
      if (rc == SQLITE_OK && copied > 0) ckpt_copied_ = copied;
    }
  }

  // The window for the file's size now (it only grows between passes by what they copy).
  void UpdateCheckpointWindow() {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path_, ec);
    if (ec || page_size_ <= 0) return;
    ckpt_window_.store(SqliteCheckpointWindow(static_cast<int64_t>(bytes) / page_size_,
                                              options_.sqlite_checkpoint_pages),
                       std::memory_order_relaxed);
  }

  // Runs a batch in one transaction with one durable commit. Optimistic pass first: every job
  // straight in the transaction (savepoints cost ~2× here). If a job fails, the transaction is
  // rolled back and the batch re-run with a savepoint around each job, so a failing job leaves
  // its neighbours intact. Jobs may therefore run twice; they touch nothing but the database.
  void RunBatch(std::vector<Job>& batch, std::vector<Status>& results) {
    results.assign(batch.size(), core::Ok());
    Status begin = writer_->Simple("BEGIN IMMEDIATE");
    if (!begin) {
      for (auto& r : results) r = begin;
      return;
    }
    writer_->BeginCounters();
    bool all_ok = true;
    for (size_t i = 0; i < batch.size() && all_ok; ++i) {
      results[i] = batch[i].fn(*writer_);
      all_ok = results[i].ok();
    }
    if (!all_ok) {
      (void)writer_->Simple("ROLLBACK");
      writer_->EndCounters();
      if (batch.size() == 1) return;
      results.assign(batch.size(), core::Ok());
      begin = writer_->Simple("BEGIN IMMEDIATE");
      if (!begin) {
        for (auto& r : results) r = begin;
        return;
      }
      writer_->BeginCounters();
      for (size_t i = 0; i < batch.size(); ++i) {
        Status sp = writer_->Simple("SAVEPOINT job");
        if (!sp) {
          results[i] = sp;
          continue;
        }
        auto counters = writer_->CountersSnapshot();
        results[i] = batch[i].fn(*writer_);
        if (!results[i]) {
          (void)writer_->Simple("ROLLBACK TO job");
          writer_->RestoreCounters(std::move(counters));
        }
        (void)writer_->Simple("RELEASE job");
      }
    }
    Status commit = writer_->FlushCounters();
    if (commit) commit = writer_->Simple("COMMIT");
    if (!commit) {
      (void)writer_->Simple("ROLLBACK");
      for (auto& r : results) {
        if (r) r = commit;
      }
    }
    writer_->EndCounters();
  }

  std::string path_;
  Options options_;
  std::unique_ptr<SqliteConn> writer_;
  std::thread writer_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;

  std::unique_ptr<SqliteConn> checkpointer_;
  std::thread ckpt_thread_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_due_ = false;    // a pass is asked for or running
  int64_t ckpt_copied_ = 0;  // WAL frames the last pass had copied (0 after a restart)
  int64_t page_size_ = 0;
  std::atomic<int64_t> ckpt_window_{0};  // SqliteCheckpointWindow of the file's size
  bool ckpt_stopping_ = false;

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<std::unique_ptr<SqliteConn>> readers_;
};

}  // namespace

core::Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                                   const Options& options) {
  // SQLite's memory statistics put every allocation behind one global mutex, which the read
  // path contended on (bench/README.md). Must precede sqlite3_initialize; later calls are no-ops.
  static const int kConfigured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize();
  }();
  (void)kConfigured;
  auto db = std::make_unique<SqliteDatabase>(path, options);
  if (auto st = db->Init(); !st) return st.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace zhifa::store
