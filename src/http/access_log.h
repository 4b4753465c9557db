// zhifa::http::AccessLog — one line per request, written in batches.
//
// Each thread appends lines to its own buffer (a per-thread lock that only the flusher ever
// shares, so it is uncontended); a background thread writes all buffers to the file descriptor
// (stdout by default) every 200 ms, so a request never waits for a write(2), the log costs one
// system call per batch, and the I/O threads do not contend on one lock (bench/README.md).
// Lines from different threads may interleave out of time order within a batch; each line
// carries its time. Lines still buffered are written by Flush() and at destruction. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace zhifa::http {

class AccessLog {
 public:
  explicit AccessLog(int fd = 1);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Appends "<RFC 3339 time> <remote> <method> <target> <status> <micros>us <request id>\n".
  void Record(std::string_view remote, std::string_view method, std::string_view target, int status,
              int64_t micros, std::string_view request_id);
  // Writes whatever is buffered now.
  void Flush();

 private:
  struct Shard {
    std::mutex mu;
    std::string buffer;
  };
  Shard& MyShard();
  void Collect(std::string& out);
  void Loop();
  void WriteOut(const std::string& text);

  int fd_;
  uint64_t id_;
  std::mutex mu_;  // guards shards_ and stop_
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace zhifa::http
