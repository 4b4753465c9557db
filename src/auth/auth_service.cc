#include "auth/auth_service.h"

#include "auth/password_hash.h"
#include "core/password_policy.h"
#include "core/random.h"
#include "core/time.h"
#include "core/totp.h"

namespace zhifa::auth {

using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;
using org::Principal;
using store::Conn;

namespace {

Error LockedError(int64_t until, int64_t now) {
  int64_t minutes = (until - now + kMicrosPerMinute - 1) / kMicrosPerMinute;
  return Err(
      ErrorCode::kLocked,
      "账号因多次登录失败已锁定，请 " + std::to_string(minutes) + " 分钟后再试或联系安全管理员解锁",
      "the account is locked after repeated failures; try again in " + std::to_string(minutes) +
          " minutes or ask the security administrator",
      "username");
}

Status BadCredentials() {
  return Err(ErrorCode::kUnauthenticated, "用户名或密码错误", "wrong username or password",
             "password");
}

Status NoSession() {
  return Err(ErrorCode::kUnauthenticated, "未登录或登录已过期，请重新登录",
             "not signed in or the session has expired; sign in again");
}

bool HasAdminRole(const std::vector<org::Role>& roles) {
  for (auto r : roles) {
    if (org::Info(r).administrator) return true;
  }
  return false;
}

record::Actor ActorOf(const Principal& p, const std::string& ip = {}) {
  return record::Actor{p.user_id, p.unit_id, ip};
}

struct UserRow {
  int64_t id = 0;
  std::string username;
  int64_t unit_id = 0;
  std::string password_hash;
  std::string password_changed_at;
  bool must_change = false;
  std::string status;
  int failed = 0;
  std::string locked_until;
  std::string totp_secret;
  bool totp_enabled = false;
  int64_t totp_last_step = 0;
};

Result<std::optional<UserRow>> FindUser(Conn& c, const std::string& key, bool by_id) {
  auto r = c.Query(std::string("SELECT id, username, unit_id, password_hash, password_changed_at, "
                               "must_change_password, status, failed_logins, locked_until, "
                               "totp_secret, totp_enabled, totp_last_step FROM users WHERE ") +
                       (by_id ? "id = $1" : "username = $1"),
                   {by_id ? store::Value(std::stoll(key)) : store::Value(key)});
  if (!r) return r.error();
  if (r->rows.empty()) return std::optional<UserRow>();
  const auto& row = r->rows[0];
  UserRow u{row.Int(0),  row.Text(1),     row.Int(2),       row.Text(3),
            row.Text(4), row.Int(5) != 0, row.Text(6),      static_cast<int>(row.Int(7)),
            row.Text(8), row.Text(9),     row.Int(10) != 0, row.Int(11)};
  return std::optional<UserRow>(std::move(u));
}

Status CheckTotpCode(const std::string& code) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
    return Err(ErrorCode::kInvalidArgument, "动态口令应为 6 位数字", "the code must be 6 digits",
               "code");
  }
  return core::Ok();
}

// Appends one row to the login log in the command's transaction (login, failures, logout,
// forced logout). `user_id` is empty for unknown usernames; the user agent is cut to 300 bytes.
Status InsertLoginLog(record::CommandTx& tx, int64_t seq, const std::string& username,
                      std::optional<int64_t> user_id, const std::string& result,
                      const std::string& ip, const std::string& user_agent) {
  auto id = tx.NewId();
  if (!id) return id.error();
  auto ins = tx.conn().Exec(
      "INSERT INTO login_log (id, at, username, user_id, result, ip, user_agent, seq) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8)",
      {*id, core::FormatRfc3339Micros(tx.now()), username,
       user_id ? store::Value(*user_id) : store::Value(store::Null{}), result, ip,
       user_agent.substr(0, 300), seq});
  if (!ins) return ins.error();
  return core::Ok();
}

}  // namespace

