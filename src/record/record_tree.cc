#include "record/record_tree.h"

#include <algorithm>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/time.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

namespace {

constexpr const char* kDefaultOrigin = "zhifa/record";

std::string Where(int level, uint64_t index) {
  return "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
}

core::Error MissingNode(int level, uint64_t index) {
  return Err(ErrorCode::kInternal, "record_nodes 缺少节点 " + Where(level, index),
             "record_nodes has no row " + Where(level, index), "record_nodes");
}

core::Error BadLeaf(uint64_t seq) {
  return Err(ErrorCode::kInternal, "记录 " + std::to_string(seq) + " 缺少有效的叶子哈希",
             "entry " + std::to_string(seq) + " is missing or has no valid leaf hash",
             "record_log");
}

// A stored 32-byte hash (a blob column); nullopt when NULL or of another length.
std::optional<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != kHashBytes) return std::nullopt;
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

core::Result<Hash> NodeRow(store::Conn& conn, int level, uint64_t index) {
  auto r = conn.Query("SELECT hash FROM record_nodes WHERE level = $1 AND idx = $2",
                      {int64_t{level}, static_cast<int64_t>(index)});
  if (!r) return r.error();
  if (r->rows.empty()) return MissingNode(level, index);
  auto h = HashFromBytes(r->rows[0].Bytes(0));
  if (!h) {
    return Err(ErrorCode::kInternal, "record_nodes 节点 " + Where(level, index) + " 的哈希格式错误",
               "record_nodes row " + Where(level, index) + " holds a malformed hash",
               "record_nodes");
  }
  return *h;
}

}  // namespace

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

core::Result<std::vector<Hash>> StoredLeaves(store::Conn& conn, uint64_t begin, uint64_t end) {
  std::vector<Hash> out;
  out.reserve(end - begin);
  uint64_t next = begin + 1;  // the seq expected next
  auto st =
      conn.QueryEach("SELECT seq, leaf FROM record_log WHERE seq > $1 AND seq <= $2 ORDER BY seq",
                     {static_cast<int64_t>(begin), static_cast<int64_t>(end)},
                     [&](const store::RowRef& row) -> core::Status {
                       if (static_cast<uint64_t>(row.Int(0)) != next) return BadLeaf(next);
                       auto h = HashFromBytes(row.Bytes(1));
                       if (!h) return BadLeaf(next);
                       out.push_back(*h);
                       ++next;
                       return core::Ok();
                     });
  if (!st) return st.error();
  if (next != end + 1) return BadLeaf(next);
  return out;
}

Hash FoldPerfect(const TreeHasher& hasher, std::span<const Hash> leaves) {
  if (leaves.size() == 1) return leaves[0];
  // Level by level in a small buffer: 2^k hashes → 2^(k−1) → … → 1.
  std::vector<Hash> level(leaves.size() / 2);
  for (size_t i = 0; i < level.size(); ++i)
    level[i] = hasher.NodeHash(leaves[2 * i], leaves[2 * i + 1]);
  for (size_t n = level.size(); n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; ++i) level[i] = hasher.NodeHash(level[2 * i], level[2 * i + 1]);
  }
  return level[0];
}

core::Result<Hash> DbHashStore::SubtreeHash(int level, uint64_t index) const {
  if (level >= kStoredLevel) return NodeRow(conn_, level, index);
  const uint64_t begin = index << level;
  auto leaves = StoredLeaves(conn_, begin, begin + (uint64_t{1} << level));
  if (!leaves) return leaves.error();
  return FoldPerfect(hasher_, *leaves);
}

const Hash* SubtreeCache::Get(int level, uint64_t index) const {
  if (level < kCachedLevel) return nullptr;
  const auto l = static_cast<size_t>(level - kCachedLevel);
  if (l >= levels_.size() || index >= levels_[l].present.size() || !levels_[l].present[index]) {
    return nullptr;
  }
  return &levels_[l].hashes[index];
}

void SubtreeCache::Put(int level, uint64_t index, const Hash& hash) {
  if (level < kCachedLevel) return;
  const auto l = static_cast<size_t>(level - kCachedLevel);
  if (l >= levels_.size()) levels_.resize(l + 1);
  Level& lv = levels_[l];
  if (index >= lv.present.size()) {
    lv.hashes.resize(index + 1);
    lv.present.resize(index + 1, 0);
  }
  lv.hashes[index] = hash;
  lv.present[index] = 1;
}

