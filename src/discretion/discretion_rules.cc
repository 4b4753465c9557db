#include "discretion/discretion_rules.h"

#include <algorithm>
#include <cstdio>

namespace zhifa::discretion {

using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using nlohmann::json;

namespace {

constexpr const char* kXzcf = "中华人民共和国行政处罚法";

std::string Join(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  return s;
}

}  // namespace

// ---- Facts registry ----------------------------------------------------------------------------

const std::vector<FactInfo>& AllFacts() {
  static const std::vector<FactInfo> kFacts = {
      {FactId::kActDate, "act_date", FactType::kDate, "违法行为发生日期", "date of the act"},
      {FactId::kActEndDate, "act_end_date", FactType::kDate, "连续或继续状态终了日期",
       "end date of a continuing act"},
      {FactId::kDiscoveredDate, "discovered_date", FactType::kDate, "发现日期", "date discovered"},
      {FactId::kPriorViolationDates, "prior_violation_dates", FactType::kDateList,
       "此前同一事项违法日期", "dates of prior violations of this matter"},
      {FactId::kFirstViolation, "first_violation", FactType::kBool, "初次违法", "first violation"},
      {FactId::kMinorViolation, "minor_violation", FactType::kBool, "违法行为轻微",
       "minor violation"},
      {FactId::kHarm,
       "harm",
       FactType::kEnum,
       "危害后果",
       "harm caused",
       {"none", "minor", "general", "serious"}},
      {FactId::kCorrectedInTime, "corrected_in_time", FactType::kBool, "及时改正",
       "corrected in time"},
      {FactId::kNoSubjectiveFault, "no_subjective_fault", FactType::kBool, "没有主观过错",
       "no subjective fault"},
      {FactId::kAgeAtAct, "age_at_act", FactType::kInt, "违法时年龄", "age at the act", {}, 0, 150},
      {FactId::kMentalCapacity,
       "mental_capacity",
       FactType::kEnum,
       "辨认或者控制能力",
       "mental capacity",
       {"full", "partial", "none"}},
      {FactId::kCoercedOrInduced, "coerced_or_induced", FactType::kBool, "受他人胁迫或者诱骗",
       "coerced or induced"},
      {FactId::kConfessedUnknown, "confessed_unknown", FactType::kBool,
       "主动供述行政机关尚未掌握的违法行为", "confessed violations unknown to the agency"},
      {FactId::kMeritoriousCooperation, "meritorious_cooperation", FactType::kBool,
       "配合查处违法行为有立功表现", "meritorious cooperation"},
      {FactId::kRemovedOrReducedHarm, "removed_or_reduced_harm", FactType::kBool,
       "主动消除或者减轻危害后果", "actively removed or reduced the harm"},
      {FactId::kRepeatOffence, "repeat_offence", FactType::kBool, "屡次违法", "repeat offence"},
      {FactId::kRefusedCorrection, "refused_correction", FactType::kBool, "拒不改正",
       "refused correction"},
      {FactId::kDestroyedEvidence, "destroyed_evidence", FactType::kBool, "伪造、隐匿、毁灭证据",
       "forged, hid or destroyed evidence"},
      {FactId::kDuringEmergency, "during_emergency", FactType::kBool, "发生在突发事件应对期间",
       "during an emergency response"},
      {FactId::kIllegalGainsFen,
       "illegal_gains",
       FactType::kFen,
       "违法所得（分）",
       "illegal gains (fen)",
       {},
       0,
       1'000'000'000'000'000},
      {FactId::kGoodsValueFen,
       "goods_value",
       FactType::kFen,
       "货值金额（分）",
       "value of the goods (fen)",
       {},
       0,
       1'000'000'000'000'000},
      {FactId::kSafetyOrFinance, "safety_or_finance", FactType::kBool,
       "涉及公民生命健康安全或金融安全", "concerns life/health safety or financial security"},
  };
  return kFacts;
}

const FactInfo& Info(FactId id) { return AllFacts().at(static_cast<size_t>(id)); }

std::optional<FactId> ParseFactId(std::string_view key) {
  for (const auto& f : AllFacts()) {
    if (key == f.key) return f.id;
  }
  return std::nullopt;
}

namespace {

std::string FormatDays(int64_t days) { return core::FormatDate(core::CivilFromDays(days)); }

Error WrongType(const FactInfo& fi, const std::string& field, const char* want_zh,
                const char* want_en) {
  return Err(ErrorCode::kWrongType, std::string(fi.label_zh) + "（" + fi.key + "）应为" + want_zh,
             std::string(fi.key) + " must be " + want_en, field);
}

// Reads one scalar value of fact `fi` from JSON into the stored int64 form.
Result<int64_t> ReadValue(const FactInfo& fi, const json& v, const std::string& field) {
  switch (fi.type) {
    case FactType::kBool:
      if (!v.is_boolean()) return WrongType(fi, field, "布尔值 true/false", "a boolean");
      return v.get<bool>() ? 1 : 0;
    case FactType::kInt:
    case FactType::kFen: {
      if (!v.is_number_integer()) {
        return WrongType(fi, field, fi.type == FactType::kFen ? "整数（单位：分）" : "整数",
                         fi.type == FactType::kFen ? "an integer number of fen" : "an integer");
      }
      if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return Err(ErrorCode::kInvalidArgument, std::string(fi.label_zh) + "超出范围",
                   std::string(fi.key) + " is out of range", field);
      }
      int64_t n = v.get<int64_t>();
      if (n < fi.min || n > fi.max) {
        return Err(ErrorCode::kInvalidArgument,
                   std::string(fi.label_zh) + "应在 " + std::to_string(fi.min) + " 至 " +
                       std::to_string(fi.max) + " 之间",
                   std::string(fi.key) + " must be between " + std::to_string(fi.min) + " and " +
                       std::to_string(fi.max),
                   field);
      }
      return n;
    }
    case FactType::kDate: {
      if (!v.is_string()) return WrongType(fi, field, "日期字符串 YYYY-MM-DD", "a YYYY-MM-DD date");
      auto d = core::ParseDate(v.get<std::string>(), field);
      if (!d) return d.error();
      return core::DaysFromCivil(*d);
    }
    case FactType::kEnum: {
      std::string allowed;
      for (const char* a : fi.values) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
      if (!v.is_string()) {
        return Err(ErrorCode::kWrongType,
                   std::string(fi.label_zh) + "（" + fi.key + "）应为以下之一：" + allowed,
                   std::string(fi.key) + " must be a string, one of: " + allowed, field);
      }
      const auto s = v.get<std::string>();
      for (size_t i = 0; i < fi.values.size(); ++i) {
        if (s == fi.values[i]) return static_cast<int64_t>(i);
      }
      return Err(ErrorCode::kInvalidArgument,
                 std::string(fi.label_zh) + "「" + s + "」无效，应为以下之一：" + allowed,
                 std::string(fi.key) + " \"" + s + "\" is not one of: " + allowed, field);
    }
    case FactType::kDateList:
      break;
  }
  return WrongType(fi, field, "单个值", "a single value");
}

}  // namespace

Result<Facts> ParseFacts(const json& obj, std::string_view field_prefix) {
  const std::string prefix(field_prefix);
  if (!obj.is_object()) {
    return Err(ErrorCode::kWrongType, "事实应为 JSON 对象", "facts must be a JSON object",
               prefix.empty() ? "facts" : prefix.substr(0, prefix.size() - 1));
  }
  Facts f;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string field = prefix + it.key();
    auto id = ParseFactId(it.key());
    if (!id) {
      return Err(ErrorCode::kUnknownField, "未知的事实「" + it.key() + "」",
                 "unknown fact \"" + it.key() + "\"", field);
    }
    if (it.value().is_null()) continue;  // explicitly unknown
    const FactInfo& fi = Info(*id);
    if (fi.type == FactType::kDateList) {
      if (!it.value().is_array()) return WrongType(fi, field, "日期数组", "an array of dates");
      std::vector<int64_t> days;
      for (size_t i = 0; i < it.value().size(); ++i) {
        const std::string ef = field + "[" + std::to_string(i) + "]";
        const json& e = it.value()[i];
        if (!e.is_string()) return WrongType(fi, ef, "日期字符串数组", "an array of dates");
        auto d = core::ParseDate(e.get<std::string>(), ef);
        if (!d) return d.error();
        days.push_back(core::DaysFromCivil(*d));
      }
      f.SetPriorViolations(std::move(days));
      continue;
    }
    auto v = ReadValue(fi, it.value(), field);
    if (!v) return v.error();
    f.Set(*id, *v);
  }
  if (!f.has(FactId::kActDate)) {
    return Err(ErrorCode::kInvalidArgument, "缺少违法行为发生日期（act_date）",
               "act_date (date of the act) is required", prefix + "act_date");
  }
  const int64_t act = f.get(FactId::kActDate);
  if (f.has(FactId::kActEndDate) && f.get(FactId::kActEndDate) < act) {
    return Err(ErrorCode::kInvalidArgument, "终了日期不能早于违法行为发生日期",
               "act_end_date must not be before act_date", prefix + "act_end_date");
  }
  if (f.has(FactId::kDiscoveredDate) && f.get(FactId::kDiscoveredDate) < act) {
    return Err(ErrorCode::kInvalidArgument, "发现日期不能早于违法行为发生日期",
               "discovered_date must not be before act_date", prefix + "discovered_date");
  }
  for (size_t i = 0; i < f.prior_violation_days().size(); ++i) {
    if (f.prior_violation_days()[i] >= act) {
      return Err(ErrorCode::kInvalidArgument, "此前违法日期应早于本次违法行为发生日期",
                 "prior violation dates must be before act_date",
                 prefix + "prior_violation_dates[" + std::to_string(i) + "]");
    }
  }
  return f;
}

json Facts::ToJson() const {
  json out = json::object();
  for (const auto& fi : AllFacts()) {
    if (!has(fi.id)) continue;
    int64_t v = get(fi.id);
    switch (fi.type) {
      case FactType::kBool:
        out[fi.key] = v != 0;
        break;
      case FactType::kInt:
      case FactType::kFen:
        out[fi.key] = v;
        break;
      case FactType::kDate:
        out[fi.key] = FormatDays(v);
        break;
      case FactType::kEnum:
        out[fi.key] = fi.values.at(static_cast<size_t>(v));
        break;
      case FactType::kDateList: {
        json a = json::array();
        for (int64_t d : prior_) a.push_back(FormatDays(d));
        out[fi.key] = a;
        break;
      }
    }
  }
  return out;
}

// ---- Conditions --------------------------------------------------------------------------------

bool Condition::Compare(Op op, int64_t a, int64_t b) {
  switch (op) {
    case Op::kEq:
      return a == b;
    case Op::kNe:
      return a != b;
    case Op::kLt:
      return a < b;
    case Op::kLte:
      return a <= b;
    case Op::kGt:
      return a > b;
    case Op::kGte:
      return a >= b;
    default:
      return false;
  }
}

bool Condition::EvalNode(uint32_t i, const Facts& f) const {
  const Node& n = nodes_[i];
  switch (n.op) {
    case Op::kTrue:
      return true;
    case Op::kFalse:
      return false;
    case Op::kAll:
      for (uint32_t k = 0; k < n.count; ++k) {
        if (!EvalNode(static_cast<uint32_t>(in_values_[n.first + k]), f)) return false;
      }
      return true;
    case Op::kAny:
      for (uint32_t k = 0; k < n.count; ++k) {
        if (EvalNode(static_cast<uint32_t>(in_values_[n.first + k]), f)) return true;
      }
      return false;
    case Op::kNot:
      return !EvalNode(n.first, f);
    case Op::kPresent:
      return f.has(n.fact);
    case Op::kAbsent:
      return !f.has(n.fact);
    case Op::kIn: {
      int64_t v;
      if (Info(n.fact).type == FactType::kBool) {
        v = f.flag(n.fact) ? 1 : 0;
      } else {
        if (!f.has(n.fact)) return false;
        v = f.get(n.fact);
      }
      for (uint32_t k = 0; k < n.count; ++k) {
        if (in_values_[n.first + k] == v) return true;
      }
      return false;
    }
    case Op::kPriorCount: {
      const int64_t act = f.get(FactId::kActDate);
      int64_t count;
      if (f.has(FactId::kPriorViolationDates)) {
        count = 0;
        for (int64_t d : f.prior_violation_days()) {
          if (d < act && d >= act - n.value) ++count;
        }
      } else if (f.has(FactId::kFirstViolation) && f.get(FactId::kFirstViolation) != 0) {
        count = 0;  // asserted first violation: no prior violation at all
      } else {
        return false;  // unknown
      }
      return Compare(static_cast<Op>(n.cmp), count, n.value2);
    }
    default: {
      int64_t v;
      if (Info(n.fact).type == FactType::kBool) {
        v = f.flag(n.fact) ? 1 : 0;
      } else {
        if (!f.has(n.fact)) return false;
        v = f.get(n.fact);
      }
      return Compare(n.op, v, n.value);
    }
  }
}

bool Condition::Eval(const Facts& f) const { return nodes_.empty() || EvalNode(0, f); }

std::vector<FactId> Condition::Reads() const {
  std::vector<FactId> out;
  for (const auto& n : nodes_) {
    FactId id;
    if (n.op == Op::kPriorCount) {
      id = FactId::kPriorViolationDates;
    } else if (n.op >= Op::kEq) {
      id = n.fact;
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

namespace {

struct OpName {
  const char* name;
  uint8_t op;
};

Error CondError(const std::string& field, const std::string& zh, const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, "条件无效：" + zh, "invalid condition: " + en, field);
}

}  // namespace

uint32_t Condition::Build(const json& j, const std::string& field, Error* err) {
  auto fail = [&](const std::string& zh, const std::string& en) -> uint32_t {
    if (err->field.empty()) *err = CondError(field, zh, en);
    return 0;
  };
  if (!err->field.empty()) return 0;
  const uint32_t self = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(Node{Op::kTrue, FactId::kActDate, 0, 0, 0, 0, 0});
  if (j.is_boolean()) {
    nodes_[self].op = j.get<bool>() ? Op::kTrue : Op::kFalse;
    return self;
  }
  if (!j.is_object() || j.empty()) {
    return fail("每个条件应为 true/false 或非空对象",
                "each condition must be true/false or a "
                "non-empty object");
  }
  if (j.size() == 1 && (j.contains("all") || j.contains("any"))) {
    const bool all = j.contains("all");
    const json& arr = all ? j["all"] : j["any"];
    if (!arr.is_array() || arr.empty()) {
      return fail(std::string(all ? "all" : "any") + " 应为非空数组",
                  std::string(all ? "all" : "any") + " must be a non-empty array");
    }
    std::vector<int64_t> kids;
    for (size_t i = 0; i < arr.size(); ++i) {
      kids.push_back(Build(arr[i], field, err));
      if (!err->field.empty()) return 0;
    }
    nodes_[self].op = all ? Op::kAll : Op::kAny;
    nodes_[self].first = static_cast<uint32_t>(in_values_.size());
    nodes_[self].count = static_cast<uint32_t>(kids.size());
    in_values_.insert(in_values_.end(), kids.begin(), kids.end());
    return self;
  }
  if (j.size() == 1 && j.contains("not")) {
    uint32_t child = Build(j["not"], field, err);
    if (!err->field.empty()) return 0;
    nodes_[self].op = Op::kNot;
    nodes_[self].first = child;
    return self;
  }
  static const OpName kOps[] = {
      {"eq", static_cast<uint8_t>(Op::kEq)},   {"is", static_cast<uint8_t>(Op::kEq)},
      {"ne", static_cast<uint8_t>(Op::kNe)},   {"lt", static_cast<uint8_t>(Op::kLt)},
      {"lte", static_cast<uint8_t>(Op::kLte)}, {"gt", static_cast<uint8_t>(Op::kGt)},
      {"gte", static_cast<uint8_t>(Op::kGte)}};
  if (j.size() == 1 && j.contains("prior_violations")) {
    const json& p = j["prior_violations"];
    if (!p.is_object() || !p.contains("within_days") || p.size() != 2) {
      return fail("prior_violations 应为 {\"within_days\": N, 比较符: 次数}",
                  "prior_violations must be {\"within_days\": N, <op>: count}");
    }
    const json& w = p["within_days"];
    if (!w.is_number_integer() || w.get<int64_t>() < 1 || w.get<int64_t>() > 36500) {
      return fail("within_days 应为 1–36500 的整数", "within_days must be an integer 1–36500");
    }
    for (auto it = p.begin(); it != p.end(); ++it) {
      if (it.key() == "within_days") continue;
      for (const auto& o : kOps) {
        if (it.key() == o.name) {
          if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0) {
            return fail("违法次数应为非负整数", "the count must be a non-negative integer");
          }
          nodes_[self].op = Op::kPriorCount;
          nodes_[self].cmp = o.op;
          nodes_[self].value = w.get<int64_t>();
          nodes_[self].value2 = it.value().get<int64_t>();
          return self;
        }
      }
      return fail("未知的比较符「" + it.key() + "」", "unknown operator \"" + it.key() + "\"");
    }
    return fail("prior_violations 缺少比较符", "prior_violations lacks an operator");
  }
  if (!j.contains("fact") || !j["fact"].is_string() || j.size() != 2) {
    return fail("条件应为 all/any/not/prior_violations 之一，或 {\"fact\": 名称, 比较符: 值}",
                "a condition is all/any/not/prior_violations, or {\"fact\": key, <op>: value}");
  }
  const std::string key = j["fact"].get<std::string>();
  auto id = ParseFactId(key);
  if (!id) return fail("未知的事实「" + key + "」", "unknown fact \"" + key + "\"");
  const FactInfo& fi = Info(*id);
  nodes_[self].fact = *id;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "fact") continue;
    const std::string& op = it.key();
    if (op == "present") {
      if (!it.value().is_boolean()) return fail("present 应为布尔值", "present must be a boolean");
      nodes_[self].op = it.value().get<bool>() ? Op::kPresent : Op::kAbsent;
      return self;
    }
    if (fi.type == FactType::kDateList) {
      return fail("「" + key + "」只能用 prior_violations 或 present",
                  "\"" + key + "\" is only usable through prior_violations or present");
    }
    if (op == "in") {
      if (!it.value().is_array() || it.value().empty()) {
        return fail("in 应为非空数组", "in must be a non-empty array");
      }
      nodes_[self].op = Op::kIn;
      nodes_[self].first = static_cast<uint32_t>(in_values_.size());
      nodes_[self].count = static_cast<uint32_t>(it.value().size());
      for (const auto& v : it.value()) {
        auto r = ReadValue(fi, v, field);
        if (!r) return fail(r.error().message_zh, r.error().message_en);
        in_values_.push_back(*r);
      }
      return self;
    }
    for (const auto& o : kOps) {
      if (op == o.name) {
        if ((fi.type == FactType::kBool || fi.type == FactType::kEnum) && o.op != 0 &&
            static_cast<Op>(o.op) != Op::kEq && static_cast<Op>(o.op) != Op::kNe) {
          // Ordered comparisons on enums follow the declared order (harm: none < minor < …).
          if (fi.type == FactType::kBool) {
            return fail("布尔事实「" + key + "」只能用 eq/is/ne",
                        "boolean fact \"" + key + "\" takes only eq/is/ne");
          }
        }
        auto r = ReadValue(fi, it.value(), field);
        if (!r) return fail(r.error().message_zh, r.error().message_en);
        nodes_[self].op = static_cast<Op>(o.op);
        nodes_[self].value = *r;
        return self;
      }
    }
    return fail("未知的比较符「" + op + "」", "unknown operator \"" + op + "\"");
  }
  return fail("缺少比较符", "missing operator");
}