Result<bool> AuthService::EnsureAdministrators(const std::string& password) {
  bool any = false;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT count(*) FROM users");
    if (!r) return r.error();
    any = r->rows[0].Int(0) > 0;
    return core::Ok();
  });
  if (!st) return st.error();
  if (any) return false;
  auto root = org_.RootUnitId();
  if (!root) return root.error();
  auto hash = HashPassword(password);
  if (!hash) return hash.error();
  struct Admin {
    const char* username;
    const char* name;
    const char* role;
  };
  const Admin admins[] = {{"admin", "系统管理员", "sys_admin"},
                          {"secadmin", "安全管理员", "sec_admin"},
                          {"auditadmin", "安全审计员", "audit_admin"}};
  for (const auto& a : admins) {
    org::NewUser u;
    u.username = a.username;
    u.display_name = a.name;
    u.unit_id = *root;
    u.password_hash = *hash;
    auto made = org_.CreateUserAsSystem(record::Actor{}, u, {{a.role, *root, "city", {}}});
    if (!made) return made.error();
  }
  return true;
}

Status AuthService::LogUnknown(const LoginRequest& req) {
  return bus_.Run(
      record::Actor{std::nullopt, std::nullopt, req.ip}, [&](record::CommandTx& tx) -> Status {
        auto seq =
            tx.Emit({"auth.login_failed",
                     "login:" + req.username,
                     {{"username", req.username}, {"result", "unknown_user"}, {"ip", req.ip}},
                     std::nullopt});
        if (!seq) return seq.error();
        return InsertLoginLog(tx, *seq, req.username, std::nullopt, "unknown_user", req.ip,
                              req.user_agent);
      });
}

Status AuthService::LogFailure(int64_t user_id, const std::string& username, int failed_after,
                               const std::string& result, const LoginRequest& req) {
  return bus_.Run(
      record::Actor{std::nullopt, std::nullopt, req.ip}, [&](record::CommandTx& tx) -> Status {
        auto lock = LockUntilAfterFailure(failed_after, tx.now(), policy_);
        std::string outcome = lock ? "locked" : result;
        auto seq = tx.Emit({lock ? "auth.locked" : "auth.login_failed",
                            "user:" + std::to_string(user_id),
                            {{"username", username},
                             {"result", outcome},
                             {"failed_logins", failed_after},
                             {"ip", req.ip}},
                            std::nullopt});
        if (!seq) return seq.error();
        auto up = tx.conn().Exec(
            "UPDATE users SET failed_logins = $1, locked_until = $2, updated_seq = $3 WHERE id = "
            "$4",
            {static_cast<int64_t>(lock ? 0 : failed_after),
             lock ? core::FormatRfc3339Micros(*lock) : std::string(), *seq, user_id});
        if (!up) return up.error();
        ZHIFA_TRY(InsertLoginLog(tx, *seq, username, user_id, outcome, req.ip, req.user_agent));
        return core::Ok();
      });
}