void SubtreeCache::Reserve(int level, uint64_t count) {
  if (level < kCachedLevel) return;
  const auto l = static_cast<size_t>(level - kCachedLevel);
  if (l >= levels_.size()) levels_.resize(l + 1);
  Level& lv = levels_[l];
  if (count > lv.present.size()) {
    lv.hashes.reserve(count);
    lv.present.reserve(count);
    lv.hashes.resize(count);
    lv.present.resize(count, 0);
  }
}

uint64_t SubtreeCache::MemoryBytes() const {
  uint64_t bytes = 0;
  for (const Level& l : levels_) bytes += l.hashes.capacity() * sizeof(Hash) + l.present.capacity();
  return bytes;
}

namespace {

struct Known {
  int level;
  uint64_t index;
  Hash hash;
};

// One pass of CachedLookup: the cache first, then the database (each row once), lower levels
// folded from their block's leaves.
class CachedDbStore final : public HashStore {
 public:
  CachedDbStore(store::Conn& conn, const TreeHasher& hasher, uint64_t size,
                const SubtreeCache* cache)
      : conn_(conn), hasher_(hasher), size_(size), cache_(cache) {}
  uint64_t size() const override { return size_; }
  core::Result<Hash> SubtreeHash(int level, uint64_t index) const override {
    if (cache_) {
      if (const Hash* h = cache_->Get(level, index)) return *h;
    }
    for (const Known& k : read_) {  // a few dozen at most
      if (k.level == level && k.index == index) return k.hash;
    }
    Hash h;
    if (level >= kStoredLevel) {
      auto row = NodeRow(conn_, level, index);
      if (!row) return row.error();
      h = *row;
    } else {
      const uint64_t begin = index << level;
      const uint64_t block = begin >> kStoredLevel;
      if (block != block_) {
        const uint64_t block_begin = block << kStoredLevel;
        auto l = StoredLeaves(conn_, block_begin,
                              std::min(block_begin + (uint64_t{1} << kStoredLevel), size_));
        if (!l) return l.error();
        leaves_ = std::move(*l);
        block_ = block;
      }
      const uint64_t offset = begin - (block << kStoredLevel);
      const uint64_t width = uint64_t{1} << level;
      if (offset + width > leaves_.size()) return BadLeaf(begin + width);
      h = FoldPerfect(hasher_, std::span<const Hash>(leaves_).subspan(offset, width));
    }
    read_.push_back({level, index, h});
    return h;
  }
  const std::vector<Known>& read() const { return read_; }

 private:
  store::Conn& conn_;
  const TreeHasher& hasher_;
  uint64_t size_;
  const SubtreeCache* cache_;
  mutable std::vector<Known> read_;
  mutable uint64_t block_ = UINT64_MAX;
  mutable std::vector<Hash> leaves_;
};

}  // namespace

core::Result<uint64_t> WarmSubtreeCache(store::Conn& conn, SubtreeCache& cache) {
  struct Row {
    int level;
    uint64_t index;
    Hash hash;
  };
  std::vector<Row> rows;  // read first: proofs go on while the scan runs
  ZHIFA_TRY(conn.QueryEach(
      "SELECT level, idx, hash FROM record_nodes WHERE level >= $1 ORDER BY level, idx",
      {int64_t{kCachedLevel}}, [&](const store::RowRef& row) -> core::Status {
        auto h = HashFromBytes(row.Bytes(2));
        if (!h) return core::Ok();  // malformed: left to CachedLookup (which reports it)
        rows.push_back({static_cast<int>(row.Int(0)), static_cast<uint64_t>(row.Int(1)), *h});
        return core::Ok();
      }));
  std::unique_lock lock(cache.mu);
  for (size_t i = 0; i < rows.size(); ++i) {  // rows are ordered by (level, idx)
    if (i + 1 == rows.size() || rows[i + 1].level != rows[i].level) {
      cache.Reserve(rows[i].level, rows[i].index + 1);
    }
  }
  for (const Row& r : rows) cache.Put(r.level, r.index, r.hash);
  return static_cast<uint64_t>(rows.size());
}

