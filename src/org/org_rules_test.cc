#include "org/org_rules.h"

#include <gtest/gtest.h>

namespace zhifa::org {
namespace {

TEST(UnitKind, ParsesEveryKindAndRejectsOthers) {
  for (auto k : {UnitKind::kCity, UnitKind::kDistrict, UnitKind::kZone, UnitKind::kDepartment,
                 UnitKind::kUnit, UnitKind::kVertical}) {
    EXPECT_EQ(ParseUnitKind(UnitKindName(k)), k);
  }
  EXPECT_FALSE(ParseUnitKind("province"));
  EXPECT_FALSE(ParseUnitKind(""));
}

struct PlacementRow {
  UnitKind parent;
  UnitKind child;
  bool ok;
};

TEST(Placement, TreeShape) {
  using K = UnitKind;
  const PlacementRow rows[] = {
      {K::kCity, K::kDistrict, true},
      {K::kCity, K::kZone, true},
      {K::kCity, K::kDepartment, true},
      {K::kCity, K::kVertical, true},
      {K::kCity, K::kUnit, false},
      {K::kCity, K::kCity, false},
      {K::kDistrict, K::kDepartment, true},
      {K::kDistrict, K::kUnit, true},
      {K::kDistrict, K::kDistrict, false},
      {K::kZone, K::kDepartment, true},
      {K::kZone, K::kVertical, false},
      {K::kDepartment, K::kUnit, true},
      {K::kDepartment, K::kDepartment, true},
      {K::kDepartment, K::kDistrict, false},
      {K::kVertical, K::kUnit, true},
      {K::kVertical, K::kDepartment, false},
      {K::kUnit, K::kUnit, true},
      {K::kUnit, K::kDepartment, false},
  };
  for (const auto& r : rows) {
    auto st = CheckPlacement(r.parent, r.child);
    EXPECT_EQ(st.ok(), r.ok) << UnitKindName(r.parent) << " > " << UnitKindName(r.child);
    if (!st.ok()) {
      EXPECT_EQ(st.error().field, "kind");
      EXPECT_FALSE(st.error().message_zh.empty());
    }
  }
}

TEST(UnitName, Limits) {
  EXPECT_TRUE(CheckUnitName("市市场监管局"));
  EXPECT_FALSE(CheckUnitName("   "));
  EXPECT_EQ(CheckUnitName("").error().field, "name");
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "局";
  EXPECT_TRUE(CheckUnitName(hundred));
  std::string long_name;
  for (int i = 0; i < 101; ++i) long_name += "局";
  EXPECT_FALSE(CheckUnitName(long_name));
  EXPECT_EQ(CheckUnitName("\xff\xfe").error().code, core::ErrorCode::kInvalidUtf8);
  EXPECT_EQ(CheckUnitName(std::string("a\0b", 3)).error().field, "name");
  EXPECT_FALSE(CheckUnitName("市场\n监管"));
}

TEST(Roles, ThreeAdministratorsHoldOnlyTheirOwnDuties) {
  // 三员分立: system admin manages org and accounts, security admin manages grants and
  // credentials, audit admin reads logs; no overlap.
  EXPECT_TRUE(Grants(Role::kSysAdmin, Permission::kUnitsWrite));
  EXPECT_TRUE(Grants(Role::kSysAdmin, Permission::kUsersWrite));
  EXPECT_FALSE(Grants(Role::kSysAdmin, Permission::kRolesAssign));
  EXPECT_FALSE(Grants(Role::kSysAdmin, Permission::kLogsRead));
  EXPECT_FALSE(Grants(Role::kSysAdmin, Permission::kCredentials));
  EXPECT_TRUE(Grants(Role::kSecAdmin, Permission::kRolesAssign));
  EXPECT_TRUE(Grants(Role::kSecAdmin, Permission::kCredentials));
  EXPECT_TRUE(Grants(Role::kSecAdmin, Permission::kSessionsManage));
  EXPECT_FALSE(Grants(Role::kSecAdmin, Permission::kUnitsWrite));
  EXPECT_FALSE(Grants(Role::kSecAdmin, Permission::kUsersWrite));
  EXPECT_FALSE(Grants(Role::kSecAdmin, Permission::kLogsRead));
  EXPECT_TRUE(Grants(Role::kAuditAdmin, Permission::kLogsRead));
  for (auto p : {Permission::kUnitsRead, Permission::kUnitsWrite, Permission::kUsersRead,
                 Permission::kUsersWrite, Permission::kRolesAssign, Permission::kCredentials,
                 Permission::kSessionsManage}) {
    EXPECT_FALSE(Grants(Role::kAuditAdmin, p)) << PermissionName(p);
  }
  for (auto r : {Role::kOfficer, Role::kLegalReviewer, Role::kDeptHead, Role::kSupervisor,
                 Role::kSocialSupervisor}) {
    EXPECT_TRUE(Grants(r, Permission::kUnitsRead));
    EXPECT_FALSE(Grants(r, Permission::kUnitsWrite));
    EXPECT_FALSE(Grants(r, Permission::kLogsRead));
    EXPECT_FALSE(Grants(r, Permission::kRolesAssign));
  }
}

TEST(Roles, RulesPermissions) {
  // Loading a year's holiday arrangement is system administration; catalogue, benchmarks and the
  // penalty lists are edited by legal reviewers (法制机构) and the judicial bureau's supervisors.
  EXPECT_TRUE(Grants(Role::kSysAdmin, Permission::kCalendarManage));
  EXPECT_FALSE(Grants(Role::kSecAdmin, Permission::kCalendarManage));
  EXPECT_FALSE(Grants(Role::kAuditAdmin, Permission::kCalendarManage));
  for (auto r : {Role::kLegalReviewer, Role::kSupervisor}) {
    EXPECT_TRUE(Grants(r, Permission::kCatalogueWrite));
    EXPECT_TRUE(Grants(r, Permission::kListsWrite));
    EXPECT_FALSE(Grants(r, Permission::kCalendarManage));
  }
  for (auto r : {Role::kOfficer, Role::kDeptHead, Role::kSocialSupervisor, Role::kSysAdmin,
                 Role::kSecAdmin, Role::kAuditAdmin}) {
    EXPECT_FALSE(Grants(r, Permission::kCatalogueWrite)) << Info(r).id;
    EXPECT_FALSE(Grants(r, Permission::kListsWrite)) << Info(r).id;
  }
  // Overrides of the statutory time limits: the supervisor alone (docs/architecture.md).
  EXPECT_TRUE(Grants(Role::kSupervisor, Permission::kTimeLimitsWrite));
  for (auto r : {Role::kOfficer, Role::kLegalReviewer, Role::kDeptHead, Role::kSocialSupervisor,
                 Role::kSysAdmin, Role::kSecAdmin, Role::kAuditAdmin}) {
    EXPECT_FALSE(Grants(r, Permission::kTimeLimitsWrite)) << Info(r).id;
  }
  EXPECT_EQ(AllPermissions().size(), 20u);
  for (auto p : AllPermissions()) EXPECT_STRNE(PermissionName(p), "");
}

TEST(Roles, OfficerPermissions) {
  // The officer register: the case roles read it; department heads (负责人) keep their
  // department's register and the judicial bureau's supervisors manage 执法证 city-wide. Social
  // supervisors and the three administrators neither read nor write it.
  for (auto r : {Role::kOfficer, Role::kLegalReviewer, Role::kDeptHead, Role::kSupervisor}) {
    EXPECT_TRUE(Grants(r, Permission::kOfficersRead)) << Info(r).id;
  }
  for (auto r : {Role::kDeptHead, Role::kSupervisor}) {
    EXPECT_TRUE(Grants(r, Permission::kOfficersWrite)) << Info(r).id;
  }
  for (auto r : {Role::kOfficer, Role::kLegalReviewer}) {
    EXPECT_FALSE(Grants(r, Permission::kOfficersWrite)) << Info(r).id;
  }
  for (auto r : {Role::kSocialSupervisor, Role::kSysAdmin, Role::kSecAdmin, Role::kAuditAdmin}) {
    EXPECT_FALSE(Grants(r, Permission::kOfficersRead)) << Info(r).id;
    EXPECT_FALSE(Grants(r, Permission::kOfficersWrite)) << Info(r).id;
  }
  EXPECT_STREQ(PermissionName(Permission::kOfficersRead), "officers.read");
  EXPECT_STREQ(PermissionName(Permission::kOfficersWrite), "officers.write");
}

TEST(Roles, CasePermissions) {
  // Officers handle cases, the 负责人 approves, legal reviewers review, supervisors read; the three
  // administrators and social supervisors (personal data of parties) do not see cases.
  EXPECT_TRUE(Grants(Role::kOfficer, Permission::kCasesWrite));
  EXPECT_TRUE(Grants(Role::kDeptHead, Permission::kCasesApprove));
  EXPECT_TRUE(Grants(Role::kLegalReviewer, Permission::kCasesReview));
  for (auto r : {Role::kOfficer, Role::kLegalReviewer, Role::kDeptHead, Role::kSupervisor}) {
    EXPECT_TRUE(Grants(r, Permission::kCasesRead)) << Info(r).id;
  }
  for (auto r : {Role::kSocialSupervisor, Role::kSysAdmin, Role::kSecAdmin, Role::kAuditAdmin}) {
    for (auto p : {Permission::kCasesRead, Permission::kCasesWrite, Permission::kCasesApprove,
                   Permission::kCasesReview}) {
      EXPECT_FALSE(Grants(r, p)) << Info(r).id << " " << PermissionName(p);
    }
  }
  // Separation of duties: who approves does not review, who reviews does not handle.
  EXPECT_FALSE(Grants(Role::kOfficer, Permission::kCasesApprove));
  EXPECT_FALSE(Grants(Role::kOfficer, Permission::kCasesReview));
  EXPECT_FALSE(Grants(Role::kLegalReviewer, Permission::kCasesWrite));
  EXPECT_FALSE(Grants(Role::kDeptHead, Permission::kCasesReview));
  EXPECT_FALSE(Grants(Role::kSupervisor, Permission::kCasesWrite));
}

TEST(Roles, EvidencePermissions) {
  // Evidence is added by those who produce it at a stage (officers collect, reviewers add the
  // review opinion, heads the signed decision); supervisors read it; social supervisors and the
  // three administrators neither (三员分立: administration is not case handling).
  for (auto r : {Role::kOfficer, Role::kLegalReviewer, Role::kDeptHead}) {
    EXPECT_TRUE(Grants(r, Permission::kEvidenceWrite)) << Info(r).id;
    EXPECT_TRUE(Grants(r, Permission::kEvidenceRead)) << Info(r).id;
  }
  EXPECT_TRUE(Grants(Role::kSupervisor, Permission::kEvidenceRead));
  EXPECT_FALSE(Grants(Role::kSupervisor, Permission::kEvidenceWrite));
  for (auto r : {Role::kSocialSupervisor, Role::kSysAdmin, Role::kSecAdmin, Role::kAuditAdmin}) {
    EXPECT_FALSE(Grants(r, Permission::kEvidenceWrite)) << Info(r).id;
    EXPECT_FALSE(Grants(r, Permission::kEvidenceRead)) << Info(r).id;
  }
}

TEST(Roles, NoUserHoldsTwoAdministratorDuties) {
  EXPECT_TRUE(CheckRoleCombination({}, Role::kSysAdmin));
  EXPECT_TRUE(CheckRoleCombination({Role::kOfficer}, Role::kLegalReviewer));
  EXPECT_TRUE(CheckRoleCombination({Role::kSysAdmin}, Role::kSysAdmin));
  auto st = CheckRoleCombination({Role::kOfficer, Role::kSysAdmin}, Role::kAuditAdmin);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "role");
  EXPECT_NE(st.error().message_zh.find("三员分立"), std::string::npos);
  EXPECT_FALSE(CheckRoleCombination({Role::kSecAdmin}, Role::kSysAdmin));
  EXPECT_FALSE(CheckRoleCombination({Role::kAuditAdmin}, Role::kSecAdmin));
  EXPECT_FALSE(CheckNotSelf(7, 7));
  EXPECT_TRUE(CheckNotSelf(7, 8));
}

TEST(Roles, ParseRoundTrip) {
  EXPECT_EQ(AllRoles().size(), 8u);
  for (const auto& r : AllRoles()) EXPECT_EQ(ParseRole(r.id), r.role);
  EXPECT_FALSE(ParseRole("root"));
}

// Tree used below: 1 city > 2 district > 3 department > 4 unit; 1 > 5 department.
const std::vector<UnitRef> kChain4 = {{4, UnitKind::kUnit},
                                      {3, UnitKind::kDepartment},
                                      {2, UnitKind::kDistrict},
                                      {1, UnitKind::kCity}};
const std::vector<UnitRef> kChain5 = {{5, UnitKind::kDepartment}, {1, UnitKind::kCity}};

TEST(Scope, EachKind) {
  ScopeFilter f;
  AddToFilter(f, Scope::kCity, kChain4, {}, 9);
  EXPECT_TRUE(f.all);
  EXPECT_TRUE(Allows(f, {5, 1}));

  f = {};
  AddToFilter(f, Scope::kDistrict, kChain4, {}, 9);
  EXPECT_EQ(f.subtree_roots, std::vector<int64_t>{2});
  EXPECT_TRUE(Allows(f, {3, 2, 1}));
  EXPECT_FALSE(Allows(f, {5, 1}));
  EXPECT_FALSE(Allows(f, {1}));

  f = {};  // a city department has no district above it: district scope = the whole tree
  AddToFilter(f, Scope::kDistrict, kChain5, {}, 9);
  EXPECT_EQ(f.subtree_roots, std::vector<int64_t>{1});

  f = {};
  AddToFilter(f, Scope::kDeptTree, {{3, UnitKind::kDepartment}, {2, UnitKind::kDistrict}}, {}, 9);
  EXPECT_TRUE(Allows(f, {4, 3, 2, 1}));
  EXPECT_TRUE(Allows(f, {3, 2, 1}));
  EXPECT_FALSE(Allows(f, {2, 1}));

  f = {};
  AddToFilter(f, Scope::kDept, {{3, UnitKind::kDepartment}, {2, UnitKind::kDistrict}}, {}, 9);
  EXPECT_TRUE(Allows(f, {3, 2, 1}));
  EXPECT_FALSE(Allows(f, {4, 3, 2, 1}));

  f = {};
  AddToFilter(f, Scope::kOwn, kChain4, {}, 9);
  EXPECT_FALSE(Allows(f, {4, 3, 2, 1}));
  EXPECT_TRUE(Allows(f, {4, 3, 2, 1}, 9));
  EXPECT_FALSE(Allows(f, {4, 3, 2, 1}, 10));

  f = {};
  AddToFilter(f, Scope::kCustom, kChain4, {5, 3}, 9);
  EXPECT_TRUE(Allows(f, {5, 1}));
  EXPECT_TRUE(Allows(f, {4, 3, 2, 1}));
  EXPECT_FALSE(Allows(f, {2, 1}));
}

TEST(Scope, UnionOfAssignmentsAndEmpty) {
  ScopeFilter f;
  EXPECT_TRUE(f.empty());
  EXPECT_FALSE(Allows(f, {1}));
  AddToFilter(f, Scope::kDept, kChain5, {}, 9);
  AddToFilter(f, Scope::kDeptTree, {{3, UnitKind::kDepartment}}, {}, 9);
  AddToFilter(f, Scope::kDeptTree, {{3, UnitKind::kDepartment}}, {}, 9);  // no duplicates
  EXPECT_EQ(f.subtree_roots.size(), 1u);
  EXPECT_TRUE(Allows(f, {5, 1}));
  EXPECT_TRUE(Allows(f, {4, 3}));
  EXPECT_FALSE(Allows(f, {2, 1}));
  for (const char* s : {"city", "district", "dept_tree", "dept", "own", "custom"}) {
    EXPECT_EQ(ScopeName(*ParseScope(s)), std::string(s));
  }
  EXPECT_FALSE(ParseScope("all"));
}

TEST(Scope, NoEscalationByDelegation) {
  // 1 city > 2 district > 3 department > 4 unit; 1 > 5 department.
  const std::map<int64_t, std::vector<int64_t>> chains = {
      {1, {1}}, {2, {2, 1}}, {3, {3, 2, 1}}, {4, {4, 3, 2, 1}}, {5, {5, 1}}};
  ScopeFilter city;
  city.all = true;
  ScopeFilter dept_tree3;
  dept_tree3.subtree_roots = {3};
  ScopeFilter dept3;
  dept3.exact_units = {3};

  ScopeFilter want;
  want.all = true;
  EXPECT_TRUE(CheckScopeWithin(city, want, chains));
  auto st = CheckScopeWithin(dept_tree3, want, chains);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "scope");
  EXPECT_EQ(st.error().code, core::ErrorCode::kPermissionDenied);

