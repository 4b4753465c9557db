#include "http/server.h"

// Boost 1.74 + GCC 12 coroutines: <utility> must precede asio (stack-notes).
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/random.h"
#include "http/access_log.h"

namespace zhifa::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Everything runs on the io_context's own executor type rather than the polymorphic
// any_io_executor, which is copied (and type-erased) at every co_await (bench/README.md).
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
template <typename T = void>
using Task = asio::awaitable<T, Executor>;
constexpr asio::use_awaitable_t<Executor> kAwait;

int64_t SteadyNanos(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// The time limits of the connections' socket I/O. Each connection publishes the deadline of the
// read or write it is waiting on (kNever while it is not waiting on the client, e.g. while a
// handler runs); one sweep a second shuts down the sockets past their deadline, which ends the
// pending operation with an error and the connection with it. No timer operation per request:
// arming and cancelling one costs the reactor's lock twice per I/O operation.
class Deadlines {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  // One connection's deadline, registered for its lifetime (also when a coroutine frame is
  // destroyed at shutdown without finishing).
  struct Entry {
    Entry(Deadlines& d, int socket_fd) : owner(d), fd(socket_fd) { owner.Add(this); }
    ~Entry() { owner.Remove(this); }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    Deadlines& owner;
    const int fd;
    std::atomic<int64_t> at{kNever};  // steady-clock ns
    // Sets the deadline `seconds` after `now`.
    void Set(std::chrono::steady_clock::time_point now, int seconds) {
      at.store(SteadyNanos(now + std::chrono::seconds(seconds)), std::memory_order_relaxed);
    }
    void Clear() { at.store(kNever, std::memory_order_relaxed); }
  };
  void Sweep(std::chrono::steady_clock::time_point now) {
    const int64_t t = SteadyNanos(now);
    std::lock_guard lock(mu_);
    for (Entry* e : entries_) {
      if (e->at.load(std::memory_order_relaxed) <= t) {
        e->at.store(kNever, std::memory_order_relaxed);
        ::shutdown(e->fd, SHUT_RDWR);  // the fd stays open until the connection removes itself
      }
    }
  }

 private:
  void Add(Entry* e) {
    std::lock_guard lock(mu_);
    entries_.push_back(e);
  }
  void Remove(Entry* e) {
    std::lock_guard lock(mu_);
    auto it = std::find(entries_.begin(), entries_.end(), e);
    if (it != entries_.end()) {
      *it = entries_.back();
      entries_.pop_back();
    }
  }
  std::mutex mu_;
  std::vector<Entry*> entries_;
};

std::string S(boost::string_view v) { return std::string(v.data(), v.size()); }

void FillRequest(const bhttp::request<bhttp::string_body>& in, Request& out) {
  out.method = S(in.method_string());
  out.target = S(in.target());
  out.headers.reserve(static_cast<size_t>(std::distance(in.begin(), in.end())));
  for (const auto& f : in) {
    std::string name = S(f.name_string());
    for (auto& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    auto same = std::find_if(out.headers.begin(), out.headers.end(),
                             [&](const auto& h) { return h.first == name; });
    if (same == out.headers.end()) {
      out.headers.emplace_back(std::move(name), S(f.value()));
    } else {
      same->second += name == "cookie" ? "; " : ", ";
      same->second += S(f.value());
    }
  }
  auto q = out.target.find('?');
  std::string raw_path = out.target.substr(0, q);
  out.path = UrlDecode(raw_path, false).value_or(raw_path);
  if (q != std::string::npos) {
    std::string_view qs = std::string_view(out.target).substr(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      std::string_view kv = qs.substr(0, amp);
      auto eq = kv.find('=');
      auto k = UrlDecode(kv.substr(0, eq), true);
      auto v =
          UrlDecode(eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1), true);
      if (k && v && !k->empty()) out.query.emplace(*k, *v);
      if (amp == std::string_view::npos) break;
      qs.remove_prefix(amp + 1);
    }
  }
}

// The whole response — status line, headers, body — in one buffer and one write, instead of
// Beast's serializer walking a chain of buffer views per response (it showed in the profile;
// bench/README.md). Header values are the server's own: no request text reaches them.
std::string Serialize(const Response& res, bool head, unsigned version, bool keep_alive,
                      const std::string& request_id) {
  std::string wire;
  wire.reserve(256 + (res.stream ? 0 : res.body.size()));
  wire += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  wire += std::to_string(res.status);
  wire += ' ';
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  wire.append(reason.data(), reason.size());
  wire += "\r\nServer: zhifa\r\n";
  if (!res.content_type.empty()) {
    wire += "Content-Type: ";
    wire += res.content_type;
    wire += "\r\n";
  }
  wire += "X-Request-Id: ";
  wire += request_id;
  wire += "\r\nX-Content-Type-Options: nosniff\r\n";
  for (const auto& [k, v] : res.headers) {
    wire += k;
    wire += ": ";
    wire += v;
    wire += "\r\n";
  }
  if (res.status >= 200 && res.status != 204 && res.status != 304) {
    wire += "Content-Length: ";
    wire += std::to_string(res.stream ? res.stream_length : res.body.size());
    wire += "\r\n";
  }
  if (version >= 11 && !keep_alive) wire += "Connection: close\r\n";
  if (version == 10 && keep_alive) wire += "Connection: keep-alive\r\n";
  wire += "\r\n";
  if (!head && !res.stream) wire += res.body;
  return wire;
}

}  // namespace

