#include "org/org_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/embedded.h"
#include "core/time.h"
#include "core/utf8.h"

namespace zhifa::org {

using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Conn;
using store::Params;

namespace {

Error NotFound(const char* what_zh, const char* what_en, const char* field = "") {
  return Err(ErrorCode::kNotFound, std::string(what_zh) + "不存在",
             std::string(what_en) + " not found", field);
}

Error Stale(const char* field = "version") {
  return Err(ErrorCode::kConflict, "数据已被他人修改，请刷新后重试",
             "the record was changed by someone else; reload and try again", field);
}

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, e - b + 1);
}

Status CheckShortText(const std::string& v, size_t max_chars, const char* field,
                      const char* label_zh) {
  if (!core::IsValidUtf8(v)) {
    return Err(ErrorCode::kInvalidUtf8, std::string(label_zh) + "不是有效的 UTF-8 文本",
               std::string(field) + " is not valid UTF-8", field);
  }
  if (core::HasControlChars(v)) {
    return Err(ErrorCode::kInvalidArgument, std::string(label_zh) + "不能包含控制字符",
               std::string(field) + " must not contain control characters", field);
  }
  if (core::Utf8Length(v) > max_chars) {
    return Err(ErrorCode::kInvalidArgument,
               std::string(label_zh) + "不能超过 " + std::to_string(max_chars) + " 个字符",
               std::string(field) + " must be at most " + std::to_string(max_chars) + " characters",
               field);
  }
  return core::Ok();
}

Unit UnitFromRow(const store::Row& r) {
  Unit u;
  u.id = r.Int(0);
  u.parent_id = r.OptInt(1);
  u.name = r.Text(2);
  u.short_name = r.Text(3);
  u.kind = r.Text(4);
  u.code = r.Text(5);
  u.version = r.Int(6);
  return u;
}

// The system itself acts with user_id 0 (demo, CLI): its entries carry no actor.
record::Actor ActorFor(const Principal& p) {
  record::Actor a;
  if (p.user_id != 0) a.user_id = p.user_id;
  if (p.unit_id != 0) a.unit_id = p.unit_id;
  return a;
}

constexpr const char* kUnitCols = "id, parent_id, name, short_name, kind, code, version";

}  // namespace

json Assignment::ToJson() const {
  return {{"id", id},           {"role", role},
          {"unit_id", unit_id}, {"unit_name", unit_name},
          {"scope", scope},     {"custom_unit_ids", custom_unit_ids}};
}

json User::ToJson() const {
  json r = json::array();
  for (const auto& a : roles) r.push_back(a.ToJson());
  return {{"id", id},
          {"username", username},
          {"display_name", display_name},
          {"unit_id", unit_id},
          {"unit_name", unit_name},
          {"phone", phone},
          {"status", status},
          {"created_at", created_at},
          {"version", version},
          {"totp_enabled", totp_enabled},
          {"roles", r}};
}

json PageJson(json items, int64_t total, int page, int page_size) {
  return {{"items", std::move(items)}, {"total", total}, {"page", page}, {"page_size", page_size}};
}

std::string ScopePredicate(const ScopeFilter& filter, const std::string& unit_col,
                           const std::string& creator_col, Params& params) {
  if (filter.all) return "1 = 1";
  std::vector<std::string> parts;
  if (!filter.subtree_roots.empty()) {
    parts.push_back(unit_col +
                    " IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id IN (" +
                    store::Placeholders(params, filter.subtree_roots) + "))");
  }
  if (!filter.exact_units.empty()) {
    parts.push_back(unit_col + " IN (" + store::Placeholders(params, filter.exact_units) + ")");
  }
  if (filter.own_user && !creator_col.empty()) {
    params.emplace_back(*filter.own_user);
    parts.push_back(creator_col + " = $" + std::to_string(params.size()));
  }
  if (parts.empty()) return "1 = 0";
  std::string out = "(";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += " OR ";
    out += parts[i];
  }
  return out + ")";
}

Status CheckUsername(std::string_view username) {
  bool ok =
      username.size() >= 3 && username.size() <= 32 && username[0] >= 'a' && username[0] <= 'z';
  for (char c : username) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      ok = false;
    }
  }
  if (ok) return core::Ok();
  return Err(ErrorCode::kInvalidArgument,
             "用户名须为 3–32 位小写字母、数字、下划线、点或连字符，并以字母开头",
             "username must be 3–32 characters of a-z, 0-9, _ . -, starting with a letter",
             "username");
}

// ---- units ---------------------------------------------------------------------------------

