#include "org/org_rules.h"

#include <algorithm>

#include "core/utf8.h"

namespace zhifa::org {

using core::Err;
using core::ErrorCode;

namespace {
struct KindName {
  UnitKind kind;
  const char* name;
  const char* zh;
};
constexpr KindName kKinds[] = {
    {UnitKind::kCity, "city", "市"},     {UnitKind::kDistrict, "district", "区县"},
    {UnitKind::kZone, "zone", "功能区"}, {UnitKind::kDepartment, "department", "部门"},
    {UnitKind::kUnit, "unit", "单位"},   {UnitKind::kVertical, "vertical", "垂直管理单位"},
};
const char* KindZh(UnitKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e.zh;
  }
  return "";
}
}  // namespace

std::optional<UnitKind> ParseUnitKind(std::string_view s) {
  for (const auto& e : kKinds) {
    if (s == e.name) return e.kind;
  }
  return std::nullopt;
}

const char* UnitKindName(UnitKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e.name;
  }
  return "unit";
}

core::Status CheckPlacement(UnitKind parent, UnitKind child) {
  bool ok = false;
  switch (parent) {
    case UnitKind::kCity:
      ok = child == UnitKind::kDistrict || child == UnitKind::kZone ||
           child == UnitKind::kDepartment || child == UnitKind::kVertical;
      break;
    case UnitKind::kDistrict:
    case UnitKind::kZone:
      ok = child == UnitKind::kDepartment || child == UnitKind::kUnit;
      break;
    case UnitKind::kDepartment:
      ok = child == UnitKind::kDepartment || child == UnitKind::kUnit;
      break;
    case UnitKind::kVertical:
    case UnitKind::kUnit:
      ok = child == UnitKind::kUnit;
      break;
  }
  if (ok) return core::Ok();
  return Err(
      ErrorCode::kInvalidArgument,
      std::string("「") + KindZh(child) + "」不能设在「" + KindZh(parent) + "」之下",
      std::string("a ") + UnitKindName(child) + " cannot be placed under a " + UnitKindName(parent),
      "kind");
}

core::Status CheckUnitName(std::string_view name, std::string_view field) {
  auto b = name.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) {
    return Err(ErrorCode::kInvalidArgument, "名称不能为空", "name must not be empty",
               std::string(field));
  }
  if (!core::IsValidUtf8(name)) {
    return Err(ErrorCode::kInvalidUtf8, "名称不是有效的 UTF-8 文本", "name is not valid UTF-8",
               std::string(field));
  }
  if (core::HasControlChars(name)) {
    return Err(ErrorCode::kInvalidArgument, "名称不能包含控制字符（如换行、制表符）",
               "name must not contain control characters", std::string(field));
  }
  if (core::Utf8Length(name) > 100) {
    return Err(ErrorCode::kInvalidArgument, "名称不能超过 100 个字符",
               "name must be at most 100 characters", std::string(field));
  }
  return core::Ok();
}

const std::vector<RoleInfo>& AllRoles() {
  static const std::vector<RoleInfo> kRoles = {
      {Role::kOfficer, "officer", "执法人员", "Enforcement officer", false},
      {Role::kLegalReviewer, "legal_reviewer", "法制审核人员", "Legal reviewer", false},
      {Role::kDeptHead, "dept_head", "负责人", "Department head", false},
      {Role::kSupervisor, "supervisor", "监督人员", "Supervisor (judicial bureau)", false},
      {Role::kSocialSupervisor, "social_supervisor", "社会监督员", "Social supervisor", false},
      {Role::kSysAdmin, "sys_admin", "系统管理员", "System administrator", true},
      {Role::kSecAdmin, "sec_admin", "安全管理员", "Security administrator", true},
      {Role::kAuditAdmin, "audit_admin", "安全审计员", "Audit administrator", true},
  };
  return kRoles;
}

std::optional<Role> ParseRole(std::string_view s) {
  for (const auto& r : AllRoles()) {
    if (s == r.id) return r.role;
  }
  return std::nullopt;
}

const RoleInfo& Info(Role r) {
  for (const auto& i : AllRoles()) {
    if (i.role == r) return i;
  }
  return AllRoles().front();
}