struct Server::Impl {
  Router& router;
  ServerOptions options;
  Deadlines deadlines;  // outlives the connections (destroyed with the contexts below)
  // One io_context per I/O thread, each run by its thread alone; connections are spread over
  // them in turn. No I/O thread wakes another, and none shares a reactor or a scheduler queue
  // with another (bench/README.md). contexts[0] also runs the acceptor, the signals and the sweep.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<Executor>> keep_running;
  size_t next_context = 0;
  asio::io_context& io;
  asio::thread_pool workers;
  Acceptor acceptor;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::atomic<int> connections{0};
  std::atomic<uint64_t> next_id{0};
  std::string id_prefix;
  std::unique_ptr<AccessLog> access_log;  // null when server.access_log = false

  Impl(Router& r, ServerOptions o)
      : router(r),
        options(std::move(o)),
        contexts(MakeContexts(options.io_threads)),
        io(*contexts[0]),
        workers(options.worker_threads),
        acceptor(io),
        signals(io, SIGTERM, SIGINT) {
    for (auto& c : contexts) keep_running.emplace_back(c->get_executor());
    id_prefix = core::RandomToken(4).value();
    if (options.access_log) access_log = std::make_unique<AccessLog>();
  }

  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(1, n); ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  template <typename F, typename T = std::invoke_result_t<F&>>
  Task<T> OnWorkers(F f) {
    co_return co_await asio::async_initiate<decltype(kAwait), void(T)>(
        [this, f = std::move(f)](auto handler) mutable {
          asio::post(workers, [f = std::move(f), handler = std::move(handler)]() mutable {
            T r = f();
            auto ex = asio::get_associated_executor(handler);
            asio::post(ex, [handler = std::move(handler), r = std::move(r)]() mutable {
              handler(std::move(r));
            });
          });
        },
        kAwait);
  }

  static constexpr size_t kStreamChunk = 256 * 1024;