core::Result<std::vector<Hash>> CachedLookup(
    store::Conn& conn, const TreeHasher& hasher, uint64_t size,
    const std::function<core::Result<std::vector<Hash>>(const HashStore&)>& fn,
    SubtreeCache* cache) {
  CachedDbStore store(conn, hasher, size, cache);
  core::Result<std::vector<Hash>> r = std::vector<Hash>{};
  {
    // Shared while reading (other proofs read alongside); the cache only grows and its rows
    // never change.
    std::optional<std::shared_lock<std::shared_mutex>> lock;
    if (cache) lock.emplace(cache->mu);
    r = fn(store);
  }
  if (r && cache) {
    bool any = false;
    for (const Known& k : store.read()) any = any || k.level >= kCachedLevel;
    if (any) {
      std::unique_lock lock(cache->mu);
      for (const Known& k : store.read()) cache->Put(k.level, k.index, k.hash);
    }
  }
  return r;
}

core::Result<uint64_t> StoredTreeSize(store::Conn& conn) {
  // MAX over the primary key is one index probe where COUNT(*) scans.
  auto r = conn.Query("SELECT MAX(seq) FROM record_log");
  if (!r) return r.error();
  if (r->rows.empty() || r->rows[0].IsNull(0)) return uint64_t{0};
  return static_cast<uint64_t>(r->rows[0].Int(0));
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
    bool same = false;
    ZHIFA_TRY(conn.QueryEach("SELECT leaf FROM record_log WHERE seq = $1",
                             {static_cast<int64_t>(size)},
                             [&](const store::RowRef& row) -> core::Status {
                               same = row.Bytes(0) == HashBytes(last_leaf_);
                               return core::Ok();
                             }));
    if (same) return core::Ok();
  }
  frontier_.reset();
  DbHashStore store(conn, *hasher_, size);
  auto f = CompactRange::FromStore(meta_->hash, store, size);
  if (!f) return f.error();
  if (size > 0) {
    auto leaf = StoredLeaves(conn, size - 1, size);
    if (!leaf) return leaf.error();
    last_leaf_ = (*leaf)[0];
  }
  frontier_ = std::move(*f);
  return core::Ok();
}

core::Result<Hash> RecordTree::Advance(EntryView fields, std::string_view payload,
                                       std::vector<CompactRange::Node>& nodes) {
  fields.payload_hash = hasher_->Digest(payload);
  ZHIFA_TRY(EncodeEntryInto(fields, entry_buf_));
  const Hash leaf = hasher_->LeafHash(entry_buf_);
  // Completed subtrees of the stored levels: at most one per level, usually none.
  frontier_->Append(leaf, [&](const CompactRange::Node& n) {
    if (n.level >= kStoredLevel) nodes.push_back(n);
  });
  last_leaf_ = leaf;
  return leaf;
}

core::Status RecordTree::WriteNodes(store::Conn& conn,
                                    const std::vector<CompactRange::Node>& nodes) {
  if (nodes.empty()) return core::Ok();
  store::Params values;
  values.reserve(nodes.size() * 3);
  for (const auto& n : nodes) {
    values.emplace_back(int64_t{n.level});
    values.emplace_back(static_cast<int64_t>(n.index));
    values.emplace_back(store::Blob{std::string(HashBytes(n.hash))});
  }
  auto st = store::InsertRows(conn, "INSERT INTO record_nodes (level, idx, hash) VALUES ", 3,
                              std::move(values));
  if (!st) frontier_.reset();  // reloaded from the database by the next append
  return st;
}

core::Result<Hash> RecordTree::AppendLocked(store::Conn& conn, EntryView fields,
                                            std::string_view payload) {
  ZHIFA_TRY(EnsureMeta(conn));
  ZHIFA_TRY(SyncFrontier(conn, fields.seq - 1));
  std::vector<CompactRange::Node> nodes;
  auto leaf = Advance(fields, payload, nodes);
  if (!leaf) {
    frontier_.reset();
    return leaf.error();
  }
  ZHIFA_TRY(WriteNodes(conn, nodes));
  // If the caller's transaction is rolled back after this, the next append finds the frontier
  // ahead of the database (size or last leaf differ) and reloads it.
  return *leaf;
}