Result<Condition> CompileCondition(const json& j, std::string_view field) {
  Condition c;
  if (j.is_null()) return c;
  Error err;
  err.field.clear();
  const std::string f = field.empty() ? std::string("condition") : std::string(field);
  c.Build(j, f, &err);
  if (!err.field.empty()) return err;
  if (c.nodes_.size() == 1 && c.nodes_[0].op == Condition::Op::kTrue) c.nodes_.clear();
  c.source_ = j.dump();
  return c;
}

Result<Condition> CompileConditionText(std::string_view text, std::string_view field) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Condition();
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return Err(ErrorCode::kInvalidArgument, "条件不是有效的 JSON", "condition is not valid JSON",
               std::string(field));
  }
  return CompileCondition(j, field);
}

// ---- List kinds ---------------------------------------------------------------------------------

const char* ListEffectId(ListEffect e) {
  switch (e) {
    case ListEffect::kNoPenalty:
      return "no_penalty";
    case ListEffect::kReduced:
      return "reduced";
    case ListEffect::kLighter:
      return "lighter";
    case ListEffect::kHeavier:
      return "heavier";
    case ListEffect::kExemptCompulsion:
      return "exempt_compulsion";
  }
  return "no_penalty";
}

std::optional<ListEffect> ParseListEffect(std::string_view s) {
  for (auto e : {ListEffect::kNoPenalty, ListEffect::kReduced, ListEffect::kLighter,
                 ListEffect::kHeavier, ListEffect::kExemptCompulsion}) {
    if (s == ListEffectId(e)) return e;
  }
  return std::nullopt;
}

