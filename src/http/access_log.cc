#include "http/access_log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "core/time.h"

namespace zhifa::http {

namespace {
constexpr auto kFlushEvery = std::chrono::milliseconds(200);
}  // namespace

namespace {
std::atomic<uint64_t> g_next_log_id{1};
}  // namespace

AccessLog::AccessLog(int fd) : fd_(fd), id_(g_next_log_id++), thread_([this] { Loop(); }) {}

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
  Shard& shard = MyShard();
  std::lock_guard lock(shard.mu);
  shard.buffer += line;
}

AccessLog::Shard& AccessLog::MyShard() {
  // One shard per (thread, log); a thread keeps its shard for the log's lifetime.
  // Keyed by a process-unique id, not the address: a later log may reuse this one's address.
  thread_local uint64_t owner = 0;
  thread_local Shard* shard = nullptr;
  if (owner != id_) {
    auto made = std::make_unique<Shard>();
    shard = made.get();
    owner = id_;
    std::lock_guard lock(mu_);
    shards_.push_back(std::move(made));
  }
  return *shard;
}

void AccessLog::Collect(std::string& out) {
  std::lock_guard lock(mu_);
  for (auto& s : shards_) {
    std::lock_guard shard_lock(s->mu);
    out += s->buffer;
    s->buffer.clear();  // keeps its capacity
  }
}

void AccessLog::Flush() {
  std::string out;
  Collect(out);
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
      cv_.wait_for(lock, kFlushEvery, [&] { return stop_; });
      stopping = stop_;
    }
    Collect(out);
    WriteOut(out);
    out.clear();
    if (stopping) return;
  }
}

}  // namespace zhifa::http
