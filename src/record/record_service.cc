#include "record/record_service.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/random.h"
#include "core/time.h"
#include "org/org_service.h"
#include "record/record_tree.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;
using nlohmann::json;

core::Status CheckRecordOptions(const RecordOptions& o) {
  if (auto h = ParseHashAlgorithm(o.hash); !h) {
    return Err(ErrorCode::kInvalidArgument, "record.hash 须为 sm3 或 sha256: " + o.hash,
               "record.hash must be sm3 or sha256: " + o.hash, "record.hash");
  }
  if (auto s = ParseSignatureAlgorithm(o.signature); !s) {
    return Err(ErrorCode::kInvalidArgument, "record.signature 须为 sm2 或 ed25519: " + o.signature,
               "record.signature must be sm2 or ed25519: " + o.signature, "record.signature");
  }
  bool origin_ok = !o.origin.empty();
  for (unsigned char ch : o.origin) {
    if (ch <= 0x20 || ch == '+' || ch == 0x7f) origin_ok = false;
  }
  if (!origin_ok) {
    return Err(ErrorCode::kInvalidArgument, "record.origin 不能为空，且不能含空格、+ 或控制字符",
               "record.origin must be non-empty without spaces, '+' or control characters",
               "record.origin");
  }
  if (o.checkpoint_every < 1) {
    return Err(ErrorCode::kInvalidArgument, "record.checkpoint_every 须 ≥ 1",
               "record.checkpoint_every must be >= 1", "record.checkpoint_every");
  }
  if (o.checkpoint_seconds < 1) {
    return Err(ErrorCode::kInvalidArgument, "record.checkpoint_seconds 须 ≥ 1",
               "record.checkpoint_seconds must be >= 1", "record.checkpoint_seconds");
  }
  return core::Ok();
}

bool CanReadProofs(const org::Principal& p) {
  return p.Has(org::Permission::kLogsRead) || p.HasRole(org::Role::kSupervisor);
}

std::string EnterpriseTarget(const std::string& credit_code) { return "enterprise:" + credit_code; }

// ---- PersonKey -----------------------------------------------------------------------------

core::Result<PersonKey> PersonKey::Ephemeral() {
  auto k = core::RandomBytes(32);
  if (!k) return k.error();
  PersonKey pk;
  pk.key_ = *k;
  return pk;
}

core::Result<PersonKey> PersonKey::LoadOrCreate(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    ::chmod(p.parent_path().c_str(), 0700);
  }
  if (!fs::exists(p)) {
    auto k = core::RandomBytes(32);
    if (!k) return k.error();
    std::string tmp = path + ".tmp" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      return Err(ErrorCode::kUnavailable, "无法创建身份号码密钥文件 " + path,
                 "cannot create the person key file " + path, "key_file");
    }
    bool ok =
        ::write(fd, k->data(), k->size()) == static_cast<ssize_t>(k->size()) && ::fsync(fd) == 0;
    ::close(fd);
    // link() never replaces: a concurrent first start keeps the winner's key.
    if (ok) (void)::link(tmp.c_str(), path.c_str());
    ::unlink(tmp.c_str());
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Err(ErrorCode::kUnavailable, "无法读取身份号码密钥文件 " + path,
               "cannot read the person key file " + path, "key_file");
  }
  if ((st.st_mode & 077) != 0) {
    return Err(ErrorCode::kPermissionDenied, "身份号码密钥文件权限过宽（须为 0600）: " + path,
               "the person key file is accessible by group or others (must be 0600): " + path,
               "key_file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), {});
  if (key.size() != 32) {
    return Err(ErrorCode::kUnavailable, "身份号码密钥文件长度错误: " + path,
               "the person key file does not hold 32 bytes: " + path, "key_file");
  }
  PersonKey pk;
  pk.key_ = std::move(key);
  return pk;
}

std::string PersonKey::Target(const std::string& id_number) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(id_number.data()), id_number.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out = "person:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

// ---- RecordService -------------------------------------------------------------------------

core::Result<std::unique_ptr<RecordService>> RecordService::Open(store::Database& db,
                                                                 CommandBus& bus,
                                                                 const RecordOptions& options,
                                                                 const std::string& key_file,
                                                                 PersonKey person_key) {
  ZHIFA_TRY(CheckRecordOptions(options));
  auto hash = ParseHashAlgorithm(options.hash);
  auto sig = ParseSignatureAlgorithm(options.signature);
  auto added = bus.tree().Open(db, *hash, options.origin);
  if (!added) return added.error();
  if (*added > 0) spdlog::info("record log: built the Merkle tree of {} earlier entries", *added);
  // The origin is fixed with the log: a changed configuration does not rename the log.
  std::string origin = options.origin;
  ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
    auto m = ReadLogMeta(c);
    if (!m) return m.error();
    if (*m) origin = (*m)->origin;
    return core::Ok();
  }));
  core::Result<NoteSigner> signer = key_file.empty()
                                        ? NoteSigner::Generate(*sig, origin)
                                        : NoteSigner::LoadOrCreate(key_file, *sig, origin);
  if (!signer) return signer.error();
  std::string pem = signer->PublicKeyPem();
  // Written once with the log; read first so an existing log opens without the write lock.
  bool stored = false;
  ZHIFA_TRY(db.Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query("SELECT count(*) FROM record_meta WHERE name IN ('signature', 'public_key')");
    if (!r) return r.error();
    stored = r->rows.at(0).Int(0) == 2;
    return core::Ok();
  }));
  if (!stored) {
    ZHIFA_TRY(db.Admin([&](store::Conn& c) -> core::Status {
      auto r = c.Exec(
          "INSERT INTO record_meta (name, value) VALUES ('signature', $1), ('public_key', $2) "
          "ON CONFLICT (name) DO NOTHING",
          {std::string(SignatureAlgorithmName(signer->algorithm())), pem});
      if (!r) return r.error();
      return core::Ok();
    }));
  }
  RecordOptions o = options;
  o.origin = origin;
  return std::unique_ptr<RecordService>(
      new RecordService(db, bus, o, std::move(*signer), std::move(person_key), *hash));
}

