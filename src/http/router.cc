#include "http/router.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace zhifa::http {

using core::Err;
using core::ErrorCode;

namespace {
std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}
bool IsStateChanging(const std::string& m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }
constexpr size_t kMaxSegments = 16;  // longer paths match no route
}  // namespace

void Router::Add(std::string method, std::string pattern, RouteOptions options, Handler handler) {
  auto r = std::make_unique<Route>();
  r->method = std::move(method);
  r->segments = Split(pattern);
  r->pattern = std::move(pattern);
  if (IsStateChanging(r->method)) options.blocking = true;
  r->options = std::move(options);
  r->handler = std::move(handler);
  r->index = routes_.size();
  const size_t n = r->segments.size();
  if (n > kMaxSegments) throw std::invalid_argument("route pattern too long: " + r->pattern);
  for (size_t i = 0; i < n; ++i) {
    const auto& seg = r->segments[i];
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') r->param_segments |= 1u << i;
  }
  if (by_segments_.size() <= n) by_segments_.resize(n + 1);
  by_segments_[n].push_back(r.get());
  routes_.push_back(std::move(r));
  stats_.push_back(std::make_unique<RouteStats>());
}

Router::Match Router::Find(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params) const {
  // Split without allocating strings; parameters are copied only for the matching route.
  std::string_view segs[kMaxSegments];
  size_t n = 0;
  std::string_view rest(path);
  while (!rest.empty()) {
    if (rest.front() == '/') {
      rest.remove_prefix(1);
      continue;
    }
    size_t end = rest.find('/');
    if (n == kMaxSegments) return {};
    segs[n++] = rest.substr(0, end);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  Match m;
  if (n >= by_segments_.size()) return m;
  // Only routes with as many segments can match; among them the first added wins.
  for (const Route* r : by_segments_[n]) {
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) {
      if (!(r->param_segments & (1u << i)) && r->segments[i] != segs[i]) ok = false;
    }
    if (!ok) continue;
    if (r->method != method && !(method == "HEAD" && r->method == "GET")) {
      m.method_mismatch = true;
      if (m.allow.find(r->method) == std::string::npos) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += r->method;
        if (r->method == "GET") m.allow += ", HEAD";
      }
      continue;
    }
    if (params) {
      for (size_t i = 0; i < n; ++i) {
        if (!(r->param_segments & (1u << i))) continue;
        const auto& s = r->segments[i];
        (*params)[s.substr(1, s.size() - 2)] = std::string(segs[i]);
      }
    }
    m.route = r;
    m.method_mismatch = false;
    m.allow.clear();
    return m;
  }
  return m;
}

Response Router::Dispatch(Request& req, const Match& m) const {
  if (!m.route) {
    if (m.method_mismatch) {
      // RFC 9110 §15.5.6: 405 with the methods the path does support.
      Response res = ErrorResponse(
          req, Err(ErrorCode::kMethodNotAllowed,
                   "此路径不支持请求方法 " + req.method + "（支持: " + m.allow + "）",
                   "method " + req.method + " not allowed for this path (allowed: " + m.allow + ")",
                   "method"));
      res.headers.emplace_back("Allow", m.allow);
      return res;
    }
    if (req.path.rfind("/api/", 0) != 0 && fallback_) {
      Ctx ctx{req, nullptr};
      return fallback_(ctx);
    }
    return ErrorResponse(
        req, Err(ErrorCode::kNotFound, "接口不存在: " + req.path, "no such endpoint: " + req.path));
  }
  const Route& r = *m.route;
  try {
    std::shared_ptr<const Principal> principal;
    if (auto fail = Check(req, r, principal)) return std::move(*fail);
    Ctx ctx{req, principal.get()};
    return r.handler(ctx);
  } catch (const std::exception& e) {
    return ErrorResponse(req, Err(ErrorCode::kInternal, e.what(), e.what()));
  }
}

std::optional<Response> Router::BeginStream(Request& req, const Match& m) const {
  if (!m.route || !m.route->options.stream_body) return Dispatch(req, m);
  try {
    std::shared_ptr<const Principal> principal;
    if (auto fail = Check(req, *m.route, principal)) return fail;
    Ctx ctx{req, principal.get()};
    auto sink = m.route->options.stream_body(ctx);
    if (!sink) return ErrorResponse(req, sink.error());
    req.body_sink = std::move(*sink);
    return std::nullopt;
  } catch (const std::exception& e) {
    return ErrorResponse(req, Err(ErrorCode::kInternal, e.what(), e.what()));
  }
}

