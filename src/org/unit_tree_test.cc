#include "org/unit_tree.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace zhifa::org {
namespace {

UnitTree::Row R(int64_t id, std::optional<int64_t> parent, const std::string& name,
                int64_t sort_order = 0, int64_t updated_seq = 1) {
  UnitTree::Row r;
  r.unit.id = id;
  r.unit.parent_id = parent;
  r.unit.name = name;
  r.unit.kind = parent ? "department" : "city";
  r.unit.version = 1;
  r.sort_order = sort_order;
  r.updated_seq = updated_seq;
  return r;
}

// city 1 ─┬─ district 2 ─┬─ dept 4
//         │              └─ dept 5 ── unit 7
//         └─ district 3 ─── dept 6
// Given in shuffled order; 5 sorts before 4 by sort_order, 2 and 3 tie on sort_order (by id).
std::shared_ptr<const UnitTree> City() {
  return UnitTree::Build({R(6, 3, "六", 0, 6), R(4, 2, "四", 2, 4), R(1, std::nullopt, "市", 0, 1),
                          R(7, 5, "七\"引号\"", 0, 9), R(3, 1, "三", 0, 3), R(5, 2, "五", 1, 5),
                          R(2, 1, "二", 0, 2)});
}

std::vector<int64_t> ChildIds(const UnitWithChildren& u) {
  std::vector<int64_t> ids;
  for (const auto& c : u.children) ids.push_back(c.id);
  return ids;
}

TEST(UnitTree, VersionIsTheLargestUpdatedSeq) {
  EXPECT_EQ(City()->version(), 9);
  EXPECT_EQ(City()->size(), 7u);
  EXPECT_EQ(UnitTree::Build({})->version(), 0);
}

TEST(UnitTree, ChildrenInSortOrderThenId) {
  ScopeFilter all;
  all.all = true;
  auto tree = City();
  EXPECT_EQ(ChildIds(*tree->Get(all, 0, 1)), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ChildIds(*tree->Get(all, 0, 2)), (std::vector<int64_t>{5, 4}));
  EXPECT_TRUE(tree->Get(all, 0, 7)->children.empty());
  EXPECT_FALSE(tree->Get(all, 0, 99));  // no such unit
}

TEST(UnitTree, SubtreeScope) {
  ScopeFilter f;
  f.subtree_roots = {2};
  auto tree = City();
  EXPECT_TRUE(tree->Get(f, 0, 2));
  EXPECT_TRUE(tree->Get(f, 0, 7));  // grandchild
  EXPECT_FALSE(tree->Get(f, 0, 1));
  EXPECT_FALSE(tree->Get(f, 0, 3));
  EXPECT_FALSE(tree->Get(f, 0, 6));
}

TEST(UnitTree, OwnUnitIsVisibleButItsChildrenOnlyWithinScope) {
  ScopeFilter f;
  f.exact_units = {3};
  auto tree = City();
  // The root is the caller's own unit: visible; of its children only 3 is in scope.
  auto root = tree->Get(f, 1, 1);
  ASSERT_TRUE(root);
  EXPECT_EQ(ChildIds(*root), (std::vector<int64_t>{3}));
  // An exact unit does not open its children.
  EXPECT_TRUE(tree->Get(f, 1, 3)->children.empty());
  EXPECT_FALSE(tree->Get(f, 1, 6));
  EXPECT_FALSE(tree->Get(f, 0, 1));
}

TEST(UnitTree, OwnRecordsScopeSeesNoUnitsButItsOwn) {
  ScopeFilter f;
  f.own_user = 42;  // units have no creator column: "own records" selects none of them
  auto tree = City();
  EXPECT_FALSE(tree->Get(f, 0, 2));
  auto own = tree->Get(f, 2, 2);
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->children.empty());
}

TEST(UnitTree, EmptyScopeSeesNothing) {
  ScopeFilter none;
  EXPECT_FALSE(City()->Get(none, 0, 1));
  EXPECT_FALSE(City()->GetJson(none, 0, 1));
}

TEST(UnitTree, JsonIsTheUnitWithItsVisibleChildren) {
  auto tree = City();
  ScopeFilter all;
  all.all = true;
  ScopeFilter some;
  some.exact_units = {3};
  ScopeFilter sub;
  sub.subtree_roots = {5};
  struct Case {
    const ScopeFilter* f;
    int64_t own;
    int64_t id;
  };
  for (auto c : {Case{&all, 0, 1}, Case{&all, 0, 2}, Case{&all, 0, 7}, Case{&some, 1, 1},
                 Case{&some, 1, 3}, Case{&sub, 0, 5}, Case{&sub, 2, 2}}) {
    auto text = tree->GetJson(*c.f, c.own, c.id);
    auto value = tree->Get(*c.f, c.own, c.id);
    ASSERT_TRUE(text && value) << c.id;
    EXPECT_EQ(*text, value->ToJsonText()) << c.id;
  }
  auto j = nlohmann::json::parse(*tree->GetJson(some, 1, 1));
  EXPECT_EQ(j["id"], 1);
  EXPECT_TRUE(j["parent_id"].is_null());
  EXPECT_EQ(j["name"], "市");
  ASSERT_EQ(j["children"].size(), 1u);
  EXPECT_EQ(j["children"][0]["id"], 3);
  EXPECT_EQ(j["children"][0]["parent_id"], 1);
  auto leaf = nlohmann::json::parse(*tree->GetJson(all, 0, 7));
  EXPECT_EQ(leaf["name"], "七\"引号\"");
  EXPECT_EQ(leaf["children"], nlohmann::json::array());
  // The same text nlohmann writes for the same fields in the same order.
  nlohmann::json expect = {{"id", 7},          {"parent_id", 5},       {"name", "七\"引号\""},
                           {"short_name", ""}, {"kind", "department"}, {"code", ""},
                           {"version", 1}};
  EXPECT_EQ(*tree->GetJson(all, 0, 7),
            R"({"id":7,"parent_id":5,"name":"七\"引号\"","short_name":"","kind":"department",)"
            R"("code":"","version":1,"children":[]})");
  EXPECT_EQ(nlohmann::json::parse(tree->Get(all, 0, 7)->unit.ToJsonText()), expect);
}

}  // namespace
}  // namespace zhifa::org
