#include "record/evidence_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/random.h"
#include "record/evidence_rules.h"

namespace zhifa::record {

namespace fs = std::filesystem;
using core::Err;
using core::ErrorCode;

namespace {

constexpr size_t kReadChunk = 256 * 1024;

core::Error IoError(const std::string& what, const std::string& path) {
  std::string reason = std::strerror(errno);
  spdlog::error("evidence store: {} {}: {}", what, path, reason);
  return Err(ErrorCode::kUnavailable, "证据文件存储读写失败: " + reason,
             "evidence storage I/O failed: " + reason);
}

core::Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open dir", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync dir", dir);
  return core::Ok();
}

const EVP_MD* Md(HashAlgorithm a) { return a == HashAlgorithm::kSm3 ? EVP_sm3() : EVP_sha256(); }

}  // namespace

StreamHasher::StreamHasher(HashAlgorithm algorithm) : ctx_(EVP_MD_CTX_new()) {
  auto* c = static_cast<EVP_MD_CTX*>(ctx_);
  if (!c || EVP_DigestInit_ex(c, Md(algorithm), nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
}

StreamHasher::~StreamHasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void StreamHasher::Update(std::string_view data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
}

Hash StreamHasher::Final() {
  Hash h{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), h.data(), &n);
  return h;
}

const char* FileStateName(FileState s) {
  switch (s) {
    case FileState::kOk:
      return "ok";
    case FileState::kChanged:
      return "changed";
    case FileState::kMissing:
      return "missing";
  }
  return "";
}

core::Result<std::unique_ptr<EvidenceStore>> EvidenceStore::Open(std::string root,
                                                                 HashAlgorithm algorithm) {
  std::error_code ec;
  fs::create_directories(fs::path(root) / "tmp", ec);
  if (ec) {
    return Err(ErrorCode::kUnavailable, "无法创建证据目录 " + root + ": " + ec.message(),
               "cannot create the evidence directory " + root + ": " + ec.message(),
               "ZHIFA_DATA_DIR");
  }
  // Temp files left by a crash mid-upload were never committed: nothing refers to them.
  for (const auto& e : fs::directory_iterator(fs::path(root) / "tmp", ec)) {
    std::error_code rm;
    fs::remove(e.path(), rm);
  }
  return std::unique_ptr<EvidenceStore>(new EvidenceStore(std::move(root), algorithm));
}

std::string EvidenceStore::PathOf(const Hash& hash) const {
  std::string hex = HashHex(hash);
  return root_ + "/" + hex.substr(0, 2) + "/" + hex.substr(2, 2) + "/" + hex;
}

// ---- upload ----------------------------------------------------------------------------------

EvidenceStore::Upload::Upload(EvidenceStore& store, int fd, std::string path)
    : store_(store), fd_(fd), path_(std::move(path)), hasher_(store.algorithm_) {}

EvidenceStore::Upload::~Upload() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(path_.c_str());
}

core::Status EvidenceStore::Upload::Write(std::string_view chunk) {
  if (fd_ < 0) {
    return Err(ErrorCode::kInternal, "上传已结束", "the upload is finished");
  }
  hasher_.Update(chunk);
  if (head_.size() < kSniffBytes) {
    head_.append(chunk.substr(0, kSniffBytes - head_.size()));
  }
  const char* p = chunk.data();
  size_t left = chunk.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path_);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  size_ += chunk.size();
  return core::Ok();
}

core::Result<std::unique_ptr<EvidenceStore::Upload>> EvidenceStore::BeginUpload() {
  auto token = core::RandomToken(12);
  if (!token) return token.error();
  std::string path = root_ + "/tmp/upload-" + *token;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("create", path);
  return std::unique_ptr<Upload>(new Upload(*this, fd, std::move(path)));
}

