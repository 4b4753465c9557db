// zhifa::auth::AuthService — login, logout, sessions, passwords, TOTP, lockout, and the
// operation and login logs. Login, logout, failed logins and every credential change are
// commands (record entries). Sessions live in the database (any node can serve any session);
// a short per-node cache keeps the authenticated read path to memory. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "auth/auth_rules.h"
#include "core/result.h"
#include "org/org_service.h"
#include "org/principal.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::auth {

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp_code;
  std::string ip;
  std::string user_agent;
};

struct LoginResult {
  std::string token;  // the cookie value; never stored
  std::string csrf_token;
  int64_t user_id = 0;
};

struct LogQuery {
  int page = 1;
  int page_size = 20;
  std::string actor;     // username
  std::string kind;      // prefix, e.g. "unit."
  std::string from, to;  // RFC 3339 bounds on `at`
  std::string result;    // login log: ok, bad_password, …
};

class AuthService {
 public:
  AuthService(store::Database& db, record::CommandBus& bus, org::OrgService& org, AuthPolicy policy)
      : db_(db),
        bus_(bus),
        org_(org),
        policy_(policy),
        limiter_(policy.attempts_per_minute_per_ip) {}

  const AuthPolicy& policy() const { return policy_; }

  // First start: creates admin (sys_admin), secadmin (sec_admin), auditadmin (audit_admin) at the
  // root unit with city scope when no user exists. Returns whether it created them.
  core::Result<bool> EnsureAdministrators(const std::string& password);

  core::Result<LoginResult> Login(const LoginRequest& req);
  core::Status Logout(const org::Principal& p, const std::string& ip);
  // Resolves a session token (cookie). Errors: kUnauthenticated.
  // The principal is shared with the per-node cache; it is never modified after creation.
  core::Result<std::shared_ptr<const org::Principal>> Authenticate(const std::string& token);

  core::Result<nlohmann::json> Me(const org::Principal& p);
  core::Status ChangePassword(const org::Principal& p, const std::string& old_password,
                              const std::string& new_password);
  core::Result<nlohmann::json> TotpSetup(const org::Principal& p);
  core::Status TotpEnable(const org::Principal& p, const std::string& code);
  core::Status TotpDisable(const org::Principal& p, const std::string& code);

  // Security administrator.
  core::Status ResetPassword(const org::Principal& p, int64_t user_id,
                             const std::string& new_password);
  core::Status Unlock(const org::Principal& p, int64_t user_id);
  // The CLI's `admin reset-password`: sets the password, unlocks, ends sessions.
  core::Status SetPasswordAsSystem(const std::string& username, const std::string& new_password);
  core::Result<nlohmann::json> Sessions(const org::Principal& p);
  core::Status RevokeSession(const org::Principal& p, const std::string& public_id);

  // Audit administrator.
  core::Result<nlohmann::json> OperationLog(const org::Principal& p, const LogQuery& q);
  core::Result<nlohmann::json> LoginLog(const org::Principal& p, const LogQuery& q);

  // Drops cached principals (after role or session changes on this node).
  void InvalidateUser(int64_t user_id);

 private:
  core::Status LogFailure(int64_t user_id, const std::string& username, int failed_after,
                          const std::string& result, const LoginRequest& req);
  core::Status LogUnknown(const LoginRequest& req);
  core::Result<std::shared_ptr<const org::Principal>> LoadPrincipal(const std::string& session_id);

  store::Database& db_;
  record::CommandBus& bus_;
  org::OrgService& org_;
  AuthPolicy policy_;
  AttemptLimiter limiter_;

  struct Cached {
    std::shared_ptr<const org::Principal> principal;
    int64_t created = 0;
    std::chrono::steady_clock::time_point fetched;
  };
  std::shared_mutex mu_;                                // guards cache_, last_seen_, phantom_
  std::unordered_map<std::string, Cached> cache_;       // session id → principal
  std::unordered_map<std::string, int64_t> last_seen_;  // session id → µs
  // Failures for usernames that do not exist, so that they lock like real ones and a locked
  // answer does not tell which usernames exist: username → (failures, locked until µs).
  std::unordered_map<std::string, std::pair<int, int64_t>> phantom_;
};

}  // namespace zhifa::auth
