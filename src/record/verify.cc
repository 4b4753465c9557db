#include "record/verify.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>

#include "core/time.h"
#include "record/entry_codec.h"
#include "record/merkle.h"
#include "record/record_tree.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;
using nlohmann::json;

json LogVerifyReport::ToJson() const {
  json j = {{"ok", ok},
            {"entries", entries},
            {"from_size", from_size},
            {"checkpoints", checkpoints},
            {"bytes_hashed", bytes_hashed},
            {"files", files},
            {"file_bytes", file_bytes},
            {"seconds", seconds}};
  if (bad_seq) j["bad_seq"] = *bad_seq;
  if (!ok) {
    j["problem_zh"] = problem_zh;
    j["problem_en"] = problem_en;
  }
  return j;
}

namespace {

struct CheckpointRow {
  uint64_t size;
  std::string root;
  std::string note;
  Checkpoint parsed;
};

void Fault(LogVerifyReport& r, std::optional<uint64_t> seq, std::string zh, std::string en) {
  if (!r.ok) return;  // keep the first fault
  r.ok = false;
  r.bad_seq = seq;
  r.problem_zh = std::move(zh);
  r.problem_en = std::move(en);
}

std::string S(uint64_t v) { return std::to_string(v); }

// A slice of Batch::arena.
struct Slice {
  uint32_t off = 0;
  uint32_t len = 0;
};

// One entry of a batch: its columns (strings in the batch's arena, no allocation per entry) and,
// after hashing, its leaf.
struct EntryRec {
  uint64_t seq = 0;
  std::optional<int64_t> actor_id;
  std::optional<int64_t> unit_id;
  Slice at, kind, target, payload;
  std::optional<Hash> stored_leaf;  // record_log.leaf (nullopt: NULL or not 32 bytes)
  // Hashing stage:
  Hash leaf{};                           // recomputed
  uint32_t entry_bytes = 0;              // length of the entry bytes
  std::unique_ptr<core::Error> problem;  // the entry cannot be encoded (rare: kept small)
};

// The stored subtrees of one level for a batch: idx lo… (present[i]: row lo + i exists).
struct LevelRows {
  uint64_t lo = 0;
  std::vector<Hash> hashes;
  std::vector<uint8_t> present;
};

// A batch of consecutive entries read in one snapshot, with the record_nodes rows their appends
// completed.
struct Batch {
  std::string arena;
  std::vector<EntryRec> entries;
  std::vector<LevelRows> nodes;         // index = level (kStoredLevel…)
  std::optional<uint64_t> missing_seq;  // the entry expected after `entries` is not there
  bool last = false;                    // nothing after this batch (up to the bound)
  std::atomic<size_t> next_chunk{0};    // hashing stage: the next entry to claim

