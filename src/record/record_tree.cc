#include "record/record_tree.h"

#include <map>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/time.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

namespace {
constexpr const char* kDefaultOrigin = "zhifa/record";
}

core::Result<std::optional<LogMeta>> ReadLogMeta(store::Conn& conn) {
  auto r = conn.Query("SELECT name, value FROM record_meta WHERE name IN ('hash', 'origin')");
  if (!r) return r.error();
  std::optional<std::string> hash, origin;
  for (const auto& row : r->rows) {
    if (row.Text(0) == "hash") hash = row.Text(1);
    if (row.Text(0) == "origin") origin = row.Text(1);
  }
  if (!hash) return std::optional<LogMeta>();
  auto alg = ParseHashAlgorithm(*hash);
  if (!alg) {
    return Err(ErrorCode::kInternal, "record_meta 中的哈希算法无效: " + *hash,
               "record_meta holds an invalid hash: " + *hash, "record_meta");
  }
  return std::optional<LogMeta>(LogMeta{*alg, origin.value_or(kDefaultOrigin)});
}

core::Result<Hash> DbHashStore::SubtreeHash(int level, uint64_t index) const {
  auto r = conn_.Query("SELECT hash FROM record_tree WHERE level = $1 AND idx = $2",
                       {int64_t{level}, static_cast<int64_t>(index)});
  if (!r) return r.error();
  std::string where = "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
  if (r->rows.empty()) {
    return Err(ErrorCode::kInternal, "record_tree 缺少节点 " + where,
               "record_tree has no row " + where, "record_tree");
  }
  auto h = HashFromHex(r->rows[0].Text(0));
  if (!h) {
    return Err(ErrorCode::kInternal, "record_tree 节点 " + where + " 的哈希格式错误",
               "record_tree row " + where + " holds a malformed hash", "record_tree");
  }
  return *h;
}

namespace {

using Key = std::pair<int, uint64_t>;

// Answers from a map; records what it lacks (and answers a zero hash for it).
class RecordingStore final : public HashStore {
 public:
  RecordingStore(uint64_t size, const std::map<Key, Hash>& known, const std::map<Key, Hash>* cached)
      : size_(size), known_(known), cached_(cached) {}
  uint64_t size() const override { return size_; }
  core::Result<Hash> SubtreeHash(int level, uint64_t index) const override {
    auto it = known_.find({level, index});
    if (it != known_.end()) return it->second;
    if (cached_ && level >= kCachedLevel) {
      auto c = cached_->find({level, index});
      if (c != cached_->end()) return c->second;
    }
    missing_.insert({level, index});
    return Hash{};
  }
  const std::set<Key>& missing() const { return missing_; }

 private:
  uint64_t size_;
  const std::map<Key, Hash>& known_;
  const std::map<Key, Hash>* cached_;
  mutable std::set<Key> missing_;
};

}  // namespace

core::Result<std::vector<Hash>> BatchedLookup(
    store::Conn& conn, uint64_t size,
    const std::function<core::Result<std::vector<Hash>>(const HashStore&)>& fn,
    SubtreeCache* cache) {
  std::map<Key, Hash> known;
  // The cache only grows and its rows never change: holding its lock for the two passes is
  // short (no database access inside).
  std::optional<std::shared_lock<std::shared_mutex>> lock;
  if (cache) lock.emplace(cache->mu);
  RecordingStore first(size, known, cache ? &cache->rows : nullptr);
  auto r = fn(first);
  if (!r || first.missing().empty()) return r;
  lock.reset();
  // One primary-key probe per row, the same prepared statement each time (measured faster on
  // SQLite than one UNION ALL statement, whose text varies and must be planned each time).
  std::vector<std::pair<Key, Hash>> fetched;
  DbHashStore db(conn, size);
  for (const auto& k : first.missing()) {
    auto h = db.SubtreeHash(k.first, k.second);
    if (!h) return h.error();
    known[k] = *h;
    fetched.emplace_back(k, *h);
  }
  if (cache) lock.emplace(cache->mu);
  RecordingStore second(size, known, cache ? &cache->rows : nullptr);
  r = fn(second);
  lock.reset();
  if (!r) return r;
  if (!second.missing().empty()) {
    const auto& [level, idx] = *second.missing().begin();
    std::string where = "(" + std::to_string(level) + ", " + std::to_string(idx) + ")";
    return Err(ErrorCode::kInternal, "record_tree 缺少节点 " + where,
               "record_tree has no row " + where, "record_tree");
  }
  if (cache) {
    std::unique_lock lock(cache->mu);
    for (const auto& [k, v] : fetched) {
      if (k.first >= kCachedLevel) cache->rows.emplace(k, v);
    }
  }
  return r;
}