const char* PermissionName(Permission p) {
  switch (p) {
    case Permission::kUnitsRead:
      return "units.read";
    case Permission::kUnitsWrite:
      return "units.write";
    case Permission::kUsersRead:
      return "users.read";
    case Permission::kUsersWrite:
      return "users.write";
    case Permission::kRolesAssign:
      return "roles.assign";
    case Permission::kCredentials:
      return "credentials.manage";
    case Permission::kSessionsManage:
      return "sessions.manage";
    case Permission::kLogsRead:
      return "logs.read";
    case Permission::kCalendarManage:
      return "calendar.manage";
    case Permission::kCatalogueWrite:
      return "catalogue.write";
    case Permission::kListsWrite:
      return "lists.write";
    case Permission::kEvidenceWrite:
      return "evidence.write";
    case Permission::kEvidenceRead:
      return "evidence.read";
    case Permission::kTimeLimitsWrite:
      return "time_limits.write";
    case Permission::kOfficersRead:
      return "officers.read";
    case Permission::kOfficersWrite:
      return "officers.write";
    case Permission::kCasesRead:
      return "cases.read";
    case Permission::kCasesWrite:
      return "cases.write";
    case Permission::kCasesApprove:
      return "cases.approve";
    case Permission::kCasesReview:
      return "cases.review";
  }
  return "";
}

const std::vector<Permission>& AllPermissions() {
  static const std::vector<Permission> kAll = {
      Permission::kUnitsRead,      Permission::kUnitsWrite,   Permission::kUsersRead,
      Permission::kUsersWrite,     Permission::kRolesAssign,  Permission::kCredentials,
      Permission::kSessionsManage, Permission::kLogsRead,     Permission::kCalendarManage,
      Permission::kCatalogueWrite, Permission::kListsWrite,   Permission::kTimeLimitsWrite,
      Permission::kEvidenceWrite,  Permission::kEvidenceRead, Permission::kOfficersRead,
      Permission::kOfficersWrite,  Permission::kCasesRead,    Permission::kCasesWrite,
      Permission::kCasesApprove,   Permission::kCasesReview};
  return kAll;
}

bool Grants(Role r, Permission p) {
  switch (r) {
    case Role::kSysAdmin:
      return p == Permission::kUnitsRead || p == Permission::kUnitsWrite ||
             p == Permission::kUsersRead || p == Permission::kUsersWrite ||
             p == Permission::kCalendarManage;
    case Role::kSecAdmin:
      return p == Permission::kUnitsRead || p == Permission::kUsersRead ||
             p == Permission::kRolesAssign || p == Permission::kCredentials ||
             p == Permission::kSessionsManage;
    case Role::kAuditAdmin:
      return p == Permission::kLogsRead;
    case Role::kSupervisor:
      return p == Permission::kUnitsRead || p == Permission::kUsersRead ||
             p == Permission::kCatalogueWrite || p == Permission::kListsWrite ||
             p == Permission::kTimeLimitsWrite || p == Permission::kEvidenceRead ||
             p == Permission::kOfficersRead || p == Permission::kOfficersWrite ||
             p == Permission::kCasesRead;
    case Role::kDeptHead:
      return p == Permission::kUnitsRead || p == Permission::kUsersRead ||
             p == Permission::kEvidenceWrite || p == Permission::kEvidenceRead ||
             p == Permission::kOfficersRead || p == Permission::kOfficersWrite ||
             p == Permission::kCasesRead || p == Permission::kCasesApprove;
    case Role::kLegalReviewer:
      return p == Permission::kUnitsRead || p == Permission::kCatalogueWrite ||
             p == Permission::kListsWrite || p == Permission::kEvidenceWrite ||
             p == Permission::kEvidenceRead || p == Permission::kOfficersRead ||
             p == Permission::kCasesRead || p == Permission::kCasesReview;
    case Role::kOfficer:
      return p == Permission::kUnitsRead || p == Permission::kEvidenceWrite ||
             p == Permission::kEvidenceRead || p == Permission::kOfficersRead ||
             p == Permission::kCasesRead || p == Permission::kCasesWrite;
    case Role::kSocialSupervisor:
      return p == Permission::kUnitsRead;
  }
  return false;
}

core::Status CheckRoleCombination(const std::vector<Role>& held, Role adding) {
  if (!Info(adding).administrator) return core::Ok();
  for (Role h : held) {
    if (Info(h).administrator && h != adding) {
      return Err(ErrorCode::kInvalidArgument,
                 std::string("三员分立：该用户已是「") + Info(h).name_zh + "」，不能再担任「" +
                     Info(adding).name_zh + "」",
                 std::string("separation of duties: the user is already ") + Info(h).name_en +
                     " and cannot also be " + Info(adding).name_en,
                 "role");
    }
  }
  return core::Ok();
}