Result<std::vector<UnitRef>> OrgService::Chain(Conn& c, int64_t unit_id) {
  auto r = c.Query(
      "SELECT u.id, u.kind FROM unit_closure uc JOIN units u ON u.id = uc.ancestor_id "
      "WHERE uc.descendant_id = $1 ORDER BY uc.depth",
      {unit_id});
  if (!r) return r.error();
  std::vector<UnitRef> out;
  for (const auto& row : r->rows) {
    out.push_back({row.Int(0), ParseUnitKind(row.Text(1)).value_or(UnitKind::kUnit)});
  }
  return out;
}

Result<Unit> OrgService::InsertUnit(record::CommandTx& tx, const NewUnit& u,
                                    const std::string& note) {
  auto id = tx.NewId();
  if (!id) return id.error();
  Conn& c = tx.conn();
  json payload = {
      {"name", u.name}, {"kind", u.kind}, {"short_name", u.short_name}, {"code", u.code}};
  if (u.parent_id) payload["parent_id"] = u.parent_id;
  if (!note.empty()) payload["note"] = note;
  auto seq = tx.Emit({"unit.created", "unit:" + std::to_string(*id), payload, *id});
  if (!seq) return seq.error();
  auto ins = c.Exec(
      "INSERT INTO units (id, parent_id, name, short_name, kind, code, version, created_seq, "
      "updated_seq) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
      {*id, u.parent_id ? store::Value(u.parent_id) : store::Value(store::Null{}), u.name,
       u.short_name, u.kind, u.code, *seq});
  if (!ins) return ins.error();
  auto self = c.Exec(
      "INSERT INTO unit_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)", {*id});
  if (!self) return self.error();
  if (u.parent_id) {
    auto anc = c.Exec(
        "INSERT INTO unit_closure (ancestor_id, descendant_id, depth) "
        "SELECT ancestor_id, $1, depth + 1 FROM unit_closure WHERE descendant_id = $2",
        {*id, u.parent_id});
    if (!anc) return anc.error();
  }
  Unit out;
  out.id = *id;
  out.parent_id = u.parent_id ? std::optional<int64_t>(u.parent_id) : std::nullopt;
  out.name = u.name;
  out.short_name = u.short_name;
  out.kind = u.kind;
  out.code = u.code;
  out.version = 1;
  return out;
}

Result<bool> OrgService::SeedIfEmpty(const record::Actor& actor) {
  auto seed_text = core::FindEmbedded(embed::data(), "org-seed.json");
  if (!seed_text) return Err(ErrorCode::kInternal, "缺少组织机构种子数据", "org seed missing");
  json seed = json::parse(*seed_text);
  bool seeded = false;
  int64_t changed = 0;
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    auto n = tx.conn().Query("SELECT count(*) FROM units");
    if (!n) return n.error();
    if (n->rows[0].Int(0) > 0) {
      tx.NoChange();
      return core::Ok();
    }
    std::function<Status(const json&, int64_t)> add = [&](const json& node,
                                                          int64_t parent) -> Status {
      NewUnit u;
      u.parent_id = parent;
      u.name = node.at("name").get<std::string>();
      u.kind = node.at("kind").get<std::string>();
      u.short_name = node.value("short_name", std::string());
      u.code = node.value("code", std::string());
      auto made = InsertUnit(tx, u, node.value("note", std::string()));
      if (!made) return made.error();
      if (node.contains("children")) {
        for (const auto& ch : node["children"]) ZHIFA_TRY(add(ch, made->id));
      }
      return core::Ok();
    };
    ZHIFA_TRY(add(seed.at("city"), 0));
    seeded = true;
    changed = tx.last_seq();
    return core::Ok();
  });
  if (!st) return st.error();
  UnitsChanged(changed);
  return seeded;
}

Result<int64_t> OrgService::RootUnitId() {
  int64_t id = 0;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
    if (!r) return r.error();
    if (r->rows.empty()) return NotFound("根单位", "root unit");
    id = r->rows[0].Int(0);
    return core::Ok();
  });
  if (!st) return st.error();
  return id;
}

Result<std::optional<int64_t>> OrgService::FindUnitByName(const std::string& name) {
  std::optional<int64_t> id;
  auto st = db_.Read([&](Conn& c) -> Status {
    auto r = c.Query("SELECT id FROM units WHERE name = $1 ORDER BY id LIMIT 1", {name});
    if (!r) return r.error();
    if (!r->rows.empty()) id = r->rows[0].Int(0);
    return core::Ok();
  });
  if (!st) return st.error();
  return id;
}