core::Result<EvidenceStore::Stored> EvidenceStore::Commit(Upload& up) {
  if (up.fd_ < 0 || up.committed_) {
    return Err(ErrorCode::kInternal, "上传已结束", "the upload is finished");
  }
  Stored out;
  out.hash = up.hasher_.Final();
  out.size = up.size_;
  if (::fsync(up.fd_) != 0) return IoError("fsync", up.path_);
  ::close(up.fd_);
  up.fd_ = -1;
  std::string final_path = PathOf(out.hash);
  std::string dir = final_path.substr(0, final_path.rfind('/'));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    errno = ec.value();
    return IoError("mkdir", dir);
  }
  // link() never replaces an existing name: the first copy of these bytes stays.
  if (::link(up.path_.c_str(), final_path.c_str()) != 0) {
    if (errno != EEXIST) return IoError("link", final_path);
    out.deduplicated = true;
    // The stored copy must still be these bytes: a damaged copy is reported, not trusted.
    if (!IsVerified(out.hash, out.size)) {
      auto check = Verify(out.hash, out.size);
      if (!check) return check.error();
      if (check->state != FileState::kOk) {
        spdlog::error("evidence store: stored copy of {} is {} — upload refused", HashHex(out.hash),
                      FileStateName(check->state));
        return Err(ErrorCode::kConflict,
                   "已存储的同一文件已损坏或被改动，请联系系统管理员核查（zhifa verify）",
                   "the stored copy of this file is damaged or changed; ask the administrator "
                   "to check it (zhifa verify)");
      }
    }
  } else {
    auto st = FsyncDir(dir);
    if (!st) return st.error();
  }
  ::unlink(up.path_.c_str());
  up.committed_ = true;
  return out;
}

// ---- read ------------------------------------------------------------------------------------

EvidenceStore::Reader::Reader(EvidenceStore& store, int fd, Hash hash, uint64_t begin, uint64_t end,
                              bool verify)
    : store_(store), fd_(fd), hash_(hash), pos_(begin), end_(end) {
  if (verify) hasher_ = std::make_unique<StreamHasher>(store.algorithm_);
}

EvidenceStore::Reader::~Reader() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<size_t> EvidenceStore::Reader::Read(char* buf, size_t cap) {
  if (pos_ >= end_) return size_t{0};
  size_t want = static_cast<size_t>(std::min<uint64_t>(cap, end_ - pos_));
  size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd_, buf + got, want - got, static_cast<off_t>(pos_ + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read", HashHex(hash_));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  std::string hex = HashHex(hash_);
  if (got < want) {
    spdlog::error("evidence file {} is shorter than recorded (tampered or damaged)", hex);
    store_.Forget(hash_);
    return Err(ErrorCode::kConflict, "证据文件比记录的短，已被改动或损坏",
               "the evidence file is shorter than recorded: changed or damaged");
  }
  pos_ += got;
  if (hasher_) {
    hasher_->Update(std::string_view(buf, got));
    if (pos_ == end_ && hasher_->Final() != hash_) {
      spdlog::error("evidence file {} does not match its hash (tampered or damaged)", hex);
      store_.Forget(hash_);
      return Err(ErrorCode::kConflict, "证据文件内容与记录的哈希不符，已被改动或损坏",
                 "the evidence file no longer matches its recorded hash: changed or damaged");
    }
  }
  return got;
}

core::Result<std::unique_ptr<EvidenceStore::Reader>> EvidenceStore::Open(const Hash& hash,
                                                                         uint64_t size,
                                                                         uint64_t begin,
                                                                         uint64_t end) {
  std::string path = PathOf(hash);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      spdlog::error("evidence file {} is missing", HashHex(hash));
      return Err(ErrorCode::kNotFound, "证据文件缺失", "the evidence file is missing");
    }
    return IoError("open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != size) {
    ::close(fd);
    spdlog::error("evidence file {} has {} bytes, {} recorded (tampered or damaged)", HashHex(hash),
                  static_cast<uint64_t>(st.st_size), size);
    Forget(hash);
    return Err(ErrorCode::kConflict, "证据文件大小与记录不符，已被改动或损坏",
               "the evidence file's size differs from the record: changed or damaged");
  }
  bool whole = begin == 0 && end == size;
  return std::unique_ptr<Reader>(new Reader(*this, fd, hash, begin, end, whole));
}