  // The body of a stream_body route: checks and sink first (nothing read when they fail), then
  // the body in kStreamChunk pieces, each written to the sink on the worker pool; the handler
  // runs after the last byte. Returns false when the connection must be closed.
  Task<bool> ReadStreamed(Socket& stream, Deadlines::Entry& deadline, beast::flat_buffer& buffer,
                          bhttp::request_parser<bhttp::string_body>& header_parser, Request& req,
                          const Router::Match& match, Response& res) {
    const RouteOptions& opt = match.route->options;
    auto early = co_await OnWorkers([&]() { return router.BeginStream(req, match); });
    if (early) {
      res = std::move(*early);
      co_return header_parser.is_done();
    }
    auto drop = [&]() -> Task<> {  // the sink removes its partial file
      co_await OnWorkers([&]() {
        req.body_sink.reset();
        return 0;
      });
    };
    auto too_large = [&] {
      return ErrorResponse(
          req, core::Err(core::ErrorCode::kPayloadTooLarge,
                         "文件超过上限 " + std::to_string(opt.stream_body_limit) + " 字节",
                         "the file exceeds the limit of " + std::to_string(opt.stream_body_limit) +
                             " bytes"));
    };
    if (header_parser.content_length() && *header_parser.content_length() > opt.stream_body_limit) {
      co_await drop();
      res = too_large();
      co_return false;
    }
    boost::system::error_code ec;
    if (!header_parser.is_done()) {
      auto expect = req.Header("expect");
      if (expect && beast::iequals(*expect, "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        deadline.Set(std::chrono::steady_clock::now(), options.read_timeout_seconds);
        co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()),
                                   asio::redirect_error(kAwait, ec));
        deadline.Clear();
        if (ec) {
          co_await drop();
          co_return false;
        }
      }
    }
    bhttp::request_parser<bhttp::buffer_body> parser(std::move(header_parser));
    parser.body_limit(opt.stream_body_limit);
    std::vector<char> chunk(kStreamChunk);
    while (!parser.is_done()) {
      parser.get().body().data = chunk.data();
      parser.get().body().size = chunk.size();
      deadline.Set(std::chrono::steady_clock::now(), options.read_timeout_seconds);  // per chunk
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
      deadline.Clear();
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec == bhttp::error::body_limit) {
        co_await drop();
        res = too_large();
        co_return false;
      }
      if (ec) {  // dropped or timed out midway: nothing kept, nothing answered
        co_await drop();
        res.status = 0;
        co_return false;
      }
      size_t n = chunk.size() - parser.get().body().size;
      if (n == 0) continue;
      auto st = co_await OnWorkers(
          [&]() { return req.body_sink->Write(std::string_view(chunk.data(), n)); });
      if (!st) {
        co_await drop();
        res = ErrorResponse(req, st.error());
        co_return false;
      }
      req.body_bytes += n;
    }
    res = co_await OnWorkers([&]() {
      Response r = router.Dispatch(req, match);
      req.body_sink.reset();  // whatever the handler did not commit is removed here
      return r;
    });
    co_return true;
  }

  // Writes a streamed response body; false when it was aborted (the connection must close).
  Task<bool> WriteStreamed(Socket& stream, Deadlines::Entry& deadline, Response& res) {
    std::vector<char> chunk(kStreamChunk);
    uint64_t left = res.stream_length;
    boost::system::error_code ec;
    while (left > 0) {
      auto n = co_await OnWorkers([&]() {
        return res.stream->Read(chunk.data(),
                                static_cast<size_t>(std::min<uint64_t>(left, chunk.size())));
      });
      if (!n || *n == 0) co_return false;
      deadline.Set(std::chrono::steady_clock::now(), options.read_timeout_seconds);
      co_await asio::async_write(stream, asio::buffer(chunk.data(), *n),
                                 asio::redirect_error(kAwait, ec));
      deadline.Clear();
      if (ec) co_return false;
      left -= *n;
    }
    co_return true;
  }

  Task<> Session(Socket stream) {
    connections.fetch_add(1);
    Deadlines::Entry deadline(deadlines, stream.native_handle());
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = stream.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    beast::flat_buffer buffer;
    auto now = std::chrono::steady_clock::now();
    bool first = true;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(16 * 1024);
      // The body limit depends on the route (stream_body routes have their own), so it is set
      // once the header is read; a declared Content-Length is checked against it below.
      // (Not boost::none: Beast compares a Content-Length against it as an optional, and any
      // length is "greater" than none.)
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      deadline.Set(now, first ? options.read_timeout_seconds : options.idle_timeout_seconds);
      first = false;
      boost::system::error_code ec;
      co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(kAwait, ec));
      deadline.Clear();
      if (ec) break;
      in_flight.fetch_add(1);
      auto started = std::chrono::steady_clock::now();
      Request req;
      req.remote_ip = remote;
      req.request_id = id_prefix + "-" + std::to_string(next_id.fetch_add(1));
      const unsigned version = parser.get().version();
      const bool wants_keep_alive = parser.get().keep_alive();
      Response res;
      const Route* route = nullptr;
      bool close_after = false;
      FillRequest(parser.get(), req);
      auto match = router.Find(req.method, req.path, &req.path_params);
      if (match.route && match.route->options.stream_body) {
        route = match.route;
        close_after = !co_await ReadStreamed(stream, deadline, buffer, parser, req, match, res);
        if (res.status == 0) {  // the client went away midway
          in_flight.fetch_sub(1);
          break;
        }
      } else if (parser.content_length() && *parser.content_length() > options.max_body_bytes) {
        // A declared Content-Length over the limit: answer 413 (nothing of the body is read or
        // kept) and close.
        res = ErrorResponse(
            req, core::Err(core::ErrorCode::kPayloadTooLarge,
                           "请求体超过上限 " + std::to_string(options.max_body_bytes) + " 字节",
                           "request body exceeds the limit of " +
                               std::to_string(options.max_body_bytes) + " bytes"));
        close_after = true;
      } else {
        if (!parser.is_done()) {  // a request without a body is complete after its header
          parser.body_limit(options.max_body_bytes);
          deadline.Set(started, options.read_timeout_seconds);  // the body's own read time
          co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
          deadline.Clear();
        }
        if (ec == bhttp::error::body_limit) {
          res = ErrorResponse(req, core::Err(core::ErrorCode::kPayloadTooLarge, "请求体超过上限",
                                             "request body too large"));
          close_after = true;
        } else if (ec) {
          in_flight.fetch_sub(1);
          break;
        } else {
          req.body = std::move(parser.get().body());
          route = match.route;
          bool blocking = route && (route->options.blocking || !options.inline_reads);
          if (blocking) {
            res = co_await OnWorkers([&]() { return router.Dispatch(req, match); });
          } else {
            res = router.Dispatch(req, match);
          }
        }
      }
      bool keep_alive = wants_keep_alive && !close_after && !stopping.load();
      bool head = req.method == "HEAD";
      std::string wire = Serialize(res, head, version, keep_alive, req.request_id);
      // The response gets the read time to be taken by the client (a client that stops reading
      // does not hold the connection for ever).
      deadline.Set(std::chrono::steady_clock::now(), options.read_timeout_seconds);
      co_await asio::async_write(stream, asio::buffer(wire), asio::redirect_error(kAwait, ec));
      deadline.Clear();
      if (!ec && res.stream && !head && !co_await WriteStreamed(stream, deadline, res)) {
        keep_alive = false;
        ec = asio::error::connection_aborted;
      }
      res.stream.reset();
      now = std::chrono::steady_clock::now();
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - started).count();
      router.Record(route, res.status, static_cast<uint64_t>(micros));
      if (access_log) {
        access_log->Record(remote, req.method, req.target, res.status, micros, req.request_id);
      }
      in_flight.fetch_sub(1);
      if (ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.shutdown(tcp::socket::shutdown_send, ignored);
    connections.fetch_sub(1);
  }

  Task<> Accept() {
    for (;;) {
      boost::system::error_code ec;
      auto& target = *contexts[next_context++ % contexts.size()];
      Socket socket =
          co_await acceptor.async_accept(target.get_executor(), asio::redirect_error(kAwait, ec));
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) co_return;
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(target.get_executor(), Session(std::move(socket)), asio::detached);
    }
  }

  // Enforces the connections' deadlines, once a second, until the server stops.
  Task<> Sweep() {
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, Executor>
        timer(io.get_executor());
    for (;;) {
      timer.expires_after(std::chrono::seconds(1));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(kAwait, ec));
      if (ec) co_return;
      deadlines.Sweep(std::chrono::steady_clock::now());
    }
  }

  void BeginShutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections; waiting for {} in-flight request(s)",
                 in_flight.load());
    boost::system::error_code ec;
    acceptor.close(ec);
    // Wait for in-flight requests, then stop the loop (idle keep-alive connections are closed).
    std::thread([this] {
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(options.shutdown_grace_seconds);
      while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      for (auto& c : contexts) c->stop();
    }).detach();
  }
};

