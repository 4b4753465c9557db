// PostgreSQL backend (libpq): a fixed pool of connections, each write its own READ COMMITTED
// transaction, each read a REPEATABLE READ READ ONLY snapshot, WriteAsync on a few worker
// threads. See database.h for the contract.
//
// Parameters are sent in text format without declared types, so the server infers each
// parameter's type from its context (as for any libpq client): write `CAST($1 AS BIGINT)` where
// the context does not say (e.g. a bare `SELECT $1` would be text). Statements that return rows
// or change data are prepared once per connection and cached by their SQL text.
//
// Unlike SQLite, a failed statement aborts the whole PostgreSQL transaction: a TxFn must return
// the error (or use ON CONFLICT …) rather than carry on. If it carries on anyway, the commit is
// refused with the first error.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/database.h"

namespace zhifa::store {
namespace {

using core::Err;
using core::ErrorCode;
using core::Status;

// Type OIDs from pg_type.dat (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// Most prepared statements kept per connection; later statements run unprepared.
constexpr size_t kMaxCachedStatements = 512;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Status Unavailable(const std::string& msg) {
  return Err(ErrorCode::kUnavailable, "数据库不可用: " + msg, "database unavailable: " + msg);
}

std::string TrimMessage(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Maps a failed result (or a failed call that returned no result) to an Error.
Status PgError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  // The server's own words: primary message, its SQLSTATE and detail (e.g. the duplicate key).
  std::string text = TrimMessage(res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
  if (text.empty()) text = TrimMessage(res ? PQresultErrorMessage(res) : nullptr);
  if (text.empty()) text = TrimMessage(PQerrorMessage(conn));
  if (!code.empty()) text += " [" + code + "]";
  if (const char* d = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr) {
    text += " " + TrimMessage(d);
  }
  std::string msg = std::string(what) + ": " + text;
  if (code.rfind("23", 0) == 0) {
    return Err(ErrorCode::kConflict, "数据约束冲突: " + msg, "constraint violation: " + msg);
  }
  // 08 connection exception, 40001 serialization failure, 40P01 deadlock, 53 insufficient
  // resources (e.g. too many connections), 57P0x server shutting down / starting up; no code
  // at all with a dead connection: the server went away.
  if (PQstatus(conn) == CONNECTION_BAD || code.rfind("08", 0) == 0 || code == "40001" ||
      code == "40P01" || code.rfind("53", 0) == 0 || code.rfind("57P0", 0) == 0) {
    return Unavailable(msg);
  }
  return Err(ErrorCode::kInternal, "数据库错误: " + msg, "database error: " + msg);
}

bool IsOkStatus(ExecStatusType s) {
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

// True for statements worth a cached server-side prepared statement.
bool Cacheable(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() &&
         (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '(')) {
    ++i;
  }
  auto starts = [&](const char* kw) {
    size_t n = std::strlen(kw);
    if (sql.size() - i < n) return false;
    for (size_t k = 0; k < n; ++k) {
      char c = sql[i + k];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != kw[k]) return false;
    }
    return true;
  };
  return starts("SELECT") || starts("INSERT") || starts("UPDATE") || starts("DELETE") ||
         starts("WITH") || starts("VALUES");
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A bytea in the server's text output: "\x" followed by hex digits (bytea_output = hex, the
// default since PostgreSQL 9.0; set per session by PgConn::SetSession).
void DecodeBytea(const char* text, int len, std::string& out) {
  out.clear();
  if (len < 2 || text[0] != '\\' || text[1] != 'x') return;
  out.reserve(static_cast<size_t>(len - 2) / 2);
  for (int i = 2; i + 1 < len; i += 2) {
    out.push_back(static_cast<char>(HexNibble(text[i]) << 4 | HexNibble(text[i + 1])));
  }
}

// A parameter for a bytea column in text format: "\x" followed by hex digits.
std::string EncodeBytea(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Value ConvertField(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return Null{};
  const char* text = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kBoolOid:
      return static_cast<int64_t>(len > 0 && text[0] == 't');
    case kNumericOid: {
      // An integral numeric (e.g. SUM over BIGINT) stays an integer when it fits, as on SQLite.
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text, text + len, v);
      if (ec == std::errc() && end == text + len) return v;
      return std::strtod(text, nullptr);
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kByteaOid: {
      Blob b;
      DecodeBytea(text, len, b.bytes);
      return b;
    }
    default:
      return std::string(text, static_cast<size_t>(len));
  }
}

// One pooled connection; the Conn handed to callbacks. Used by one thread at a time.
class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  PGconn* raw() { return conn_; }

  core::Result<QueryResult> Query(std::string_view sql, const Params& params) override {
    auto r = Run(sql, params);
    if (!r) return r.error();
    const PGresult* res = r->get();
    QueryResult out;
    int ncol = PQnfields(res);
    int nrow = PQntuples(res);
    out.columns.reserve(ncol);
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(res, c));
    out.rows.reserve(nrow);
    for (int i = 0; i < nrow; ++i) {
      std::vector<Value> vals;
      vals.reserve(ncol);
      for (int c = 0; c < ncol; ++c) vals.push_back(ConvertField(res, i, c));
      out.rows.emplace_back(std::move(vals));
    }
    return out;
  }

