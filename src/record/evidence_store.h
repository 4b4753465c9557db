// zhifa::record::EvidenceStore — evidence files (证据材料), stored content-addressed under the
// data directory: <root>/<h0h1>/<h2h3>/<hash hex>, the hash being the record log's algorithm
// (SM3 or SHA-256), so the hash that enters the log names the file. A stored file is never
// overwritten: the same bytes map to the same file (deduplicated) and new bytes to a new name.
//
// Uploads stream into <root>/tmp/ while being hashed (bounded memory whatever the size), are
// fsynced, and are renamed into place only by Commit(); an Upload destroyed before that removes
// its temp file. Reads stream from disk; a whole-file Reader re-hashes while reading and fails
// on its last chunk when the bytes no longer match their name (see docs/architecture.md).
// Thread-safety: EvidenceStore is thread-safe; Upload and Reader are used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "record/merkle.h"

namespace zhifa::record {

// Incremental hash with the record log's algorithm (OpenSSL EVP; the same digests as
// TreeHasher::Digest over the concatenated chunks).
class StreamHasher {
 public:
  explicit StreamHasher(HashAlgorithm algorithm);
  ~StreamHasher();
  StreamHasher(const StreamHasher&) = delete;
  StreamHasher& operator=(const StreamHasher&) = delete;
  void Update(std::string_view data);
  Hash Final();  // once

 private:
  void* ctx_;  // EVP_MD_CTX
};

enum class FileState { kOk, kChanged, kMissing };
const char* FileStateName(FileState s);

struct FileCheck {
  std::string hash;  // hex
  FileState state = FileState::kOk;
  uint64_t size = 0;        // bytes found on disk
  std::string actual_hash;  // hex of what is on disk, when changed
};

struct VerifyProgress {
  uint64_t files_done = 0;
  uint64_t files_total = 0;
  uint64_t bytes_done = 0;
};

struct VerifyReport {
  uint64_t files_checked = 0;
  uint64_t bytes_checked = 0;
  std::vector<FileCheck> problems;        // changed or missing files
  std::vector<std::string> unreferenced;  // stored files no metadata row names (when given)
};

class EvidenceStore {
 public:
  // `root` is created when missing; stale temp files of an earlier crash are removed.
  static core::Result<std::unique_ptr<EvidenceStore>> Open(std::string root,
                                                           HashAlgorithm algorithm);
  HashAlgorithm algorithm() const { return algorithm_; }
  const std::string& root() const { return root_; }

  class Upload {
   public:
    ~Upload();  // removes the temp file unless committed
    core::Status Write(std::string_view chunk);
    uint64_t size() const { return size_; }
    // The first kSniffBytes bytes (or all of a smaller file), for content identification.
    std::string_view head() const { return head_; }

   private:
    friend class EvidenceStore;
    Upload(EvidenceStore& store, int fd, std::string path);
    EvidenceStore& store_;
    int fd_;
    std::string path_;
    StreamHasher hasher_;
    uint64_t size_ = 0;
    std::string head_;
    bool committed_ = false;
  };
  core::Result<std::unique_ptr<Upload>> BeginUpload();

  struct Stored {
    Hash hash;
    uint64_t size = 0;
    bool deduplicated = false;  // the same bytes were stored already
  };
  // Finishes the hash, makes the bytes durable and moves them to their content address (never
  // replacing an existing file). After this the Upload holds nothing.
  core::Result<Stored> Commit(Upload& upload);

  class Reader {
   public:
    ~Reader();
    // Up to cap bytes of the range. Errors: kConflict when a whole-file read finds bytes that do
    // not hash to the file's name (returned instead of the last chunk), or the file is shorter
    // than recorded; kUnavailable on an I/O error.
    core::Result<size_t> Read(char* buf, size_t cap);

   private:
    friend class EvidenceStore;
    Reader(EvidenceStore& store, int fd, Hash hash, uint64_t begin, uint64_t end, bool verify);
    EvidenceStore& store_;
    int fd_;
    Hash hash_;
    uint64_t pos_, end_;
    std::unique_ptr<StreamHasher> hasher_;  // whole-file reads only
  };
  // Opens [begin, end) of the file `hash` whose recorded size is `size`. A whole-file read
  // verifies the hash while streaming. Errors: kNotFound when the file is missing; kConflict
  // when its size differs from `size`.
  core::Result<std::unique_ptr<Reader>> Open(const Hash& hash, uint64_t size, uint64_t begin,
                                             uint64_t end);

  // Re-hashes one file. Remembers a good result for the file's identity (inode, size, mtime,
  // ctime) so that IsVerified can answer without reading it again.
  core::Result<FileCheck> Verify(const Hash& hash, uint64_t size);
  // Whether the file passed Verify and has not been modified since (its ctime, which no user
  // can set, is unchanged).
  bool IsVerified(const Hash& hash, uint64_t size);

  // Re-hashes every stored file and reports changed ones. When `expected` (hash hex → size,
  // from the metadata) is given, files it names that are absent are reported missing, files
  // with another size as changed, and stored files it does not name as unreferenced.
  // `progress` (optional) is called after each file.
  core::Result<VerifyReport> VerifyAll(
      const std::function<void(const VerifyProgress&)>& progress,
      const std::optional<std::map<std::string, uint64_t>>& expected = std::nullopt);

  std::string PathOf(const Hash& hash) const;

 private:
  EvidenceStore(std::string root, HashAlgorithm algorithm)
      : root_(std::move(root)), algorithm_(algorithm) {}
  struct Identity {
    uint64_t ino = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const Identity&) const = default;
  };
  std::optional<Identity> IdentityOf(const std::string& path);
  void Forget(const Hash& hash);
  std::string root_;
  HashAlgorithm algorithm_;
  std::mutex mu_;
  std::map<Hash, Identity> verified_;
};

}  // namespace zhifa::record