Result<LoginResult> AuthService::Login(const LoginRequest& req) {
  if (!limiter_.Allow(req.ip, core::NowMicros())) {
    return Err(ErrorCode::kTooManyRequests, "登录尝试过于频繁，请一分钟后再试",
               "too many sign-in attempts; try again in a minute");
  }
  if (req.username.empty()) {
    return Err(ErrorCode::kInvalidArgument, "请输入用户名", "username is required", "username");
  }
  if (req.password.empty()) {
    return Err(ErrorCode::kInvalidArgument, "请输入密码", "password is required", "password");
  }
  std::optional<UserRow> user;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto u = FindUser(c, req.username, false);
    if (!u) return u.error();
    user = std::move(*u);
    return core::Ok();
  });
  if (!st) return st.error();
  int64_t now = core::NowMicros();
  if (!user) {
    {
      std::lock_guard lock(mu_);
      auto it = phantom_.find(req.username);
      if (it != phantom_.end() && it->second.second > now) {
        return LockedError(it->second.second, now);
      }
    }
    (void)VerifyPassword(DummyHash(), req.password);  // same time as a real check
    ZHIFA_TRY(LogUnknown(req));
    {
      std::lock_guard lock(mu_);
      if (phantom_.size() > 100000) phantom_.clear();
      auto& entry = phantom_[req.username];
      if (entry.second != 0 && entry.second <= now) entry = {0, 0};
      auto until = LockUntilAfterFailure(++entry.first, now, policy_);
      if (until) entry = {0, *until};
    }
    return BadCredentials().error();
  }
  if (!user->locked_until.empty()) {
    auto until = core::ParseRfc3339(user->locked_until);
    if (until && *until > now) return LockedError(*until, now);
  }
  if (!VerifyPassword(user->password_hash, req.password)) {
    ZHIFA_TRY(LogFailure(user->id, user->username, user->failed + 1, "bad_password", req));
    return BadCredentials().error();
  }
  if (user->status != "active") {
    return Err(ErrorCode::kUnauthenticated, "账号已停用，请联系系统管理员",
               "the account is disabled; contact the system administrator", "username");
  }
  std::optional<int64_t> step;
  if (user->totp_enabled) {
    if (!req.totp_code || req.totp_code->empty()) {
      return Err(ErrorCode::kTotpRequired, "请输入动态口令", "enter your one-time code",
                 "totp_code");
    }
    auto secret = org_.cipher().Decrypt(user->totp_secret);
    auto key = secret ? core::Base32Decode(*secret) : core::Result<std::string>(secret.error());
    if (key) {
      step = core::VerifyTotp(*key, *req.totp_code, now / 1000000, 1, user->totp_last_step);
    }
    if (!step) {
      ZHIFA_TRY(LogFailure(user->id, user->username, user->failed + 1, "bad_totp", req));
      return Err(ErrorCode::kTotpRequired, "动态口令错误或已使用", "wrong or reused one-time code",
                 "totp_code");
    }
  }
  auto token = core::RandomToken(32);
  auto csrf = core::RandomToken(24);
  auto public_id = core::RandomToken(12);
  if (!token || !csrf || !public_id) {
    return Err(ErrorCode::kInternal, "随机数生成失败", "random generator failed");
  }
  std::string session_id = core::Sha256Hex(*token);
  st = bus_.Run(
      record::Actor{user->id, user->unit_id, req.ip}, [&](record::CommandTx& tx) -> Status {
        auto seq = tx.Emit({"auth.login",
                            "user:" + std::to_string(user->id),
                            {{"username", user->username},
                             {"session", *public_id},
                             {"ip", req.ip},
                             {"second_factor", step.has_value()}},
                            user->unit_id});
        if (!seq) return seq.error();
        auto ins = tx.conn().Exec(
            "INSERT INTO sessions (id, public_id, user_id, csrf_token, created_at, expires_at, ip, "
            "user_agent, revoked, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
            {session_id, *public_id, user->id, *csrf, core::FormatRfc3339Micros(tx.now()),
             core::FormatRfc3339Micros(tx.now() + static_cast<int64_t>(policy_.session_hours) * 60 *
                                                      kMicrosPerMinute),
             req.ip, req.user_agent.substr(0, 300), *seq});
        if (!ins) return ins.error();
        auto up = tx.conn().Exec(
            "UPDATE users SET failed_logins = 0, locked_until = '', totp_last_step = $1, "
            "updated_seq "
            "= $2 WHERE id = $3",
            {step ? *step : user->totp_last_step, *seq, user->id});
        if (!up) return up.error();
        ZHIFA_TRY(InsertLoginLog(tx, *seq, user->username, user->id, "ok", req.ip, req.user_agent));
        return core::Ok();
      });
  if (!st) return st.error();
  {
    std::lock_guard lock(mu_);
    last_seen_[session_id] = now;
  }
  return LoginResult{*token, *csrf, user->id};
}