  Status QueryEach(std::string_view sql, const Params& params, const RowFn& fn) override {
    auto r = Run(sql, params);
    if (!r) return r.error();
    const PGresult* res = r->get();
    const int ncol = PQnfields(res);
    const int nrow = PQntuples(res);
    std::vector<ValueRef> refs(static_cast<size_t>(ncol));
    std::vector<std::string> blobs(static_cast<size_t>(ncol));  // decoded bytea, reused per row
    for (int i = 0; i < nrow; ++i) {
      for (int c = 0; c < ncol; ++c) {
        ValueRef& v = refs[static_cast<size_t>(c)];
        v = ValueRef{};
        if (PQgetisnull(res, i, c)) continue;
        const char* text = PQgetvalue(res, i, c);
        const int len = PQgetlength(res, i, c);
        switch (PQftype(res, c)) {
          case kByteaOid: {
            std::string& b = blobs[static_cast<size_t>(c)];
            DecodeBytea(text, len, b);
            v.kind = ValueRef::Kind::kBlob;
            v.bytes = b;
            break;
          }
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
          case kBoolOid:
          case kNumericOid:
          case kFloat4Oid:
          case kFloat8Oid: {
            Value val = ConvertField(res, i, c);
            if (const auto* p = std::get_if<int64_t>(&val)) {
              v.kind = ValueRef::Kind::kInt;
              v.i = *p;
            } else if (const auto* p = std::get_if<double>(&val)) {
              v.kind = ValueRef::Kind::kDouble;
              v.d = *p;
            }
            break;
          }
          default:
            v.kind = ValueRef::Kind::kText;
            v.bytes = std::string_view(text, static_cast<size_t>(len));
        }
      }
      ZHIFA_TRY(fn(RowRef(refs.data(), refs.size())));
    }
    return core::Ok();
  }

  core::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    auto r = Run(sql, params);
    if (!r) return r.error();
    const char* n = PQcmdTuples(r->get());
    int64_t count = 0;
    if (n && *n) std::from_chars(n, n + std::strlen(n), count);
    return count;
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    ResultPtr res(PQexec(conn_, text.c_str()));
    if (!res || !IsOkStatus(PQresultStatus(res.get()))) {
      return Remember(PgError(conn_, res.get(), "script"));
    }
    return core::Ok();
  }

  // Runs a parameterless command (BEGIN, COMMIT, …).
  Status Simple(const char* sql) {
    ResultPtr res(PQexec(conn_, sql));
    if (!res || !IsOkStatus(PQresultStatus(res.get()))) return PgError(conn_, res.get(), sql);
    return core::Ok();
  }

  bool Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  // Re-establishes the connection once; server-side prepared statements are gone after it.
  bool Reset() {
    PQreset(conn_);
    cache_.clear();
    return PQstatus(conn_) == CONNECTION_OK && SetSession();
  }

  // Session settings: bytea in hex, which the decoding relies on (DecodeBytea), whatever the
  // server's default; and no JIT compilation or parallel workers for this server's statements.
  // Each is a short indexed lookup where compiling (≈ 17 ms) or starting a worker (Gather) costs
  // more than the query: a case search at 1 M cases took 90–200 ms with them, 15–40 ms without
  // (bench/README.md, PostgreSQL at 1 M).
  Status SetSession() {
    return Simple(
        "SET bytea_output = 'hex'; SET jit = off; SET max_parallel_workers_per_gather = 0");
  }

  void StartTransaction() { first_error_.reset(); }
  // The first statement error of the current transaction, if any.
  const std::optional<core::Error>& first_error() const { return first_error_; }

 private:
  Status Remember(Status st) {
    if (!st && !first_error_) first_error_ = st.error();
    return st;
  }

  core::Result<ResultPtr> Run(std::string_view sql, const Params& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* p = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*p);
      } else if (const auto* p = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *p);
        texts[i] = buf;
      } else if (const auto* p = std::get_if<std::string>(&v)) {
        texts[i] = *p;
      } else if (const auto* p = std::get_if<Blob>(&v)) {
        texts[i] = EncodeBytea(p->bytes);
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    int n = static_cast<int>(params.size());
    const char* const* vals = values.empty() ? nullptr : values.data();

    ResultPtr res;
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      res.reset(PQexecPrepared(conn_, it->second.c_str(), n, vals, nullptr, nullptr, 0));
    } else if (cache_.size() < kMaxCachedStatements && Cacheable(sql)) {
      std::string name = "zs" + std::to_string(++statement_counter_);
      ResultPtr prep(PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr));
      if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
        return Remember(PgError(conn_, prep.get(), "prepare")).error();
      }
      cache_.emplace(key, name);
      res.reset(PQexecPrepared(conn_, name.c_str(), n, vals, nullptr, nullptr, 0));
    } else {
      res.reset(PQexecParams(conn_, key.c_str(), n, nullptr, vals, nullptr, nullptr, 0));
    }
    if (!res || !IsOkStatus(PQresultStatus(res.get()))) {
      return Remember(PgError(conn_, res.get(), "query")).error();
    }
    return res;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> cache_;  // SQL text → statement name
  uint64_t statement_counter_ = 0;
  std::optional<core::Error> first_error_;
};

