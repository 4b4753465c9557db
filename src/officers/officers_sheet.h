// zhifa::officers sheet — the register as a spreadsheet (执法人员 sheet, xlsx or csv), read with
// every row checked and each problem reported by row, column and reason, and written back so that
// import(export(x)) changes nothing. Also the naming of units in the sheet: a unit is written by
// its name, or by "上级/单位" path parts where the name alone is not unique. Pure: the caller reads
// the file into a Table and gives the units in scope. Thread-safe (no state).
//
// Columns (header row 1, any order; the first seven are required):
//   执法证号, 姓名, 所属单位, 发证机关, 有效期起, 有效期至, 执法领域,
//   法律职业资格 (是/否, default 否), 法律职业资格证书编号, 状态 (在岗/暂停执法/已注销执法证/
//   退休或调离 or the ids; default 在岗), 用户名 (the zhifa account, optional)
// 执法领域 lists domains (Chinese names or ids) separated by 、，,；; or line breaks. Dates are
// YYYY-MM-DD (xlsx date cells arrive as such).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue_sheet.h"
#include "core/result.h"
#include "core/time.h"
#include "officers/officers_rules.h"

namespace zhifa::officers {

inline constexpr const char* kOfficerSheet = "执法人员";

// The columns in the order Export writes them.
const std::vector<std::string>& OfficerColumns();

// One row of the sheet (as read, checked and normalised; or as written).
struct OfficerRow {
  int row = 0;  // 1-based sheet row (read only)
  std::string cert_no;
  std::string name;
  std::string unit;  // name or "上级/单位" path
  std::string issuing_authority;
  core::Date valid_from, valid_to;
  std::vector<std::string> domains;  // ids
  bool legal_qualification = false;
  std::string legal_cert_no;
  OfficerStatus status = OfficerStatus::kActive;
  std::string username;  // "" = no account
};

struct OfficerSheet {
  std::vector<OfficerRow> rows;
  std::vector<catalogue::Problem> problems;  // empty = every row acceptable
};

// Reads and checks every row (each field with the rules of officers_rules.h; a 执法证号 twice in
// the file; a 用户名 twice). Empty rows are skipped. Problems name sheet kOfficerSheet.
OfficerSheet ReadOfficerSheet(const catalogue::Table& table);

// Writes the rows (header first) in OfficerColumns() order.
catalogue::Table WriteOfficerSheet(const std::vector<OfficerRow>& rows);

// Units as the sheet names them. Built from the units the caller may use (id, parent, name).
class UnitNames {
 public:
  struct Unit {
    int64_t id = 0;
    std::optional<int64_t> parent_id;
    std::string name;
  };
  explicit UnitNames(std::vector<Unit> units);
  // "name" or "a/b/name" (each part the name of the next one's parent, parts trimmed): the one
  // unit it designates. Errors kInvalidArgument: no such unit (within the units given), or
  // several — the message suggests the path form.
  core::Result<int64_t> Resolve(const std::string& ref) const;
  // The shortest reference that Resolve maps back to `id` (its name, or a path of its nearest
  // ancestors' names). Empty for an unknown id.
  std::string Label(int64_t id) const;

 private:
  bool Matches(int64_t id, const std::vector<std::string>& parts) const;
  std::map<int64_t, Unit> units_;
  std::multimap<std::string, int64_t> by_name_;
};

}  // namespace zhifa::officers