RecordService::~RecordService() { Stop(); }

void RecordService::Start() {
  std::lock_guard lock(loop_mu_);
  if (loop_.joinable()) return;
  stop_ = false;
  loop_ = std::thread([this] { Loop(); });
}

void RecordService::Stop() {
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

void RecordService::Loop() {
  // The proof API's upper tree levels, loaded once in the background (proofs work meanwhile,
  // reading what is not cached yet).
  auto warm = db_.Read([&](store::Conn& c) -> core::Status {
    auto rows = WarmSubtreeCache(c, cache_);
    if (!rows) return rows.error();
    return core::Ok();
  });
  if (!warm) spdlog::warn("record log: proof cache not loaded: {}", warm.error().message_en);
  auto last_time = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock lock(loop_mu_);
      loop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
      if (stop_) return;
    }
    uint64_t head = 0, last = 0;
    auto st = db_.Read([&](store::Conn& c) -> core::Status {
      auto h = StoredTreeSize(c);
      if (!h) return h.error();
      head = *h;
      auto r = c.Query("SELECT MAX(size) FROM record_checkpoints");
      if (!r) return r.error();
      last = r->rows.empty() ? 0 : static_cast<uint64_t>(r->rows[0].Int(0));
      return core::Ok();
    });
    if (!st) continue;
    auto now = std::chrono::steady_clock::now();
    bool due =
        head > last && (head - last >= static_cast<uint64_t>(options_.checkpoint_every) ||
                        now - last_time >= std::chrono::seconds(options_.checkpoint_seconds));
    if (!due) continue;
    auto cp = Checkpoint();
    if (!cp) {
      spdlog::error("record log: checkpoint failed: {}", cp.error().message_en);
    }
    last_time = now;
  }
}

namespace {

StoredCheckpoint FromRow(const store::Row& r) {
  return {static_cast<uint64_t>(r.Int(0)), r.Text(1), r.Text(2), r.Text(3)};
}

core::Result<std::optional<StoredCheckpoint>> LatestIn(store::Conn& c) {
  auto r =
      c.Query("SELECT size, root, note, at FROM record_checkpoints ORDER BY size DESC LIMIT 1");
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(FromRow(r->rows[0]));
}

json CheckpointJson(const StoredCheckpoint& cp) {
  return {{"size", cp.size}, {"root", cp.root_hex}, {"note", cp.note}, {"at", cp.at}};
}

}  // namespace

core::Result<std::optional<StoredCheckpoint>> RecordService::Latest() {
  std::optional<StoredCheckpoint> out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    auto l = LatestIn(c);
    if (!l) return l.error();
    out = *l;
    return core::Ok();
  }));
  return out;
}

