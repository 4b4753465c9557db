// zhifa::catalogue — shared value types of the legal rules core (issue 3): enforcement matters
// (执法事项), their statutory penalty range, discretion benchmark tiers (裁量基准) and the
// penalty lists (不予/减轻/从轻/从重处罚清单). The catalogue (src/catalogue) stores and
// versions them; the discretion engine (src/discretion) applies them. Pure values, no I/O.
//
// Money is integer 分 (fen, 0.01 元) everywhere: no floating point in amounts.
// Multiples ("违法所得2倍以上5倍以下") are integer per-mille (2× = 2000).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace zhifa::catalogue {

using Fen = int64_t;  // 0.01 元

// 执法事项类别: the seven kinds of the action plan's task 1 (行政处罚、行政许可、行政检查、
// 行政强制、行政征收征用、行政给付、行政确认) plus other.
enum class MatterType {
  kPenalty,        // 行政处罚 "penalty"
  kLicensing,      // 行政许可 "licensing"
  kInspection,     // 行政检查 "inspection"
  kCompulsion,     // 行政强制 "compulsion"
  kExpropriation,  // 行政征收征用 "expropriation"
  kBenefit,        // 行政给付 "benefit"
  kConfirmation,   // 行政确认 "confirmation"
  kOther,          // 其他 "other"
};

// Kinds of administrative penalty, 行政处罚法 第9条.
enum class PenaltyKind {
  kWarning,             // 警告 "warning"
  kCriticism,           // 通报批评 "criticism"
  kFine,                // 罚款 "fine"
  kConfiscateGains,     // 没收违法所得 "confiscate_gains"
  kConfiscateProperty,  // 没收非法财物 "confiscate_property"
  kSuspendLicence,      // 暂扣许可证件 "suspend_licence"
  kLowerQualification,  // 降低资质等级 "lower_qualification"
  kRevokeLicence,       // 吊销许可证件 "revoke_licence"
  kRestrictBusiness,    // 限制开展生产经营活动 "restrict_business"
  kSuspendBusiness,     // 责令停产停业 "suspend_business"
  kClose,               // 责令关闭 "close"
  kRestrictPractice,    // 限制从业 "restrict_practice"
  kDetention,           // 行政拘留 "detention"
  kOther,               // 法律、行政法规规定的其他行政处罚 "other"
};

// How a fine is bounded: fixed amounts, or a multiple of illegal gains (违法所得) or of the value
// of the goods (货值金额), optionally with a fixed fallback when the base cannot be determined.
struct FineRange {
  enum class Basis { kFixed, kMultipleOfGains, kMultipleOfValue };
  Basis basis = Basis::kFixed;
  std::optional<Fen> min;               // kFixed: bounds in fen; absent = no minimum
  std::optional<Fen> max;               //          absent = no maximum stated
  std::optional<int64_t> min_permille;  // multiples: 2000 = 2×
  std::optional<int64_t> max_permille;
  std::optional<Fen> fallback_min;  // when the base is undeterminable (无违法所得 …)
  std::optional<Fen> fallback_max;
};

// What the law allows for a matter (法定处罚种类和幅度).
struct StatutoryRange {
  std::vector<PenaltyKind> kinds;
  std::optional<FineRange> fine;
  std::string text;  // the penalty provision's wording, for people
};

// The outcome bands of discretion, from most lenient to most severe.
enum class Band {
  kNoPenalty,  // 不予处罚
  kReduced,    // 减轻处罚 (below the statutory minimum, or a lighter kind)
  kLighter,    // 从轻处罚 (lower part of the range)
  kGeneral,    // 一般
  kHeavier,    // 从重处罚 (upper part of the range)
};

// Whether a rule obliges or permits (应当 / 可以).
enum class Modality { kMust, kMay };

// A discretion benchmark tier of one matter (裁量阶次): e.g. 轻微 / 一般 / 较重 / 严重.
struct Tier {
  std::string name;                // 裁量阶次 as published
  std::optional<Band> band;        // which band it belongs to, when stated
  std::string conditions_text;     // 适用条件 as published
  std::string condition_json;      // machine-readable condition (engine's format), may be ""
  std::string standard_text;       // 具体标准 as published
  std::vector<PenaltyKind> kinds;  // kinds the standard imposes
  std::optional<FineRange> fine;   // parsed from the standard
  std::string source;              // 裁量基准来源
  int ordinal = 0;                 // order within the matter
  std::string note;                // 备注 (catalogue addition)
};

// One matter as in force on a given date, with what the engine needs.
struct MatterRules {
  std::string code;
  std::string name;
  MatterType type = MatterType::kPenalty;
  std::string violated_provision;  // 违法依据 (law, article, text)
  std::string penalty_provision;   // 处罚依据
  StatutoryRange range;
  std::vector<Tier> tiers;
  bool major_review = false;       // in the department's 法制审核目录
  std::string transfer_threshold;  // 涉嫌犯罪移送标准 note
  core::Date effective_from;
  std::optional<core::Date> effective_to;
  bool sample = false;  // demo/sample legal text, marked as such in the UI
  // Catalogue additions: the key domain id (catalogue_rules.h Domains()) and the units that
  // hold the matter on the date asked (ids of units).
  std::string domain = "other";
  std::vector<int64_t> holder_unit_ids;
};

// Stable string ids used in JSON, CSV and the database (the quoted names above).
const char* MatterTypeId(MatterType t);
std::optional<MatterType> ParseMatterType(std::string_view id);  // id or Chinese name
const char* MatterTypeZh(MatterType t);
const char* PenaltyKindId(PenaltyKind k);
std::optional<PenaltyKind> ParsePenaltyKind(std::string_view id);  // id or Chinese name
const char* PenaltyKindZh(PenaltyKind k);
const char* BandId(Band b);  // "no_penalty", "reduced", "lighter", "general", "heavier"
std::optional<Band> ParseBand(std::string_view id);
const char* BandZh(Band b);

}  // namespace zhifa::catalogue
