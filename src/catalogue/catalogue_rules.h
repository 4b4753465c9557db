// zhifa::catalogue rules — pure functions over the catalogue's values: the key domains, the
// parser of published penalty standards (具体标准 such as "处1万元以上5万元以下罚款"), the check
// that a benchmark tier lies within the statutory range, the band a tier name implies, and the
// timelines of versions and holdings (who holds a matter on which day). No I/O; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue_model.h"
#include "core/result.h"
#include "core/time.h"

namespace zhifa::catalogue {

// 重点领域: the ten key domains of task (五) of the action plan (济南市《开展“规范执法、惠企利民”
// 行动实施方案》 第(五)项 and item 42):
// 食品药品、公共卫生、自然资源、生态环境、安全生产、劳动保障、
// 城市管理、交通运输、金融服务、教育培训 — plus "other" (其他).
struct DomainInfo {
  const char* id;
  const char* zh;
  const char* en;
};
const std::vector<DomainInfo>& Domains();
// Accepts the id or the Chinese name; nullopt otherwise.
std::optional<std::string> ParseDomain(std::string_view id_or_zh);
const char* DomainZh(std::string_view id);

// What a published standard (具体标准) or a statutory penalty clause imposes.
struct ParsedStandard {
  std::vector<PenaltyKind> kinds;  // in PenaltyKind order, no duplicates
  std::optional<FineRange> fine;   // present iff the text imposes a fine with stated amounts
  bool no_penalty = false;         // "不予处罚" / "免予处罚"
};

// Parses the common published forms: "处1万元以上5万元以下罚款", "处五千元以下罚款",
// "处2000元罚款", "处1万元至5万元罚款", "没收违法所得，并处违法所得2倍以上5倍以下罚款；没有违法所得
// 或者违法所得不足1万元的，并处1万元以上5万元以下罚款" (the fixed clause becomes the fallback),
// "货值金额…倍", "警告", "通报批评", "责令停产停业", "吊销许可证件", "暂扣…", "不予行政处罚";
// arabic and Chinese numerals (一二两三…十百千万, 〇/零), decimals ("0.5万元", "1.5倍"), 万/千/元.
// Several fixed-amount clauses ("情节严重的，处…") are joined into one range (lowest minimum,
// highest maximum). Errors (kInvalidArgument, field `field`): empty text, a fine without a
// readable amount, minimum above maximum, text naming no penalty at all.
core::Result<ParsedStandard> ParseStandard(std::string_view text, std::string_view field = {});

// The band a published tier name implies: 不予… → no_penalty, 减轻… → reduced, 从轻…/轻微 →
// lighter, 一般 → general, 从重…/较重/严重 → heavier; nullopt for other names.
std::optional<Band> BandForTierName(std::string_view name);

// A tier must lie within the statutory range (行政处罚法 第34条: benchmarks refine, they do not
// extend, the statutory range): its kinds are among the statutory kinds; its fine bounds are inside
// the statutory bounds of the same basis (a fixed tier under a multiple statute must fit the
// fallback amounts). A tier of band `reduced` (减轻处罚, 行政处罚法 第32条) may go below the
// statutory minimum and use a lighter kind, never above the maximum. A no-penalty tier imposes
// nothing. Error kInvalidArgument naming `field` and the bound that is exceeded.
core::Status CheckTierWithinRange(const Tier& tier, const StatutoryRange& range,
                                  std::string_view field = "standard_text");

// Money for people: 150000000 fen → "150万元", 500000 → "5000元", 12345 → "123.45元".
std::string FormatFen(Fen fen);
// A fine range as published text: "处1万元以上5万元以下罚款", "处违法所得2倍以上5倍以下罚款".
std::string FormatFine(const FineRange& fine);

// ---- Timelines ---------------------------------------------------------------------------

// A holding: the unit holds the matter on every day d with start <= d < end (end exclusive;
// absent = open). A transfer on day D ends the old holding with end = D and starts the new one
// with start = D, so every day has a holder.
struct Holding {
  int64_t id = 0;
  int64_t unit_id = 0;
  core::Date start;
  std::optional<core::Date> end;
  bool ActiveOn(core::Date d) const { return start <= d && (!end || d < *end); }
};

// Units holding the matter on day d.
std::vector<int64_t> HoldersOn(const std::vector<Holding>& holdings, core::Date d);

// A transfer of the holding of `from_unit` to `to_unit` on `on`: from_unit must hold the matter
// on `on` with an open holding (field "from_unit_id"), to_unit must be another unit that does not
// already hold it on or after `on` (field "to_unit_id"), and `on` may not precede the start of
// the holding it ends (field "effective_from"). Errors: kConflict / kInvalidArgument.
core::Status CheckTransfer(const std::vector<Holding>& holdings, int64_t from_unit, int64_t to_unit,
                           core::Date on);

// Every day from the matter's first holding onwards has at least one holder (an invariant the
// service checks after each change; returns the first uncovered day in the message).
core::Status CheckCoverage(const std::vector<Holding>& holdings);

// A new version must start strictly after every existing version (history is never rewritten).
// `existing_from` lists the effective_from of the matter's versions. Field "effective_from".
core::Status CheckNewVersionDate(const std::vector<core::Date>& existing_from, core::Date from);

// ---- Validation of a matter --------------------------------------------------------------

// Matter code: 1–64 of [0-9A-Za-z_.-] (published codes such as "370100-XZCF-001" or
// "3701000123001"). Field "code".
core::Status CheckMatterCode(std::string_view code);

// Checks a whole matter version: name (1–200 chars), the texts' lengths, tiers' names unique and
// each tier within the range (fields "tiers[i].name", "tiers[i].standard_text").
core::Status CheckMatter(const MatterRules& m);

// Whether two versions carry the same content (ignoring dates, holders and sample).
bool SameContent(const MatterRules& a, const MatterRules& b);

}  // namespace zhifa::catalogue