const std::vector<ListKind>& SeedListKinds() {
  static const std::vector<ListKind> kKinds = {
      {"no_penalty", "不予处罚清单", "No-penalty list", ListEffect::kNoPenalty},
      {"reduced", "减轻处罚清单", "Reduced-penalty list", ListEffect::kReduced},
      {"lighter", "从轻处罚清单", "Lighter-penalty list", ListEffect::kLighter},
      {"heavier", "从重处罚清单", "Heavier-penalty list", ListEffect::kHeavier},
  };
  return kKinds;
}

// ---- Engine ------------------------------------------------------------------------------------

const char* GroundSourceId(GroundSource s) {
  switch (s) {
    case GroundSource::kStatute:
      return "statute";
    case GroundSource::kList:
      return "list";
    case GroundSource::kTier:
      return "tier";
  }
  return "statute";
}

const char* GroundEffectId(GroundEffect e) {
  switch (e) {
    case GroundEffect::kNoPenalty:
      return "no_penalty";
    case GroundEffect::kReduced:
      return "reduced";
    case GroundEffect::kLighterOrReduced:
      return "lighter_or_reduced";
    case GroundEffect::kLighter:
      return "lighter";
    case GroundEffect::kHeavier:
      return "heavier";
    case GroundEffect::kExemptCompulsion:
      return "exempt_compulsion";
  }
  return "lighter";
}