core::Result<std::unique_ptr<PgConn>> Connect(const std::string& url) {
  // Ours first so the URL may override them; the encoding is forced last.
  const char* keys[] = {"application_name", "connect_timeout", "dbname", "client_encoding",
                        nullptr};
  const char* vals[] = {"zhifa", "10", url.c_str(), "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
  if (!raw) return Unavailable("out of memory").error();
  auto conn = std::make_unique<PgConn>(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    return Unavailable("connect: " + TrimMessage(PQerrorMessage(raw))).error();
  }
  // Server notices (e.g. "drop cascades to …") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (auto st = conn->SetSession(); !st) return st.error();
  return conn;
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, Options options) : url_(std::move(url)), options_(options) {}

  ~PostgresDatabase() override {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  Status Init() {
    int size = std::max(2, options_.read_pool_size);
    for (int i = 0; i < size; ++i) {
      auto c = Connect(url_);
      if (!c) return c.error();
      idle_.push_back(std::move(*c));
    }
    int nworkers = std::max(1, size / 2);
    for (int i = 0; i < nworkers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    return core::Ok();
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Read(const TxFn& fn) override {
    return RunTx("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", fn);
  }

  Status Write(TxFn fn) override { return RunTx("BEGIN", fn); }

  void WriteAsync(TxFn fn, std::function<void(Status)> done) override {
    {
      std::lock_guard lock(queue_mu_);
      queue_.push_back(Job{std::move(fn), std::move(done)});
    }
    queue_cv_.notify_one();
  }

  Status Admin(const TxFn& fn) override { return RunTx("BEGIN", fn); }

  Status Ping() override {
    auto conn = Acquire();
    if (!conn) return conn.error();
    Status st = (*conn)->Simple("SELECT 1");
    if (!st && (*conn)->Broken() && (*conn)->Reset()) st = (*conn)->Simple("SELECT 1");
    Release(std::move(*conn));
    return st;
  }

 private:
  struct Job {
    TxFn fn;
    std::function<void(Status)> done;
  };

  // Takes an idle connection, reconnecting it once if it is known to be broken.
  core::Result<std::unique_ptr<PgConn>> Acquire() {
    std::unique_ptr<PgConn> conn;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !idle_.empty(); });
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
    if (conn->Broken() && !conn->Reset()) {
      std::string msg = "reconnect: " + TrimMessage(PQerrorMessage(conn->raw()));
      Release(std::move(conn));
      return Unavailable(msg).error();
    }
    return conn;
  }

  void Release(std::unique_ptr<PgConn> conn) {
    {
      std::lock_guard lock(pool_mu_);
      idle_.push_back(std::move(conn));
    }
    pool_cv_.notify_one();
  }

  Status RunTx(const char* begin, const TxFn& fn) {
    auto acquired = Acquire();
    if (!acquired) return acquired.error();
    std::unique_ptr<PgConn> conn = std::move(*acquired);
    Status st = conn->Simple(begin);
    // A connection that died while idle (server restart) is noticed here: nothing has run yet,
    // so reconnecting once and beginning again is safe.
    if (!st && conn->Broken() && conn->Reset()) st = conn->Simple(begin);
    if (st) {
      conn->StartTransaction();
      st = fn(*conn);
      if (st && conn->first_error()) st = *conn->first_error();
      if (st) {
        st = conn->Simple("COMMIT");
      } else if (!conn->Broken()) {
        (void)conn->Simple("ROLLBACK");
      }
    }
    if (!conn->Broken() && PQtransactionStatus(conn->raw()) != PQTRANS_IDLE) {
      (void)conn->Simple("ROLLBACK");  // never hand back a connection inside a transaction
    }
    Release(std::move(conn));
    return st;
  }

  void WorkerLoop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(queue_mu_);
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, queue drained
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      Status st = RunTx("BEGIN", job.fn);
      if (job.done) job.done(std::move(st));
    }
  }

  std::string url_;
  Options options_;

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

core::Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                                     const Options& options) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (!parsed) {
    std::string msg = TrimMessage(err ? err : "out of memory");
    PQfreemem(err);
    return Err(ErrorCode::kInvalidArgument, "数据库地址无效: " + msg,
               "invalid database URL: " + msg, "ZHIFA_DB");
  }
  PQconninfoFree(parsed);
  auto db = std::make_unique<PostgresDatabase>(url, options);
  if (auto st = db->Init(); !st) return st.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace zhifa::store
