// zhifa::http::Server — HTTP/1.1 server on Boost.Beast with C++20 coroutines.
//
// Keep-alive; limits on header size, body size (413 with nothing kept) and read time; an access
// log line per request; graceful shutdown on SIGTERM/SIGINT (stop accepting, let in-flight
// requests finish, close idle connections). Handlers flagged blocking run on a worker pool, the
// rest inline on the I/O threads. Each I/O thread runs its own io_context and serves the
// connections accepted onto it. Time limits (read_timeout_seconds for a request and for writing
// its response, idle_timeout_seconds between requests) are deadlines checked by a sweep once a
// second, so a limit ends a connection within a second after it expired.
// Thread-safety: Run() blocks the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/router.h"

namespace zhifa::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port
  int io_threads = 2;
  int worker_threads = 32;
  uint64_t max_body_bytes = 1 << 20;  // 1 MiB
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 75;
  int shutdown_grace_seconds = 20;
  bool access_log = true;
  bool inline_reads = true;  // run GET handlers on the I/O threads
};

class Server {
 public:
  Server(Router& router, ServerOptions options);
  ~Server();
  // Binds the listening socket. Errors: kUnavailable with the reason (e.g. address in use).
  core::Status Bind();
  // The bound port (useful with port 0).
  uint16_t port() const;
  // Serves until SIGTERM/SIGINT or Stop(); returns after a graceful shutdown.
  void Run(const std::function<void()>& on_ready = {});
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zhifa::http
