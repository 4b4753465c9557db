#include "http/access_log.h"

#include <unistd.h>

#include <chrono>

#include "core/time.h"

namespace zhifa::http {

namespace {
constexpr size_t kFlushBytes = 64 * 1024;
constexpr auto kFlushEvery = std::chrono::milliseconds(200);
}  // namespace

AccessLog::AccessLog(int fd) : fd_(fd), thread_([this] { Loop(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void AccessLog::Record(std::string_view remote, std::string_view method, std::string_view target,
                       int status, int64_t micros, std::string_view request_id) {
  // Build the line outside the lock; the timestamp is cached per thread for each second.
  thread_local int64_t cached_second = -1;
  thread_local std::string cached_stamp;
  int64_t now = core::NowMicros();
  if (now / 1000000 != cached_second) {
    cached_second = now / 1000000;
    cached_stamp = core::FormatRfc3339Micros(cached_second * 1000000);
    cached_stamp.erase(cached_stamp.find('.'));  // whole seconds
    cached_stamp += 'Z';
  }
  std::string line;
  line.reserve(64 + target.size());
  line += cached_stamp;
  line += ' ';
  line += remote;
  line += ' ';
  line += method;
  line += ' ';
  line += target;
  line += ' ';
  line += std::to_string(status);
  line += ' ';
  line += std::to_string(micros);
  line += "us ";
  line += request_id;
  line += '\n';
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    buffer_ += line;
    wake = buffer_.size() >= kFlushBytes;
  }
  if (wake) cv_.notify_one();
}

void AccessLog::Flush() {
  std::string out;
  {
    std::lock_guard lock(mu_);
    out.swap(buffer_);
  }
  WriteOut(out);
}

void AccessLog::WriteOut(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n <= 0) return;  // the log is best effort; a full disk must not stop the server
    done += static_cast<size_t>(n);
  }
}

void AccessLog::Loop() {
  std::string out;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kFlushEvery, [&] { return stop_ || buffer_.size() >= kFlushBytes; });
      out.swap(buffer_);
      stopping = stop_;
    }
    WriteOut(out);
    out.clear();
    if (stopping) return;
  }
}

}  // namespace zhifa::http
