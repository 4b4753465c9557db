// zhifa::discretion — the discretion engine (行政处罚裁量): pure rules that, given a matter
// (statutory range + benchmark tiers), the department's penalty lists in force on the act date
// (不予/减轻/从轻/从重处罚清单, or other configured kinds) and the typed facts of a case, decide
// the outcome band, the allowed penalty range, the grounds (list entries and articles) that led
// there and a plain explanation in Chinese and English; and check a proposed penalty.
//
// Every statutory rule lives here once, with its article (行政处罚法 = XZCF, 2021 revision):
//   第30条 minors, 第31条 mental capacity, 第32条 mandatory lighter/reduced grounds, 第33条 no
//   penalty, 第36条 limitation, 第49条 emergencies (heavier). Where national law fixes no number
//   (how far 从轻/从重 narrow the range; the look-back window of 初次违法) the value is an
//   EngineParams field with a documented default.
//
// Conditions of list entries and tiers are JSON (the format is documented in
// docs/architecture.md and at CompileCondition); they are compiled once into a flat program and
// evaluated without allocation. No I/O. Thread-safety: pure functions over values; a compiled
// Condition / CompiledMatter is immutable and may be shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalogue/catalogue_model.h"
#include "core/result.h"
#include "core/time.h"

namespace zhifa::discretion {

using catalogue::Band;
using catalogue::Fen;
using catalogue::Modality;
using catalogue::PenaltyKind;

// ---- Facts registry (the one place every fact is declared) ------------------------------------

enum class FactType { kBool, kInt, kFen, kDate, kEnum, kDateList };

enum class FactId : uint8_t {
  kActDate,                 // 违法行为发生日期 (required)
  kActEndDate,              // 连续或者继续状态终了日期
  kDiscoveredDate,          // 发现日期
  kPriorViolationDates,     // 此前同一事项违法行为的日期 (list)
  kFirstViolation,          // 初次违法 (asserted; else derived from prior_violation_dates)
  kMinorViolation,          // 违法行为轻微
  kHarm,                    // 危害后果: none | minor | general | serious
  kCorrectedInTime,         // 及时改正
  kNoSubjectiveFault,       // 有证据足以证明没有主观过错
  kAgeAtAct,                // 违法时年龄 (natural persons)
  kMentalCapacity,          // 辨认或控制能力: full | partial | none
  kCoercedOrInduced,        // 受他人胁迫或者诱骗
  kConfessedUnknown,        // 主动供述行政机关尚未掌握的违法行为
  kMeritoriousCooperation,  // 配合查处违法行为有立功表现
  kRemovedOrReducedHarm,    // 主动消除或者减轻违法行为危害后果
  kRepeatOffence,           // 屡次违法 / 再犯
  kRefusedCorrection,       // 拒不改正
  kDestroyedEvidence,       // 伪造、隐匿、毁灭证据
  kDuringEmergency,         // 发生在突发事件应对期间 (第49条)
  kIllegalGainsFen,         // 违法所得 (fen)
  kGoodsValueFen,           // 货值金额 (fen)
  kSafetyOrFinance,         // 涉及公民生命健康安全、金融安全
  kCount
};
inline constexpr size_t kFactCount = static_cast<size_t>(FactId::kCount);

struct FactInfo {
  FactId id;
  const char* key;  // JSON key
  FactType type;
  const char* label_zh;
  const char* label_en;
  std::vector<const char*> values;  // kEnum: allowed values, index = stored value
  int64_t min = 0;                  // kInt / kFen lower bound
  int64_t max = INT64_MAX;          // kInt / kFen upper bound
};

const std::vector<FactInfo>& AllFacts();
const FactInfo& Info(FactId id);
std::optional<FactId> ParseFactId(std::string_view key);

enum class Harm : int64_t { kNone = 0, kMinor = 1, kGeneral = 2, kSerious = 3 };
enum class Capacity : int64_t { kFull = 0, kPartial = 1, kNone = 2 };

// The facts of one case. Scalars are int64: bool 0/1, fen, days since 1970-01-01 for dates,
// the index in FactInfo::values for enums. Absent facts have has(id) == false.
class Facts {
 public:
  bool has(FactId id) const { return present_[Idx(id)]; }
  int64_t get(FactId id) const { return values_[Idx(id)]; }
  // Booleans that were not given count as false (documented in the user guide).
  bool flag(FactId id) const { return has(id) && values_[Idx(id)] != 0; }
  void Set(FactId id, int64_t v) {
    values_[Idx(id)] = v;
    present_[Idx(id)] = true;
  }
  void SetDate(FactId id, const core::Date& d) { Set(id, core::DaysFromCivil(d)); }
  void Clear(FactId id) { present_[Idx(id)] = false; }
  const std::vector<int64_t>& prior_violation_days() const { return prior_; }
  void SetPriorViolations(std::vector<int64_t> days) {
    prior_ = std::move(days);
    present_[Idx(FactId::kPriorViolationDates)] = true;
  }
  nlohmann::json ToJson() const;