Server::Server(Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() { impl_->workers.join(); }

core::Status Server::Bind() {
  const std::string& listen = impl_->options.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return core::Err(core::ErrorCode::kInvalidArgument, "监听地址应为 主机:端口",
                     "listen address must be host:port", "ZHIFA_LISTEN");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) {
    return core::Err(core::ErrorCode::kInvalidArgument, "监听地址无效: " + listen,
                     "invalid listen address: " + listen, "ZHIFA_LISTEN");
  }
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return core::Err(core::ErrorCode::kInvalidArgument, "监听端口无效: " + listen,
                     "invalid listen port: " + listen, "ZHIFA_LISTEN");
  }
  tcp::endpoint ep(addr, static_cast<uint16_t>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Err(core::ErrorCode::kUnavailable, "无法监听 " + listen + ": " + ec.message(),
                     "cannot listen on " + listen + ": " + ec.message(), "ZHIFA_LISTEN");
  }
  return core::Ok();
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::Run(const std::function<void()>& on_ready) {
  auto& im = *impl_;
  im.signals.async_wait([&im](const boost::system::error_code& ec, int) {
    if (!ec) im.BeginShutdown();
  });
  asio::co_spawn(im.io.get_executor(), im.Accept(), asio::detached);
  asio::co_spawn(im.io.get_executor(), im.Sweep(), asio::detached);
  if (on_ready) on_ready();
  std::vector<std::thread> threads;
  for (size_t i = 1; i < im.contexts.size(); ++i) {
    threads.emplace_back([c = im.contexts[i].get()] { c->run(); });
  }
  im.io.run();
  for (auto& t : threads) t.join();
  im.workers.join();
  spdlog::info("server stopped");
}

void Server::Stop() {
  asio::post(impl_->io, [this] { impl_->BeginShutdown(); });
}

}  // namespace zhifa::http