Result<std::shared_ptr<const Principal>> AuthService::LoadPrincipal(const std::string& session_id) {
  Principal p;
  int64_t created = 0;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto s = c.Query(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.revoked, u.username, "
        "u.display_name, u.unit_id, u.status, u.must_change_password, u.password_changed_at, "
        "u.totp_enabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
        {session_id});
    if (!s) return s.error();
    if (s->rows.empty()) return NoSession();
    const auto& r = s->rows[0];
    auto expires = core::ParseRfc3339(r.Text(3));
    if (r.Int(4) != 0 || r.Text(8) != "active" || !expires || *expires <= core::NowMicros()) {
      return NoSession();
    }
    created = core::ParseRfc3339(r.Text(2)).value();
    p.user_id = r.Int(0);
    p.csrf_token = r.Text(1);
    p.username = r.Text(5);
    p.display_name = r.Text(6);
    p.unit_id = r.Int(7);
    p.session_id = session_id;
    auto changed = core::ParseRfc3339(r.Text(10));
    auto expiry = core::ComputePasswordExpiry(changed ? *changed : 0, core::NowMicros(),
                                              policy_.password.max_age_days);
    p.needs_password_change = r.Int(9) != 0 || (expiry.expires && expiry.expired);
    ZHIFA_TRY(org_.LoadGrants(c, p.user_id, p));
    p.needs_totp_setup = policy_.require_admin_totp && HasAdminRole(p.roles) && r.Int(11) == 0;
    return core::Ok();
  });
  if (!st) return st.error();
  std::lock_guard lock(mu_);
  auto shared = std::make_shared<const Principal>(std::move(p));
  cache_[session_id] = Cached{shared, created, std::chrono::steady_clock::now()};
  return shared;
}

Result<std::shared_ptr<const Principal>> AuthService::Authenticate(const std::string& token) {
  if (token.empty() || token.size() > 128) return NoSession().error();
  std::string session_id = core::Sha256Hex(token);
  int64_t now = core::NowMicros();
  {
    // The hot path takes the lock shared; the last-seen time is written (exclusively) at most
    // once a second per session, so concurrent requests of one session do not serialise.
    std::shared_lock lock(mu_);
    auto it = cache_.find(session_id);
    if (it != cache_.end() &&
        std::chrono::steady_clock::now() - it->second.fetched < std::chrono::seconds(2)) {
      auto seen = last_seen_.find(session_id);
      int64_t last = seen == last_seen_.end() ? it->second.created : seen->second;
      auto principal = it->second.principal;
      int64_t created = it->second.created;
      lock.unlock();
      if (!SessionValid(created, last, now, policy_)) {
        std::lock_guard exclusive(mu_);
        cache_.erase(session_id);
        return NoSession().error();
      }
      if (now - last >= 1000000) {
        std::lock_guard exclusive(mu_);
        last_seen_[session_id] = now;
      }
      return principal;
    }
  }
  auto p = LoadPrincipal(session_id);
  if (!p) return p;
  std::lock_guard lock(mu_);
  auto created = cache_[session_id].created;
  auto seen = last_seen_.find(session_id);
  int64_t last = seen == last_seen_.end() ? now : seen->second;
  if (!SessionValid(created, last, now, policy_)) {
    cache_.erase(session_id);
    return NoSession().error();
  }
  last_seen_[session_id] = now;
  if (cache_.size() > 200000) cache_.clear();
  return p;
}