Status OrgService::CheckUnitVisible(Conn& c, const Principal& p, int64_t unit_id,
                                    const char* field) {
  Params params{unit_id};
  std::string pred = ScopePredicate(p.scope, "u.id", "", params);
  params.emplace_back(p.unit_id);
  auto r = c.Query("SELECT u.id FROM units u WHERE u.id = $1 AND (" + pred + " OR u.id = $" +
                       std::to_string(params.size()) + ")",
                   params);
  if (!r) return r.error();
  if (r->rows.empty()) return NotFound("单位", "unit", field);
  return core::Ok();
}

Result<json> OrgService::Tree(const Principal& p) {
  json roots = json::array();
  auto st = db_.Read([&](Conn& c) -> Status {
    Params params;
    std::string pred = ScopePredicate(p.scope, "id", "", params);
    params.emplace_back(p.unit_id);
    auto r = c.Query(std::string("SELECT ") + kUnitCols + " FROM units WHERE " + pred +
                         " OR id = $" + std::to_string(params.size()) + " ORDER BY sort_order, id",
                     params);
    if (!r) return r.error();
    std::map<int64_t, json> nodes;
    std::vector<int64_t> order;
    for (const auto& row : r->rows) {
      Unit u = UnitFromRow(row);
      json j = u.ToJson();
      j["children"] = json::array();
      nodes[u.id] = std::move(j);
      order.push_back(u.id);
    }
    // Attach children bottom-up in reverse order so each subtree is complete when moved.
    std::vector<int64_t> root_ids;
    std::map<int64_t, std::vector<int64_t>> kids;
    for (int64_t id : order) {
      const json& j = nodes[id];
      if (!j["parent_id"].is_null() && nodes.count(j["parent_id"].get<int64_t>())) {
        kids[j["parent_id"].get<int64_t>()].push_back(id);
      } else {
        root_ids.push_back(id);
      }
    }
    std::function<json(int64_t)> build = [&](int64_t id) -> json {
      json j = std::move(nodes[id]);
      for (int64_t k : kids[id]) j["children"].push_back(build(k));
      return j;
    };
    for (int64_t id : root_ids) roots.push_back(build(id));
    return core::Ok();
  });
  if (!st) return st.error();
  return roots;
}

Result<std::shared_ptr<const UnitTree>> OrgService::Units() {
  auto tree = tree_.load(std::memory_order_acquire);
  int64_t wanted = tree_wanted_.load(std::memory_order_acquire);
  if (tree && tree->version() >= wanted) {
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count();
    int64_t next = tree_next_poll_.load(std::memory_order_relaxed);
    // One request per interval checks the database; the others use the tree they have.
    if (now < next || !tree_next_poll_.compare_exchange_strong(
                          next, now + std::chrono::nanoseconds(tree_refresh_).count())) {
      return tree;
    }
    int64_t version = 0;
    ZHIFA_TRY(db_.Read([&](Conn& c) -> Status {
      auto r = c.Query("SELECT max(updated_seq) FROM units");
      if (!r) return r.error();
      version = r->rows.empty() ? 0 : r->rows[0].OptInt(0).value_or(0);
      return core::Ok();
    }));
    if (version <= tree->version()) return tree;
    wanted = version;
  }
  return RebuildUnits(wanted);
}

Result<std::shared_ptr<const UnitTree>> OrgService::RebuildUnits(int64_t at_least) {
  std::lock_guard lock(tree_rebuild_mu_);
  auto cur = tree_.load(std::memory_order_acquire);
  if (cur && cur->version() >= at_least) return cur;  // another request rebuilt it meanwhile
  std::vector<UnitTree::Row> rows;
  ZHIFA_TRY(db_.Read([&](Conn& c) -> Status {
    rows.clear();
    auto r = c.Query(std::string("SELECT ") + kUnitCols + ", sort_order, updated_seq FROM units");
    if (!r) return r.error();
    rows.reserve(r->rows.size());
    for (const auto& row : r->rows) rows.push_back({UnitFromRow(row), row.Int(7), row.Int(8)});
    return core::Ok();
  }));
  auto built = UnitTree::Build(std::move(rows));
  if (!cur || built->version() >= cur->version()) tree_.store(built, std::memory_order_release);
  return built;
}

void OrgService::UnitsChanged(int64_t seq) {
  int64_t cur = tree_wanted_.load(std::memory_order_relaxed);
  while (cur < seq && !tree_wanted_.compare_exchange_weak(cur, seq, std::memory_order_release)) {
  }
}

Result<UnitWithChildren> OrgService::GetUnit(const Principal& p, int64_t id) {
  auto tree = Units();
  if (!tree) return tree.error();
  auto u = (*tree)->Get(p.scope, p.unit_id, id);
  if (!u) return NotFound("单位", "unit", "id");
  return std::move(*u);
}