core::Result<std::optional<StoredCheckpoint>> RecordService::Checkpoint() {
  std::lock_guard lock(checkpoint_mu_);
  std::optional<StoredCheckpoint> out;
  ZHIFA_TRY(db_.Write([&](store::Conn& c) -> core::Status {
    auto prev = LatestIn(c);
    if (!prev) return prev.error();
    auto size = StoredTreeSize(c);
    if (!size) return size.error();
    if (*prev && (*prev)->size >= *size) {
      out = *prev;
      return core::Ok();
    }
    if (*size == 0) return core::Ok();
    DbHashStore store(c, hasher_, *size);
    auto root = RootHash(hasher_, store, *size);
    if (!root) return root.error();
    if (*prev) {
      // The previous checkpoint must verify and the log must extend it.
      auto old = signer_.verifier().VerifyCheckpoint((*prev)->note);
      if (!old) {
        return Err(ErrorCode::kInternal,
                   "上一检查点（大小 " + std::to_string((*prev)->size) + "）签名无效",
                   "the previous checkpoint (size " + std::to_string((*prev)->size) +
                       ") does not verify: " + old.error().message_en,
                   "record_checkpoints");
      }
      auto proof = record::ConsistencyProof(hasher_, store, old->size, *size);
      if (!proof) return proof.error();
      auto ok = VerifyConsistency(hasher_, old->size, *size, old->root, *root, *proof);
      if (!ok) {
        return Err(ErrorCode::kInternal,
                   "记录日志与上一检查点（大小 " + std::to_string(old->size) + "）不一致",
                   "the record log is not consistent with the previous checkpoint (size " +
                       std::to_string(old->size) + "): " + ok.error().message_en,
                   "record_nodes");
      }
    }
    record::Checkpoint cp{options_.origin, *size, *root, {}};
    auto note = signer_.SignCheckpoint(cp);
    if (!note) return note.error();
    StoredCheckpoint s{*size, HashHex(*root), *note, core::FormatRfc3339Micros(core::NowMicros())};
    auto ins = c.Exec(
        "INSERT INTO record_checkpoints (size, root, note, at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (size) DO NOTHING",
        {static_cast<int64_t>(s.size), s.root_hex, s.note, s.at});
    if (!ins) return ins.error();
    auto again = LatestIn(c);  // another node may have written this size first
    if (!again) return again.error();
    out = *again;
    return core::Ok();
  }));
  return out;
}

core::Result<json> RecordService::ListCheckpoints(int page, int page_size) {
  json out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    std::string sql = "SELECT size, root, note, at FROM record_checkpoints ORDER BY size DESC";
    store::Params params;
    store::AddPage(sql, params, page, page_size);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    auto n = c.Query("SELECT COUNT(*) FROM record_checkpoints");
    if (!n) return n.error();
    json items = json::array();
    for (const auto& row : r->rows) items.push_back(CheckpointJson(FromRow(row)));
    out = org::PageJson(std::move(items), n->rows[0].Int(0), page, page_size);
    return core::Ok();
  }));
  return out;
}

namespace {
core::Error BadArg(const std::string& zh, const std::string& en, const char* field) {
  return Err(ErrorCode::kInvalidArgument, zh, en, field);
}
}  // namespace

core::Result<json> RecordService::Leaves(uint64_t start, uint64_t end) {
  if (start < 1) return BadArg("start 须 ≥ 1", "start must be >= 1", "start");
  if (end < start) return BadArg("end 须 ≥ start", "end must be >= start", "end");
  if (end - start >= 1000) {
    return BadArg("一次最多 1000 条", "at most 1000 entries per request", "end");
  }
  json items = json::array();
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    auto size = StoredTreeSize(c);
    if (!size) return size.error();
    if (end > *size) {
      return BadArg("end 超出日志大小 " + std::to_string(*size),
                    "end is beyond the log size " + std::to_string(*size), "end");
    }
    auto r = c.Query(
        "SELECT seq, at, actor_id, unit_id, kind, target, payload FROM record_log "
        "WHERE seq >= $1 AND seq <= $2 ORDER BY seq",
        {static_cast<int64_t>(start), static_cast<int64_t>(end)});
    if (!r) return r.error();
    for (const auto& row : r->rows) {
      auto f = FieldsFromRow(hasher_, row.Int(0), row.Text(1), row.OptInt(2), row.OptInt(3),
                             row.Text(4), row.Text(5), row.Text(6));
      if (!f) return f.error();
      auto bytes = EncodeEntry(*f);
      if (!bytes) return bytes.error();
      items.push_back({{"seq", row.Int(0)},
                       {"index", row.Int(0) - 1},
                       {"entry", Base64Encode(*bytes)},
                       {"leaf_hash", HashHex(hasher_.LeafHash(*bytes))},
                       {"payload_hash", HashHex(f->payload_hash)}});
    }
    return core::Ok();
  }));
  return json{{"hash", HashAlgorithmName(hash_)}, {"items", items}};
}