 private:
  static size_t Idx(FactId id) { return static_cast<size_t>(id); }
  std::array<int64_t, kFactCount> values_{};
  std::array<bool, kFactCount> present_{};
  std::vector<int64_t> prior_;
};

// Parses a facts object. Errors name the fact: kUnknownField for a key not in the registry,
// kWrongType for a value of the wrong JSON type, kInvalidArgument for a bad date, an enum value
// not allowed, a number out of range, an end date before the act date, or a missing act_date.
// `field_prefix` ("facts.") is prepended to the field named in errors.
core::Result<Facts> ParseFacts(const nlohmann::json& obj, std::string_view field_prefix = "");

// ---- Conditions --------------------------------------------------------------------------------

// A compiled condition (list entry or tier). The JSON format:
//   true | false
//   {"all": [C, …]}   {"any": [C, …]}   {"not": C}
//   {"fact": KEY, OP: VALUE}  with OP one of eq, ne, lt, lte, gt, gte (numbers, fen, dates as
//       "YYYY-MM-DD", enum values as strings, booleans), "in": [VALUE, …], "present": true|false
//   {"prior_violations": {"within_days": N, OP: COUNT}}  — the number of prior violations of the
//       same matter dated within N days before the act date (act − N ≤ d < act)
// A comparison on an absent fact is false (booleans: absent = false). Unknown keys are errors.
class Condition {
 public:
  Condition() = default;  // always true
  bool Eval(const Facts& f) const;
  bool always_true() const { return nodes_.empty(); }
  // The fact keys the condition reads (for explanations and the UI form).
  std::vector<FactId> Reads() const;
  const std::string& source() const { return source_; }

