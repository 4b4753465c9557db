#include "catalogue/catalogue_sheet.h"

#include <map>
#include <set>

#include "catalogue/catalogue_rules.h"
#include "core/utf8.h"

namespace zhifa::catalogue {

const std::vector<std::string>& TierColumns() {
  static const std::vector<std::string> k = {"序号",         "事项代码",     "事项名称",
                                             "法律法规依据", "裁量阶次",     "适用条件",
                                             "具体标准",     "裁量基准来源", "备注"};
  return k;
}

const std::vector<std::string>& MatterColumns() {
  static const std::vector<std::string> k = {
      "事项代码", "事项名称",           "事项类别", "实施主体",         "重点领域", "违法依据",
      "处罚依据", "法定处罚种类和幅度", "法制审核", "涉嫌犯罪移送标准", "示例"};
  return k;
}

namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  auto space_at = [&](size_t i, bool back) -> size_t {
    // ASCII whitespace or U+3000 (ideographic space, E3 80 80).
    if (!back) {
      if (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) return 1;
      if (i + 2 < e + 0 && s.compare(i, 3, "\xE3\x80\x80") == 0) return 3;
    } else {
      if (i > b && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\r' || s[i - 1] == '\n'))
        return 1;
      if (i >= b + 3 && s.compare(i - 3, 3, "\xE3\x80\x80") == 0) return 3;
    }
    return 0;
  };
  while (size_t n = space_at(b, false)) b += n;
  while (e > b) {
    size_t n = space_at(e, true);
    if (!n) break;
    e -= n;
  }
  return s.substr(b, e - b);
}

struct Columns {
  std::map<std::string, size_t> index;
  std::string Get(const std::vector<std::string>& row, const std::string& name) const {
    auto it = index.find(name);
    if (it == index.end() || it->second >= row.size()) return {};
    return Trim(row[it->second]);
  }
};

bool EmptyRow(const std::vector<std::string>& row) {
  for (const auto& c : row) {
    if (!Trim(c).empty()) return false;
  }
  return true;
}

// Header check: every expected column present (any order); unknown columns are reported.
bool ReadHeader(const Table& t, const std::vector<std::string>& expected,
                const std::vector<std::string>& optional, Columns& cols,
                std::vector<Problem>& problems) {
  if (t.rows.empty()) {
    problems.push_back({t.name, 1, "", "工作表“" + t.name + "”没有表头行",
                        "sheet \"" + t.name + "\" has no header row"});
    return false;
  }
  bool ok = true;
  const auto& h = t.rows[0];
  for (size_t i = 0; i < h.size(); ++i) {
    std::string name = Trim(h[i]);
    if (name.empty()) continue;
    bool known = std::find(expected.begin(), expected.end(), name) != expected.end() ||
                 std::find(optional.begin(), optional.end(), name) != optional.end();
    if (!known) {
      problems.push_back(
          {t.name, 1, name, "未知的列“" + name + "”", "unknown column \"" + name + "\""});
      ok = false;
      continue;
    }
    if (!cols.index.emplace(name, i).second) {
      problems.push_back(
          {t.name, 1, name, "列“" + name + "”重复", "duplicate column \"" + name + "\""});
      ok = false;
    }
  }
  for (const auto& e : expected) {
    if (!cols.index.count(e)) {
      problems.push_back({t.name, 1, e, "缺少列“" + e + "”", "missing column \"" + e + "\""});
      ok = false;
    }
  }
  return ok;
}

void CheckCell(std::vector<Problem>& problems, const std::string& sheet, int row,
               const std::string& column, const std::string& v, size_t max_chars,
               bool single_line) {
  if (!core::IsValidUtf8(v)) {
    problems.push_back({sheet, row, column, "不是有效的 UTF-8 文本", "not valid UTF-8 text"});
  } else if (core::Utf8Length(v) > max_chars) {
    problems.push_back({sheet, row, column, "超过 " + std::to_string(max_chars) + " 个字符",
                        "longer than " + std::to_string(max_chars) + " characters"});
  } else if (single_line && core::HasControlChars(v)) {
    problems.push_back({sheet, row, column, "不能包含换行或控制字符",
                        "must not contain line breaks or control characters"});
  }
}

std::optional<bool> YesNo(const std::string& v) {
  if (v.empty() || v == "否" || v == "N" || v == "n" || v == "no" || v == "false" || v == "0") {
    return false;
  }
  if (v == "是" || v == "Y" || v == "y" || v == "yes" || v == "true" || v == "1") return true;
  return std::nullopt;
}

}  // namespace

