// Validation of Chinese identifier codes, the GB/T 2260 division-code list, and masking of
// personal identifiers.
//
//   统一社会信用代码  GB 32100-2015 (organisation code part: GB 11714-1997)
//   公民身份号码      GB 11643-1999
//   行政区划代码      GB/T 2260 (the Ministry of Civil Affairs lists 1981–2024, data/areacodes.csv)
//
// Validators return Error kInvalidArgument whose `field` is the caller's and whose messages name
// the failing position (1-based) and the reason in Chinese and English, e.g.
// "第18位校验码应为 X" / "position 18: check character should be X". Input must already be
// normalised (see NormalizeCode); lower-case letters are rejected with a message saying so.
//
// Thread-safety: free functions are pure; a DivisionCodes is immutable after Parse and may be
// shared between threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace zhifa::core {

// ---------------------------------------------------------------------------------------------
// 行政区划代码 (GB/T 2260)

enum class DivisionLevel { kProvince, kPrefecture, kCounty };  // 省级 / 地级 / 县级

enum class DivisionStatus {
  kInUse,    // 在用
  kRetired,  // 弃用 — the code was abolished; still valid inside codes issued before
  kChanged,  // 变更 — an earlier name or assignment of a code (the code itself may be in use)
};

// A code that replaced a retired or changed one; `year` is 0 when the list gives none.
struct DivisionSuccessor {
  std::string code;
  int year = 0;
  friend bool operator==(const DivisionSuccessor&, const DivisionSuccessor&) = default;
};

// One row of the list.
struct Division {
  std::string code;      // six digits
  std::string province;  // 一级行政区
  std::string prefecture;  // 二级行政区 ("直辖" for municipalities' districts, empty for provinces)
  std::string name;  // 名称
  DivisionLevel level = DivisionLevel::kCounty;
  DivisionStatus status = DivisionStatus::kInUse;
  int since_year = 0;                         // 启用时间
  int until_year = 0;                         // 变更/弃用时间; 0 while in use
  std::vector<DivisionSuccessor> successors;  // 新代码, e.g. 370181 章丘市 → 370114

  bool in_use() const { return status == DivisionStatus::kInUse; }
};

// The GB/T 2260 list, loaded from the CSV text of data/areacodes.csv (the binary embeds the
// file). A code may have several rows (its history); Lookup picks one.
class DivisionCodes {
 public:
  // Parses the CSV: optional UTF-8 BOM, a header row, then rows of 9 comma-separated columns
  // 代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码 (LF or CRLF; fields
  // never contain commas or quotes). Error kInvalidArgument naming the line and column on any
  // malformed row (wrong column count, code not six digits, unknown 级别 or 状态, bad year or
  // 新代码), or when there are no rows.
  static Result<DivisionCodes> Parse(std::string_view csv_text);

  // Returns the row for `code`: the in-use row if there is one, otherwise the most recent
  // (latest 启用时间, then latest 变更/弃用时间). nullptr when the code never existed (and for
  // any input that is not six digits). The pointer lives as long as this object.
  const Division* Lookup(std::string_view code) const;

  // All rows for `code`, oldest first; empty when unknown.
  std::vector<const Division*> History(std::string_view code) const;

  bool Contains(std::string_view code) const { return Lookup(code) != nullptr; }

  size_t row_count() const { return rows_.size(); }

 private:
  std::vector<Division> rows_;  // sorted by (code, since_year, until_year)
};

// ---------------------------------------------------------------------------------------------
// Normalisation and check characters

// Trims ASCII whitespace and upper-cases ASCII letters (for user input before validation).
std::string NormalizeCode(std::string_view text);

// GB 32100-2015 §4.2 check character over the first 17 characters (which must be in the code
// character set "0123456789ABCDEFGHJKLMNPQRTUWXY"); returns '\0' if one is not.
char CreditCodeCheckChar(std::string_view first17);

// GB 11714-1997 check character over 8 characters (0–9, A–Z); returns '\0' on another
// character: 11 − (Σ value·weight mod 11) with weights 3,7,9,10,5,8,4,2; 10 → 'X', 11 → '0'.
char OrganizationCodeCheckChar(std::string_view first8);

// GB 11643-1999 §6.2 check character (ISO 7064 MOD 11-2) over 17 digits; '\0' on a non-digit.
char IdNumberCheckChar(std::string_view first17);

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)

// Validates an 18-character unified social credit code, checking in order: length; the code
// character set at every position; position 1 (登记管理部门) and position 2 (机构类别, which must
// belong to that department); positions 3–8 (six digits, a known province prefix or 100000 for
// central registration; when `divisions` is given, a code in the list — retired codes accepted,
// being the code at registration); position 17 (GB 11714 check over positions 9–16); position 18.
Status ValidateCreditCode(std::string_view code, std::string_view field,
                          const DivisionCodes* divisions = nullptr);

// ---------------------------------------------------------------------------------------------
// 公民身份号码 (GB 11643-1999)

struct IdNumberInfo {
  std::string division;  // positions 1–6
  Date birth_date;       // positions 7–14
  int sequence = 0;      // positions 15–17
  bool male = false;     // odd sequence → male (GB 11643-1999 §5.3)
};

// Validates an 18-character citizen identity number, checking in order: length; digits at 1–17
// and a digit or 'X' at 18; positions 1–6 (a known province prefix; when `divisions` is given, a
// code in the list, retired codes accepted); positions 7–14 (a real date, not after `today`,
// not before 1800-01-01); positions 15–17 (not 000); position 18 (check character).
Result<IdNumberInfo> ParseIdNumber(std::string_view id, const Date& today, std::string_view field,
                                   const DivisionCodes* divisions = nullptr);

inline Status ValidateIdNumber(std::string_view id, const Date& today, std::string_view field,
                               const DivisionCodes* divisions = nullptr) {
  Result<IdNumberInfo> r = ParseIdNumber(id, today, field, divisions);
  if (!r) return r.error();
  return Ok();
}

// ---------------------------------------------------------------------------------------------
// Masking of personal information (个人信息保护法 第51条: 采取相应的加密、去标识化等安全技术措施)

// Shows the first 3 and last 4 characters and replaces each other character with '*':
// "11010519491231002X" → "110***********002X". Inputs of 7 characters or fewer are fully
// masked. Counts UTF-8 code points (invalid UTF-8 is fully masked byte by byte).
std::string MaskIdNumber(std::string_view id);

// 11 or more characters: first 3 and last 4 shown ("13812345678" → "138****5678");
// 7–10 characters (a local landline number): last 4 shown ("88886666" → "****6666");
// shorter: fully masked.
std::string MaskPhone(std::string_view phone);

}  // namespace zhifa::core