void AuthService::InvalidateUser(int64_t user_id) {
  std::lock_guard lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal->user_id == user_id) {
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

Status AuthService::Logout(const Principal& p, const std::string& ip) {
  auto st = bus_.Run(ActorOf(p, ip), [&](record::CommandTx& tx) -> Status {
    auto seq = tx.Emit({"auth.logout",
                        "user:" + std::to_string(p.user_id),
                        {{"username", p.username}, {"ip", ip}},
                        p.unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec("UPDATE sessions SET revoked = 1 WHERE id = $1", {p.session_id});
    if (!up) return up.error();
    return InsertLoginLog(tx, *seq, p.username, p.user_id, "logout", ip, "");
  });
  std::lock_guard lock(mu_);
  cache_.erase(p.session_id);
  last_seen_.erase(p.session_id);
  return st;
}

Result<json> AuthService::Me(const Principal& p) {
  auto user = org_.GetUser(p, p.user_id);
  if (!user) return user.error();
  json roles = json::array();
  for (const auto& a : user->roles) roles.push_back(a.ToJson());
  json out = user->ToJson();
  out["roles"] = roles;
  out["totp_required"] = policy_.require_admin_totp && HasAdminRole(p.roles);
  out["must_change_password"] = p.needs_password_change;
  std::string changed_at;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT password_changed_at FROM users WHERE id = $1", {p.user_id});
    if (!r) return r.error();
    if (!r->rows.empty()) changed_at = r->rows[0].Text(0);
    return core::Ok();
  });
  if (!st) return st.error();
  auto changed = core::ParseRfc3339(changed_at);
  auto expiry = core::ComputePasswordExpiry(changed ? *changed : 0, core::NowMicros(),
                                            policy_.password.max_age_days);
  out["password_expires_at"] =
      expiry.expires ? json(core::FormatRfc3339Micros(expiry.expires_at)) : json(nullptr);
  json perms = json::array();
  for (auto perm : org::AllPermissions()) {
    if (p.Has(perm)) perms.push_back(org::PermissionName(perm));
  }
  out["permissions"] = perms;
  return json{{"user", out}, {"csrf_token", p.csrf_token}};
}

Status AuthService::ChangePassword(const Principal& p, const std::string& old_password,
                                   const std::string& new_password) {
  ZHIFA_TRY(core::CheckPasswordComplexity(new_password, p.username, policy_.password));
  if (old_password == new_password) {
    return Err(ErrorCode::kInvalidArgument, "新密码不能与原密码相同",
               "the new password must differ from the old one", "new_password");
  }
  std::string hash;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto u = FindUser(c, std::to_string(p.user_id), true);
    if (!u) return u.error();
    if (!*u) return NoSession();
    hash = (*u)->password_hash;
    return core::Ok();
  });
  if (!st) return st;
  if (!VerifyPassword(hash, old_password)) {
    return Err(ErrorCode::kInvalidArgument, "原密码错误", "the current password is wrong",
               "old_password");
  }
  auto new_hash = HashPassword(new_password);
  if (!new_hash) return new_hash.error();
  st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto seq = tx.Emit(
        {"auth.password_changed", "user:" + std::to_string(p.user_id), json::object(), p.unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = 0, "
        "version = version + 1, updated_seq = $3 WHERE id = $4",
        {*new_hash, core::FormatRfc3339Micros(tx.now()), *seq, p.user_id});
    if (!up) return up.error();
    return core::Ok();
  });
  InvalidateUser(p.user_id);
  return st;
}

Result<json> AuthService::TotpSetup(const Principal& p) {
  auto secret = core::GenerateSecret();
  if (!secret) return secret.error();
  std::string b32 = core::Base32Encode(*secret, false);
  bool enabled = false;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT totp_enabled FROM users WHERE id = $1", {p.user_id});
    if (!r) return r.error();
    enabled = !r->rows.empty() && r->rows[0].Int(0) != 0;
    return core::Ok();
  });
  if (!st) return st.error();
  if (enabled) {
    return Err(ErrorCode::kConflict, "动态口令已启用，如需更换请先停用",
               "TOTP is already enabled; disable it first to replace it");
  }
  auto stored = org_.cipher().Encrypt(b32);
  if (!stored) return stored.error();
  st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    // The secret itself never enters the record log; at rest it is encrypted.
    auto seq = tx.Emit(
        {"auth.totp_setup", "user:" + std::to_string(p.user_id), json::object(), p.unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET totp_secret = $1, totp_enabled = 0, updated_seq = $2 WHERE id = $3",
        {*stored, *seq, p.user_id});
    if (!up) return up.error();
    return core::Ok();
  });
  if (!st) return st.error();
  return json{{"secret", b32}, {"otpauth_uri", core::OtpauthUri("zhifa", p.username, *secret)}};
}

