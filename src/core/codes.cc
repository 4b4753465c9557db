#include "core/codes.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/utf8.h"

namespace zhifa::core {
namespace {

// GB 32100-2015 §4.1: code characters, value = index (I, O, S, V, Z are not used).
constexpr std::string_view kCreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// GB 32100-2015 §4.2: weights W_i = 3^(i-1) mod 31 for positions 1..17.
constexpr std::array<int, 17> kCreditWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                29, 25, 13, 8,  24, 10, 30, 28};
// GB 11714-1997 §5: weights for the 8 body characters of an organisation code.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};
// GB 11643-1999 §6.2: W_i = 2^(18-i) mod 11 for positions 1..17; check chars by Σ mod 11.
constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";

// GB/T 2260 province-level prefixes (first two digits).
constexpr std::array<std::string_view, 34> kProvincePrefixes = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};

// 登记管理部门代码 and their 机构类别代码: GB 32100-2015 表1 (1 机构编制, 5 民政, 9 工商, Y 其他)
// with the departments assigned since (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会,
// A 中央军委改革和编制办公室, N 农业).
struct Department {
  char code;
  std::string_view name_zh;
  std::string_view name_en;
  std::string_view categories;
};
constexpr std::array<Department, 12> kDepartments = {{
    {'1', "机构编制", "institutional establishment", "1239"},  // 机关, 事业单位, 群众团体, 其他
    {'2', "外交", "foreign affairs", "19"},
    {'3', "司法行政", "justice", "123459"},
    {'4', "文化", "culture", "19"},
    {'5', "民政", "civil affairs", "1239"},  // 社会团体, 民办非企业单位, 基金会, 其他
    {'6', "旅游", "tourism", "129"},
    {'7', "宗教", "religious affairs", "129"},
    {'8', "工会", "trade unions", "19"},
    {'9', "工商", "market regulation", "123"},  // 企业, 个体工商户, 农民专业合作社
    {'A', "中央军委改革和编制办公室", "CMC reform and establishment office", "19"},
    {'N', "农业", "agriculture", "1239"},
    {'Y', "其他", "other", "1"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

std::string Pos(size_t i) { return std::to_string(i); }

Error Invalid(std::string_view field, std::string zh, std::string en) {
  return Err(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), std::string(field));
}

// The character at 0-based index i, quoted for messages (bytes ≥ 0x80 shown as hex).
std::string Quote(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7F) return std::string("“") + c + "”";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[u >> 4] + kHex[u & 15];
}

bool HasProvincePrefix(std::string_view division) {
  return std::find(kProvincePrefixes.begin(), kProvincePrefixes.end(), division.substr(0, 2)) !=
         kProvincePrefixes.end();
}

// Positions `first`..`first+5` (1-based) hold a division code; checks it against the list or
// the province prefixes.
Status CheckDivision(std::string_view division, size_t first, bool allow_central,
                     const DivisionCodes* divisions, std::string_view field) {
  const std::string range = Pos(first) + "–" + Pos(first + 5);
  const std::string range_en = Pos(first) + "-" + Pos(first + 5);
  const std::string code(division);
  if (allow_central && division == "100000") return Ok();  // 中央/全国 level registration
  if (divisions != nullptr) {
    if (!divisions->Contains(division)) {
      return Invalid(field, "第" + range + "位行政区划代码 " + code + " 不在 GB/T 2260 中",
                     "positions " + range_en + ": division code " + code + " is not in GB/T 2260");
    }
    return Ok();
  }
  if (!HasProvincePrefix(division)) {
    return Invalid(
        field, "第" + range + "位行政区划代码 " + code + " 的省级代码无效",
        "positions " + range_en + ": division code " + code + " has no valid province prefix");
  }
  return Ok();
}

Status CheckLength(std::string_view code, std::string_view what_zh, std::string_view what_en,
                   std::string_view field) {
  if (code.size() == 18) return Ok();
  const size_t n = IsValidUtf8(code) ? Utf8Length(code) : code.size();
  if (n == 18) {
    // 18 characters but not 18 bytes: a non-ASCII character such as a full-width digit.
    size_t pos = 1;
    for (size_t i = 0; i < code.size() && static_cast<unsigned char>(code[i]) < 0x80; ++i) ++pos;
    return Invalid(field, "第" + Pos(pos) + "位不是半角字母或数字（请勿使用全角字符）",
                   "position " + Pos(pos) + ": not an ASCII letter or digit (full-width?)");
  }
  return Invalid(field, std::string(what_zh) + "应为18位（当前" + std::to_string(n) + "位）",
                 std::string(what_en) + " must be 18 characters (got " + std::to_string(n) + ")");
}

int ParseInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

Result<int> ParseYear(std::string_view s, size_t line, std::string_view column) {
  if (s.size() != 4 || !IsAllDigits(s)) {
    return Invalid({},
                   "行政区划表第" + std::to_string(line) + "行" + std::string(column) + "无效：" +
                       std::string(s),
                   "division list line " + std::to_string(line) + ": bad year in " +
                       std::string(column) + ": " + std::string(s));
  }
  return ParseInt(s);
}

bool ByCode(const Division& d, std::string_view code) { return d.code < code; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// DivisionCodes

Result<DivisionCodes> DivisionCodes::Parse(std::string_view csv) {
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  DivisionCodes out;
  size_t line_no = 0;
  bool header = true;
  while (!csv.empty()) {
    size_t eol = csv.find('\n');
    std::string_view line = csv.substr(0, eol);
    csv.remove_prefix(eol == std::string_view::npos ? csv.size() : eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) continue;
    std::array<std::string_view, 9> col;
    size_t n = 0;
    for (size_t start = 0;;) {
      const size_t comma = line.find(',', start);
      if (n < col.size()) col[n] = line.substr(start, comma - start);
      ++n;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    const std::string where = "行政区划表第" + std::to_string(line_no) + "行";
    const std::string where_en = "division list line " + std::to_string(line_no);
    if (n != 9) {
      return Invalid({}, where + "应有9列（实际" + std::to_string(n) + "列）",
                     where_en + ": expected 9 columns, got " + std::to_string(n));
    }
    Division d;
    if (col[0].size() != 6 || !IsAllDigits(col[0])) {
      return Invalid({}, where + "代码应为6位数字", where_en + ": code must be six digits");
    }
    d.code = std::string(col[0]);
    d.province = std::string(col[1]);
    d.prefecture = std::string(col[2]);
    d.name = std::string(col[3]);
    if (col[4] == "省级") {
      d.level = DivisionLevel::kProvince;
    } else if (col[4] == "地级") {
      d.level = DivisionLevel::kPrefecture;
    } else if (col[4] == "县级") {
      d.level = DivisionLevel::kCounty;
    } else {
      return Invalid({}, where + "级别无效：" + std::string(col[4]),
                     where_en + ": unknown level " + std::string(col[4]));
    }
    if (col[5] == "在用") {
      d.status = DivisionStatus::kInUse;
    } else if (col[5] == "弃用") {
      d.status = DivisionStatus::kRetired;
    } else if (col[5] == "变更") {
      d.status = DivisionStatus::kChanged;
    } else {
      return Invalid({}, where + "状态无效：" + std::string(col[5]),
                     where_en + ": unknown status " + std::string(col[5]));
    }
    Result<int> since = ParseYear(col[6], line_no, "启用时间");
    if (!since) return since.error();
    d.since_year = *since;
    if (!col[7].empty()) {
      Result<int> until = ParseYear(col[7], line_no, "变更/弃用时间");
      if (!until) return until.error();
      d.until_year = *until;
    }
    std::string_view succ = col[8];
    while (!succ.empty()) {
      const size_t semi = succ.find(';');
      std::string_view item = succ.substr(0, semi);
      succ.remove_prefix(semi == std::string_view::npos ? succ.size() : semi + 1);
      DivisionSuccessor s;
      std::string_view code = item.substr(0, 6);
      std::string_view rest = item.size() > 6 ? item.substr(6) : std::string_view();
      bool ok = code.size() == 6 && IsAllDigits(code);
      if (ok && !rest.empty()) {
        ok = rest.size() == 6 && rest.front() == '[' && rest.back() == ']' &&
             IsAllDigits(rest.substr(1, 4));
        if (ok) s.year = ParseInt(rest.substr(1, 4));
      }
      if (!ok) {
        return Invalid({}, where + "新代码无效：" + std::string(item),
                       where_en + ": bad new code " + std::string(item));
      }
      s.code = std::string(code);
      d.successors.push_back(std::move(s));
    }
    out.rows_.push_back(std::move(d));
  }
  if (out.rows_.empty()) {
    return Invalid({}, "行政区划表为空", "division list is empty");
  }
  std::stable_sort(out.rows_.begin(), out.rows_.end(), [](const Division& a, const Division& b) {
    if (a.code != b.code) return a.code < b.code;
    if (a.since_year != b.since_year) return a.since_year < b.since_year;
    return a.until_year < b.until_year;
  });
  return out;
}

const Division* DivisionCodes::Lookup(std::string_view code) const {
  if (code.size() != 6) return nullptr;
  auto it = std::lower_bound(rows_.begin(), rows_.end(), code, ByCode);
  const Division* best = nullptr;
  for (; it != rows_.end() && it->code == code; ++it) {
    if (it->in_use()) return &*it;
    best = &*it;  // rows are sorted oldest first, so the last one is the most recent
  }
  return best;
}

std::vector<const Division*> DivisionCodes::History(std::string_view code) const {
  std::vector<const Division*> out;
  auto it = std::lower_bound(rows_.begin(), rows_.end(), code, ByCode);
  for (; it != rows_.end() && it->code == code; ++it) out.push_back(&*it);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Check characters

std::string NormalizeCode(std::string_view text) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

char CreditCodeCheckChar(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kCreditCharset.find(first17[i]);
    if (v == std::string_view::npos) return '\0';
    sum += static_cast<int>(v) * kCreditWeights[i];
  }
  const int c = 31 - sum % 31;
  return kCreditCharset[c == 31 ? 0 : c];
}

char OrganizationCodeCheckChar(std::string_view first8) {
  if (first8.size() < 8) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char ch = first8[i];
    int v;
    if (IsDigit(ch)) {
      v = ch - '0';
    } else if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A' + 10;
    } else {
      return '\0';
    }
    sum += v * kOrgWeights[i];
  }
  const int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

char IdNumberCheckChar(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kIdWeights[i];
  }
  return kIdCheckChars[sum % 11];
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码

Status ValidateCreditCode(std::string_view code, std::string_view field,
                          const DivisionCodes* divisions) {
  ZHIFA_TRY(CheckLength(code, "统一社会信用代码", "unified social credit code", field));
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (kCreditCharset.find(c) != std::string_view::npos) continue;
    if (c >= 'a' && c <= 'z') {
      return Invalid(field, "第" + Pos(i + 1) + "位字母" + Quote(c) + "应为大写",
                     "position " + Pos(i + 1) + ": letter '" + c + "' must be upper-case");
    }
    return Invalid(
        field, "第" + Pos(i + 1) + "位字符" + Quote(c) + "不在代码字符集中（不使用 I、O、S、V、Z）",
        "position " + Pos(i + 1) + ": character " +
            (static_cast<unsigned char>(c) < 0x80 ? std::string("'") + c + "'" : Quote(c)) +
            " is not allowed (I, O, S, V, Z are not used)");
  }
  // Positions 1–2: 登记管理部门代码, 机构类别代码 (GB 32100-2015 §4.1).
  const auto dept = std::find_if(kDepartments.begin(), kDepartments.end(),
                                 [&](const Department& d) { return d.code == code[0]; });
  if (dept == kDepartments.end()) {
    return Invalid(
        field, "第1位登记管理部门代码“" + std::string(1, code[0]) + "”无效",
        "position 1: unknown registration department code '" + std::string(1, code[0]) + "'");
  }
  if (dept->categories.find(code[1]) == std::string_view::npos) {
    return Invalid(
        field,
        "第2位机构类别代码“" + std::string(1, code[1]) + "”不属于登记管理部门“" +
            std::string(dept->name_zh) + "”（可用：" + std::string(dept->categories) + "）",
        "position 2: category '" + std::string(1, code[1]) +
            "' does not exist for registration department " + std::string(dept->name_en) +
            " (allowed: " + std::string(dept->categories) + ")");
  }
  // Positions 3–8: 登记管理机关行政区划码 (GB/T 2260, as at registration).
  for (size_t i = 2; i < 8; ++i) {
    if (!IsDigit(code[i])) {
      return Invalid(field, "第" + Pos(i + 1) + "位应为数字（行政区划码）",
                     "position " + Pos(i + 1) + ": must be a digit (division code)");
    }
  }
  ZHIFA_TRY(CheckDivision(code.substr(2, 6), 3, /*allow_central=*/true, divisions, field));
  // Position 17: GB 11714 check character of the organisation code (positions 9–17).
  const char org_check = OrganizationCodeCheckChar(code.substr(8, 8));
  if (code[16] != org_check) {
    return Invalid(
        field, std::string("第17位组织机构代码校验码应为 ") + org_check,
        std::string("position 17: organisation code check character should be ") + org_check);
  }
  // Position 18: GB 32100-2015 §4.2 check character.
  const char check = CreditCodeCheckChar(code.substr(0, 17));
  if (code[17] != check) {
    return Invalid(field, std::string("第18位校验码应为 ") + check,
                   std::string("position 18: check character should be ") + check);
  }
  return Ok();
}

// ---------------------------------------------------------------------------------------------
// 公民身份号码

Result<IdNumberInfo> ParseIdNumber(std::string_view id, const Date& today, std::string_view field,
                                   const DivisionCodes* divisions) {
  ZHIFA_TRY(CheckLength(id, "公民身份号码", "citizen identity number", field));
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) {
      return Invalid(field, "第" + Pos(i + 1) + "位应为数字",
                     "position " + Pos(i + 1) + ": must be a digit");
    }
  }
  if (id[17] == 'x') {
    return Invalid(field, "第18位校验码应为大写 X",
                   "position 18: check character must be upper-case X");
  }
  if (!IsDigit(id[17]) && id[17] != 'X') {
    return Invalid(field, "第18位应为数字或 X", "position 18: must be a digit or X");
  }
  IdNumberInfo info;
  info.division = std::string(id.substr(0, 6));
  ZHIFA_TRY(CheckDivision(info.division, 1, /*allow_central=*/false, divisions, field));
  // Positions 7–14: 出生日期码 (GB 11643-1999 §5.2, GB/T 7408 YYYYMMDD).
  const std::string birth(id.substr(6, 8));
  const int y = ParseInt(id.substr(6, 4));
  const int m = ParseInt(id.substr(10, 2));
  const int d = ParseInt(id.substr(12, 2));
  if (!IsValidDate(y, m, d)) {
    const std::string why_zh = (m < 1 || m > 12)
                                   ? "月份无效"
                                   : std::to_string(y) + "年" + std::to_string(m) + "月只有" +
                                         std::to_string(DaysInMonth(y, m)) + "天";
    const std::string why_en = (m < 1 || m > 12)
                                   ? "invalid month"
                                   : "day must be 01.." + std::to_string(DaysInMonth(y, m));
    return Invalid(field, "第7–14位出生日期 " + birth + " 无效：" + why_zh,
                   "positions 7-14: birth date " + birth + " is invalid: " + why_en);
  }
  info.birth_date = Date{y, m, d};
  if (y < 1800) {
    return Invalid(field, "第7–14位出生日期 " + birth + " 早于1800年",
                   "positions 7-14: birth date " + birth + " is before 1800");
  }
  if (today < info.birth_date) {
    return Invalid(
        field, "第7–14位出生日期 " + birth + " 晚于今天（" + FormatDate(today) + "）",
        "positions 7-14: birth date " + birth + " is after today (" + FormatDate(today) + ")");
  }
  // Positions 15–17: 顺序码, odd for men, even for women (§5.3); assigned from 001.
  info.sequence = ParseInt(id.substr(14, 3));
  if (info.sequence == 0) {
    return Invalid(field, "第15–17位顺序码不能为 000",
                   "positions 15-17: sequence code cannot be 000");
  }
  info.male = info.sequence % 2 == 1;
  const char check = IdNumberCheckChar(id.substr(0, 17));
  if (id[17] != check) {
    return Invalid(field, std::string("第18位校验码应为 ") + check,
                   std::string("position 18: check character should be ") + check);
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Masking

namespace {

// Splits `s` into code points (or single bytes when it is not valid UTF-8).
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> out;
  const bool utf8 = IsValidUtf8(s);
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 1;
    if (utf8) {
      while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
    }
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string MaskMiddle(std::string_view s, size_t keep_front, size_t keep_back) {
  const std::vector<std::string_view> chars = Characters(s);
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i < keep_front || i + keep_back >= chars.size()) {
      out += chars[i];
    } else {
      out += '*';
    }
  }
  return out;
}

}  // namespace

std::string MaskIdNumber(std::string_view id) {
  const size_t n = Characters(id).size();
  if (n <= 7) return std::string(n, '*');
  return MaskMiddle(id, 3, 4);
}

std::string MaskPhone(std::string_view phone) {
  const size_t n = Characters(phone).size();
  if (n >= 11) return MaskMiddle(phone, 3, 4);
  if (n >= 7) return MaskMiddle(phone, 0, 4);
  return std::string(n, '*');
}

}  // namespace zhifa::core