core::Result<uint64_t> StoredTreeSize(store::Conn& conn) {
  // The leaves are 0..n-1 without gaps (written with their entries), so the highest index + 1
  // is the size; MAX over the primary key is one index probe where COUNT(*) scans.
  auto r = conn.Query("SELECT MAX(idx) FROM record_tree WHERE level = 0");
  if (!r) return r.error();
  if (r->rows.empty() || r->rows[0].IsNull(0)) return uint64_t{0};
  return static_cast<uint64_t>(r->rows[0].Int(0) + 1);
}

core::Result<uint64_t> LogHead(store::Conn& conn) {
  auto r = conn.Query("SELECT value FROM counters WHERE name = 'record_seq'");
  if (!r) return r.error();
  if (r->rows.empty()) {
    return Err(ErrorCode::kInternal, "记录日志计数器缺失", "record log counter missing");
  }
  return static_cast<uint64_t>(r->rows[0].Int(0));
}

core::Result<EntryFields> FieldsFromRow(const TreeHasher& hasher, int64_t seq,
                                        const std::string& at, std::optional<int64_t> actor,
                                        std::optional<int64_t> unit, const std::string& kind,
                                        const std::string& target, const std::string& payload) {
  auto micros = core::ParseRfc3339(at, "at");
  if (!micros) {
    return Err(ErrorCode::kInvalidArgument,
               "记录 " + std::to_string(seq) + " 的时间无法解析: " + at,
               "entry " + std::to_string(seq) + ": time cannot be parsed: " + at, "at");
  }
  return MakeEntryFields(hasher, static_cast<uint64_t>(seq), *micros, actor, unit, kind, target,
                         payload);
}

HashAlgorithm RecordTree::hash() const {
  std::lock_guard lock(mu_);
  return meta_ ? meta_->hash : HashAlgorithm::kSm3;
}

core::Status RecordTree::EnsureMeta(store::Conn& conn) {
  if (meta_) return core::Ok();
  auto m = ReadLogMeta(conn);
  if (!m) return m.error();
  if (!*m) {
    // A log used without Open (unit tests, tools): created with the defaults.
    auto ins = conn.Exec(
        "INSERT INTO record_meta (name, value) VALUES ('hash', 'sm3'), ('origin', $1) "
        "ON CONFLICT (name) DO NOTHING",
        {std::string(kDefaultOrigin)});
    if (!ins) return ins.error();
    m = ReadLogMeta(conn);
    if (!m) return m.error();
    if (!*m) return Err(ErrorCode::kInternal, "无法创建 record_meta", "cannot create record_meta");
  }
  meta_ = **m;
  hasher_.emplace(meta_->hash);
  return core::Ok();
}

core::Status RecordTree::SyncFrontier(store::Conn& conn, uint64_t size) {
  if (frontier_ && frontier_->size() == size) {
    if (size == 0) return core::Ok();
    // The cached frontier's last leaf must be the stored one (another writer may have appended
    // a different entry under a seq this cache used in a transaction that was rolled back).
    DbHashStore store(conn, size);
    auto stored = store.SubtreeHash(0, size - 1);
    if (stored && *stored == last_leaf_) return core::Ok();
  }
  DbHashStore store(conn, size);
  auto f = CompactRange::FromStore(meta_->hash, store, size);
  if (!f) return f.error();
  frontier_ = std::move(*f);
  if (size > 0) {
    auto leaf = store.SubtreeHash(0, size - 1);
    if (!leaf) return leaf.error();
    last_leaf_ = *leaf;
  }
  return core::Ok();
}