Result<std::string> OrgService::GetUnitJson(const Principal& p, int64_t id) {
  auto tree = Units();
  if (!tree) return tree.error();
  auto text = (*tree)->GetJson(p.scope, p.unit_id, id);
  if (!text) return NotFound("单位", "unit", "id");
  return std::move(*text);
}

Result<Unit> OrgService::CreateUnit(const Principal& p, const NewUnit& in) {
  NewUnit u = in;
  u.name = Trim(u.name);
  u.short_name = Trim(u.short_name);
  u.code = Trim(u.code);
  ZHIFA_TRY(CheckUnitName(u.name));
  ZHIFA_TRY(CheckShortText(u.short_name, 50, "short_name", "简称"));
  ZHIFA_TRY(CheckShortText(u.code, 32, "code", "代码"));
  auto kind = ParseUnitKind(u.kind);
  if (!kind) {
    return Err(ErrorCode::kInvalidArgument,
               "单位类型应为 city、district、zone、department、unit 或 vertical 之一",
               "kind must be one of city, district, zone, department, unit, vertical", "kind");
  }
  Unit out;
  int64_t changed = 0;
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUnitVisible(c, p, u.parent_id, "parent_id"));
    auto parent = c.Query("SELECT kind FROM units WHERE id = $1", {u.parent_id});
    if (!parent) return parent.error();
    if (parent->rows.empty()) return NotFound("上级单位", "parent unit", "parent_id");
    ZHIFA_TRY(
        CheckPlacement(ParseUnitKind(parent->rows[0].Text(0)).value_or(UnitKind::kUnit), *kind));
    auto dup =
        c.Query("SELECT id FROM units WHERE parent_id = $1 AND name = $2", {u.parent_id, u.name});
    if (!dup) return dup.error();
    if (!dup->rows.empty()) {
      return Err(ErrorCode::kConflict, "同一上级单位下已有同名单位「" + u.name + "」",
                 "a unit named \"" + u.name + "\" already exists under this parent", "name");
    }
    auto made = InsertUnit(tx, u, "");
    if (!made) return made.error();
    out = std::move(*made);
    changed = tx.last_seq();
    return core::Ok();
  });
  if (!st) return st.error();
  UnitsChanged(changed);
  return out;
}

Result<Unit> OrgService::UpdateUnit(const Principal& p, int64_t id, const UnitPatch& in) {
  UnitPatch patch = in;
  if (patch.name) {
    patch.name = Trim(*patch.name);
    ZHIFA_TRY(CheckUnitName(*patch.name));
  }
  if (patch.short_name) {
    patch.short_name = Trim(*patch.short_name);
    ZHIFA_TRY(CheckShortText(*patch.short_name, 50, "short_name", "简称"));
  }
  if (patch.code) {
    patch.code = Trim(*patch.code);
    ZHIFA_TRY(CheckShortText(*patch.code, 32, "code", "代码"));
  }
  Unit out;
  int64_t changed = 0;
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUnitVisible(c, p, id, "id"));
    auto r = c.Query(std::string("SELECT ") + kUnitCols + " FROM units WHERE id = $1", {id});
    if (!r) return r.error();
    if (r->rows.empty()) return NotFound("单位", "unit", "id");
    Unit cur = UnitFromRow(r->rows[0]);
    if (cur.version != patch.version) return Stale();
    json changes = json::object();
    if (patch.name && *patch.name != cur.name) {
      changes["name"] = {{"from", cur.name}, {"to", *patch.name}};
      cur.name = *patch.name;
    }
    if (patch.short_name && *patch.short_name != cur.short_name) {
      changes["short_name"] = {{"from", cur.short_name}, {"to", *patch.short_name}};
      cur.short_name = *patch.short_name;
    }
    if (patch.code && *patch.code != cur.code) {
      changes["code"] = {{"from", cur.code}, {"to", *patch.code}};
      cur.code = *patch.code;
    }
    if (changes.empty()) {
      out = cur;
      tx.NoChange();
      return core::Ok();
    }
    auto seq = tx.Emit({"unit.updated", "unit:" + std::to_string(id), changes, id});
    if (!seq) return seq.error();
    auto up = c.Exec(
        "UPDATE units SET name = $1, short_name = $2, code = $3, version = version + 1, "
        "updated_seq = $4 WHERE id = $5 AND version = $6",
        {cur.name, cur.short_name, cur.code, *seq, id, patch.version});
    if (!up) return up.error();
    if (*up != 1) return Stale();
    cur.version += 1;
    out = cur;
    changed = *seq;
    return core::Ok();
  });
  if (!st) return st.error();
  UnitsChanged(changed);
  return out;
}

