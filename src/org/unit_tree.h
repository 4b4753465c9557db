// zhifa::org::UnitTree — an immutable in-memory copy of the unit tree (the `units` table), so that
// reading a unit with its children (GET /api/v1/units/{id}, the hot authenticated read) touches
// no database. Data scope is applied in memory with the same rule the SQL predicate expresses
// (org::Allows over the unit's chain of ancestors). Each unit's JSON, and its JSON with all its
// children, are written once when the tree is built. `version` is the largest `updated_seq` of the
// rows it was built from: every insert or edit of a unit sets updated_seq to its record sequence,
// and sequence numbers are allocated in commit order (record/command_bus.h), so a larger
// max(updated_seq) in the database means the tree changed. OrgService holds the current tree and
// replaces it (org_service.h says when). Thread-safety: immutable after Build; shared as
// shared_ptr<const UnitTree>.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/json_writer.h"
#include "org/org_rules.h"

namespace zhifa::org {

struct Unit {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string name;
  std::string short_name;
  std::string kind;
  std::string code;
  int64_t version = 0;
  // The unit's JSON fields (id, parent_id, name, short_name, kind, code, version).
  void Write(core::JsonWriter& w) const;
  std::string ToJsonText() const;
  nlohmann::json ToJson() const;
};

// A unit with its direct children (GET /units/{id}).
struct UnitWithChildren {
  Unit unit;
  std::vector<Unit> children;
  std::string ToJsonText() const;
};

class UnitTree {
 public:
  struct Row {
    Unit unit;
    int64_t sort_order = 0;
    int64_t updated_seq = 0;
  };
  // Builds the tree from all rows of `units`, in any order. Children are kept in the order the
  // SQL reads used (sort_order, id).
  static std::shared_ptr<const UnitTree> Build(std::vector<Row> rows);

  int64_t version() const { return version_; }
  size_t size() const { return nodes_.size(); }

  // The unit with its children visible under `filter`, or nullopt when the unit does not exist
  // or is neither within `filter` nor the caller's own unit `own_unit` (the caller answers 404).
  std::optional<UnitWithChildren> Get(const ScopeFilter& filter, int64_t own_unit,
                                      int64_t id) const;
  // The same as JSON text (what UnitWithChildren::ToJsonText gives), without copying units: the
  // text written at build time when every child is visible, else assembled from the children's.
  std::optional<std::string> GetJson(const ScopeFilter& filter, int64_t own_unit, int64_t id) const;

 private:
  struct Node {
    Unit unit;
    int64_t sort_order = 0;
    std::vector<int64_t> chain;    // the unit and its ancestors, the unit first
    std::vector<size_t> children;  // indexes into nodes_, in (sort_order, id) order
    std::string json;              // Unit::ToJsonText
    std::string with_children;     // the unit with all its children (UnitWithChildren)
  };
  // The node when it exists and is visible to the caller.
  const Node* Visible(const ScopeFilter& filter, int64_t own_unit, int64_t id) const;

  std::vector<Node> nodes_;
  std::unordered_map<int64_t, size_t> index_;
  int64_t version_ = 0;
};

}  // namespace zhifa::org
