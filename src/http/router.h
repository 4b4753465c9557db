// zhifa::http::Router — the route table: method + pattern ("/api/v1/units/{id}") → handler,
// with what each route needs (authentication, a permission, CSRF). Dispatch runs the fixed
// pipeline: match → authenticate → setup gate (TOTP/password) → CSRF → permission → handler,
// and turns every failure into the JSON error body. Handlers never see a request that failed a
// step. An exception escaping a handler is a bug: logged with the request id, answered 500.
// Thread-safety: build the table before serving; Dispatch is then thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/http_types.h"
#include "org/principal.h"

namespace zhifa::http {

using org::Principal;

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Resolves the caller. Errors: kUnauthenticated when there is no valid session.
  virtual core::Result<std::shared_ptr<const Principal>> Authenticate(const Request& req) = 0;
};

struct Ctx {
  const Request& req;
  const Principal* principal;  // null on routes without authentication
  const Principal& who() const { return *principal; }
};

using Handler = std::function<Response(Ctx&)>;

struct RouteOptions {
  bool auth = true;                           // requires a session
  std::optional<org::Permission> permission;  // required permission, if any
  bool setup_exempt = false;                  // reachable before TOTP enrolment / password change
  bool csrf = true;                           // state-changing methods need X-CSRF-Token
  bool blocking = false;                      // may block (writes, hashing): run on the worker pool
  std::string summary;                        // one line for docs
  // Streaming upload: when set, the body is not buffered. After the checks above pass, the
  // server asks this factory (on the worker pool) for a sink — an error is answered at once,
  // before the body is read — feeds it the body in chunks, then runs the handler with
  // req.body_sink set. Bodies over stream_body_limit get 413 and the sink is dropped.
  std::function<core::Result<std::shared_ptr<BodySink>>(Ctx&)> stream_body;
  uint64_t stream_body_limit = 0;
};

// The usual options of a route: the permission it needs (none: any signed-in user), its one-line
// summary for the docs, and whether it may block (then it runs on the worker pool).
RouteOptions Opt(std::optional<org::Permission> permission, std::string summary,
                 bool blocking = false);

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  uint32_t param_segments = 0;  // bit i set: segments[i] is a {parameter}
  RouteOptions options;
  Handler handler;
  size_t index = 0;
};

struct RouteStats {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> errors_4xx{0};
  std::atomic<uint64_t> errors_5xx{0};
  std::atomic<uint64_t> micros_total{0};
  std::atomic<uint64_t> buckets[8]{};  // ≤1ms, ≤5, ≤10, ≤25, ≤50, ≤100, ≤500, +Inf
};

class Router {
 public:
  void Add(std::string method, std::string pattern, RouteOptions options, Handler handler);
  void SetAuthenticator(Authenticator* auth) { auth_ = auth; }
  // Handles requests that match no /api route (static files, SPA fallback).
  void SetFallback(Handler h) { fallback_ = std::move(h); }

  struct Match {
    const Route* route = nullptr;
    bool method_mismatch = false;
    std::string allow;  // with method_mismatch: the path's methods, for the Allow header
  };
  Match Find(const std::string& method, const std::string& path,
             std::map<std::string, std::string>* params) const;

  // Runs the pipeline for a request whose path_params are filled by Find.
  Response Dispatch(Request& req, const Match& m) const;
  // For a stream_body route, before its body is read: runs the checks and the sink factory.
  // Returns the error response, or nullopt with req.body_sink set.
  std::optional<Response> BeginStream(Request& req, const Match& m) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  RouteStats& stats(size_t i) const { return *stats_[i]; }
  void Record(const Route* r, int status, uint64_t micros) const;
  std::string MetricsText() const;

 private:
  // Authentication, setup gate, CSRF and permission; an error response or nullopt.
  std::optional<Response> Check(Request& req, const Route& r,
                                std::shared_ptr<const Principal>& principal) const;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<std::vector<const Route*>> by_segments_;  // [n]: routes of n segments, in order
  std::vector<std::unique_ptr<RouteStats>> stats_;
  Authenticator* auth_ = nullptr;
  Handler fallback_;
  mutable RouteStats fallback_stats_;
};

}  // namespace zhifa::http