std::optional<Response> Router::Check(Request& req, const Route& r,
                                      std::shared_ptr<const Principal>& principal) const {
  if (!r.options.auth) return std::nullopt;
  if (!auth_) return ErrorResponse(req, Err(ErrorCode::kInternal, "认证未配置", "no auth"));
  auto p = auth_->Authenticate(req);
  if (!p) return ErrorResponse(req, p.error());
  principal = std::move(*p);
  if (!r.options.setup_exempt) {
    if (principal->needs_password_change) {
      return ErrorResponse(req, Err(ErrorCode::kPermissionDenied, "请先修改密码",
                                    "change your password first", "password"));
    }
    if (principal->needs_totp_setup) {
      return ErrorResponse(req,
                           Err(ErrorCode::kPermissionDenied, "管理员账号须先绑定动态口令（TOTP）",
                               "administrator accounts must enrol TOTP first", "totp"));
    }
  }
  if (r.options.csrf && IsStateChanging(req.method)) {
    auto token = req.Header("x-csrf-token");
    if (!token || *token != principal->csrf_token) {
      return ErrorResponse(req,
                           Err(ErrorCode::kCsrfMismatch, "缺少或错误的 CSRF 令牌（X-CSRF-Token）",
                               "missing or wrong CSRF token (X-CSRF-Token)", "X-CSRF-Token"));
    }
  }
  if (r.options.permission && !principal->Has(*r.options.permission)) {
    return ErrorResponse(req, Err(ErrorCode::kPermissionDenied, "没有执行此操作的权限",
                                  std::string("permission required: ") +
                                      org::PermissionName(*r.options.permission)));
  }
  return std::nullopt;
}

void Router::Record(const Route* r, int status, uint64_t micros) const {
  RouteStats& s = r ? *stats_[r->index] : fallback_stats_;
  s.count.fetch_add(1, std::memory_order_relaxed);
  if (status >= 500) {
    s.errors_5xx.fetch_add(1, std::memory_order_relaxed);
  } else if (status >= 400) {
    s.errors_4xx.fetch_add(1, std::memory_order_relaxed);
  }
  s.micros_total.fetch_add(micros, std::memory_order_relaxed);
  static constexpr uint64_t kBounds[] = {1000, 5000, 10000, 25000, 50000, 100000, 500000};
  size_t b = 0;
  while (b < 7 && micros > kBounds[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
}

std::string Router::MetricsText() const {
  std::ostringstream out;
  static const char* kLe[] = {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.5", "+Inf"};
  out << "# HELP zhifa_http_requests_total HTTP requests by route and status class.\n"
      << "# TYPE zhifa_http_requests_total counter\n";
  auto emit = [&](const std::string& method, const std::string& pattern, const RouteStats& s) {
    uint64_t total = s.count.load(), e4 = s.errors_4xx.load(), e5 = s.errors_5xx.load();
    std::string labels = "method=\"" + method + "\",route=\"" + pattern + "\"";
    out << "zhifa_http_requests_total{" << labels << ",class=\"2xx\"} " << (total - e4 - e5)
        << "\n";
    out << "zhifa_http_requests_total{" << labels << ",class=\"4xx\"} " << e4 << "\n";
    out << "zhifa_http_requests_total{" << labels << ",class=\"5xx\"} " << e5 << "\n";
  };
  for (const auto& r : routes_) emit(r->method, r->pattern, *stats_[r->index]);
  emit("GET", "static", fallback_stats_);
  out << "# HELP zhifa_http_request_duration_seconds Request latency.\n"
      << "# TYPE zhifa_http_request_duration_seconds histogram\n";
  auto hist = [&](const std::string& method, const std::string& pattern, const RouteStats& s) {
    std::string labels = "method=\"" + method + "\",route=\"" + pattern + "\"";
    uint64_t cum = 0;
    for (int i = 0; i < 8; ++i) {
      cum += s.buckets[i].load();
      out << "zhifa_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kLe[i] << "\"} "
          << cum << "\n";
    }
    out << "zhifa_http_request_duration_seconds_sum{" << labels << "} "
        << static_cast<double>(s.micros_total.load()) / 1e6 << "\n";
    out << "zhifa_http_request_duration_seconds_count{" << labels << "} " << s.count.load() << "\n";
  };
  for (const auto& r : routes_) hist(r->method, r->pattern, *stats_[r->index]);
  return out.str();
}

RouteOptions Opt(std::optional<org::Permission> permission, std::string summary, bool blocking) {
  RouteOptions o;
  o.permission = permission;
  o.summary = std::move(summary);
  o.blocking = blocking;
  return o;
}

}  // namespace zhifa::http