std::vector<std::string> SplitNames(const std::string& cell) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&]() {
    std::string t = Trim(cur);
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    cur.clear();
  };
  for (size_t i = 0; i < cell.size();) {
    if (cell.compare(i, 3, "、") == 0 || cell.compare(i, 3, "；") == 0 ||
        cell.compare(i, 3, "，") == 0) {
      flush();
      i += 3;
    } else if (cell[i] == ';' || cell[i] == ',' || cell[i] == '\n' || cell[i] == '\r') {
      flush();
      i += 1;
    } else {
      cur += cell[i++];
    }
  }
  flush();
  return out;
}

ImportSet ReadSheets(const Table* matters, const Table& tiers, const ExistingLookup& existing) {
  ImportSet out;
  auto& problems = out.problems;
  std::map<std::string, size_t> by_code;  // code → index in out.matters

  if (matters) {
    Columns mc;
    if (ReadHeader(*matters, MatterColumns(), {}, mc, problems)) {
      const std::string& sn = matters->name;
      for (size_t r = 1; r < matters->rows.size(); ++r) {
        const auto& row = matters->rows[r];
        int rn = static_cast<int>(r) + 1;
        if (EmptyRow(row)) continue;
        size_t before = problems.size();
        for (const auto& c : MatterColumns()) {
          bool single = c == "事项代码" || c == "事项名称" || c == "事项类别" || c == "重点领域" ||
                        c == "法制审核" || c == "示例";
          CheckCell(problems, sn, rn, c, mc.Get(row, c), single ? 200 : 4000, single);
        }
        if (problems.size() != before) continue;
        MatterDraft d;
        d.from_matter_sheet = true;
        d.matter_row = rn;
        auto& m = d.rules;
        m.code = mc.Get(row, "事项代码");
        if (auto st = CheckMatterCode(m.code); !st) {
          problems.push_back({sn, rn, "事项代码", st.error().message_zh, st.error().message_en});
        } else if (by_code.count(m.code)) {
          problems.push_back({sn, rn, "事项代码", "事项代码“" + m.code + "”重复",
                              "duplicate matter code \"" + m.code + "\""});
        }
        m.name = mc.Get(row, "事项名称");
        if (m.name.empty()) {
          problems.push_back({sn, rn, "事项名称", "事项名称不能为空", "the name is empty"});
        }
        std::string type = mc.Get(row, "事项类别");
        if (auto t = ParseMatterType(type)) {
          m.type = *t;
        } else {
          problems.push_back(
              {sn, rn, "事项类别",
               "事项类别“" + type + "”应为 处罚、许可、检查、强制、征收征用、给付、确认、其他 之一",
               "type \"" + type + "\" must be one of 处罚 许可 检查 强制 征收征用 给付 确认 其他"});
        }
        d.holder_names = SplitNames(mc.Get(row, "实施主体"));
        std::string domain = mc.Get(row, "重点领域");
        if (domain.empty()) domain = "其他";
        if (auto dm = ParseDomain(domain)) {
          m.domain = *dm;
        } else {
          problems.push_back({sn, rn, "重点领域",
                              "重点领域“" + domain +
                                  "”不在目录中（食品药品、公共卫生、自然资源、生态环境、安全生产、"
                                  "劳动保障、城市管理、交通运输、金融服务、教育培训、其他）",
                              "unknown key domain \"" + domain + "\""});
        }
        m.violated_provision = mc.Get(row, "违法依据");
        m.penalty_provision = mc.Get(row, "处罚依据");
        m.range.text = mc.Get(row, "法定处罚种类和幅度");
        if (!m.range.text.empty()) {
          auto p = ParseStandard(m.range.text, "法定处罚种类和幅度");
          if (!p) {
            problems.push_back(
                {sn, rn, "法定处罚种类和幅度", p.error().message_zh, p.error().message_en});
          } else {
            m.range.kinds = p->kinds;
            m.range.fine = p->fine;
          }
        } else if (m.type == MatterType::kPenalty) {
          problems.push_back({sn, rn, "法定处罚种类和幅度", "行政处罚事项须写明法定处罚种类和幅度",
                              "a penalty matter needs its statutory kinds and range"});
        }
        auto review = YesNo(mc.Get(row, "法制审核"));
        auto sample = YesNo(mc.Get(row, "示例"));
        if (!review) {
          problems.push_back({sn, rn, "法制审核", "应填“是”或“否”", "must be 是 or 否"});
        }
        if (!sample) problems.push_back({sn, rn, "示例", "应填“是”或“否”", "must be 是 or 否"});
        m.major_review = review.value_or(false);
        m.sample = sample.value_or(false);
        m.transfer_threshold = mc.Get(row, "涉嫌犯罪移送标准");
        if (!by_code.count(m.code)) {
          by_code[m.code] = out.matters.size();
          out.matters.push_back(std::move(d));
        }
      }
    }
  }

  Columns tc;
  if (!ReadHeader(tiers, TierColumns(), {}, tc, problems)) return out;
  const std::string& sn = tiers.name;
  std::string cur_code, cur_name, cur_basis;
  std::set<std::string> closed;   // codes whose run of rows has ended
  std::set<std::string> unknown;  // codes reported as neither existing nor in the matter sheet
  std::map<std::string, std::set<std::string>> tier_names;
  std::map<std::string, bool> replaced;  // first row of a code in this file clears its tiers
  for (size_t r = 1; r < tiers.rows.size(); ++r) {
    const auto& row = tiers.rows[r];
    int rn = static_cast<int>(r) + 1;
    if (EmptyRow(row)) continue;
    size_t before = problems.size();
    for (const auto& c : TierColumns()) {
      bool single = c == "序号" || c == "事项代码" || c == "事项名称" || c == "裁量阶次";
      CheckCell(problems, sn, rn, c, tc.Get(row, c), single ? 200 : 4000, single);
    }
    if (problems.size() != before) continue;
    std::string seq = tc.Get(row, "序号");
    if (!seq.empty() && seq.find_first_not_of("0123456789") != std::string::npos) {
      problems.push_back({sn, rn, "序号", "序号应为正整数", "must be a positive integer"});
    }
    std::string code = tc.Get(row, "事项代码");
    std::string name = tc.Get(row, "事项名称");
    std::string basis = tc.Get(row, "法律法规依据");
    if (code.empty()) {  // merged cells: the row continues the matter above
      if (cur_code.empty()) {
        problems.push_back({sn, rn, "事项代码", "事项代码不能为空", "the matter code is empty"});
        continue;
      }
      code = cur_code;
    }
    if (unknown.count(code)) {
      // Rows of a matter already reported as unknown: only their standard is still checked.
      cur_code = code;
      std::string st = tc.Get(row, "具体标准");
      if (!st.empty()) {
        if (auto p = ParseStandard(st, "具体标准"); !p) {
          problems.push_back({sn, rn, "具体标准", p.error().message_zh, p.error().message_en});
        }
      }
      continue;
    }
    if (code != cur_code) {
      if (!cur_code.empty()) closed.insert(cur_code);
      if (closed.count(code)) {
        problems.push_back({sn, rn, "事项代码", "同一事项“" + code + "”的各行必须相邻",
                            "the rows of matter \"" + code + "\" must be consecutive"});
        continue;
      }
      cur_code = code;
      cur_name.clear();
      cur_basis.clear();
      if (auto st = CheckMatterCode(code); !st) {
        problems.push_back({sn, rn, "事项代码", st.error().message_zh, st.error().message_en});
        cur_code.clear();
        continue;
      }
      if (!by_code.count(code)) {
        auto ex = existing ? existing(code) : std::nullopt;
        if (!ex) {
          problems.push_back(
              {sn, rn, "事项代码", "事项代码“" + code + "”既不是已有事项，也不在“执法事项”工作表中",
               "matter \"" + code + "\" neither exists nor is listed in the 执法事项 sheet"});
          unknown.insert(code);
          cur_code = code;
          std::string st = tc.Get(row, "具体标准");
          if (!st.empty()) {
            if (auto p = ParseStandard(st, "具体标准"); !p) {
              problems.push_back({sn, rn, "具体标准", p.error().message_zh, p.error().message_en});
            }
          }
          continue;
        }
        MatterDraft d;
        d.rules = *ex;
        d.rules.holder_unit_ids.clear();
        by_code[code] = out.matters.size();
        out.matters.push_back(std::move(d));
      }
    }
    MatterDraft& d = out.matters[by_code[code]];
    if (!replaced[code]) {
      replaced[code] = true;
      d.rules.tiers.clear();
      d.tiers_in_file = true;
      d.first_tier_row = rn;
    }
    if (!name.empty()) {
      if (name != d.rules.name) {
        if (d.from_matter_sheet || !cur_name.empty()) {
          problems.push_back({sn, rn, "事项名称",
                              "事项名称与该事项的名称“" + d.rules.name + "”不一致",
                              "the name differs from the matter's name \"" + d.rules.name + "\""});
        } else {
          d.rules.name = name;  // benchmarks-only import renames an existing matter
        }
      }
      cur_name = name;
    }
    if (!basis.empty()) {
      if (!cur_basis.empty() && basis != cur_basis) {
        problems.push_back({sn, rn, "法律法规依据", "同一事项各行的法律法规依据不一致",
                            "the legal basis differs between rows of one matter"});
      } else if (d.from_matter_sheet && !d.rules.penalty_provision.empty() &&
                 basis != d.rules.penalty_provision) {
        problems.push_back({sn, rn, "法律法规依据",
                            "法律法规依据与“执法事项”工作表中的处罚依据不一致",
                            "the legal basis differs from the penalty provision in the 执法事项 "
                            "sheet"});
      } else {
        d.rules.penalty_provision = basis;
      }
      cur_basis = basis;
    }
    Tier t;
    t.name = tc.Get(row, "裁量阶次");
    t.band = BandForTierName(t.name);
    t.conditions_text = tc.Get(row, "适用条件");
    t.standard_text = tc.Get(row, "具体标准");
    t.source = tc.Get(row, "裁量基准来源");
    t.note = tc.Get(row, "备注");
    t.ordinal = static_cast<int>(d.rules.tiers.size()) + 1;
    bool ok = true;
    if (t.name.empty()) {
      problems.push_back({sn, rn, "裁量阶次", "裁量阶次不能为空", "the tier name is empty"});
      ok = false;
    } else if (!tier_names[code].insert(t.name).second) {
      problems.push_back({sn, rn, "裁量阶次", "同一事项的裁量阶次“" + t.name + "”重复",
                          "duplicate tier \"" + t.name + "\" in one matter"});
      ok = false;
    }
    if (t.standard_text.empty()) {
      problems.push_back({sn, rn, "具体标准", "具体标准不能为空", "the standard is empty"});
      ok = false;
    } else {
      auto p = ParseStandard(t.standard_text, "具体标准");
      if (!p) {
        problems.push_back({sn, rn, "具体标准", p.error().message_zh, p.error().message_en});
        ok = false;
      } else {
        t.kinds = p->kinds;
        t.fine = p->fine;
        if (p->no_penalty && !t.band) t.band = Band::kNoPenalty;
      }
    }
    if (ok) {
      if (auto st = CheckTierWithinRange(t, d.rules.range, "具体标准"); !st) {
        problems.push_back({sn, rn, "具体标准", st.error().message_zh, st.error().message_en});
      }
    }
    d.rules.tiers.push_back(std::move(t));
  }
  // Whole-matter checks on what the rows did not cover (lengths of the provisions etc.).
  for (const auto& d : out.matters) {
    MatterRules m = d.rules;
    m.tiers.clear();  // tier problems were reported by row above
    if (auto st = CheckMatter(m); !st) {
      bool in_matters = d.from_matter_sheet;
      problems.push_back({in_matters ? std::string(kMatterSheet) : sn,
                          in_matters ? d.matter_row : d.first_tier_row, st.error().field,
                          st.error().message_zh, st.error().message_en});
    }
  }
  return out;
}

Sheets WriteSheets(const std::vector<MatterRules>& matters,
                   const std::vector<std::vector<std::string>>& holder_names) {
  Sheets s;
  s.matters.name = kMatterSheet;
  s.tiers.name = kTierSheet;
  s.matters.rows.push_back(MatterColumns());
  s.tiers.rows.push_back(TierColumns());
  int seq = 0;
  for (size_t i = 0; i < matters.size(); ++i) {
    const auto& m = matters[i];
    std::string holders;
    if (i < holder_names.size()) {
      for (const auto& h : holder_names[i]) holders += (holders.empty() ? "" : "、") + h;
    }
    s.matters.rows.push_back({m.code, m.name, MatterTypeZh(m.type), holders, DomainZh(m.domain),
                              m.violated_provision, m.penalty_provision, m.range.text,
                              m.major_review ? "是" : "否", m.transfer_threshold,
                              m.sample ? "是" : "否"});
    for (const auto& t : m.tiers) {
      s.tiers.rows.push_back({std::to_string(++seq), m.code, m.name, m.penalty_provision, t.name,
                              t.conditions_text, t.standard_text, t.source, t.note});
    }
  }
  return s;
}

}  // namespace zhifa::catalogue