core::Result<Hash> RecordTree::Append(store::Conn& conn, const EntryView& fields,
                                      std::string_view payload) {
  std::lock_guard lock(mu_);
  return AppendLocked(conn, fields, payload);
}

core::Result<std::vector<Hash>> RecordTree::AppendMany(store::Conn& conn,
                                                       std::span<const EntryView> fields,
                                                       std::span<const std::string_view> payloads) {
  std::vector<Hash> leaves;
  if (fields.empty()) return leaves;
  if (payloads.size() != fields.size()) {
    return Err(ErrorCode::kInternal, "批量追加的记录与载荷个数不同",
               "AppendMany: entries and payloads differ in number");
  }
  for (size_t i = 1; i < fields.size(); ++i) {
    if (fields[i].seq != fields[0].seq + i) {
      return Err(ErrorCode::kInternal, "批量追加的记录序号不连续",
                 "AppendMany: the entries' seqs are not consecutive");
    }
  }
  std::lock_guard lock(mu_);
  ZHIFA_TRY(EnsureMeta(conn));
  ZHIFA_TRY(SyncFrontier(conn, fields[0].seq - 1));
  leaves.reserve(fields.size());
  std::vector<CompactRange::Node> nodes;
  for (size_t i = 0; i < fields.size(); ++i) {
    auto leaf = Advance(fields[i], payloads[i], nodes);
    if (!leaf) {
      frontier_.reset();
      return leaf.error();
    }
    leaves.push_back(*leaf);
  }
  ZHIFA_TRY(WriteNodes(conn, nodes));
  return leaves;
}

core::Result<uint64_t> RecordTree::Open(store::Database& db, HashAlgorithm hash,
                                        const std::string& origin, uint64_t batch) {
  bool created = false;
  // Read first: an existing log opens without a write transaction (a `zhifa verify` beside a busy
  // server must not wait for the write lock). Only a new log writes its meta rows.
  std::optional<LogMeta> meta;
  ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
    auto m = ReadLogMeta(c);
    if (!m) return m.error();
    meta = *m;
    return core::Ok();
  }));
  if (!meta) {
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
      meta = *m;
      return core::Ok();
    }));
  }
  if (meta->hash != hash) {
    std::string stored = HashAlgorithmName(meta->hash);
    std::string wanted = HashAlgorithmName(hash);
    return Err(ErrorCode::kInvalidArgument,
               "配置的记录日志哈希算法 " + wanted + " 与日志创建时固定的 " + stored +
                   " 不同；日志的哈希算法不可更改",
               "the configured record log hash " + wanted + " differs from " + stored +
                   ", fixed when the log was created; it cannot be changed",
               "record.hash");
  }
  {
    std::lock_guard lock(mu_);
    meta_ = *meta;
    hasher_.emplace(meta_->hash);
    frontier_.reset();
  }
  // Entries without leaves (written before migration 0005): compute them in batches, only when
  // the log is created now. Later, leaves missing behind entries are damage for `zhifa verify`
  // to report, not something to paper over from possibly altered entries.
  uint64_t added = 0;
  while (created) {
    bool done = false;
    ZHIFA_TRY(db.Write([&](store::Conn& c) -> core::Status {
      auto rows = c.Query(
          "SELECT seq, at, actor_id, unit_id, kind, target, payload FROM record_log "
          "WHERE seq > $1 ORDER BY seq LIMIT $2",
          {static_cast<int64_t>(added), static_cast<int64_t>(batch)});
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
        auto leaf = AppendLocked(
            c, EntryView{f->seq, f->at_micros, f->actor_id, f->unit_id, f->kind, f->target, {}},
            row.Text(6));
        if (!leaf) return leaf.error();
        auto up = c.Exec("UPDATE record_log SET leaf = $1 WHERE seq = $2",
                         {store::Blob{std::string(HashBytes(*leaf))}, row.Int(0)});
        if (!up) return up.error();
      }
      added += rows->rows.size();
      return core::Ok();
    }));
    if (done) break;
  }
  return added;
}

}  // namespace zhifa::record