core::Status CheckNotSelf(int64_t actor_user_id, int64_t target_user_id) {
  if (actor_user_id != target_user_id) return core::Ok();
  return Err(ErrorCode::kPermissionDenied, "不能修改自己的角色和权限",
             "you cannot change your own roles", "user_id");
}

std::optional<Scope> ParseScope(std::string_view s) {
  if (s == "city") return Scope::kCity;
  if (s == "district") return Scope::kDistrict;
  if (s == "dept_tree") return Scope::kDeptTree;
  if (s == "dept") return Scope::kDept;
  if (s == "own") return Scope::kOwn;
  if (s == "custom") return Scope::kCustom;
  return std::nullopt;
}

const char* ScopeName(Scope s) {
  switch (s) {
    case Scope::kCity:
      return "city";
    case Scope::kDistrict:
      return "district";
    case Scope::kDeptTree:
      return "dept_tree";
    case Scope::kDept:
      return "dept";
    case Scope::kOwn:
      return "own";
    case Scope::kCustom:
      return "custom";
  }
  return "own";
}

void AddToFilter(ScopeFilter& filter, Scope scope, const std::vector<UnitRef>& chain,
                 const std::vector<int64_t>& custom_units, int64_t user_id) {
  auto add_root = [&](int64_t id) {
    if (std::find(filter.subtree_roots.begin(), filter.subtree_roots.end(), id) ==
        filter.subtree_roots.end()) {
      filter.subtree_roots.push_back(id);
    }
  };
  switch (scope) {
    case Scope::kCity:
      filter.all = true;
      break;
    case Scope::kDistrict: {
      if (chain.empty()) break;
      int64_t root = chain.back().id;
      for (const auto& u : chain) {
        if (u.kind == UnitKind::kDistrict || u.kind == UnitKind::kZone) {
          root = u.id;
          break;
        }
      }
      add_root(root);
      break;
    }
    case Scope::kDeptTree:
      if (!chain.empty()) add_root(chain.front().id);
      break;
    case Scope::kDept:
      if (!chain.empty() && std::find(filter.exact_units.begin(), filter.exact_units.end(),
                                      chain.front().id) == filter.exact_units.end()) {
        filter.exact_units.push_back(chain.front().id);
      }
      break;
    case Scope::kOwn:
      filter.own_user = user_id;
      break;
    case Scope::kCustom:
      for (int64_t id : custom_units) add_root(id);
      break;
  }
}

bool Allows(const ScopeFilter& filter, const std::vector<int64_t>& unit_chain,
            std::optional<int64_t> creator) {
  if (filter.all) return true;
  if (filter.own_user && creator && *filter.own_user == *creator) return true;
  if (!unit_chain.empty() && std::find(filter.exact_units.begin(), filter.exact_units.end(),
                                       unit_chain.front()) != filter.exact_units.end()) {
    return true;
  }
  for (int64_t id : unit_chain) {
    if (std::find(filter.subtree_roots.begin(), filter.subtree_roots.end(), id) !=
        filter.subtree_roots.end()) {
      return true;
    }
  }
  return false;
}

core::Status CheckScopeWithin(const ScopeFilter& outer, const ScopeFilter& inner,
                              const std::map<int64_t, std::vector<int64_t>>& chains) {
  auto refuse = [] {
    return Err(ErrorCode::kPermissionDenied, "授予的数据范围不能超出您自己的数据范围",
               "you cannot grant a data scope wider than your own", "scope");
  };
  if (outer.all) return core::Ok();
  if (inner.all) return refuse();
  auto chain_of = [&](int64_t id) -> const std::vector<int64_t>* {
    auto it = chains.find(id);
    return it == chains.end() ? nullptr : &it->second;
  };
  for (int64_t root : inner.subtree_roots) {
    // A whole subtree is covered only by an outer subtree root at or above it.
    const auto* chain = chain_of(root);
    if (!chain) return refuse();
    bool covered = false;
    for (int64_t id : *chain) {
      if (std::find(outer.subtree_roots.begin(), outer.subtree_roots.end(), id) !=
          outer.subtree_roots.end()) {
        covered = true;
      }
    }
    if (!covered) return refuse();
  }
  for (int64_t unit : inner.exact_units) {
    const auto* chain = chain_of(unit);
    if (!chain || !Allows(outer, *chain)) return refuse();
  }
  return core::Ok();
}

}  // namespace zhifa::org
