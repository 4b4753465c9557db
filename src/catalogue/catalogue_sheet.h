// zhifa::catalogue sheets — the published column layout of a department's discretion benchmarks
// (裁量基准) and the matter sheet (执法事项), mapped to and from MatterRules. Pure: the caller
// reads the file (xlsx/csv) into Tables and resolves unit names; this file checks every row and
// reports each problem by sheet, row, column and reason. Thread-safe (no state).
//
// Sheet 裁量基准 (one row per tier; consecutive rows of one matter share its code):
//   序号, 事项代码, 事项名称, 法律法规依据, 裁量阶次, 适用条件, 具体标准, 裁量基准来源, 备注
// Sheet 执法事项 (one row per matter; optional when every code already exists):
//   事项代码, 事项名称, 事项类别, 实施主体, 重点领域, 违法依据, 处罚依据, 法定处罚种类和幅度,
//   法制审核, 涉嫌犯罪移送标准, 示例
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue_model.h"

namespace zhifa::catalogue {

inline constexpr const char* kTierSheet = "裁量基准";
inline constexpr const char* kMatterSheet = "执法事项";

// The published columns, in order.
const std::vector<std::string>& TierColumns();
const std::vector<std::string>& MatterColumns();

// A sheet of text cells; rows[0] is the header. Row numbers reported are 1-based sheet rows
// (the header is row 1).
struct Table {
  std::string name;
  std::vector<std::vector<std::string>> rows;
};

struct Problem {
  std::string sheet;
  int row = 0;         // 1-based; 0 = the file as a whole
  std::string column;  // the column header, or ""
  std::string message_zh;
  std::string message_en;
};

// One matter as read from the file.
struct MatterDraft {
  MatterRules rules;                      // code … tiers (holder_unit_ids left empty)
  std::vector<std::string> holder_names;  // 实施主体 (names of units), from the matter sheet
  bool from_matter_sheet = false;
  bool tiers_in_file = false;
  int matter_row = 0;  // row in the matter sheet (0 = none)
  int first_tier_row = 0;
};

struct ImportSet {
  std::vector<MatterDraft> matters;  // in file order (matter sheet first, then new tier codes)
  std::vector<Problem> problems;     // empty = every row is acceptable
};

// The matter currently in force with this code, if any (the service answers it).
using ExistingLookup = std::function<std::optional<MatterRules>(const std::string& code)>;

// Reads the sheets. `matters` may be null (csv import of benchmarks for existing matters). Every
// row is checked; nothing stops at the first problem.
ImportSet ReadSheets(const Table* matters, const Table& tiers, const ExistingLookup& existing);

// Writes the two sheets for these matters. `holder_names[i]` are the unit names holding
// matters[i]. ReadSheets(WriteSheets(x)) gives x back (content as compared by SameContent, and
// the holder names).
struct Sheets {
  Table matters;
  Table tiers;
};
Sheets WriteSheets(const std::vector<MatterRules>& matters,
                   const std::vector<std::vector<std::string>>& holder_names);

// Splits a 实施主体 cell on 、；;，, and newlines; trims each name.
std::vector<std::string> SplitNames(const std::string& cell);

}  // namespace zhifa::catalogue