core::Result<json> RecordService::InclusionProof(uint64_t index, uint64_t size) {
  json out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    auto stored = StoredTreeSize(c);
    if (!stored) return stored.error();
    uint64_t n = size;
    if (n == 0) {
      auto l = LatestIn(c);
      if (!l) return l.error();
      if (!*l) return BadArg("尚无检查点", "there is no checkpoint yet", "size");
      n = (*l)->size;
    }
    if (n > *stored) {
      return BadArg("size 超出日志大小 " + std::to_string(*stored),
                    "size is beyond the log size " + std::to_string(*stored), "size");
    }
    if (index >= n) return BadArg("index 须小于 size", "index must be less than size", "index");
    // Proof, leaf and root in one cached pass (bench/README.md: proofs at 10M entries).
    auto all = CachedLookup(
        c, hasher_, n,
        [&](const HashStore& store) -> core::Result<std::vector<Hash>> {
          auto proof = record::InclusionProof(hasher_, store, index, n);
          if (!proof) return proof.error();
          auto leaf = store.SubtreeHash(0, index);
          if (!leaf) return leaf.error();
          auto root = RootHash(hasher_, store, n);
          if (!root) return root.error();
          proof->push_back(*leaf);
          proof->push_back(*root);
          return proof;
        },
        &cache_);
    if (!all) return all.error();
    Hash root = all->back();
    all->pop_back();
    Hash leaf = all->back();
    all->pop_back();
    json hashes = json::array();
    for (const auto& h : *all) hashes.push_back(HashHex(h));
    out = {{"index", index},        {"size", n},       {"leaf_hash", HashHex(leaf)},
           {"root", HashHex(root)}, {"proof", hashes}, {"hash", HashAlgorithmName(hash_)}};
    return core::Ok();
  }));
  return out;
}

core::Result<json> RecordService::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  if (old_size > new_size) return BadArg("old 须 ≤ new", "old must be <= new", "old");
  json out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    auto stored = StoredTreeSize(c);
    if (!stored) return stored.error();
    if (new_size > *stored) {
      return BadArg("new 超出日志大小 " + std::to_string(*stored),
                    "new is beyond the log size " + std::to_string(*stored), "new");
    }
    auto all = CachedLookup(
        c, hasher_, new_size,
        [&](const HashStore& store) -> core::Result<std::vector<Hash>> {
          auto proof = record::ConsistencyProof(hasher_, store, old_size, new_size);
          if (!proof) return proof.error();
          auto old_root = RootHash(hasher_, store, old_size);
          if (!old_root) return old_root.error();
          auto new_root = RootHash(hasher_, store, new_size);
          if (!new_root) return new_root.error();
          proof->push_back(*old_root);
          proof->push_back(*new_root);
          return proof;
        },
        &cache_);
    if (!all) return all.error();
    Hash new_root = all->back();
    all->pop_back();
    Hash old_root = all->back();
    all->pop_back();
    json hashes = json::array();
    for (const auto& h : *all) hashes.push_back(HashHex(h));
    out = {{"old", old_size},
           {"new", new_size},
           {"old_root", HashHex(old_root)},
           {"new_root", HashHex(new_root)},
           {"proof", hashes},
           {"hash", HashAlgorithmName(hash_)}};
    return core::Ok();
  }));
  return out;
}