Status AuthService::TotpEnable(const Principal& p, const std::string& code) {
  ZHIFA_TRY(CheckTotpCode(code));
  auto st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto u = FindUser(tx.conn(), std::to_string(p.user_id), true);
    if (!u) return u.error();
    if (!*u || (*u)->totp_secret.empty()) {
      return Err(ErrorCode::kConflict, "请先生成动态口令密钥", "run TOTP setup first", "code");
    }
    auto secret = org_.cipher().Decrypt((*u)->totp_secret);
    if (!secret) return secret.error();
    auto key = core::Base32Decode(*secret);
    if (!key) return key.error();
    auto step = core::VerifyTotp(*key, code, tx.now() / 1000000, 1, (*u)->totp_last_step);
    if (!step) {
      return Err(ErrorCode::kInvalidArgument, "动态口令错误，请核对手机时间后重试",
                 "wrong code; check your phone's clock and try again", "code");
    }
    auto seq = tx.Emit(
        {"auth.totp_enabled", "user:" + std::to_string(p.user_id), json::object(), p.unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET totp_enabled = 1, totp_last_step = $1, updated_seq = $2 WHERE id = $3",
        {*step, *seq, p.user_id});
    if (!up) return up.error();
    return core::Ok();
  });
  InvalidateUser(p.user_id);
  return st;
}

Status AuthService::TotpDisable(const Principal& p, const std::string& code) {
  ZHIFA_TRY(CheckTotpCode(code));
  if (policy_.require_admin_totp && HasAdminRole(p.roles)) {
    return Err(ErrorCode::kPermissionDenied, "管理员账号必须使用动态口令，不能停用",
               "administrator accounts must keep TOTP", "code");
  }
  auto st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto u = FindUser(tx.conn(), std::to_string(p.user_id), true);
    if (!u) return u.error();
    if (!*u || !(*u)->totp_enabled) {
      return Err(ErrorCode::kConflict, "动态口令未启用", "TOTP is not enabled", "code");
    }
    auto secret = org_.cipher().Decrypt((*u)->totp_secret);
    if (!secret) return secret.error();
    auto key = core::Base32Decode(*secret);
    if (!key) return key.error();
    if (!core::VerifyTotp(*key, code, tx.now() / 1000000, 1, (*u)->totp_last_step)) {
      return Err(ErrorCode::kInvalidArgument, "动态口令错误", "wrong code", "code");
    }
    auto seq = tx.Emit(
        {"auth.totp_disabled", "user:" + std::to_string(p.user_id), json::object(), p.unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET totp_enabled = 0, totp_secret = '', updated_seq = $1 WHERE id = $2",
        {*seq, p.user_id});
    if (!up) return up.error();
    return core::Ok();
  });
  InvalidateUser(p.user_id);
  return st;
}

Status AuthService::ResetPassword(const Principal& p, int64_t user_id,
                                  const std::string& new_password) {
  auto target = org_.GetUser(p, user_id);  // scope check: outside → NotFound
  if (!target) return target.error();
  if (user_id == p.user_id) {
    return Err(ErrorCode::kInvalidArgument, "请在个人设置中修改自己的密码",
               "change your own password in personal settings", "id");
  }
  ZHIFA_TRY(core::CheckPasswordComplexity(new_password, target->username, policy_.password));
  auto hash = HashPassword(new_password);
  if (!hash) return hash.error();
  auto st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto seq = tx.Emit({"auth.password_reset",
                        "user:" + std::to_string(user_id),
                        {{"username", target->username}},
                        target->unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = 1, "
        "failed_logins = 0, locked_until = '', version = version + 1, updated_seq = $3 WHERE id = "
        "$4",
        {*hash, core::FormatRfc3339Micros(tx.now()), *seq, user_id});
    if (!up) return up.error();
    auto rv = tx.conn().Exec("UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0",
                             {user_id});
    if (!rv) return rv.error();
    return core::Ok();
  });
  InvalidateUser(user_id);
  return st;
}

