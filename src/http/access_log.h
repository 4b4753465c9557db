// zhifa::http::AccessLog — one line per request, written in batches.
//
// Lines are appended to an in-memory buffer under a short lock; a background thread writes the
// buffer to the file descriptor (stdout by default) every 200 ms or when it passes 64 KiB, so a
// request never waits for a write(2) and the log costs one system call per batch rather than one
// per request (bench/README.md). Lines still buffered are written by Flush() and at destruction.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

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
  void Loop();
  void WriteOut(const std::string& text);

  int fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace zhifa::http
