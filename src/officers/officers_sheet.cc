#include "officers/officers_sheet.h"

#include <algorithm>
#include <set>

#include "catalogue/catalogue_rules.h"

namespace zhifa::officers {

using catalogue::Problem;
using catalogue::Table;

const std::vector<std::string>& OfficerColumns() {
  static const std::vector<std::string> k = {"执法证号", "姓名",         "所属单位",
                                             "发证机关", "有效期起",     "有效期至",
                                             "执法领域", "法律职业资格", "法律职业资格证书编号",
                                             "状态",     "用户名"};
  return k;
}

namespace {

constexpr size_t kRequired = 7;  // the first seven columns

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<bool> ParseYesNo(const std::string& v) {
  if (v.empty() || v == "否" || v == "无" || v == "false" || v == "FALSE" || v == "0") {
    return false;
  }
  if (v == "是" || v == "有" || v == "true" || v == "TRUE" || v == "1") return true;
  return std::nullopt;
}

std::optional<OfficerStatus> ParseStatusCell(const std::string& v) {
  if (v.empty()) return OfficerStatus::kActive;
  if (auto s = ParseOfficerStatus(v)) return s;
  for (auto s : {OfficerStatus::kActive, OfficerStatus::kSuspended, OfficerStatus::kRevoked,
                 OfficerStatus::kRetired}) {
    if (v == OfficerStatusZh(s)) return s;
  }
  return std::nullopt;
}

}  // namespace

OfficerSheet ReadOfficerSheet(const Table& t) {
  OfficerSheet out;
  const std::string sheet = kOfficerSheet;
  auto problem = [&](int row, const std::string& column, std::string zh, std::string en) {
    out.problems.push_back({sheet, row, column, std::move(zh), std::move(en)});
  };
  if (t.rows.empty()) {
    problem(1, "", "工作表没有表头行", "the sheet has no header row");
    return out;
  }
  std::map<std::string, size_t> index;
  const auto& cols = OfficerColumns();
  for (size_t i = 0; i < t.rows[0].size(); ++i) {
    std::string name = Trim(t.rows[0][i]);
    if (name.empty()) continue;
    if (std::find(cols.begin(), cols.end(), name) == cols.end()) {
      problem(1, name, "未知的列“" + name + "”", "unknown column \"" + name + "\"");
    } else if (!index.emplace(name, i).second) {
      problem(1, name, "列“" + name + "”重复", "duplicate column \"" + name + "\"");
    }
  }
  for (size_t i = 0; i < kRequired; ++i) {
    if (!index.count(cols[i])) {
      problem(1, cols[i], "缺少列“" + cols[i] + "”", "missing column \"" + cols[i] + "\"");
    }
  }
  if (!out.problems.empty()) return out;

  std::map<std::string, int> cert_rows, user_rows;
  for (size_t r = 1; r < t.rows.size(); ++r) {
    const auto& cells = t.rows[r];
    auto get = [&](const std::string& name) -> std::string {
      auto it = index.find(name);
      if (it == index.end() || it->second >= cells.size()) return {};
      return Trim(cells[it->second]);
    };
    bool empty = true;
    for (const auto& c : cells) empty = empty && Trim(c).empty();
    if (empty) continue;
    const int row = static_cast<int>(r) + 1;
    size_t before = out.problems.size();
    // Each field through its rule; the rule's message becomes the problem's reason.
    auto take = [&](const std::string& column, const core::Error& e) {
      problem(row, column, e.message_zh, e.message_en);
    };
    OfficerRow o;
    o.row = row;
    if (auto v = NormaliseCertNo(get("执法证号")); v) {
      o.cert_no = *v;
    } else {
      take("执法证号", v.error());
    }
    if (auto v = NormaliseName(get("姓名")); v) {
      o.name = *v;
    } else {
      take("姓名", v.error());
    }
    o.unit = get("所属单位");
    if (o.unit.empty()) problem(row, "所属单位", "所属单位不能为空", "the unit is required");
    if (auto v = NormaliseIssuingAuthority(get("发证机关")); v) {
      o.issuing_authority = *v;
    } else {
      take("发证机关", v.error());
    }
    auto from = core::ParseDate(get("有效期起"));
    if (from) {
      o.valid_from = *from;
    } else {
      take("有效期起", from.error());
    }
    auto to = core::ParseDate(get("有效期至"));
    if (to) {
      o.valid_to = *to;
    } else {
      take("有效期至", to.error());
    }
    if (from && to) {
      if (auto st = CheckValidityPeriod(*from, *to); !st) take("有效期至", st.error());
    }
    if (auto v = NormaliseDomains(catalogue::SplitNames(get("执法领域"))); v) {
      o.domains = *v;
    } else {
      take("执法领域", v.error());
    }
    if (auto q = ParseYesNo(get("法律职业资格")); q) {
      o.legal_qualification = *q;
      std::string number = get("法律职业资格证书编号");
      if (auto st = CheckLegalQualification(*q, number); !st) {
        take("法律职业资格证书编号", st.error());
      } else if (*q) {
        if (auto n = NormaliseLegalCertNo(number); n) {
          o.legal_cert_no = *n;
        } else {
          take("法律职业资格证书编号", n.error());
        }
      }
    } else {
      problem(row, "法律职业资格", "应填“是”或“否”", "must be 是 (yes) or 否 (no)");
    }
    if (auto s = ParseStatusCell(get("状态")); s) {
      o.status = *s;
    } else {
      problem(row, "状态", "状态应为 在岗、暂停执法、已注销执法证、退休或调离 之一",
              "status must be one of active, suspended, revoked, retired");
    }
    o.username = get("用户名");
    if (!o.cert_no.empty()) {
      auto [it, fresh] = cert_rows.emplace(o.cert_no, row);
      if (!fresh) {
        problem(row, "执法证号",
                "执法证号 " + o.cert_no + " 与第 " + std::to_string(it->second) + " 行重复",
                "credential number " + o.cert_no + " repeats row " + std::to_string(it->second));
      }
    }
    if (!o.username.empty()) {
      auto [it, fresh] = user_rows.emplace(o.username, row);
      if (!fresh) {
        problem(row, "用户名",
                "用户名 " + o.username + " 与第 " + std::to_string(it->second) + " 行重复",
                "username " + o.username + " repeats row " + std::to_string(it->second));
      }
    }
    if (out.problems.size() == before) out.rows.push_back(std::move(o));
  }
  if (out.rows.empty() && out.problems.empty()) {
    problem(2, "", "工作表中没有执法人员", "the sheet lists no officer");
  }
  return out;
}

Table WriteOfficerSheet(const std::vector<OfficerRow>& rows) {
  Table t;
  t.name = kOfficerSheet;
  t.rows.push_back(OfficerColumns());
  for (const auto& o : rows) {
    std::string domains;
    for (const auto& d : o.domains) {
      domains += (domains.empty() ? "" : "、") + std::string(catalogue::DomainZh(d));
    }
    t.rows.push_back({o.cert_no, o.name, o.unit, o.issuing_authority,
                      core::FormatDate(o.valid_from), core::FormatDate(o.valid_to), domains,
                      o.legal_qualification ? "是" : "否", o.legal_cert_no,
                      OfficerStatusZh(o.status), o.username});
  }
  return t;
}

// ---- UnitNames -------------------------------------------------------------------------------

UnitNames::UnitNames(std::vector<Unit> units) {
  for (auto& u : units) {
    by_name_.emplace(u.name, u.id);
    int64_t id = u.id;
    units_.emplace(id, std::move(u));
  }
}

bool UnitNames::Matches(int64_t id, const std::vector<std::string>& parts) const {
  // parts.back() is the unit's own name, earlier parts its parent's, grandparent's, …
  auto it = units_.find(id);
  for (size_t k = parts.size(); k-- > 0;) {
    if (it == units_.end() || it->second.name != parts[k]) return false;
    if (k == 0) break;
    if (!it->second.parent_id) return false;
    it = units_.find(*it->second.parent_id);
  }
  return true;
}

core::Result<int64_t> UnitNames::Resolve(const std::string& ref) const {
  std::vector<std::string> parts;
  size_t b = 0;
  while (b <= ref.size()) {
    size_t e = ref.find('/', b);
    if (e == std::string::npos) e = ref.size();
    parts.push_back(Trim(ref.substr(b, e - b)));
    b = e + 1;
  }
  std::vector<int64_t> found;
  auto [lo, hi] = by_name_.equal_range(parts.back());
  for (auto it = lo; it != hi; ++it) {
    if (Matches(it->second, parts)) found.push_back(it->second);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return core::Err(core::ErrorCode::kInvalidArgument,
                     "单位“" + ref + "”不存在或不在您的数据范围内",
                     "unit \"" + ref + "\" does not exist or is outside your data scope");
  }
  return core::Err(core::ErrorCode::kInvalidArgument,
                   "有 " + std::to_string(found.size()) + " 个单位名为“" + ref +
                       "”，请写明上级单位，如“上级单位/" + parts.back() + "”",
                   std::to_string(found.size()) + " units are named \"" + ref +
                       "\"; name the parent too, e.g. \"parent/" + parts.back() + "\"");
}

std::string UnitNames::Label(int64_t id) const {
  auto it = units_.find(id);
  if (it == units_.end()) return {};
  std::string label = it->second.name;
  for (;;) {
    auto r = Resolve(label);
    if (r && *r == id) return label;
    if (!it->second.parent_id) return label;
    it = units_.find(*it->second.parent_id);
    if (it == units_.end()) return label;
    label = it->second.name + "/" + label;
  }
}

}  // namespace zhifa::officers