core::Result<json> RecordService::TargetEntries(const org::Principal& p, const std::string& target,
                                                int page, int page_size) {
  json out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    store::Params params{target};
    std::string pred = org::ScopePredicate(p.scope, "l.unit_id", "l.actor_id", params);
    std::string where =
        " FROM record_log l WHERE (l.target = $1 OR l.seq IN (SELECT seq FROM "
        "record_subjects WHERE subject = $1)) AND " +
        pred;
    auto n = c.Query("SELECT COUNT(*)" + where, params);
    if (!n) return n.error();
    if (n->rows[0].Int(0) == 0) {
      return Err(ErrorCode::kNotFound, "没有该对象的记录（或不在数据范围内）",
                 "no entries for this target (or outside your data scope)", "target");
    }
    std::string sql = "SELECT l.seq, l.at, l.actor_id, l.unit_id, l.kind, l.target, l.payload" +
                      where + " ORDER BY l.seq";
    store::AddPage(sql, params, page, page_size);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    json items = json::array();
    for (const auto& row : r->rows) {
      auto f = FieldsFromRow(hasher_, row.Int(0), row.Text(1), row.OptInt(2), row.OptInt(3),
                             row.Text(4), row.Text(5), row.Text(6));
      if (!f) return f.error();
      auto bytes = EncodeEntry(*f);
      if (!bytes) return bytes.error();
      json payload = json::parse(row.Text(6), nullptr, false);
      items.push_back({{"seq", row.Int(0)},
                       {"at", row.Text(1)},
                       {"actor_id", row.OptInt(2) ? json(*row.OptInt(2)) : json(nullptr)},
                       {"unit_id", row.OptInt(3) ? json(*row.OptInt(3)) : json(nullptr)},
                       {"kind", row.Text(4)},
                       {"target", row.Text(5)},
                       {"payload", payload.is_discarded() ? json(row.Text(6)) : payload},
                       {"leaf_hash", HashHex(hasher_.LeafHash(*bytes))}});
    }
    out = org::PageJson(std::move(items), n->rows[0].Int(0), page, page_size);
    out["target"] = target;
    return core::Ok();
  }));
  return out;
}

core::Result<json> RecordService::VerifyEntry(const org::Principal& p, uint64_t seq) {
  json out;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    store::Params params{static_cast<int64_t>(seq)};
    std::string pred = org::ScopePredicate(p.scope, "unit_id", "actor_id", params);
    auto r = c.Query(
        "SELECT seq, at, actor_id, unit_id, kind, target, payload FROM record_log WHERE seq = $1 "
        "AND " +
            pred,
        params);
    if (!r) return r.error();
    if (r->rows.empty()) {
      return Err(ErrorCode::kNotFound, "记录不存在（或不在数据范围内）",
                 "no such entry (or outside your data scope)", "seq");
    }
    const auto& row = r->rows[0];
    auto f = FieldsFromRow(hasher_, row.Int(0), row.Text(1), row.OptInt(2), row.OptInt(3),
                           row.Text(4), row.Text(5), row.Text(6));
    if (!f) return f.error();
    auto bytes = EncodeEntry(*f);
    if (!bytes) return bytes.error();
    Hash leaf = hasher_.LeafHash(*bytes);
    auto latest = LatestIn(c);
    if (!latest) return latest.error();
    out = {{"seq", seq}, {"leaf_hash", HashHex(leaf)}};
    if (!*latest || (*latest)->size < seq) {
      out["included"] = false;
      out["reason"] = "not_yet_checkpointed";
      return core::Ok();
    }
    auto cp = signer_.verifier().VerifyCheckpoint((*latest)->note);
    if (!cp) {
      out["included"] = false;
      out["reason"] = "checkpoint_signature_invalid";
      return core::Ok();
    }
    DbHashStore store(c, hasher_, cp->size);
    auto proof = record::InclusionProof(hasher_, store, seq - 1, cp->size);
    if (!proof) return proof.error();
    auto v = VerifyInclusion(hasher_, seq - 1, cp->size, leaf, *proof, cp->root);
    out["checkpoint_size"] = cp->size;
    out["root"] = HashHex(cp->root);
    out["proof_length"] = proof->size();
    out["included"] = static_cast<bool>(v);
    if (!v) out["reason"] = "proof_does_not_match_signed_root";
    return core::Ok();
  }));
  return out;
}

core::Result<json> RecordService::LastVerify() {
  json out = nullptr;
  ZHIFA_TRY(db_.Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query(
        "SELECT seq, at, payload FROM record_log WHERE kind = 'record.verified' ORDER BY seq DESC "
        "LIMIT 1");
    if (!r) return r.error();
    if (r->rows.empty()) return core::Ok();
    json payload = json::parse(r->rows[0].Text(2), nullptr, false);
    out = {{"seq", r->rows[0].Int(0)},
           {"at", r->rows[0].Text(1)},
           {"result", payload.is_discarded() ? json(nullptr) : payload}};
    return core::Ok();
  }));
  return out;
}

}  // namespace zhifa::record