core::Status RecordTree::AppendLocked(store::Conn& conn, const EntryFields& fields,
                                      std::string_view payload) {
  ZHIFA_TRY(EnsureMeta(conn));
  ZHIFA_TRY(SyncFrontier(conn, fields.seq - 1));
  EntryFields f = fields;
  f.payload_hash = hasher_->Digest(payload);
  auto bytes = EncodeEntry(f);
  if (!bytes) return bytes.error();
  Hash leaf = hasher_->LeafHash(*bytes);
  std::vector<CompactRange::Node> nodes;
  // Append to a copy: the cache changes only when the rows are written.
  CompactRange next = *frontier_;
  next.Append(leaf, [&](const CompactRange::Node& n) { nodes.push_back(n); });
  std::string sql = "INSERT INTO record_tree (level, idx, hash) VALUES ";
  store::Params params;
  params.reserve(nodes.size() * 3);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) sql += ", ";
    sql += "($" + std::to_string(3 * i + 1) + ", $" + std::to_string(3 * i + 2) + ", $" +
           std::to_string(3 * i + 3) + ")";
    params.emplace_back(int64_t{nodes[i].level});
    params.emplace_back(static_cast<int64_t>(nodes[i].index));
    params.emplace_back(HashHex(nodes[i].hash));
  }
  auto ins = conn.Exec(sql, params);
  if (!ins) {
    frontier_.reset();
    return ins.error();
  }
  frontier_ = std::move(next);
  last_leaf_ = leaf;
  return core::Ok();
}

core::Status RecordTree::Append(store::Conn& conn, const EntryFields& fields,
                                std::string_view payload) {
  std::lock_guard lock(mu_);
  return AppendLocked(conn, fields, payload);
}

core::Result<uint64_t> RecordTree::Open(store::Database& db, HashAlgorithm hash,
                                        const std::string& origin, uint64_t batch) {
  bool created = false;
  ZHIFA_TRY(db.Admin([&](store::Conn& c) -> core::Status {
    auto m = ReadLogMeta(c);
    if (!m) return m.error();
    if (!*m) {
      created = true;
      auto ins = c.Exec(
          "INSERT INTO record_meta (name, value) VALUES ('hash', $1), ('origin', $2) "
          "ON CONFLICT (name) DO NOTHING",
          {std::string(HashAlgorithmName(hash)), origin});
      if (!ins) return ins.error();
      m = ReadLogMeta(c);
      if (!m) return m.error();
    }
    if ((*m)->hash != hash) {
      std::string stored = HashAlgorithmName((*m)->hash);
      std::string wanted = HashAlgorithmName(hash);
      return Err(ErrorCode::kInvalidArgument,
                 "配置的记录日志哈希算法 " + wanted + " 与日志创建时固定的 " + stored +
                     " 不同；日志的哈希算法不可更改",
                 "the configured record log hash " + wanted + " differs from " + stored +
                     ", fixed when the log was created; it cannot be changed",
                 "record.hash");
    }
    std::lock_guard lock(mu_);
    meta_ = **m;
    hasher_.emplace(meta_->hash);
    frontier_.reset();
    return core::Ok();
  }));
  // Entries without tree rows (written before migration 0005): build them in batches, only when
  // the log is created now. Later, rows missing behind entries are damage for `zhifa verify`
  // to report, not something to paper over from possibly altered entries.
  uint64_t added = 0;
  while (created) {
    bool done = false;
    ZHIFA_TRY(db.Write([&](store::Conn& c) -> core::Status {
      auto stored = StoredTreeSize(c);
      if (!stored) return stored.error();
      auto rows = c.Query(
          "SELECT seq, at, actor_id, unit_id, kind, target, payload FROM record_log "
          "WHERE seq > $1 ORDER BY seq LIMIT $2",
          {static_cast<int64_t>(*stored), static_cast<int64_t>(batch)});
      if (!rows) return rows.error();
      if (rows->rows.empty()) {
        done = true;
        return core::Ok();
      }
      std::lock_guard lock(mu_);
      for (const auto& row : rows->rows) {
        auto f = FieldsFromRow(*hasher_, row.Int(0), row.Text(1), row.OptInt(2), row.OptInt(3),
                               row.Text(4), row.Text(5), row.Text(6));
        if (!f) return f.error();
        // A gap (a missing entry) makes SyncFrontier fail: the log is not in order.
        ZHIFA_TRY(AppendLocked(c, *f, row.Text(6)));
      }
      added += rows->rows.size();
      return core::Ok();
    }));
    if (done) break;
  }
  return added;
}

}  // namespace zhifa::record