// ---- users ---------------------------------------------------------------------------------

Status OrgService::LoadGrants(Conn& c, int64_t user_id, Principal& out) {
  auto r = c.Query("SELECT id, role, unit_id, scope FROM role_assignments WHERE user_id = $1",
                   {user_id});
  if (!r) return r.error();
  for (const auto& row : r->rows) {
    auto role = ParseRole(row.Text(1));
    auto scope = ParseScope(row.Text(3));
    if (!role || !scope) continue;
    if (std::find(out.roles.begin(), out.roles.end(), *role) == out.roles.end()) {
      out.roles.push_back(*role);
    }
    auto chain = Chain(c, row.Int(2));
    if (!chain) return chain.error();
    std::vector<int64_t> custom;
    if (*scope == Scope::kCustom) {
      auto cu = c.Query("SELECT unit_id FROM role_assignment_units WHERE assignment_id = $1",
                        {row.Int(0)});
      if (!cu) return cu.error();
      for (const auto& x : cu->rows) custom.push_back(x.Int(0));
    }
    AddToFilter(out.scope, *scope, *chain, custom, user_id);
  }
  return core::Ok();
}

Result<User> OrgService::LoadUser(Conn& c, int64_t id) {
  auto r = c.Query(
      "SELECT u.id, u.username, u.display_name, u.unit_id, n.name, u.phone, u.status, "
      "u.created_at, u.version, u.totp_enabled, u.locked_until FROM users u JOIN units n ON n.id "
      "= u.unit_id WHERE u.id = $1",
      {id});
  if (!r) return r.error();
  if (r->rows.empty()) return NotFound("用户", "user", "id");
  const auto& row = r->rows[0];
  User u;
  u.id = row.Int(0);
  u.username = row.Text(1);
  u.display_name = row.Text(2);
  u.unit_id = row.Int(3);
  u.unit_name = row.Text(4);
  auto phone = cipher_.Decrypt(row.Text(5));
  if (!phone) return phone.error();
  u.phone = std::move(*phone);
  u.status = row.Text(6);
  u.created_at = row.Text(7);
  u.version = row.Int(8);
  u.totp_enabled = row.Int(9) != 0;
  std::string locked_until = row.Text(10);
  if (u.status == "active" && !locked_until.empty()) {
    auto until = core::ParseRfc3339(locked_until);
    if (until && *until > core::NowMicros()) u.status = "locked";
  }
  auto a = c.Query(
      "SELECT a.id, a.role, a.unit_id, n.name, a.scope FROM role_assignments a JOIN units n ON "
      "n.id = a.unit_id WHERE a.user_id = $1 ORDER BY a.id",
      {id});
  if (!a) return a.error();
  for (const auto& ar : a->rows) {
    Assignment as{ar.Int(0), ar.Text(1), ar.Int(2), ar.Text(3), ar.Text(4), {}};
    if (as.scope == "custom") {
      auto cu = c.Query(
          "SELECT unit_id FROM role_assignment_units WHERE assignment_id = $1 ORDER BY unit_id",
          {as.id});
      if (!cu) return cu.error();
      for (const auto& x : cu->rows) as.custom_unit_ids.push_back(x.Int(0));
    }
    u.roles.push_back(std::move(as));
  }
  return u;
}

Status OrgService::CheckUserVisible(Conn& c, const Principal& p, int64_t user_id) {
  Params params{user_id};
  std::string pred = ScopePredicate(p.scope, "unit_id", "created_by", params);
  auto r = c.Query("SELECT id FROM users WHERE id = $1 AND " + pred, params);
  if (!r) return r.error();
  if (r->rows.empty() && user_id != p.user_id) return NotFound("用户", "user", "id");
  return core::Ok();
}