  std::string_view View(Slice s) const { return std::string_view(arena).substr(s.off, s.len); }
  const Hash* Node(int level, uint64_t idx) const {
    if (static_cast<size_t>(level) >= nodes.size()) return nullptr;
    const LevelRows& l = nodes[static_cast<size_t>(level)];
    if (idx < l.lo || idx - l.lo >= l.present.size() || !l.present[idx - l.lo]) return nullptr;
    return &l.hashes[idx - l.lo];
  }
};

Slice Put(std::string& arena, std::string_view s) {
  Slice out{static_cast<uint32_t>(arena.size()), static_cast<uint32_t>(s.size())};
  arena.append(s);
  return out;
}

// Reads entries seq after…bound (at most `limit`) and the record_nodes rows completed by their
// appends, in one read transaction. Stops at the first gap (missing_seq).
core::Status ReadBatch(store::Database& db, uint64_t after, uint64_t bound, uint64_t limit,
                       Batch& b) {
  b.arena.clear();
  b.entries.clear();
  b.nodes.clear();
  b.missing_seq.reset();
  b.last = false;
  b.next_chunk = 0;
  return db.Read([&](store::Conn& c) -> core::Status {
    uint64_t expected = after + 1;
    uint64_t rows = 0;
    ZHIFA_TRY(c.QueryEach(
        "SELECT seq, at, actor_id, unit_id, kind, target, payload, leaf FROM record_log "
        "WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
        {static_cast<int64_t>(after), static_cast<int64_t>(bound), static_cast<int64_t>(limit)},
        [&](const store::RowRef& row) -> core::Status {
          ++rows;
          if (b.missing_seq) return core::Ok();
          const auto seq = static_cast<uint64_t>(row.Int(0));
          if (seq != expected) {
            b.missing_seq = expected;
            return core::Ok();
          }
          EntryRec& e = b.entries.emplace_back();
          e.seq = seq;
          e.at = Put(b.arena, row.Text(1));
          e.actor_id = row.OptInt(2);
          e.unit_id = row.OptInt(3);
          e.kind = Put(b.arena, row.Text(4));
          e.target = Put(b.arena, row.Text(5));
          e.payload = Put(b.arena, row.Text(6));
          std::string_view leaf = row.Bytes(7);
          if (!row.IsNull(7) && leaf.size() == kHashBytes) {
            Hash h;
            std::copy(leaf.begin(), leaf.end(), h.begin());
            e.stored_leaf = h;
          }
          ++expected;
          return core::Ok();
        }));
    b.last = rows < limit;
    if (b.entries.empty()) return core::Ok();
    // The rows (level, idx) completed by appending leaves [a, e): at level k those with
    // (idx + 1)·2^k in (a, e].
    const uint64_t a = b.entries.front().seq - 1;
    const uint64_t e = b.entries.back().seq;
    for (int k = kStoredLevel; k < 64 && (e >> k) > 0; ++k) {
      const uint64_t lo = ((a + (uint64_t{1} << k)) >> k) - 1;
      const uint64_t hi = (e >> k) - 1;
      if (lo > hi) continue;
      if (b.nodes.size() <= static_cast<size_t>(k)) b.nodes.resize(static_cast<size_t>(k) + 1);
      LevelRows& l = b.nodes[static_cast<size_t>(k)];
      l.lo = lo;
      l.hashes.assign(hi - lo + 1, Hash{});
      l.present.assign(hi - lo + 1, 0);
      ZHIFA_TRY(c.QueryEach(
          "SELECT idx, hash FROM record_nodes WHERE level = $1 AND idx >= $2 AND idx <= $3",
          {int64_t{k}, static_cast<int64_t>(lo), static_cast<int64_t>(hi)},
          [&](const store::RowRef& row) -> core::Status {
            const auto idx = static_cast<uint64_t>(row.Int(0));
            std::string_view h = row.Bytes(1);
            if (idx < lo || idx > hi || h.size() != kHashBytes) return core::Ok();  // malformed
            std::copy(h.begin(), h.end(), l.hashes[idx - lo].begin());
            l.present[idx - lo] = 1;
            return core::Ok();
          }));
    }
    return core::Ok();
  });
}

// The hashing stage: every entry's payload hash, entry bytes and leaf hash. Independent per
// entry: the calling thread and a second thread both claim chunks of a batch until none is left
// (the calling thread joins in once it has read the next batch).
void HashChunks(const TreeHasher& hasher, Batch& b) {
  constexpr size_t kChunk = 64;
  std::string bytes;
  const size_t n = b.entries.size();
  for (;;) {
    const size_t lo = b.next_chunk.fetch_add(kChunk);
    if (lo >= n) return;
    for (size_t i = lo; i < std::min(n, lo + kChunk); ++i) {
      EntryRec& e = b.entries[i];
      std::string_view at = b.View(e.at);
      auto micros = core::ParseRfc3339(at, "at");
      if (!micros) {
        e.problem = std::make_unique<core::Error>(
            Err(ErrorCode::kInvalidArgument, "时间无法解析: " + std::string(at),
                "time cannot be parsed: " + std::string(at), "at"));
        continue;
      }
      std::string_view payload = b.View(e.payload);
      EntryView v{e.seq,
                  *micros,
                  e.actor_id,
                  e.unit_id,
                  b.View(e.kind),
                  b.View(e.target),
                  hasher.Digest(payload)};
      if (auto st = EncodeEntryInto(v, bytes); !st) {
        e.problem = std::make_unique<core::Error>(st.error());
        continue;
      }
      e.leaf = hasher.LeafHash(bytes);
      e.entry_bytes = static_cast<uint32_t>(bytes.size());
    }
  }
}

}  // namespace