 private:
  friend core::Result<Condition> CompileCondition(const nlohmann::json& j, std::string_view field);
  enum class Op : uint8_t {
    kTrue,
    kFalse,
    kAll,
    kAny,
    kNot,
    kEq,
    kNe,
    kLt,
    kLte,
    kGt,
    kGte,
    kIn,
    kPresent,
    kAbsent,
    kPriorCount,
  };
  struct Node {
    Op op;
    FactId fact;
    uint8_t cmp;     // kPriorCount: the comparison op
    uint32_t first;  // kAll/kAny/kNot: first child index; kIn: first value index
    uint32_t count;  // children / values
    int64_t value;   // comparison value; kPriorCount: window days
    int64_t value2;  // kPriorCount: count compared with
  };
  static bool Compare(Op op, int64_t a, int64_t b);
  bool EvalNode(uint32_t i, const Facts& f) const;
  uint32_t Build(const nlohmann::json& j, const std::string& field, core::Error* err);
  std::vector<Node> nodes_;
  std::vector<int64_t> in_values_;
  std::string source_;
};

// Compiles condition JSON; "" / null = always true. Errors kInvalidArgument naming `field` and the
// offending part (unknown fact, unknown operator, value of the wrong type).
core::Result<Condition> CompileCondition(const nlohmann::json& j, std::string_view field);
core::Result<Condition> CompileConditionText(std::string_view text, std::string_view field);

// ---- List kinds and entries --------------------------------------------------------------------

// What entries of a list kind do: lead to a band, or exempt from compulsory measures
// (免予行政强制).
enum class ListEffect { kNoPenalty, kReduced, kLighter, kHeavier, kExemptCompulsion };
const char* ListEffectId(ListEffect e);
std::optional<ListEffect> ParseListEffect(std::string_view s);

struct ListKind {
  std::string id;  // "no_penalty", "reduced", "lighter", "heavier", or an administrator's id
  std::string name_zh;
  std::string name_en;
  ListEffect effect = ListEffect::kNoPenalty;
};

// The four kinds of Jinan (2020), seeded at first start.
const std::vector<ListKind>& SeedListKinds();

// One entry of a published list, as the engine needs it.
struct ListEntry {
  int64_t id = 0;
  std::string matter_code;
  std::string kind_id;
  ListEffect effect = ListEffect::kNoPenalty;
  std::string kind_name_zh;
  std::string kind_name_en;
  Condition condition;
  std::string condition_json;
  Modality modality = Modality::kMay;
  std::string law;      // e.g. 《中华人民共和国食品安全法》
  std::string article;  // e.g. 第一百二十六条
  std::string wording;  // the published wording of the entry
};

// ---- Engine parameters -------------------------------------------------------------------------

// Values national law does not fix (legal-facts.md §2.1: the SAMR percentages were not
// retrieved). Configurable per deployment; defaults documented in the user guide.
struct EngineParams {
  // 从轻: the lower `lighter_permille`‰ of the reference range; 从重: the upper
  // `heavier_permille`‰. Default: lower half / upper half.
  int64_t lighter_permille = 500;
  int64_t heavier_permille = 500;
  // Reference range for narrowing: the matched tier's range when true (and the tier states a
  // fine), else the statutory range.
  bool narrow_within_tier = true;
  // 初次违法 when not asserted: no prior violation of the matter within this many days.
  int64_t first_violation_lookback_days = 365;
};

// Per-matter options that come from the law of the matter, not from the lists.
struct MatterOptions {
  // 第33条第2款: "法律、行政法规另有规定的，从其规定" — when true, no subjective fault does not
  // exclude the penalty for this matter. `fault_basis` names the provision.
  bool punish_without_fault = false;
  std::string fault_basis;
};

// ---- The engine --------------------------------------------------------------------------------

// A matter with its tiers' conditions compiled (built once per matter version).
struct CompiledMatter {
  catalogue::MatterRules rules;
  MatterOptions options;
  std::vector<Condition> tier_conditions;  // parallel to rules.tiers
};
// Errors name "tiers[i].condition_json".
core::Result<CompiledMatter> CompileMatter(catalogue::MatterRules rules,
                                           MatterOptions options = {});

enum class GroundSource { kStatute, kList, kTier };
const char* GroundSourceId(GroundSource s);

// What a ground asks for. kLighterOrReduced: 第30/31/32条 "从轻或者减轻".
enum class GroundEffect {
  kNoPenalty,
  kReduced,
  kLighterOrReduced,
  kLighter,
  kHeavier,
  kExemptCompulsion
};
const char* GroundEffectId(GroundEffect e);

struct Ground {
  GroundSource source = GroundSource::kStatute;
  GroundEffect effect = GroundEffect::kLighter;
  Modality modality = Modality::kMust;
  std::string law;
  std::string article;
  std::string text_zh;
  std::string text_en;
  int64_t entry_id = 0;  // kList
  std::string list_kind;
  bool applied = true;  // false when outweighed (explained)
  nlohmann::json ToJson() const;
};

struct FineBounds {
  std::optional<Fen> min;
  std::optional<Fen> max;
  std::string basis;  // "fixed" | "gains" | "value" | "fallback" | "none"
  std::optional<Fen> base;
  nlohmann::json ToJson() const;
};

struct AllowedRange {
  std::vector<PenaltyKind> kinds;
  FineBounds fine;
  nlohmann::json ToJson() const;
};

struct Limitation {
  core::Date start;
  int years = 2;
  core::Date deadline;          // last day on which discovery is in time
  std::optional<bool> expired;  // unknown without discovered_date
  std::string article;
};

struct Outcome {
  Band band = Band::kGeneral;
  Modality modality = Modality::kMust;
  bool reduced_allowed = false;     // a must/may lighter-or-reduced ground allows 减轻
  bool education_required = false;  // 第33条第3款
  bool reason_required = false;     // heavier band or offsetting grounds
  bool exempt_compulsion = false;
  AllowedRange range;                       // what may be imposed (empty kinds for no penalty)
  AllowedRange statutory;                   // the statute's range, computed
  std::optional<AllowedRange> if_punished;  // band no_penalty/may: the range if punished
  std::optional<size_t> tier_index;
  std::optional<AllowedRange> tier_range;
  std::vector<Ground> grounds;
  Limitation limitation;
  std::vector<std::string> explanation_zh;
  std::vector<std::string> explanation_en;
  std::string penalty_provision;  // the matter's 处罚依据, cited by Check
  nlohmann::json ToJson() const;
};

// The lists in force for one matter on the act date (already selected by the caller).
Outcome Evaluate(const CompiledMatter& matter, const std::vector<const ListEntry*>& entries,
                 const Facts& facts, const EngineParams& params = {});

// Calendar years added to a date; 02-29 + n → 02-28 when the target year is not leap.
core::Date AddYears(const core::Date& d, int years);

// Fine bounds of a FineRange given the facts (multiples use illegal gains / goods value; when the
// base is absent or 0, the fallback bounds apply).
FineBounds ComputeFine(const catalogue::FineRange& r, const Facts& facts);

// ---- Checking a proposed penalty ---------------------------------------------------------------

struct Proposal {
  std::vector<PenaltyKind> kinds;
  std::optional<Fen> fine;
  std::string reason;  // 裁量理由 (written reason)
};

struct Problem {
  std::string code;  // stable id, e.g. "must_not_punish"
  std::string field;
  std::string message_zh;
  std::string message_en;
  std::string article;
  nlohmann::json ToJson() const;
};

// Returns every problem of the proposal against the outcome (empty = acceptable).
std::vector<Problem> Check(const Outcome& outcome, const Proposal& p);

}  // namespace zhifa::discretion
