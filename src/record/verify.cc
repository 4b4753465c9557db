#include "record/verify.h"

#include <chrono>
#include <map>

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

// The stored rows (level, idx) completed by appending leaves [a, b): at level k those with
// (idx + 1)·2^k in (a, b].
core::Status LoadStoredRows(store::Conn& c, uint64_t a, uint64_t b,
                            std::map<std::pair<int, uint64_t>, std::string>& out) {
  out.clear();
  for (int k = 0; k < 64 && (b >> k) > 0; ++k) {
    uint64_t lo = ((a + (uint64_t{1} << k)) >> k) - 1;
    uint64_t hi = (b >> k) - 1;
    if (lo > hi) continue;
    auto r = c.Query(
        "SELECT idx, hash FROM record_tree WHERE level = $1 AND idx >= $2 AND idx <= $3 ORDER BY "
        "idx",
        {int64_t{k}, static_cast<int64_t>(lo), static_cast<int64_t>(hi)});
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      out.emplace(std::make_pair(k, static_cast<uint64_t>(row.Int(0))), row.Text(1));
    }
  }
  return core::Ok();
}

}  // namespace

core::Result<LogVerifyReport> VerifyLog(store::Database& db, const VerifyOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  LogVerifyReport report;
  std::optional<LogMeta> meta;
  std::string public_key;
  uint64_t head = 0, stored_size = 0, max_seq = 0, tree_rows = 0;
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
    stored_size = *s;
    auto mx = c.Query("SELECT MAX(seq) FROM record_log");
    if (!mx) return mx.error();
    max_seq = mx->rows[0].IsNull(0) ? 0 : static_cast<uint64_t>(mx->rows[0].Int(0));
    auto n = c.Query("SELECT COUNT(*) FROM record_tree");
    if (!n) return n.error();
    tree_rows = static_cast<uint64_t>(n->rows[0].Int(0));
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
    if (last.size > stored_size) {
      Fault(report, stored_size + 1,
            "检查点（大小 " + S(last.size) + "）超出已存储的树（" + S(stored_size) +
                " 个叶子）：记录被删除",
            "checkpoint (size " + S(last.size) + ") is beyond the stored tree (" + S(stored_size) +
                " leaves): entries were deleted");
      return finish();
    }
    ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
      DbHashStore store(c, last.size);
      auto f = CompactRange::FromStore(meta->hash, store, last.size);
      if (!f) return f.error();
      frontier = std::move(*f);
      return core::Ok();
    }));
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
  // server may append meanwhile: what it appends is the next run's business).
  uint64_t bound = std::max({head, max_seq, stored_size});
  uint64_t last_seq = report.from_size;
  uint64_t total = std::max(head, max_seq) - std::min(std::max(head, max_seq), last_seq);
  std::map<std::pair<int, uint64_t>, std::string> stored_rows;
  for (bool more = true; more && report.ok;) {
    ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
      auto r = c.Query(
          "SELECT seq, at, actor_id, unit_id, kind, target, payload FROM record_log WHERE seq > $1 "
          "AND seq <= $3 ORDER BY seq LIMIT $2",
          {static_cast<int64_t>(last_seq), static_cast<int64_t>(options.batch),
           static_cast<int64_t>(bound)});
      if (!r) return r.error();
      if (r->rows.empty()) {
        more = false;
        return core::Ok();
      }
      uint64_t first = static_cast<uint64_t>(r->rows.front().Int(0));
      uint64_t end = static_cast<uint64_t>(r->rows.back().Int(0));
      // Leaves [first-1, end) in this batch (when the seqs are in order).
      if (first >= 1 && end >= first) ZHIFA_TRY(LoadStoredRows(c, first - 1, end, stored_rows));
      for (const auto& row : r->rows) {
        uint64_t seq = static_cast<uint64_t>(row.Int(0));
        if (seq != last_seq + 1) {
          Fault(report, last_seq + 1, "记录 " + S(last_seq + 1) + " 缺失（被删除）",
                "entry " + S(last_seq + 1) + " is missing (deleted)");
          return core::Ok();
        }
        std::string payload = row.Text(6);
        auto f = FieldsFromRow(hasher, row.Int(0), row.Text(1), row.OptInt(2), row.OptInt(3),
                               row.Text(4), row.Text(5), payload);
        if (!f) {
          Fault(report, seq, "记录 " + S(seq) + " 无法编码: " + f.error().message_zh,
                "entry " + S(seq) + " cannot be encoded: " + f.error().message_en);
          return core::Ok();
        }
        auto bytes = EncodeEntry(*f);
        if (!bytes) {
          Fault(report, seq, "记录 " + S(seq) + " 无法编码: " + bytes.error().message_zh,
                "entry " + S(seq) + " cannot be encoded: " + bytes.error().message_en);
          return core::Ok();
        }
        report.bytes_hashed += payload.size() + bytes->size() + 1;
        Hash leaf = hasher.LeafHash(*bytes);
        bool bad = false;
        frontier.Append(leaf, [&](const CompactRange::Node& n) {
          if (bad) return;
          if (n.level > 0) report.bytes_hashed += 2 * kHashBytes + 1;
          auto it = stored_rows.find({n.level, n.index});
          if (it == stored_rows.end()) {
            bad = true;
            Fault(report, seq,
                  "树节点 (" + S(n.level) + ", " + S(n.index) + ") 缺失（记录 " + S(seq) + "）",
                  "tree row (" + S(n.level) + ", " + S(n.index) + ") is missing (entry " + S(seq) +
                      ")");
          } else if (it->second != HashHex(n.hash)) {
            bad = true;
            if (n.level == 0) {
              Fault(report, seq,
                    "记录 " + S(seq) +
                        " 已被改动：其叶子哈希与追加时写入的树不同（内容被改、"
                        "或在其前插入/移动了记录）",
                    "entry " + S(seq) +
                        " was altered: its leaf hash differs from the tree "
                        "written when it was appended (changed, or an entry was "
                        "inserted before it or moved)");
            } else {
              Fault(report, seq, "树节点 (" + S(n.level) + ", " + S(n.index) + ") 被改动",
                    "tree row (" + S(n.level) + ", " + S(n.index) + ") was altered");
            }
          }
        });
        if (bad) return core::Ok();
        last_seq = seq;
        ++report.entries;
        while (next_cp < checkpoints.size() && checkpoints[next_cp].size <= seq) {
          const auto& cp = checkpoints[next_cp];
          if (cp.size == seq && frontier.Root() != cp.parsed.root) {
            uint64_t prev = next_cp > 0 ? checkpoints[next_cp - 1].size : 0;
            Fault(report, std::nullopt,
                  "记录与已签名的检查点（大小 " + S(cp.size) + "）不一致：记录 " + S(prev + 1) +
                      "–" + S(cp.size) + " 中有记录及其树节点被改写",
                  "the log does not match the signed checkpoint (size " + S(cp.size) +
                      "): an entry among " + S(prev + 1) + "–" + S(cp.size) +
                      " was rewritten together with its tree rows");
            return core::Ok();
          }
          ++report.checkpoints;
          ++next_cp;
        }
      }
      if (r->rows.size() < options.batch) more = false;
      return core::Ok();
    }));
    if (options.progress) options.progress(report.entries, total);
  }
  if (!report.ok) return finish();

  // 4. The ends: counter, stored tree and checkpoints must all end at the last entry.
  if (head > last_seq) {
    Fault(report, last_seq + 1,
          "记录 " + S(last_seq + 1) + "–" + S(head) + " 缺失（日志末尾被删除）",
          "entries " + S(last_seq + 1) + "–" + S(head) + " are missing (deleted at the end)");
  } else if (head < last_seq) {
    Fault(report, head + 1, "记录 " + S(head + 1) + " 超出日志计数器（被插入）",
          "entry " + S(head + 1) + " is beyond the log counter (inserted)");
  } else if (stored_size > last_seq) {
    Fault(report, last_seq + 1,
          "树有 " + S(stored_size) + " 个叶子而记录只有 " + S(last_seq) + " 条：记录被删除",
          "the tree has " + S(stored_size) + " leaves but the log " + S(last_seq) +
              " entries: entries were deleted");
  } else if (next_cp < checkpoints.size()) {
    Fault(report, last_seq + 1,
          "检查点（大小 " + S(checkpoints[next_cp].size) + "）超出日志（" + S(last_seq) +
              " 条）：记录被删除",
          "checkpoint (size " + S(checkpoints[next_cp].size) + ") is beyond the log (" +
              S(last_seq) + " entries): entries were deleted");
  }
  if (!report.ok) return finish();
  uint64_t expected_rows = 0;
  for (int k = 0; k < 64; ++k) expected_rows += last_seq >> k;
  if (tree_rows != expected_rows) {
    Fault(report, std::nullopt,
          "record_tree 有 " + S(tree_rows) + " 行，应为 " + S(expected_rows) +
              " 行（有行被插入或删除）",
          "record_tree has " + S(tree_rows) + " rows, expected " + S(expected_rows) +
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