// ---- verification ----------------------------------------------------------------------------

std::optional<EvidenceStore::Identity> EvidenceStore::IdentityOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  Identity id;
  id.ino = st.st_ino;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  id.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  return id;
}

void EvidenceStore::Forget(const Hash& hash) {
  std::lock_guard lock(mu_);
  verified_.erase(hash);
}

bool EvidenceStore::IsVerified(const Hash& hash, uint64_t size) {
  auto id = IdentityOf(PathOf(hash));
  if (!id || id->size != size) return false;
  std::lock_guard lock(mu_);
  auto it = verified_.find(hash);
  return it != verified_.end() && it->second == *id;
}

core::Result<FileCheck> EvidenceStore::Verify(const Hash& hash, uint64_t size) {
  FileCheck out;
  out.hash = HashHex(hash);
  std::string path = PathOf(hash);
  auto before = IdentityOf(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !before) {
    if (fd >= 0) ::close(fd);
    if (errno != ENOENT && fd < 0) return IoError("open", path);
    out.state = FileState::kMissing;
    Forget(hash);
    return out;
  }
  StreamHasher h(algorithm_);
  std::vector<char> buf(kReadChunk);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return IoError("read", path);
    }
    if (n == 0) break;
    h.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    out.size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  Hash actual = h.Final();
  if (actual != hash || out.size != size) {
    out.state = FileState::kChanged;
    out.actual_hash = HashHex(actual);
    spdlog::error("evidence file {} changed: {} bytes hashing to {}", out.hash, out.size,
                  out.actual_hash);
    Forget(hash);
    return out;
  }
  auto after = IdentityOf(path);
  std::lock_guard lock(mu_);
  if (after && *after == *before) verified_[hash] = *after;
  return out;
}

core::Result<VerifyReport> EvidenceStore::VerifyAll(
    const std::function<void(const VerifyProgress&)>& progress,
    const std::optional<std::map<std::string, uint64_t>>& expected) {
  // The stored files: <root>/xx/yy/<64 hex>.
  std::map<std::string, uint64_t> found;  // hex → size on disk
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(root_, ec)) {
    if (!e.is_regular_file()) continue;
    auto rel = fs::relative(e.path(), root_).string();
    if (rel.rfind("tmp/", 0) == 0) continue;
    std::string name = e.path().filename().string();
    if (!HashFromHex(name)) continue;
    found[name] = e.file_size();
  }
  if (ec) {
    return Err(ErrorCode::kUnavailable, "无法读取证据目录: " + ec.message(),
               "cannot list the evidence directory: " + ec.message());
  }
  VerifyReport report;
  VerifyProgress p;
  p.files_total = found.size();
  if (expected) {
    for (const auto& [hex, size] : *expected) {
      if (!found.count(hex)) {
        FileCheck miss;
        miss.hash = hex;
        miss.state = FileState::kMissing;
        spdlog::error("evidence file {} is missing", hex);
        report.problems.push_back(miss);
      }
    }
  }
  for (const auto& [hex, size] : found) {
    auto hash = HashFromHex(hex);
    uint64_t want = size;
    if (expected) {
      auto it = expected->find(hex);
      if (it == expected->end()) {
        report.unreferenced.push_back(hex);
      } else {
        want = it->second;
      }
    }
    auto check = Verify(*hash, want);
    if (!check) return check.error();
    report.files_checked++;
    report.bytes_checked += check->size;
    if (check->state != FileState::kOk) report.problems.push_back(*check);
    p.files_done++;
    p.bytes_done += check->size;
    if (progress) progress(p);
  }
  return report;
}

}  // namespace zhifa::record