Result<CompiledMatter> CompileMatter(catalogue::MatterRules rules, MatterOptions options) {
  CompiledMatter m;
  m.tier_conditions.reserve(rules.tiers.size());
  for (size_t i = 0; i < rules.tiers.size(); ++i) {
    auto c = CompileConditionText(rules.tiers[i].condition_json,
                                  "tiers[" + std::to_string(i) + "].condition_json");
    if (!c) return c.error();
    m.tier_conditions.push_back(std::move(*c));
  }
  m.rules = std::move(rules);
  m.options = std::move(options);
  return m;
}

core::Date AddYears(const core::Date& d, int years) {
  core::Date out{d.year + years, d.month, d.day};
  if (out.day > core::DaysInMonth(out.year, out.month)) {
    out.day = core::DaysInMonth(out.year, out.month);
  }
  return out;
}

namespace {

Fen MulPermille(Fen base, int64_t permille) {
  __int128 v = static_cast<__int128>(base) * permille / 1000;
  if (v > INT64_MAX) return INT64_MAX;
  return static_cast<Fen>(v);
}

// Money for people: "1,234.50 元".
std::string Yuan(Fen f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(f / 100),
                static_cast<long long>(f % 100));
  std::string s(buf);
  auto dot = s.find('.');
  for (int i = static_cast<int>(dot) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string RangeText(const FineBounds& b, bool zh) {
  if (b.basis == "none") return zh ? "无罚款" : "no fine";
  std::string lo = b.min ? Yuan(*b.min) : "0.00";
  std::string hi = b.max ? Yuan(*b.max) : (zh ? "（法定未设上限）" : "(no maximum stated)");
  return zh ? "罚款 " + lo + " 元 至 " + hi + (b.max ? " 元" : "")
            : "fine " + lo + " to " + hi + (b.max ? " yuan" : "");
}

std::string KindsText(const std::vector<PenaltyKind>& kinds, bool zh) {
  if (kinds.empty()) return zh ? "不予处罚" : "no penalty";
  std::string s;
  for (auto k : kinds) {
    if (!s.empty()) s += zh ? "、" : ", ";
    s += zh ? catalogue::PenaltyKindZh(k) : catalogue::PenaltyKindId(k);
  }
  return s;
}

int Strength(GroundEffect e) {
  switch (e) {
    case GroundEffect::kReduced:
      return 3;
    case GroundEffect::kLighterOrReduced:
      return 2;
    case GroundEffect::kLighter:
      return 1;
    default:
      return 0;
  }
}

bool HasKind(const std::vector<PenaltyKind>& ks, PenaltyKind k) {
  return std::find(ks.begin(), ks.end(), k) != ks.end();
}

std::string Cite(const Ground& g) {
  std::string s = g.law.empty() ? std::string() : "《" + g.law + "》";
  return s + g.article;
}

}  // namespace

FineBounds ComputeFine(const catalogue::FineRange& r, const Facts& facts) {
  using B = catalogue::FineRange::Basis;
  FineBounds b;
  if (r.basis == B::kFixed) {
    b.basis = "fixed";
    b.min = r.min;
    b.max = r.max;
    return b;
  }
  const FactId base_fact =
      r.basis == B::kMultipleOfGains ? FactId::kIllegalGainsFen : FactId::kGoodsValueFen;
  if (facts.has(base_fact) && facts.get(base_fact) > 0) {
    const Fen base = facts.get(base_fact);
    b.basis = r.basis == B::kMultipleOfGains ? "gains" : "value";
    b.base = base;
    if (r.min_permille) b.min = MulPermille(base, *r.min_permille);
    if (r.max_permille) b.max = MulPermille(base, *r.max_permille);
    return b;
  }
  b.basis = "fallback";  // 违法所得/货值金额 absent or 0: the provision's fallback amounts
  b.min = r.fallback_min;
  b.max = r.fallback_max;
  return b;
}

namespace {

FineBounds NoFine() {
  FineBounds b;
  b.basis = "none";
  return b;
}

AllowedRange Statutory(const catalogue::StatutoryRange& s, const Facts& f) {
  AllowedRange r;
  r.kinds = s.kinds;
  r.fine = s.fine ? ComputeFine(*s.fine, f) : NoFine();
  return r;
}

// Narrows [min, max] to its lower (lighter) or upper (heavier) part.
FineBounds Narrow(const FineBounds& ref, bool lower, int64_t permille) {
  FineBounds b = ref;
  if (ref.basis == "none" || !ref.max) return b;  // nothing to narrow (documented)
  const Fen lo = ref.min.value_or(0);
  const Fen span = *ref.max - lo;
  const Fen part = MulPermille(span, permille);
  if (lower) {
    b.min = lo;
    b.max = lo + part;
  } else {
    b.min = *ref.max - part;
    b.max = ref.max;
  }
  return b;
}

}  // namespace

Outcome Evaluate(const CompiledMatter& matter, const std::vector<const ListEntry*>& entries,
                 const Facts& in, const EngineParams& params) {
  Outcome o;
  const auto& m = matter.rules;
  o.penalty_provision = m.penalty_provision;
  Facts f = in;
  // 初次违法: asserted, or derived from the prior violations within the look-back window.
  if (!f.has(FactId::kFirstViolation) && f.has(FactId::kPriorViolationDates)) {
    const int64_t act = f.get(FactId::kActDate);
    bool any = false;
    for (int64_t d : f.prior_violation_days()) {
      if (d < act && d >= act - params.first_violation_lookback_days) any = true;
    }
    f.Set(FactId::kFirstViolation, any ? 0 : 1);
  }
  o.statutory = Statutory(m.range, f);

  auto add = [&](GroundSource src, GroundEffect eff, Modality mod, std::string law,
                 std::string article, std::string zh, std::string en) -> Ground& {
    Ground g;
    g.source = src;
    g.effect = eff;
    g.modality = mod;
    g.law = std::move(law);
    g.article = std::move(article);
    g.text_zh = std::move(zh);
    g.text_en = std::move(en);
    o.grounds.push_back(std::move(g));
    return o.grounds.back();
  };
  using GE = GroundEffect;
  using GS = GroundSource;
  const Modality kMust = Modality::kMust;
  const Modality kMay = Modality::kMay;

  // 第36条: limitation — 2 years; 5 years when the act concerns life/health safety or financial
  // security AND caused harm; from the act date, or the end of a continuing act.
  const int64_t start =
      f.has(FactId::kActEndDate) ? f.get(FactId::kActEndDate) : f.get(FactId::kActDate);
  const bool harmful =
      f.has(FactId::kHarm) && f.get(FactId::kHarm) != static_cast<int64_t>(Harm::kNone);
  o.limitation.start = core::CivilFromDays(start);
  o.limitation.years = (f.flag(FactId::kSafetyOrFinance) && harmful) ? 5 : 2;
  o.limitation.deadline = AddYears(o.limitation.start, o.limitation.years);
  o.limitation.article = "第36条";
  if (f.has(FactId::kDiscoveredDate)) {
    const bool expired =
        f.get(FactId::kDiscoveredDate) > core::DaysFromCivil(o.limitation.deadline);
    o.limitation.expired = expired;
    if (expired) {
      add(GS::kStatute, GE::kNoPenalty, kMust, kXzcf, "第36条",
          "违法行为在" + std::to_string(o.limitation.years) + "年内未被发现（" +
              core::FormatDate(o.limitation.start) + " 起算，" +
              FormatDays(f.get(FactId::kDiscoveredDate)) + " 发现），不再给予行政处罚",
          "not discovered within " + std::to_string(o.limitation.years) + " years (from " +
              core::FormatDate(o.limitation.start) + ", discovered " +
              FormatDays(f.get(FactId::kDiscoveredDate)) + "): no penalty");
    }
  }

  // 第30条: minors.
  if (f.has(FactId::kAgeAtAct)) {
    const int64_t age = f.get(FactId::kAgeAtAct);
    if (age < 14) {
      add(GS::kStatute, GE::kNoPenalty, kMust, kXzcf, "第30条", "不满十四周岁的未成年人，不予处罚",
          "under 14 at the act: no penalty");
    } else if (age < 18) {
      add(GS::kStatute, GE::kLighterOrReduced, kMust, kXzcf, "第30条",
          "已满十四周岁不满十八周岁，应当从轻或者减轻处罚",
          "aged 14–17 at the act: must be lighter or reduced");
    }
  }
  // 第31条: mental capacity.
  if (f.has(FactId::kMentalCapacity)) {
    const auto cap = static_cast<Capacity>(f.get(FactId::kMentalCapacity));
    if (cap == Capacity::kNone) {
      add(GS::kStatute, GE::kNoPenalty, kMust, kXzcf, "第31条",
          "不能辨认或者不能控制自己行为时违法，不予处罚",
          "could not recognise or control own conduct: no penalty");
    } else if (cap == Capacity::kPartial) {
      add(GS::kStatute, GE::kLighterOrReduced, kMay, kXzcf, "第31条",
          "尚未完全丧失辨认或者控制能力，可以从轻或者减轻处罚",
          "partial capacity: may be lighter or reduced");
    }
  }
  // 第32条: mandatory lighter or reduced.
  struct Art32 {
    FactId fact;
    const char* item;
    const char* zh;
    const char* en;
  };
  static const Art32 kArt32[] = {
      {FactId::kRemovedOrReducedHarm, "第32条第1项", "主动消除或者减轻违法行为危害后果",
       "actively removed or reduced the harm"},
      {FactId::kCoercedOrInduced, "第32条第2项", "受他人胁迫或者诱骗实施违法行为",
       "coerced or induced"},
      {FactId::kConfessedUnknown, "第32条第3项", "主动供述行政机关尚未掌握的违法行为",
       "confessed violations the agency did not know of"},
      {FactId::kMeritoriousCooperation, "第32条第4项", "配合行政机关查处违法行为有立功表现",
       "meritorious cooperation"},
  };
  for (const auto& a : kArt32) {
    if (f.flag(a.fact)) {
      add(GS::kStatute, GE::kLighterOrReduced, kMust, kXzcf, a.item,
          Join(a.zh, "，应当从轻或者减轻处罚"), Join(a.en, ": must be lighter or reduced"));
    }
  }
  // 第33条: no penalty.
  const bool corrected = f.flag(FactId::kCorrectedInTime);
  const bool no_harm = f.has(FactId::kHarm) && f.get(FactId::kHarm) == 0;
  const bool minor_harm =
      f.has(FactId::kHarm) && f.get(FactId::kHarm) <= static_cast<int64_t>(Harm::kMinor);
  if (f.flag(FactId::kMinorViolation) && corrected && no_harm) {
    add(GS::kStatute, GE::kNoPenalty, kMust, kXzcf, "第33条第1款",
        "违法行为轻微并及时改正，没有造成危害后果，不予行政处罚",
        "minor, corrected in time, no harm: no penalty");
  }
  if (f.flag(FactId::kFirstViolation) && minor_harm && corrected) {
    add(GS::kStatute, GE::kNoPenalty, kMay, kXzcf, "第33条第1款",
        "初次违法且危害后果轻微并及时改正，可以不予行政处罚（首违不罚）",
        "first violation, minor harm, corrected in time: may be exempt from penalty");
  }
  if (f.flag(FactId::kNoSubjectiveFault)) {
    Ground& g = add(GS::kStatute, GE::kNoPenalty, kMust, kXzcf, "第33条第2款",
                    "有证据足以证明没有主观过错，不予行政处罚",
                    "evidence shows no subjective fault: no penalty");
    if (matter.options.punish_without_fault) {
      g.applied = false;
      g.text_zh += "；但本事项" +
                   (matter.options.fault_basis.empty() ? std::string("法律、行政法规")
                                                       : matter.options.fault_basis) +
                   "另有规定，从其规定，本项不适用";
      g.text_en += "; but the law of this matter provides otherwise (" +
                   matter.options.fault_basis + "), so it does not apply";
    }
  }
  // 第49条: emergencies — fast and heavier.
  if (f.flag(FactId::kDuringEmergency)) {
    add(GS::kStatute, GE::kHeavier, kMust, kXzcf, "第49条",
        "突发事件应对期间违反突发事件应对措施，依法快速、从重处罚",
        "violated emergency measures during an emergency: heavier");
  }
  // The department's lists.
  for (const ListEntry* e : entries) {
    if (!e->condition.Eval(f)) continue;
    GE eff = GE::kNoPenalty;
    switch (e->effect) {
      case ListEffect::kNoPenalty:
        eff = GE::kNoPenalty;
        break;
      case ListEffect::kReduced:
        eff = GE::kReduced;
        break;
      case ListEffect::kLighter:
        eff = GE::kLighter;
        break;
      case ListEffect::kHeavier:
        eff = GE::kHeavier;
        break;
      case ListEffect::kExemptCompulsion:
        eff = GE::kExemptCompulsion;
        break;
    }
    Ground& g = add(GS::kList, eff, e->modality, e->law, e->article,
                    e->kind_name_zh + "：" + e->wording, e->kind_name_en + ": " + e->wording);
    g.entry_id = e->id;
    g.list_kind = e->kind_id;
  }
  // The benchmark tier: the first tier whose stated condition holds; else the first tier without
  // a condition in the general band (or with no band stated).
  for (size_t i = 0; i < m.tiers.size() && i < matter.tier_conditions.size(); ++i) {
    if (!matter.tier_conditions[i].always_true() && matter.tier_conditions[i].Eval(f)) {
      o.tier_index = i;
      break;
    }
  }
  if (!o.tier_index) {
    for (size_t i = 0; i < m.tiers.size() && i < matter.tier_conditions.size(); ++i) {
      if (matter.tier_conditions[i].always_true() &&
          (!m.tiers[i].band || *m.tiers[i].band == Band::kGeneral)) {
        o.tier_index = i;
        break;
      }
    }
  }
  const catalogue::Tier* tier = o.tier_index ? &m.tiers[*o.tier_index] : nullptr;
  if (tier) {
    AllowedRange tr;
    tr.kinds = tier->kinds.empty() ? o.statutory.kinds : tier->kinds;
    tr.fine = tier->fine ? ComputeFine(*tier->fine, f) : o.statutory.fine;
    o.tier_range = tr;
    if (tier->band && *tier->band != Band::kGeneral) {
      GE eff = *tier->band == Band::kNoPenalty ? GE::kNoPenalty
               : *tier->band == Band::kReduced ? GE::kReduced
               : *tier->band == Band::kLighter ? GE::kLighter
                                               : GE::kHeavier;
      add(GS::kTier, eff, kMust, tier->source, "裁量阶次「" + tier->name + "」",
          "裁量基准阶次「" + tier->name + "」：" + tier->conditions_text,
          "benchmark tier \"" + tier->name + "\": " + tier->conditions_text);
    }
  }

  // ---- Resolution (documented in docs/architecture.md "conflict resolution") ----
  const Ground* must_no = nullptr;
  const Ground* may_no = nullptr;
  int must_mit = 0, may_mit = 0;
  std::optional<Modality> heavier;
  for (const auto& g : o.grounds) {
    if (!g.applied) continue;
    if (g.effect == GE::kExemptCompulsion) {
      o.exempt_compulsion = true;
    } else if (g.effect == GE::kNoPenalty) {
      if (g.modality == kMust && !must_no) must_no = &g;
      if (g.modality == kMay && !may_no) may_no = &g;
    } else if (g.effect == GE::kHeavier) {
      if (!heavier || g.modality == kMust) heavier = g.modality;
    } else {
      int s = Strength(g.effect);
      if (g.modality == kMust) {
        must_mit = std::max(must_mit, s);
      } else {
        may_mit = std::max(may_mit, s);
      }
    }
  }
  std::vector<std::string>& zh = o.explanation_zh;
  std::vector<std::string>& en = o.explanation_en;
  zh.push_back("事项「" + m.name + "」（" + m.code + "）法定处罚：" +
               KindsText(o.statutory.kinds, true) +
               (o.statutory.fine.basis == "none" ? "" : "；" + RangeText(o.statutory.fine, true)) +
               (m.penalty_provision.empty() ? "" : "（" + m.penalty_provision + "）"));
  en.push_back("Matter \"" + m.name + "\" (" + m.code +
               ") statutory penalty: " + KindsText(o.statutory.kinds, false) +
               (o.statutory.fine.basis == "none" ? "" : "; " + RangeText(o.statutory.fine, false)));
  if (o.statutory.fine.basis == "fallback") {
    zh.push_back("违法所得或货值金额无法计算，适用无法计算时的罚款幅度");
    en.push_back("illegal gains / goods value not determinable: the fallback fine range applies");
  }
  zh.push_back("追责时效（《行政处罚法》第36条）：" + std::to_string(o.limitation.years) +
               "年，自 " + core::FormatDate(o.limitation.start) + " 起算，至 " +
               core::FormatDate(o.limitation.deadline) +
               (o.limitation.expired ? (*o.limitation.expired ? "，已超过" : "，未超过")
                                     : "；未提供发现日期，未核对"));
  en.push_back("limitation (XZCF Art. 36): " + std::to_string(o.limitation.years) + " years from " +
               core::FormatDate(o.limitation.start) + " to " +
               core::FormatDate(o.limitation.deadline) +
               (o.limitation.expired ? (*o.limitation.expired ? ", expired" : ", in time")
                                     : "; discovered_date not given, not checked"));

  auto band_range = [&](Band band, bool reduced_allowed) {
    AllowedRange r;
    const bool use_tier = params.narrow_within_tier && tier && tier->fine;
    const AllowedRange& general = tier ? *o.tier_range : o.statutory;
    const FineBounds& ref = use_tier ? o.tier_range->fine : o.statutory.fine;
    r.kinds = general.kinds;
    switch (band) {
      case Band::kGeneral:
        r.fine = general.fine;
        break;
      case Band::kLighter:
        r.fine = Narrow(ref, true, params.lighter_permille);
        break;
      case Band::kHeavier:
        r.fine = Narrow(ref, false, params.heavier_permille);
        break;
      case Band::kReduced: {
        r.kinds = o.statutory.kinds;
        r.fine = o.statutory.fine;
        if (o.statutory.fine.basis != "none") {
          r.fine.max = o.statutory.fine.min.value_or(0);
          if (!o.statutory.fine.min || *o.statutory.fine.min == 0) {
            r.fine = Narrow(o.statutory.fine, true, params.lighter_permille);
          }
          r.fine.min = 0;
        }
        for (auto k : {PenaltyKind::kWarning, PenaltyKind::kCriticism}) {
          if (!HasKind(r.kinds, k)) r.kinds.push_back(k);
        }
        break;
      }
      case Band::kNoPenalty:
        r.kinds.clear();
        r.fine = NoFine();
        break;
    }
    if (reduced_allowed && band == Band::kLighter) {
      if (r.fine.basis != "none") r.fine.min = 0;
      for (auto k : {PenaltyKind::kWarning, PenaltyKind::kCriticism}) {
        if (!HasKind(r.kinds, k)) r.kinds.push_back(k);
      }
    }
    return r;
  };

  Band band = Band::kGeneral;
  Modality modality = kMust;
  Band punished_band = Band::kGeneral;  // the band whose range applies if punished
  if (must_no) {
    punished_band = Band::kNoPenalty;
    band = Band::kNoPenalty;
    o.education_required = true;
    for (auto& g : o.grounds) {
      if (&g != must_no && g.effect != GE::kExemptCompulsion && g.applied) {
        if (g.effect != GE::kNoPenalty) g.applied = false;
      }
    }
    zh.push_back("存在应当不予处罚的情形（" + Cite(*must_no) +
                 "），优先于其他情节：不予处罚，并应当对当事人进行教育（第33条第3款）");
    en.push_back("a mandatory no-penalty ground (" + Cite(*must_no) +
                 ") prevails over every other ground: no penalty; the party must be educated "
                 "(Art. 33 para. 3)");
  } else {
    if (must_mit > 0) {
      band = must_mit == 3 ? Band::kReduced : Band::kLighter;
      o.reduced_allowed = must_mit >= 2 || may_mit >= 2;
      if (heavier) {
        o.reason_required = true;
        for (auto& g : o.grounds) {
          if (g.effect == GE::kHeavier) g.applied = false;
        }
        zh.push_back(
            "同时存在从重情节与应当从轻或减轻的法定情节：法定应当从轻/减轻情节优先，"
            "从重情节不适用于幅度，须书面说明裁量理由");
        en.push_back(
            "heavier grounds and mandatory lighter/reduced grounds together: the "
            "mandatory statutory ground prevails; a written reason is required");
      }
    } else if (heavier) {
      if (may_mit > 0 && *heavier == kMay) {
        band = Band::kGeneral;
        o.reason_required = true;
        for (auto& g : o.grounds) {
          if (g.effect == GE::kHeavier || Strength(g.effect) > 0) g.applied = false;
        }
        zh.push_back("可以从重与可以从轻/减轻情节并存，相互抵消，按一般情节裁量，须书面说明理由");
        en.push_back(
            "optional heavier and optional lighter grounds offset each other: general "
            "band; a written reason is required");
      } else {
        band = Band::kHeavier;
        modality = *heavier;
        o.reason_required = true;
        if (may_mit > 0) {
          for (auto& g : o.grounds) {
            if (Strength(g.effect) > 0) g.applied = false;
          }
          zh.push_back("应当从重情节优先于可以从轻/减轻情节");
          en.push_back("a mandatory heavier ground prevails over optional lighter grounds");
        }
      }
    } else if (may_mit > 0) {
      band = may_mit == 3 ? Band::kReduced : Band::kLighter;
      modality = kMay;
      o.reduced_allowed = may_mit >= 2;
    }
    if (may_no) {
      o.if_punished = band_range(band, o.reduced_allowed);
      punished_band = band;
      zh.push_back("存在可以不予处罚的情形（" + Cite(*may_no) +
                   "）：由执法机关裁量；不予处罚的，"
                   "应当对当事人进行教育（第33条第3款）；如予处罚，适用" +
                   catalogue::BandZh(band) + "幅度");
      en.push_back("a ground allows no penalty (" + Cite(*may_no) +
                   "): the agency decides; if not punished the party must be educated (Art. 33 "
                   "para. 3); if punished, the " +
                   catalogue::BandId(band) + " range applies");
      band = Band::kNoPenalty;
      modality = kMay;
      o.education_required = true;
    }
  }
  o.band = band;
  o.modality = modality;
  if (!o.if_punished && band != Band::kNoPenalty) punished_band = band;
  o.range = band_range(band, o.reduced_allowed);
  for (const auto& g : o.grounds) {
    std::string cite = Cite(g);
    zh.push_back(std::string(g.applied ? "适用" : "不适用") + "：" + g.text_zh +
                 (cite.empty() ? "" : "（" + cite + "）"));
    en.push_back(std::string(g.applied ? "applies" : "does not apply") + ": " + g.text_en +
                 (cite.empty() ? "" : " (" + cite + ")"));
  }
  if (tier) {
    zh.push_back("适用裁量阶次「" + tier->name + "」：" + tier->standard_text);
    en.push_back("benchmark tier \"" + tier->name + "\": " + tier->standard_text);
  }
  if (punished_band == Band::kLighter || punished_band == Band::kHeavier) {
    zh.push_back(
        "从轻取" +
        std::string(params.narrow_within_tier && tier && tier->fine ? "裁量阶次" : "法定") +
        "幅度的下部 " + std::to_string(params.lighter_permille / 10) + "%，从重取上部 " +
        std::to_string(params.heavier_permille / 10) + "%（可配置参数）");
    en.push_back("lighter = lower " + std::to_string(params.lighter_permille / 10) +
                 "%, heavier = upper " + std::to_string(params.heavier_permille / 10) +
                 "% of the " +
                 (params.narrow_within_tier && tier && tier->fine ? "tier's" : "statutory") +
                 " range (configurable)");
  }
  if (o.band == Band::kNoPenalty && o.modality == kMust) {
    zh.push_back("结论：不予处罚（应当）");
    en.push_back("outcome: no penalty (mandatory)");
  } else {
    const AllowedRange& r = o.if_punished ? *o.if_punished : o.range;
    zh.push_back(std::string("结论：") + catalogue::BandZh(o.band) +
                 (o.modality == kMay ? "（可以）" : "") + "；可处：" + KindsText(r.kinds, true) +
                 (r.fine.basis == "none" ? "" : "；" + RangeText(r.fine, true)) +
                 (o.reduced_allowed ? "；可减轻至法定最低限以下" : ""));
    en.push_back(std::string("outcome: ") + catalogue::BandId(o.band) +
                 (o.modality == kMay ? " (may)" : "") + "; allowed: " + KindsText(r.kinds, false) +
                 (r.fine.basis == "none" ? "" : "; " + RangeText(r.fine, false)) +
                 (o.reduced_allowed ? "; may go below the statutory minimum" : ""));
  }
  return o;
}

// ---- JSON --------------------------------------------------------------------------------------

namespace {
json OptFen(const std::optional<Fen>& v) { return v ? json(*v) : json(nullptr); }
json KindsJson(const std::vector<PenaltyKind>& ks) {
  json a = json::array();
  for (auto k : ks) a.push_back(catalogue::PenaltyKindId(k));
  return a;
}
}  // namespace

json FineBounds::ToJson() const {
  return {{"min", OptFen(min)}, {"max", OptFen(max)}, {"basis", basis}, {"base", OptFen(base)}};
}

json AllowedRange::ToJson() const { return {{"kinds", KindsJson(kinds)}, {"fine", fine.ToJson()}}; }

json Ground::ToJson() const {
  json j = {{"source", GroundSourceId(source)},
            {"effect", GroundEffectId(effect)},
            {"modality", modality == Modality::kMust ? "must" : "may"},
            {"law", law},
            {"article", article},
            {"text_zh", text_zh},
            {"text_en", text_en},
            {"applied", applied}};
  if (source == GroundSource::kList) {
    j["entry_id"] = entry_id;
    j["list_kind"] = list_kind;
  }
  return j;
}

json Outcome::ToJson() const {
  json grounds_json = json::array();
  for (const auto& g : grounds) grounds_json.push_back(g.ToJson());
  json lim = {{"start", core::FormatDate(limitation.start)},
              {"years", limitation.years},
              {"deadline", core::FormatDate(limitation.deadline)},
              {"expired", limitation.expired ? json(*limitation.expired) : json(nullptr)},
              {"article", std::string(kXzcf) + limitation.article}};
  return {{"band", catalogue::BandId(band)},
          {"band_zh", catalogue::BandZh(band)},
          {"modality", modality == Modality::kMust ? "must" : "may"},
          {"reduced_allowed", reduced_allowed},
          {"education_required", education_required},
          {"reason_required", reason_required},
          {"exempt_compulsion", exempt_compulsion},
          {"range", range.ToJson()},
          {"if_punished", if_punished ? if_punished->ToJson() : json(nullptr)},
          {"statutory", statutory.ToJson()},
          {"tier_index", tier_index ? json(*tier_index) : json(nullptr)},
          {"tier_range", tier_range ? tier_range->ToJson() : json(nullptr)},
          {"grounds", grounds_json},
          {"limitation", lim},
          {"explanation_zh", explanation_zh},
          {"explanation_en", explanation_en}};
}

json Problem::ToJson() const {
  return {{"code", code},
          {"field", field},
          {"message_zh", message_zh},
          {"message_en", message_en},
          {"article", article}};
}

// ---- Check -------------------------------------------------------------------------------------

std::vector<Problem> Check(const Outcome& o, const Proposal& p) {
  std::vector<Problem> out;
  const bool punishes = !p.kinds.empty() || (p.fine && *p.fine > 0);
  auto problem = [&](std::string code, std::string field, std::string zh, std::string en,
                     std::string article) {
    out.push_back(Problem{std::move(code), std::move(field), std::move(zh), std::move(en),
                          std::move(article)});
  };
  const std::string xz = std::string("《") + kXzcf + "》";
  if (o.band == Band::kNoPenalty && o.modality == Modality::kMust) {
    if (punishes) {
      std::string art;
      for (const auto& g : o.grounds) {
        if (g.applied && g.effect == GroundEffect::kNoPenalty && g.modality == Modality::kMust) {
          art = Cite(g);
          break;
        }
      }
      problem("must_not_punish", "kinds", "依法应当不予处罚，不得给予处罚",
              "the law requires no penalty", art);
    }
    return out;
  }
  if (!punishes) {
    if (o.band != Band::kNoPenalty) {
      problem("penalty_required", "kinds", "未提出处罚；本案不属于不予处罚情形",
              "no penalty proposed, but no ground allows "
              "no penalty",
              xz + "第33条");
    }
    return out;
  }
  const AllowedRange& r = o.if_punished ? *o.if_punished : o.range;
  const std::string basis = o.penalty_provision.empty() ? xz + "第4条" : o.penalty_provision;
  for (size_t i = 0; i < p.kinds.size(); ++i) {
    if (!HasKind(r.kinds, p.kinds[i])) {
      problem("kind_not_allowed", "kinds[" + std::to_string(i) + "]",
              std::string("处罚种类「") + catalogue::PenaltyKindZh(p.kinds[i]) + "」不在可处种类内",
              std::string("penalty kind ") + catalogue::PenaltyKindId(p.kinds[i]) +
                  " is not allowed for this matter and band",
              basis);
    }
  }
  const bool has_fine_kind = HasKind(p.kinds, PenaltyKind::kFine);
  if (has_fine_kind && !p.fine) {
    problem("fine_missing", "fine", "处罚种类含罚款，但未填写罚款金额",
            "the kinds include a fine but no amount is given", basis);
  }
  if (p.fine && *p.fine > 0 && !has_fine_kind) {
    problem("fine_kind_missing", "kinds", "填写了罚款金额，但处罚种类不含罚款",
            "a fine amount is given but the kinds do not include a fine", basis);
  }
  if (p.fine) {
    const Fen fine = *p.fine;
    const auto& st = o.statutory.fine;
    bool reported = false;
    if (st.max && fine > *st.max) {
      problem("above_statutory_max", "fine",
              "罚款 " + Yuan(fine) + " 元超过法定最高限 " + Yuan(*st.max) + " 元",
              "fine " + Yuan(fine) + " exceeds the statutory maximum " + Yuan(*st.max), basis);
      reported = true;
    }
    if (st.min && fine < *st.min && o.band != Band::kReduced && !o.reduced_allowed) {
      problem("below_minimum_without_reduced_ground", "fine",
              "罚款低于法定最低限 " + Yuan(*st.min) + " 元，须有减轻处罚情节",
              "a fine below the statutory minimum " + Yuan(*st.min) +
                  " needs a reduced-penalty "
                  "ground",
              xz + "第30条、第31条、第32条");
      reported = true;
    }
    if (!reported && ((r.fine.min && fine < *r.fine.min) || (r.fine.max && fine > *r.fine.max))) {
      std::string art = xz + "第34条";
      for (const auto& g : o.grounds) {
        if (g.applied) {
          art += "；" + Cite(g);
        }
      }
      problem(
          "outside_allowed_range", "fine",
          "罚款 " + Yuan(fine) + " 元不在" + catalogue::BandZh(o.band) + "幅度（" +
              RangeText(r.fine, true) + "）内",
          "fine " + Yuan(fine) + " is outside the allowed range (" + RangeText(r.fine, false) + ")",
          art);
    }
  }
  bool need_reason = o.reason_required || o.band == Band::kHeavier;
  if (o.tier_range && p.fine) {
    const auto& tf = o.tier_range->fine;
    if ((tf.min && *p.fine < *tf.min) || (tf.max && *p.fine > *tf.max)) need_reason = true;
  }
  if (need_reason && p.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    problem("reason_required", "reason",
            "从重处罚、情节相互抵消或偏离裁量基准阶次时，须书面说明裁量理由",
            "a written reason is required for a heavier penalty, offsetting grounds or a "
            "departure from the benchmark tier",
            xz + "第5条、第34条");
  }
  return out;
}

}  // namespace zhifa::discretion