Result<json> OrgService::ListUsers(const Principal& p, const UserQuery& q) {
  json out;
  auto st = db_.Read([&](Conn& c) -> Status {
    Params params;
    std::string where = ScopePredicate(p.scope, "u.unit_id", "u.created_by", params);
    if (q.unit_id) {
      params.emplace_back(*q.unit_id);
      where += " AND u.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $" +
               std::to_string(params.size()) + ")";
    }
    store::AndContains(where, params, q.q, {"u.username", "u.display_name"});
    auto total = c.Query("SELECT count(*) FROM users u WHERE " + where, params);
    if (!total) return total.error();
    std::string sql = "SELECT u.id FROM users u WHERE " + where + " ORDER BY u.id";
    store::AddPage(sql, params, q.page, q.page_size);
    auto ids = c.Query(sql, params);
    if (!ids) return ids.error();
    json items = json::array();
    for (const auto& row : ids->rows) {
      auto u = LoadUser(c, row.Int(0));
      if (!u) return u.error();
      items.push_back(u->ToJson());
    }
    out = PageJson(std::move(items), total->rows[0].Int(0), q.page, q.page_size);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<User> OrgService::GetUser(const Principal& p, int64_t id) {
  User out;
  auto st = db_.Read([&](Conn& c) -> Status {
    ZHIFA_TRY(CheckUserVisible(c, p, id));
    auto u = LoadUser(c, id);
    if (!u) return u.error();
    out = std::move(*u);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<int64_t> OrgService::InsertUser(record::CommandTx& tx, const NewUser& in) {
  Conn& c = tx.conn();
  auto dup = c.Query("SELECT id FROM users WHERE username = $1", {in.username});
  if (!dup) return dup.error();
  if (!dup->rows.empty()) {
    return Err(ErrorCode::kConflict, "用户名「" + in.username + "」已被使用",
               "username \"" + in.username + "\" is taken", "username");
  }
  auto unit = c.Query("SELECT id FROM units WHERE id = $1", {in.unit_id});
  if (!unit) return unit.error();
  if (unit->rows.empty()) return NotFound("单位", "unit", "unit_id");
  auto id = tx.NewId();
  if (!id) return id.error();
  auto seq = tx.Emit({"user.created",
                      "user:" + std::to_string(*id),
                      {{"username", in.username},
                       {"display_name", in.display_name},
                       {"unit_id", in.unit_id},
                       {"must_change_password", in.must_change_password}},
                      in.unit_id});
  if (!seq) return seq.error();
  std::string now = core::FormatRfc3339Micros(tx.now());
  auto phone = cipher_.Encrypt(in.phone);
  if (!phone) return phone.error();
  auto ins = c.Exec(
      "INSERT INTO users (id, username, display_name, unit_id, phone, password_hash, "
      "password_changed_at, must_change_password, created_at, created_by, version, created_seq, "
      "updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9, 1, $10, $10)",
      {*id, in.username, in.display_name, in.unit_id, *phone, in.password_hash, now,
       static_cast<int64_t>(in.must_change_password ? 1 : 0),
       tx.actor().user_id ? store::Value(*tx.actor().user_id) : store::Value(store::Null{}), *seq});
  if (!ins) return ins.error();
  return *id;
}

namespace {
Status CheckNewUser(NewUser& u) {
  ZHIFA_TRY(CheckUsername(u.username));
  u.display_name = Trim(u.display_name);
  if (u.display_name.empty()) {
    return Err(ErrorCode::kInvalidArgument, "姓名不能为空", "display_name must not be empty",
               "display_name");
  }
  ZHIFA_TRY(CheckShortText(u.display_name, 50, "display_name", "姓名"));
  ZHIFA_TRY(CheckShortText(u.phone, 20, "phone", "电话"));
  return core::Ok();
}
}  // namespace

Result<User> OrgService::CreateUser(const Principal& p, const NewUser& in) {
  NewUser u = in;
  ZHIFA_TRY(CheckNewUser(u));
  int64_t id = 0;
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    ZHIFA_TRY(CheckUnitVisible(tx.conn(), p, u.unit_id, "unit_id"));
    auto made = InsertUser(tx, u);
    if (!made) return made.error();
    id = *made;
    return core::Ok();
  });
  if (!st) return st.error();
  return GetUser(p, id);
}

Result<User> OrgService::CreateUserAsSystem(const record::Actor& actor, const NewUser& in,
                                            const std::vector<NewAssignment>& roles) {
  NewUser u = in;
  ZHIFA_TRY(CheckNewUser(u));
  User out;
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    auto made = InsertUser(tx, u);
    if (!made) return made.error();
    for (const auto& a : roles) {
      auto as = InsertAssignment(tx, *made, a);
      if (!as) return as.error();
    }
    auto loaded = LoadUser(tx.conn(), *made);
    if (!loaded) return loaded.error();
    out = std::move(*loaded);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Result<User> OrgService::UpdateUser(const Principal& p, int64_t id, const UserPatch& in) {
  UserPatch patch = in;
  if (patch.display_name) {
    patch.display_name = Trim(*patch.display_name);
    if (patch.display_name->empty()) {
      return Err(ErrorCode::kInvalidArgument, "姓名不能为空", "display_name must not be empty",
                 "display_name");
    }
    ZHIFA_TRY(CheckShortText(*patch.display_name, 50, "display_name", "姓名"));
  }
  if (patch.phone) ZHIFA_TRY(CheckShortText(*patch.phone, 20, "phone", "电话"));
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUserVisible(c, p, id));
    auto cur = LoadUser(c, id);
    if (!cur) return cur.error();
    if (cur->version != patch.version) return Stale();
    json changes = json::object();
    if (patch.display_name && *patch.display_name != cur->display_name) {
      changes["display_name"] = {{"from", cur->display_name}, {"to", *patch.display_name}};
      cur->display_name = *patch.display_name;
    }
    if (patch.phone && *patch.phone != cur->phone) {
      changes["phone"] = {{"changed", true}};
      cur->phone = *patch.phone;
    }
    if (patch.unit_id && *patch.unit_id != cur->unit_id) {
      ZHIFA_TRY(CheckUnitVisible(c, p, *patch.unit_id, "unit_id"));
      changes["unit_id"] = {{"from", cur->unit_id}, {"to", *patch.unit_id}};
      cur->unit_id = *patch.unit_id;
    }
    if (changes.empty()) {
      tx.NoChange();
      return core::Ok();
    }
    auto seq = tx.Emit({"user.updated", "user:" + std::to_string(id), changes, cur->unit_id});
    if (!seq) return seq.error();
    auto phone = cipher_.Encrypt(cur->phone);
    if (!phone) return phone.error();
    auto up = c.Exec(
        "UPDATE users SET display_name = $1, phone = $2, unit_id = $3, version = version + 1, "
        "updated_seq = $4 WHERE id = $5 AND version = $6",
        {cur->display_name, *phone, cur->unit_id, *seq, id, patch.version});
    if (!up) return up.error();
    if (*up != 1) return Stale();
    return core::Ok();
  });
  if (!st) return st.error();
  return GetUser(p, id);
}

Result<User> OrgService::SetUserStatus(const Principal& p, int64_t id, bool enabled) {
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUserVisible(c, p, id));
    if (id == p.user_id && !enabled) {
      return Err(ErrorCode::kInvalidArgument, "不能停用自己的账号",
                 "you cannot disable your own account", "id");
    }
    auto cur = LoadUser(c, id);
    if (!cur) return cur.error();
    auto seq = tx.Emit({enabled ? "user.enabled" : "user.disabled", "user:" + std::to_string(id),
                        json::object(), cur->unit_id});
    if (!seq) return seq.error();
    auto up = c.Exec(
        "UPDATE users SET status = $1, version = version + 1, updated_seq = $2 WHERE id = $3",
        {std::string(enabled ? "active" : "disabled"), *seq, id});
    if (!up) return up.error();
    if (!enabled) {
      auto rv = c.Exec("UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0", {id});
      if (!rv) return rv.error();
    }
    return core::Ok();
  });
  if (!st) return st.error();
  return GetUser(p, id);
}