core::Result<LogVerifyReport> VerifyLog(store::Database& db, const VerifyOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  LogVerifyReport report;
  std::optional<LogMeta> meta;
  std::string public_key;
  uint64_t head = 0, max_seq = 0, node_rows = 0;
  std::vector<CheckpointRow> checkpoints;
  std::vector<std::tuple<uint64_t, std::string, std::string>> raw_checkpoints;
  ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
    auto m = ReadLogMeta(c);
    if (!m) return m.error();
    meta = *m;
    auto pk = c.Query("SELECT value FROM record_meta WHERE name = 'public_key'");
    if (!pk) return pk.error();
    if (!pk->rows.empty()) public_key = pk->rows[0].Text(0);
    auto h = LogHead(c);
    if (!h) return h.error();
    head = *h;
    auto s = StoredTreeSize(c);
    if (!s) return s.error();
    max_seq = *s;
    auto n = c.Query("SELECT COUNT(*) FROM record_nodes");
    if (!n) return n.error();
    node_rows = static_cast<uint64_t>(n->rows[0].Int(0));
    auto cps = c.Query("SELECT size, root, note FROM record_checkpoints ORDER BY size");
    if (!cps) return cps.error();
    for (const auto& row : cps->rows) {
      raw_checkpoints.emplace_back(static_cast<uint64_t>(row.Int(0)), row.Text(1), row.Text(2));
    }
    return core::Ok();
  }));
  if (!meta) {
    return Err(ErrorCode::kUnavailable, "记录日志尚未创建（record_meta 为空）",
               "the record log was not created (record_meta is empty)", "record_meta");
  }
  TreeHasher hasher(meta->hash);
  auto finish = [&]() -> core::Result<LogVerifyReport> {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };

  // 1. Checkpoints: signature, text, and the row's columns agree with the signed text.
  std::optional<NoteVerifier> verifier = options.verifier;
  if (!verifier && !public_key.empty()) {
    auto v = NoteVerifier::FromPublicKeyPem(public_key, meta->origin);
    if (!v) return v.error();
    verifier = std::move(*v);
  }
  if (!verifier && !raw_checkpoints.empty()) {
    return Err(ErrorCode::kUnavailable, "没有用于核验检查点的公钥",
               "no public key to check the checkpoints", "public_key");
  }
  for (auto& [size, root, note] : raw_checkpoints) {
    auto cp = verifier->VerifyCheckpoint(note);
    if (!cp) {
      Fault(report, std::nullopt,
            "检查点（大小 " + S(size) + "）签名无效或格式错误: " + cp.error().message_zh,
            "checkpoint (size " + S(size) + ") has no valid signature: " + cp.error().message_en);
      return finish();
    }
    if (cp->size != size || HashHex(cp->root) != root || cp->origin != meta->origin) {
      Fault(report, std::nullopt,
            "检查点（大小 " + S(size) + "）的大小、根哈希或来源与已签名内容不一致",
            "checkpoint (size " + S(size) +
                ") row differs from its signed text (size, root or origin changed)");
      return finish();
    }
    checkpoints.push_back({size, root, note, *cp});
  }

  // 2. Where to start.
  CompactRange frontier(meta->hash);
  size_t next_cp = 0;
  if (options.from_checkpoint && !checkpoints.empty()) {
    const auto& last = checkpoints.back();
    if (last.size > max_seq) {
      Fault(report, max_seq + 1,
            "检查点（大小 " + S(last.size) + "）超出已存储的日志（" + S(max_seq) +
                " 条）：记录被删除",
            "checkpoint (size " + S(last.size) + ") is beyond the stored log (" + S(max_seq) +
                " entries): entries were deleted");
      return finish();
    }
    auto st = db.Read([&](store::Conn& c) -> core::Status {
      DbHashStore store(c, hasher, last.size);
      auto f = CompactRange::FromStore(meta->hash, store, last.size);
      if (!f) return f.error();
      frontier = std::move(*f);
      return core::Ok();
    });
    if (!st) {
      Fault(report, std::nullopt,
            "无法从已存储的树重建检查点（大小 " + S(last.size) + "）: " + st.error().message_zh,
            "cannot rebuild checkpoint (size " + S(last.size) +
                ") from the stored tree: " + st.error().message_en);
      return finish();
    }
    if (frontier.Root() != last.parsed.root) {
      Fault(report, std::nullopt, "已存储的树与检查点（大小 " + S(last.size) + "）的根哈希不一致",
            "the stored tree does not match checkpoint (size " + S(last.size) + ")");
      return finish();
    }
    report.from_size = last.size;
    report.checkpoints = 1;
    next_cp = checkpoints.size();
  }

  // 3. Every entry after the start, in batches, up to the end seen in the first snapshot (the
  // server may append meanwhile: what it appends is the next run's business). Pipeline: while
  // batch i is hashed on a second thread, the calling thread reads batch i+1 and then builds the
  // tree of batch i−1's leaves; faults are reported in seq order whatever thread found them.
  const uint64_t bound = std::max(head, max_seq);
  uint64_t last_seq = report.from_size;
  const uint64_t total = bound - std::min(bound, last_seq);
  const uint64_t limit = std::max<uint64_t>(1, options.batch);

  // The tree stage of one hashed batch. Returns false at the first fault.
  auto build = [&](Batch& b) -> bool {
    for (const EntryRec& e : b.entries) {
      const uint64_t seq = e.seq;
      if (e.problem) {
        Fault(report, seq, "记录 " + S(seq) + " 无法编码: " + e.problem->message_zh,
              "entry " + S(seq) + " cannot be encoded: " + e.problem->message_en);
        return false;
      }
      report.bytes_hashed += e.payload.len + e.entry_bytes + 1;
      if (!e.stored_leaf) {
        Fault(
            report, seq,
            "记录 " + S(seq) + " 没有叶子哈希（record_log.leaf 为空：记录被插入，或其叶子被删除）",
            "entry " + S(seq) +
                " has no leaf hash (record_log.leaf is empty: the entry was inserted, or its "
                "leaf deleted)");
        return false;
      }
      if (*e.stored_leaf != e.leaf) {
        Fault(report, seq,
              "记录 " + S(seq) +
                  " 已被改动：其叶子哈希与追加时写入的不同（内容被改、或在其前插入/移动了记录）",
              "entry " + S(seq) +
                  " was altered: its leaf hash differs from the one written when it was appended "
                  "(changed, or an entry was inserted before it or moved)");
        return false;
      }
      bool bad = false;
      frontier.Append(e.leaf, [&](const CompactRange::Node& n) {
        if (n.level > 0) report.bytes_hashed += 2 * kHashBytes + 1;
        if (bad || n.level < kStoredLevel) return;
        const Hash* stored = b.Node(n.level, n.index);
        const uint64_t first = (n.index << n.level) + 1;
        const std::string range = S(first) + "–" + S(first + (uint64_t{1} << n.level) - 1);
        if (stored == nullptr) {
          bad = true;
          Fault(report, seq,
                "树节点 (" + S(n.level) + ", " + S(n.index) + ") 缺失（记录 " + range + "）",
                "tree row (" + S(n.level) + ", " + S(n.index) + ") is missing (entries " + range +
                    ")");
        } else if (*stored != n.hash) {
          bad = true;
          Fault(report, seq,
                "树节点 (" + S(n.level) + ", " + S(n.index) + ") 与记录 " + range +
                    " 不符：该行被改动，或其中某条记录连同其叶子哈希被改写",
                "tree row (" + S(n.level) + ", " + S(n.index) +
                    ") was altered, or an entry among " + range +
                    " was rewritten together with its leaf hash");
        }
      });
      if (bad) return false;
      last_seq = seq;
      ++report.entries;
      while (next_cp < checkpoints.size() && checkpoints[next_cp].size <= seq) {
        const auto& cp = checkpoints[next_cp];
        if (cp.size == seq && frontier.Root() != cp.parsed.root) {
          uint64_t prev = next_cp > 0 ? checkpoints[next_cp - 1].size : 0;
          Fault(report, std::nullopt,
                "记录与已签名的检查点（大小 " + S(cp.size) + "）不一致：记录 " + S(prev + 1) + "–" +
                    S(cp.size) + " 中有记录及其树节点被改写",
                "the log does not match the signed checkpoint (size " + S(cp.size) +
                    "): an entry among " + S(prev + 1) + "–" + S(cp.size) +
                    " was rewritten together with its tree rows");
          return false;
        }
        ++report.checkpoints;
        ++next_cp;
      }
    }
    if (b.missing_seq) {
      Fault(report, *b.missing_seq, "记录 " + S(*b.missing_seq) + " 缺失（被删除）",
            "entry " + S(*b.missing_seq) + " is missing (deleted)");
      return false;
    }
    if (options.progress) options.progress(report.entries, total);
    return true;
  };

  // Two batches in turn: one is read (and then built) while the other is hashed; their buffers
  // keep their capacity from batch to batch.
  Batch buffers[2];
  Batch* cur = &buffers[0];
  Batch* next = &buffers[1];
  uint64_t read_to = last_seq;  // the last seq read so far
  ZHIFA_TRY(ReadBatch(db, read_to, bound, limit, *cur));
  if (!cur->entries.empty()) read_to = cur->entries.back().seq;
  auto hash_on_second_thread = [&](Batch* b) {
    return std::async(std::launch::async, [&hasher, b] { HashChunks(hasher, *b); });
  };
  std::future<void> hashing;
  if (options.pipeline) hashing = hash_on_second_thread(cur);
  for (;;) {
    const bool more = !cur->last && !cur->missing_seq && !cur->entries.empty();
    core::Status read_status = core::Ok();
    if (more) {
      read_status = ReadBatch(db, read_to, bound, limit, *next);  // while `cur` is hashed
      if (read_status && !next->entries.empty()) read_to = next->entries.back().seq;
    }
    HashChunks(hasher, *cur);  // what the second thread has not claimed yet
    if (hashing.valid()) hashing.get();
    if (!read_status) return read_status.error();
    if (more && options.pipeline) hashing = hash_on_second_thread(next);
    const bool ok = build(*cur);  // while `next` is hashed
    if (!ok || !more) {
      if (hashing.valid()) hashing.wait();  // the second thread may still use `next`
      break;
    }
    std::swap(cur, next);
  }
  if (!report.ok) return finish();

  // 4. The ends: counter, stored log and checkpoints must all end at the last entry.
  if (head > last_seq) {
    Fault(report, last_seq + 1,
          "记录 " + S(last_seq + 1) + "–" + S(head) + " 缺失（日志末尾被删除）",
          "entries " + S(last_seq + 1) + "–" + S(head) + " are missing (deleted at the end)");
  } else if (head < last_seq) {
    Fault(report, head + 1, "记录 " + S(head + 1) + " 超出日志计数器（被插入）",
          "entry " + S(head + 1) + " is beyond the log counter (inserted)");
  } else if (next_cp < checkpoints.size()) {
    Fault(report, last_seq + 1,
          "检查点（大小 " + S(checkpoints[next_cp].size) + "）超出日志（" + S(last_seq) +
              " 条）：记录被删除",
          "checkpoint (size " + S(checkpoints[next_cp].size) + ") is beyond the log (" +
              S(last_seq) + " entries): entries were deleted");
  }
  if (!report.ok) return finish();
  uint64_t expected_rows = 0;
  for (int k = kStoredLevel; k < 64; ++k) expected_rows += last_seq >> k;
  if (node_rows != expected_rows) {
    Fault(report, std::nullopt,
          "record_nodes 有 " + S(node_rows) + " 行，应为 " + S(expected_rows) +
              " 行（有行被插入或删除）",
          "record_nodes has " + S(node_rows) + " rows, expected " + S(expected_rows) +
              " (rows inserted or deleted)");
  }
  if (!report.ok) return finish();

  // 5. Extra checks (the evidence store's files).
  for (ExtraCheck* check : options.extra_checks) {
    ZHIFA_TRY(check->Run(db, report));
    if (!report.ok) break;
  }
  return finish();
}

}  // namespace zhifa::record
