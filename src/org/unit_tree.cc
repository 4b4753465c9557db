#include "org/unit_tree.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace zhifa::org {

namespace {

// {unit fields…,"children":[child,child,…]} from the texts of the unit and its children.
template <typename Children>
std::string WithChildren(std::string_view unit_json, size_t count, const Children& child_json) {
  std::string text;
  size_t size = unit_json.size() + 16;
  for (size_t i = 0; i < count; ++i) size += child_json(i).size() + 1;
  text.reserve(size);
  text.append(unit_json.substr(0, unit_json.size() - 1));  // reopen the object
  text += ",\"children\":[";
  for (size_t i = 0; i < count; ++i) {
    if (i) text += ',';
    text += child_json(i);
  }
  text += "]}";
  return text;
}

}  // namespace

void Unit::Write(core::JsonWriter& w) const {
  w.BeginObject()
      .Key("id")
      .Int(id)
      .Key("parent_id")
      .OptInt(parent_id)
      .Key("name")
      .String(name)
      .Key("short_name")
      .String(short_name)
      .Key("kind")
      .String(kind)
      .Key("code")
      .String(code)
      .Key("version")
      .Int(version)
      .EndObject();
}

std::string Unit::ToJsonText() const {
  core::JsonWriter w;
  Write(w);
  return w.Take();
}

nlohmann::json Unit::ToJson() const { return nlohmann::json::parse(ToJsonText()); }

std::string UnitWithChildren::ToJsonText() const {
  std::vector<std::string> kids;
  kids.reserve(children.size());
  for (const auto& c : children) kids.push_back(c.ToJsonText());
  return WithChildren(unit.ToJsonText(), kids.size(),
                      [&](size_t i) -> const std::string& { return kids[i]; });
}

std::shared_ptr<const UnitTree> UnitTree::Build(std::vector<Row> rows) {
  auto tree = std::make_shared<UnitTree>();
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.sort_order != b.sort_order ? a.sort_order < b.sort_order : a.unit.id < b.unit.id;
  });
  tree->nodes_.reserve(rows.size());
  tree->index_.reserve(rows.size());
  for (auto& r : rows) {
    tree->version_ = std::max(tree->version_, r.updated_seq);
    tree->index_[r.unit.id] = tree->nodes_.size();
    Node n;
    n.unit = std::move(r.unit);
    n.sort_order = r.sort_order;
    n.json = n.unit.ToJsonText();
    tree->nodes_.push_back(std::move(n));
  }
  auto& nodes = tree->nodes_;
  // Children in (sort_order, id) order: the rows are sorted that way already.
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].unit.parent_id) continue;
    auto p = tree->index_.find(*nodes[i].unit.parent_id);
    if (p != tree->index_.end()) nodes[p->second].children.push_back(i);
  }
  for (auto& n : nodes) {
    // The chain up to the root; a cycle (impossible through the API) ends it.
    n.chain.push_back(n.unit.id);
    for (auto parent = n.unit.parent_id; parent && n.chain.size() <= nodes.size();) {
      auto p = tree->index_.find(*parent);
      if (p == tree->index_.end()) break;
      n.chain.push_back(*parent);
      parent = nodes[p->second].unit.parent_id;
    }
    n.with_children = WithChildren(n.json, n.children.size(), [&](size_t i) -> const std::string& {
      return nodes[n.children[i]].json;
    });
  }
  return tree;
}

const UnitTree::Node* UnitTree::Visible(const ScopeFilter& filter, int64_t own_unit,
                                        int64_t id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  const Node& n = nodes_[it->second];
  if (id != own_unit && !Allows(filter, n.chain)) return nullptr;
  return &n;
}

std::optional<UnitWithChildren> UnitTree::Get(const ScopeFilter& filter, int64_t own_unit,
                                              int64_t id) const {
  const Node* n = Visible(filter, own_unit, id);
  if (!n) return std::nullopt;
  UnitWithChildren out;
  out.unit = n->unit;
  out.children.reserve(n->children.size());
  for (size_t c : n->children) {
    if (Allows(filter, nodes_[c].chain)) out.children.push_back(nodes_[c].unit);
  }
  return out;
}

std::optional<std::string> UnitTree::GetJson(const ScopeFilter& filter, int64_t own_unit,
                                             int64_t id) const {
  const Node* n = Visible(filter, own_unit, id);
  if (!n) return std::nullopt;
  auto visible = [&](size_t c) { return Allows(filter, nodes_[c].chain); };
  if (std::all_of(n->children.begin(), n->children.end(), visible)) return n->with_children;
  std::vector<const std::string*> kids;
  for (size_t c : n->children) {
    if (visible(c)) kids.push_back(&nodes_[c].json);
  }
  return WithChildren(n->json, kids.size(),
                      [&](size_t i) -> const std::string& { return *kids[i]; });
}

}  // namespace zhifa::org