Result<Assignment> OrgService::InsertAssignment(record::CommandTx& tx, int64_t user_id,
                                                const NewAssignment& a) {
  Conn& c = tx.conn();
  auto role = ParseRole(a.role);
  if (!role) {
    return Err(ErrorCode::kInvalidArgument, "未知角色「" + a.role + "」",
               "unknown role \"" + a.role + "\"", "role");
  }
  auto scope = ParseScope(a.scope);
  if (!scope) {
    return Err(ErrorCode::kInvalidArgument,
               "数据范围应为 city、district、dept_tree、dept、own 或 custom 之一",
               "scope must be one of city, district, dept_tree, dept, own, custom", "scope");
  }
  if (*scope == Scope::kCustom && a.custom_unit_ids.empty()) {
    return Err(ErrorCode::kInvalidArgument, "自定义数据范围须至少选择一个单位",
               "a custom scope needs at least one unit", "custom_unit_ids");
  }
  if (*scope != Scope::kCustom && !a.custom_unit_ids.empty()) {
    return Err(ErrorCode::kInvalidArgument, "只有自定义数据范围可以指定单位",
               "custom_unit_ids is only for scope custom", "custom_unit_ids");
  }
  auto held = c.Query("SELECT role FROM role_assignments WHERE user_id = $1", {user_id});
  if (!held) return held.error();
  std::vector<Role> roles;
  for (const auto& r : held->rows) {
    if (auto x = ParseRole(r.Text(0))) roles.push_back(*x);
  }
  ZHIFA_TRY(CheckRoleCombination(roles, *role));
  auto unit = c.Query("SELECT name FROM units WHERE id = $1", {a.unit_id});
  if (!unit) return unit.error();
  if (unit->rows.empty()) return NotFound("单位", "unit", "unit_id");
  for (int64_t cu : a.custom_unit_ids) {
    auto x = c.Query("SELECT id FROM units WHERE id = $1", {cu});
    if (!x) return x.error();
    if (x->rows.empty()) return NotFound("单位", "unit", "custom_unit_ids");
  }
  auto id = tx.NewId();
  if (!id) return id.error();
  auto seq = tx.Emit({"role.granted",
                      "user:" + std::to_string(user_id),
                      {{"assignment_id", *id},
                       {"role", a.role},
                       {"unit_id", a.unit_id},
                       {"scope", a.scope},
                       {"custom_unit_ids", a.custom_unit_ids}},
                      a.unit_id});
  if (!seq) return seq.error();
  auto ins = c.Exec(
      "INSERT INTO role_assignments (id, user_id, role, unit_id, scope, created_seq) VALUES ($1, "
      "$2, $3, $4, $5, $6)",
      {*id, user_id, a.role, a.unit_id, a.scope, *seq});
  if (!ins) return ins.error();
  std::set<int64_t> uniq(a.custom_unit_ids.begin(), a.custom_unit_ids.end());
  for (int64_t cu : uniq) {
    auto x = c.Exec("INSERT INTO role_assignment_units (assignment_id, unit_id) VALUES ($1, $2)",
                    {*id, cu});
    if (!x) return x.error();
  }
  return Assignment{*id,       a.role,
                    a.unit_id, unit->rows[0].Text(0),
                    a.scope,   std::vector<int64_t>(uniq.begin(), uniq.end())};
}