  want = {};
  want.subtree_roots = {4};
  EXPECT_TRUE(CheckScopeWithin(dept_tree3, want, chains));
  want.subtree_roots = {3};
  EXPECT_TRUE(CheckScopeWithin(dept_tree3, want, chains));
  want.subtree_roots = {2};  // the district above: wider
  EXPECT_FALSE(CheckScopeWithin(dept_tree3, want, chains));
  want.subtree_roots = {5};
  EXPECT_FALSE(CheckScopeWithin(dept_tree3, want, chains));
  want.subtree_roots = {3};  // a subtree is not within a single unit
  EXPECT_FALSE(CheckScopeWithin(dept3, want, chains));

  want = {};
  want.exact_units = {3};
  EXPECT_TRUE(CheckScopeWithin(dept3, want, chains));
  want.exact_units = {4};
  EXPECT_TRUE(CheckScopeWithin(dept_tree3, want, chains));
  EXPECT_FALSE(CheckScopeWithin(dept3, want, chains));
  want.exact_units = {99};  // unknown unit
  EXPECT_FALSE(CheckScopeWithin(dept_tree3, want, chains));

  want = {};
  want.own_user = 7;  // own records: always within
  EXPECT_TRUE(CheckScopeWithin(dept3, want, chains));
}

}  // namespace
}  // namespace zhifa::org