Status AuthService::SetPasswordAsSystem(const std::string& username,
                                        const std::string& new_password) {
  ZHIFA_TRY(core::CheckPasswordComplexity(new_password, username, policy_.password, "password"));
  auto hash = HashPassword(new_password);
  if (!hash) return hash.error();
  return bus_.Run(record::Actor{}, [&](record::CommandTx& tx) -> Status {
    auto u = FindUser(tx.conn(), username, false);
    if (!u) return u.error();
    if (!*u) {
      return Err(ErrorCode::kNotFound, "用户「" + username + "」不存在",
                 "user \"" + username + "\" not found", "username");
    }
    auto seq = tx.Emit({"auth.password_reset",
                        "user:" + std::to_string((*u)->id),
                        {{"username", username}, {"by", "cli"}},
                        (*u)->unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = 0, "
        "failed_logins = 0, locked_until = '', version = version + 1, updated_seq = $3 WHERE id = "
        "$4",
        {*hash, core::FormatRfc3339Micros(tx.now()), *seq, (*u)->id});
    if (!up) return up.error();
    auto rv = tx.conn().Exec("UPDATE sessions SET revoked = 1 WHERE user_id = $1", {(*u)->id});
    if (!rv) return rv.error();
    return core::Ok();
  });
}

Status AuthService::Unlock(const Principal& p, int64_t user_id) {
  auto target = org_.GetUser(p, user_id);
  if (!target) return target.error();
  return bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    auto seq = tx.Emit({"auth.unlocked",
                        "user:" + std::to_string(user_id),
                        {{"username", target->username}},
                        target->unit_id});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec(
        "UPDATE users SET failed_logins = 0, locked_until = '', updated_seq = $1 WHERE id = $2",
        {*seq, user_id});
    if (!up) return up.error();
    return core::Ok();
  });
}

