// zhifa::org — pure rules of the organisation: unit kinds and tree shape, roles and their
// permissions, the three-administrator separation (三员分立), and data scope resolution.
// No I/O. Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace zhifa::org {

// ---- Units ---------------------------------------------------------------------------------

enum class UnitKind { kCity, kDistrict, kZone, kDepartment, kUnit, kVertical };

std::optional<UnitKind> ParseUnitKind(std::string_view s);
const char* UnitKindName(UnitKind k);

// Whether a unit of kind `child` may be placed under a unit of kind `parent`:
// city → district | zone | department | vertical; district/zone → department | unit;
// department → unit | department (内设机构); vertical → unit; unit → unit.
// Errors name field "parent_id" (or "kind").
core::Status CheckPlacement(UnitKind parent, UnitKind child);

// Unit name: 1–100 characters of valid UTF-8 after trimming; field "name".
core::Status CheckUnitName(std::string_view name, std::string_view field = "name");

// ---- Roles and permissions -----------------------------------------------------------------

enum class Role {
  kOfficer,           // 执法人员
  kLegalReviewer,     // 法制审核人员
  kDeptHead,          // 负责人
  kSupervisor,        // 监督人员 (司法局)
  kSocialSupervisor,  // 社会监督员
  kSysAdmin,          // 系统管理员
  kSecAdmin,          // 安全管理员
  kAuditAdmin,        // 安全审计员
};

struct RoleInfo {
  Role role;
  const char* id;
  const char* name_zh;
  const char* name_en;
  bool administrator;  // one of the three administrator duties (三员)
};

const std::vector<RoleInfo>& AllRoles();
std::optional<Role> ParseRole(std::string_view s);
const RoleInfo& Info(Role r);

enum class Permission {
  kUnitsRead,
  kUnitsWrite,  // create/edit units — system administrator
  kUsersRead,
  kUsersWrite,      // create/edit/disable user accounts — system administrator
  kRolesAssign,     // grant/revoke roles and scopes — security administrator
  kCredentials,     // reset passwords, unlock accounts — security administrator
  kSessionsManage,  // list online sessions, forced logout — security administrator
  kLogsRead,        // operation and login logs — audit administrator
  kCalendarManage,  // load a year's holiday arrangement — system administrator
  kCatalogueWrite,  // edit enforcement matters and discretion benchmarks — legal reviewer,
                    // supervisor (within data scope)
  kListsWrite,  // edit the penalty lists (不予/减轻/从轻/从重) — legal reviewer, supervisor
  kEvidenceWrite,  // add evidence files (证据材料) — officer, legal reviewer, department head
  kEvidenceRead,   // list / download evidence — those, and supervisors (within data scope)
  kTimeLimitsWrite,  // department/sector overrides of the statutory time limits — supervisor
                     // (司法局 执法监督: it answers for the legality of every department's limits)
  kOfficersRead,  // read the officer register (执法人员名册) and the legal-reviewer ratio —
                  // the case roles: officer, legal reviewer, department head, supervisor
  kOfficersWrite,  // register officers, edit them, change status, renew credentials, import —
                   // department head (负责人) within scope and supervisor (司法局 manages 执法证)
  // Cases (案件, issue 5), within the data scope of the case's unit:
  kCasesRead,     // read cases (parties' ID numbers masked unless also kCasesWrite/kCasesApprove)
                  // — officer, legal reviewer, department head, supervisor
  kCasesWrite,    // register leads and take the handling officers' steps — officer
  kCasesApprove,  // approve filing, decision, extension; recusal; collective discussion — 负责人
  kCasesReview,  // legal review (法制审核) opinions and the review queue — legal reviewer
};

const char* PermissionName(Permission p);
// Every permission, in declaration order.
const std::vector<Permission>& AllPermissions();

// Whether role r grants permission p (三员分立: each administrator duty holds only its own; no role
// may alter or delete the logs — GB/T 22239-2019 8.1.4.3 安全审计 c; the logs are kept, never
// deleted, at least six months — 网络安全法 第二十一条(三)).
bool Grants(Role r, Permission p);

// 三员分立 (GB/T 22239-2019 8.1.4.2 访问控制 d: least privilege and separation of the
// administrators' privileges): a user may hold at most one of the three administrator roles. Checks
// adding `adding` to a user who holds `held`. Error field "role".
core::Status CheckRoleCombination(const std::vector<Role>& held, Role adding);

// A security administrator may not change their own role assignments (no self-escalation).
core::Status CheckNotSelf(int64_t actor_user_id, int64_t target_user_id);

// ---- Data scope ----------------------------------------------------------------------------

enum class Scope { kCity, kDistrict, kDeptTree, kDept, kOwn, kCustom };

std::optional<Scope> ParseScope(std::string_view s);
const char* ScopeName(Scope s);

struct UnitRef {
  int64_t id;
  UnitKind kind;
};

// What a set of role assignments lets a user see: rows whose unit is in the subtree of one of
// `subtree_roots`, or is one of `exact_units`, or (own_user) was created by that user.
struct ScopeFilter {
  bool all = false;
  std::vector<int64_t> subtree_roots;
  std::vector<int64_t> exact_units;
  std::optional<int64_t> own_user;
  bool empty() const { return !all && subtree_roots.empty() && exact_units.empty() && !own_user; }
};

// Adds one assignment to `filter`. `chain` lists the assignment unit and its ancestors, the
// unit first and the root last. `custom_units` are the roots of a custom scope.
//   city      → everything
//   district  → subtree of the nearest district/zone in the chain (the root when none)
//   dept_tree → subtree of the assignment unit
//   dept      → the assignment unit only
//   own       → rows created by the user
//   custom    → subtrees of custom_units
void AddToFilter(ScopeFilter& filter, Scope scope, const std::vector<UnitRef>& chain,
                 const std::vector<int64_t>& custom_units, int64_t user_id);

// Whether a unit (with its ancestor chain, the unit first) passes the filter; `creator` is who
// created the row, if the row has one.
bool Allows(const ScopeFilter& filter, const std::vector<int64_t>& unit_chain,
            std::optional<int64_t> creator = std::nullopt);

// No escalation by delegation: what a grantor hands out (`inner`) must lie within the grantor's
// own scope (`outer`). `chains` gives, for every unit in inner's subtree_roots and exact_units,
// its chain of ids (the unit first, the root last). Error field "scope".
core::Status CheckScopeWithin(const ScopeFilter& outer, const ScopeFilter& inner,
                              const std::map<int64_t, std::vector<int64_t>>& chains);

}  // namespace zhifa::org
