// zhifa::org::OrgService — use cases of the organisation area: the unit tree, user accounts and
// role assignments with data scope. Every change is a command on the CommandBus (one
// transaction: rules → state tables → record events). Reads apply the caller's data scope as
// parameterised SQL predicates; a row outside the scope answers kNotFound (its existence does not
// leak).
//
// Unit reads (GetUnit, GetUnitJson) are answered from an in-memory UnitTree (unit_tree.h) instead
// of SQL. The tree is rebuilt from the database (one query) on the first read after a unit command
// of this node committed — so a node always reads its own writes — and when another node (or
// process) changed the units table: at most every `tree_refresh` one request compares
// max(units.updated_seq) with the tree's version. A unit created or renamed on another node is
// therefore read here within `tree_refresh` (default 1 s; the principal cache of auth_service is
// 2 s). Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/field_cipher.h"
#include "core/json_writer.h"
#include "core/result.h"
#include "org/principal.h"
#include "org/unit_tree.h"
#include "record/command_bus.h"
#include "store/database.h"

namespace zhifa::org {

struct NewUnit {
  int64_t parent_id = 0;
  std::string name;
  std::string kind;
  std::string short_name;
  std::string code;
};

struct UnitPatch {
  int64_t version = 0;
  std::optional<std::string> name;
  std::optional<std::string> short_name;
  std::optional<std::string> code;
};

struct Assignment {
  int64_t id = 0;
  std::string role;
  int64_t unit_id = 0;
  std::string unit_name;
  std::string scope;
  std::vector<int64_t> custom_unit_ids;
  nlohmann::json ToJson() const;
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  std::string unit_name;
  std::string phone;
  std::string status;  // active | disabled | locked
  std::string created_at;
  int64_t version = 0;
  bool totp_enabled = false;
  std::vector<Assignment> roles;
  nlohmann::json ToJson() const;
};

struct NewUser {
  std::string username;
  std::string display_name;
  int64_t unit_id = 0;
  std::string password_hash;  // argon2id, computed by the caller (auth::HashPassword)
  std::string phone;
  bool must_change_password = false;
};

struct UserPatch {
  int64_t version = 0;
  std::optional<std::string> display_name;
  std::optional<int64_t> unit_id;
  std::optional<std::string> phone;
};

struct NewAssignment {
  std::string role;
  int64_t unit_id = 0;
  std::string scope;
  std::vector<int64_t> custom_unit_ids;
};

struct UserQuery {
  std::optional<int64_t> unit_id;
  std::string q;
  int page = 1;
  int page_size = 20;
};

// Appends a SQL predicate for `filter` over the unit column `unit_col` (and, when given, the
// creator column), binding values into params. Never splices values into the SQL text.
std::string ScopePredicate(const ScopeFilter& filter, const std::string& unit_col,
                           const std::string& creator_col, store::Params& params);

// The list envelope {items, total, page, page_size} every paged endpoint answers.
nlohmann::json PageJson(nlohmann::json items, int64_t total, int page, int page_size);

// Username: 3–32 of [a-z0-9_.-], starting with a letter; field "username".
core::Status CheckUsername(std::string_view username);

class OrgService {
 public:
  // `cipher` encrypts personal fields (phone) at rest; it must outlive the service.
  OrgService(store::Database& db, record::CommandBus& bus, const core::FieldCipher& cipher,
             std::chrono::milliseconds tree_refresh = std::chrono::seconds(1))
      : db_(db), bus_(bus), cipher_(cipher), tree_refresh_(tree_refresh) {}
  const core::FieldCipher& cipher() const { return cipher_; }

  // Seeds the city tree (data/org-seed.json) when there are no units. Returns whether it did.
  core::Result<bool> SeedIfEmpty(const record::Actor& actor);
  core::Result<int64_t> RootUnitId();
  core::Result<std::optional<int64_t>> FindUnitByName(const std::string& name);

  // Unit ids from `unit_id` up to the root (the unit first), with kinds.
  core::Result<std::vector<UnitRef>> Chain(store::Conn& c, int64_t unit_id);

  core::Result<nlohmann::json> Tree(const Principal& p);
  core::Result<UnitWithChildren> GetUnit(const Principal& p, int64_t id);
  // GetUnit as JSON text (UnitWithChildren::ToJsonText), the route's answer.
  core::Result<std::string> GetUnitJson(const Principal& p, int64_t id);
  // The current unit tree (rebuilt first when it is stale, see above).
  core::Result<std::shared_ptr<const UnitTree>> Units();
  core::Result<Unit> CreateUnit(const Principal& p, const NewUnit& u);
  core::Result<Unit> UpdateUnit(const Principal& p, int64_t id, const UnitPatch& patch);

  core::Result<nlohmann::json> ListUsers(const Principal& p, const UserQuery& q);
  core::Result<User> GetUser(const Principal& p, int64_t id);
  core::Result<User> CreateUser(const Principal& p, const NewUser& u);
  // As CreateUser, by the system itself (first start, demo, CLI); no scope check.
  core::Result<User> CreateUserAsSystem(const record::Actor& actor, const NewUser& u,
                                        const std::vector<NewAssignment>& roles);
  core::Result<User> UpdateUser(const Principal& p, int64_t id, const UserPatch& patch);
  core::Result<User> SetUserStatus(const Principal& p, int64_t id, bool enabled);

  core::Result<Assignment> Grant(const Principal& p, int64_t user_id, const NewAssignment& a);
  core::Status Revoke(const Principal& p, int64_t user_id, int64_t assignment_id);

  // The principal's roles and scope for a user (used by the auth service).
  core::Status LoadGrants(store::Conn& c, int64_t user_id, Principal& out);

 private:
  core::Result<User> LoadUser(store::Conn& c, int64_t id);
  core::Status CheckUnitVisible(store::Conn& c, const Principal& p, int64_t unit_id,
                                const char* field);
  core::Status CheckUserVisible(store::Conn& c, const Principal& p, int64_t user_id);
  core::Result<Unit> InsertUnit(record::CommandTx& tx, const NewUnit& u, const std::string& note);
  core::Result<int64_t> InsertUser(record::CommandTx& tx, const NewUser& u);
  core::Result<Assignment> InsertAssignment(record::CommandTx& tx, int64_t user_id,
                                            const NewAssignment& a);

  // After a unit command committed with record sequence `seq`: the next read rebuilds the tree.
  void UnitsChanged(int64_t seq);
  core::Result<std::shared_ptr<const UnitTree>> RebuildUnits(int64_t at_least);

  store::Database& db_;
  record::CommandBus& bus_;
  const core::FieldCipher& cipher_;
  std::chrono::milliseconds tree_refresh_;
  std::atomic<std::shared_ptr<const UnitTree>> tree_;
  std::atomic<int64_t> tree_wanted_{0};     // the least version the next read may use
  std::atomic<int64_t> tree_next_poll_{0};  // steady-clock ns of the next database check
  std::mutex tree_rebuild_mu_;              // one rebuild at a time
};

}  // namespace zhifa::org