Result<json> AuthService::Sessions(const Principal& p) {
  json items = json::array();
  auto st = db_.Read([&](Conn& c) -> Status {
    store::Params params{core::FormatRfc3339Micros(core::NowMicros())};
    std::string pred = org::ScopePredicate(p.scope, "u.unit_id", "u.created_by", params);
    auto r = c.Query(
        "SELECT s.id, s.public_id, s.user_id, u.username, u.display_name, s.created_at, s.ip, "
        "s.user_agent FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.revoked = 0 AND "
        "s.expires_at > $1 AND " +
            pred + " ORDER BY s.created_at DESC LIMIT 1000",
        params);
    if (!r) return r.error();
    int64_t now = core::NowMicros();
    std::lock_guard lock(mu_);
    for (const auto& row : r->rows) {
      std::string sid = row.Text(0);
      int64_t created = core::ParseRfc3339(row.Text(5)).value_or(0);
      auto seen = last_seen_.find(sid);
      int64_t last = seen == last_seen_.end() ? created : seen->second;
      if (!SessionValid(created, last, now, policy_)) continue;
      items.push_back({{"id", row.Text(1)},
                       {"user_id", row.Int(2)},
                       {"username", row.Text(3)},
                       {"display_name", row.Text(4)},
                       {"created_at", row.Text(5)},
                       {"last_seen_at", core::FormatRfc3339Micros(last)},
                       {"ip", row.Text(6)},
                       {"user_agent", row.Text(7)},
                       {"current", sid == p.session_id}});
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return json{{"items", items}, {"total", items.size()}};
}

Status AuthService::RevokeSession(const Principal& p, const std::string& public_id) {
  std::string session_id;
  int64_t user_id = 0;
  auto st = bus_.Run(ActorOf(p), [&](record::CommandTx& tx) -> Status {
    store::Params params{public_id};
    std::string pred = org::ScopePredicate(p.scope, "u.unit_id", "u.created_by", params);
    auto r = tx.conn().Query(
        "SELECT s.id, s.user_id, u.username, u.unit_id FROM sessions s JOIN users u ON u.id = "
        "s.user_id WHERE s.public_id = $1 AND s.revoked = 0 AND " +
            pred,
        params);
    if (!r) return r.error();
    if (r->rows.empty()) {
      return Err(ErrorCode::kNotFound, "会话不存在或已结束", "session not found or ended", "id");
    }
    session_id = r->rows[0].Text(0);
    user_id = r->rows[0].Int(1);
    auto seq = tx.Emit({"auth.session_revoked",
                        "user:" + std::to_string(user_id),
                        {{"session", public_id}, {"username", r->rows[0].Text(2)}},
                        r->rows[0].Int(3)});
    if (!seq) return seq.error();
    auto up = tx.conn().Exec("UPDATE sessions SET revoked = 1 WHERE id = $1", {session_id});
    if (!up) return up.error();
    ZHIFA_TRY(
        InsertLoginLog(tx, *seq, r->rows[0].Text(2), user_id, "forced_logout", tx.actor().ip, ""));
    return core::Ok();
  });
  if (!st) return st;
  std::lock_guard lock(mu_);
  cache_.erase(session_id);
  last_seen_.erase(session_id);
  return core::Ok();
}

Result<json> AuthService::OperationLog(const Principal& p, const LogQuery& q) {
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    store::Params params;
    std::string where = org::ScopePredicate(p.scope, "l.unit_id", "l.actor_id", params);
    store::AndIf(where, params, q.actor, "u.username =");
    store::AndIf(where, params, q.kind.empty() ? q.kind : q.kind + "%", "l.kind LIKE");
    store::AndIf(where, params, q.from, "l.at >=");
    store::AndIf(where, params, q.to, "l.at <=");
    std::string from = " FROM record_log l LEFT JOIN users u ON u.id = l.actor_id WHERE " + where;
    auto total = c.Query("SELECT count(*)" + from, params);
    if (!total) return total.error();
    std::string sql =
        "SELECT l.seq, l.at, l.actor_id, u.username, u.display_name, l.unit_id, l.kind, "
        "l.target, l.payload" +
        from + " ORDER BY l.seq DESC";
    store::AddPage(sql, params, q.page, q.page_size);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    json items = json::array();
    for (const auto& row : r->rows) {
      std::string payload = row.Text(8);
      items.push_back({{"seq", row.Int(0)},
                       {"at", row.Text(1)},
                       {"actor_id", row.IsNull(2) ? json(nullptr) : json(row.Int(2))},
                       {"actor_username", row.Text(3)},
                       {"actor_name", row.IsNull(4) ? std::string("系统") : row.Text(4)},
                       {"unit_id", row.IsNull(5) ? json(nullptr) : json(row.Int(5))},
                       {"kind", row.Text(6)},
                       {"target", row.Text(7)},
                       {"summary", json::parse(payload, nullptr, false)}});
    }
    out = org::PageJson(std::move(items), total->rows[0].Int(0), q.page, q.page_size);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<json> AuthService::LoginLog(const Principal& p, const LogQuery& q) {
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    store::Params params;
    // Login records of unknown users have no unit: only a city-wide auditor sees them.
    std::string where =
        p.scope.all ? std::string("1 = 1")
                    : "l.user_id IN (SELECT id FROM users WHERE " +
                          org::ScopePredicate(p.scope, "unit_id", "created_by", params) + ")";
    store::AndIf(where, params, q.actor, "l.username =");
    store::AndIf(where, params, q.result, "l.result =");
    store::AndIf(where, params, q.from, "l.at >=");
    store::AndIf(where, params, q.to, "l.at <=");
    auto total = c.Query("SELECT count(*) FROM login_log l WHERE " + where, params);
    if (!total) return total.error();
    std::string sql =
        "SELECT l.id, l.at, l.username, l.user_id, l.result, l.ip, l.user_agent, l.seq FROM "
        "login_log l WHERE " +
        where + " ORDER BY l.id DESC";
    store::AddPage(sql, params, q.page, q.page_size);
    auto r = c.Query(sql, params);
    if (!r) return r.error();
    json items = json::array();
    for (const auto& row : r->rows) {
      items.push_back({{"id", row.Int(0)},
                       {"at", row.Text(1)},
                       {"username", row.Text(2)},
                       {"user_id", row.IsNull(3) ? json(nullptr) : json(row.Int(3))},
                       {"result", row.Text(4)},
                       {"ip", row.Text(5)},
                       {"user_agent", row.Text(6)},
                       {"seq", row.Int(7)}});
    }
    out = org::PageJson(std::move(items), total->rows[0].Int(0), q.page, q.page_size);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

}  // namespace zhifa::auth