Result<Assignment> OrgService::Grant(const Principal& p, int64_t user_id, const NewAssignment& a) {
  ZHIFA_TRY(CheckNotSelf(p.user_id, user_id));
  Assignment out;
  record::Actor actor = ActorFor(p);
  auto st = bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUserVisible(c, p, user_id));
    ZHIFA_TRY(CheckUnitVisible(c, p, a.unit_id, "unit_id"));
    for (int64_t cu : a.custom_unit_ids) ZHIFA_TRY(CheckUnitVisible(c, p, cu, "custom_unit_ids"));
    if (!p.scope.all) {
      // What the assignment would grant must lie within the grantor's own scope.
      auto scope = ParseScope(a.scope);
      auto chain = Chain(c, a.unit_id);
      if (!chain) return chain.error();
      if (scope) {
        ScopeFilter inner;
        AddToFilter(inner, *scope, *chain, a.custom_unit_ids, user_id);
        std::map<int64_t, std::vector<int64_t>> chains;
        for (const auto& ids : {inner.subtree_roots, inner.exact_units}) {
          for (int64_t id : ids) {
            auto ch = Chain(c, id);
            if (!ch) return ch.error();
            for (const auto& u : *ch) chains[id].push_back(u.id);
          }
        }
        ZHIFA_TRY(CheckScopeWithin(p.scope, inner, chains));
      }
    }
    auto made = InsertAssignment(tx, user_id, a);
    if (!made) return made.error();
    out = std::move(*made);
    return core::Ok();
  });
  if (!st) return st.error();
  return out;
}

Status OrgService::Revoke(const Principal& p, int64_t user_id, int64_t assignment_id) {
  ZHIFA_TRY(CheckNotSelf(p.user_id, user_id));
  record::Actor actor = ActorFor(p);
  return bus_.Run(actor, [&](record::CommandTx& tx) -> Status {
    Conn& c = tx.conn();
    ZHIFA_TRY(CheckUserVisible(c, p, user_id));
    auto a =
        c.Query("SELECT role, unit_id, scope FROM role_assignments WHERE id = $1 AND user_id = $2",
                {assignment_id, user_id});
    if (!a) return a.error();
    if (a->rows.empty()) return NotFound("角色分配", "role assignment", "assignment_id");
    auto seq = tx.Emit({"role.revoked",
                        "user:" + std::to_string(user_id),
                        {{"assignment_id", assignment_id},
                         {"role", a->rows[0].Text(0)},
                         {"unit_id", a->rows[0].Int(1)},
                         {"scope", a->rows[0].Text(2)}},
                        a->rows[0].Int(1)});
    if (!seq) return seq.error();
    auto d1 = c.Exec("DELETE FROM role_assignment_units WHERE assignment_id = $1", {assignment_id});
    if (!d1) return d1.error();
    auto d2 = c.Exec("DELETE FROM role_assignments WHERE id = $1", {assignment_id});
    if (!d2) return d2.error();
    return core::Ok();
  });
}

}  // namespace zhifa::org
