#include "officers/officers_rules.h"

#include <algorithm>

#include "catalogue/catalogue_rules.h"
#include "core/utf8.h"

namespace zhifa::officers {

using core::Date;
using core::Err;
using core::ErrorCode;

namespace {

struct StatusInfo {
  OfficerStatus status;
  const char* id;
  const char* zh;
};
constexpr StatusInfo kStatuses[] = {
    {OfficerStatus::kActive, "active", "在岗"},
    {OfficerStatus::kSuspended, "suspended", "暂停执法"},
    {OfficerStatus::kRevoked, "revoked", "已注销执法证"},
    {OfficerStatus::kRetired, "retired", "退休或调离"},
};

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// Decodes one code point at s[i] (s is valid UTF-8); advances i.
char32_t Next(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < n && i + k < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  }
  i += n;
  return cp;
}

// Full-width ASCII (U+FF01..U+FF5E) → ASCII; ASCII letters upper-cased.
char32_t Fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
  if (cp >= 'a' && cp <= 'z') cp -= 'a' - 'A';
  return cp;
}

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsIdeograph(char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }
bool IsBracket(char32_t c) {
  return c == '(' || c == ')' || c == 0x3014 || c == 0x3015;  // ( ) 〔 〕 (（ ） fold to ( ))
}

std::string Describe(char32_t cp) {
  if (cp == ' ') return "空格";
  if (cp < 0x20 || cp == 0x7f) return "控制字符";
  std::string s = "“";
  core::AppendUtf8(s, cp);
  return s + "”";
}
std::string DescribeEn(char32_t cp) {
  if (cp == ' ') return "a space";
  if (cp < 0x20 || cp == 0x7f) return "a control character";
  std::string s = "\"";
  core::AppendUtf8(s, cp);
  return s + "\"";
}

// The shared normalisation of certificate numbers: trims, folds full-width forms and case.
// `allowed` decides each folded character.
core::Result<std::string> Normalise(std::string_view text, std::string_view field,
                                    const char* what_zh, const char* what_en, size_t min_len,
                                    size_t max_len, bool (*allowed)(char32_t)) {
  std::string t = Trim(text);
  if (t.empty()) {
    return Err(ErrorCode::kInvalidArgument, std::string(what_zh) + "不能为空",
               std::string(what_en) + " must not be empty", std::string(field));
  }
  if (!core::IsValidUtf8(t)) {
    return Err(ErrorCode::kInvalidUtf8, std::string(what_zh) + "不是有效的 UTF-8 文本",
               std::string(what_en) + " is not valid UTF-8", std::string(field));
  }
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < t.size();) {
    char32_t cp = Fold(Next(t, i));
    ++n;
    if (!allowed(cp)) {
      return Err(
          ErrorCode::kInvalidArgument,
          std::string(what_zh) + "第 " + std::to_string(n) + " 个字符" + Describe(cp) + "不允许",
          std::string(what_en) + ": character " + std::to_string(n) + " (" + DescribeEn(cp) +
              ") is not allowed",
          std::string(field));
    }
    core::AppendUtf8(out, cp);
  }
  if (n < min_len || n > max_len) {
    return Err(ErrorCode::kInvalidArgument,
               std::string(what_zh) + "应为 " + std::to_string(min_len) + "–" +
                   std::to_string(max_len) + " 个字符（现为 " + std::to_string(n) + " 个）",
               std::string(what_en) + " must be " + std::to_string(min_len) + "–" +
                   std::to_string(max_len) + " characters (got " + std::to_string(n) + ")",
               std::string(field));
  }
  return out;
}

core::Result<std::string> CheckText(std::string_view text, std::string_view field,
                                    const char* what_zh, const char* what_en, size_t max_len) {
  std::string t = Trim(text);
  if (t.empty()) {
    return Err(ErrorCode::kInvalidArgument, std::string(what_zh) + "不能为空",
               std::string(what_en) + " must not be empty", std::string(field));
  }
  if (!core::IsValidUtf8(t)) {
    return Err(ErrorCode::kInvalidUtf8, std::string(what_zh) + "不是有效的 UTF-8 文本",
               std::string(what_en) + " is not valid UTF-8", std::string(field));
  }
  if (core::HasControlChars(t)) {
    return Err(ErrorCode::kInvalidArgument, std::string(what_zh) + "不能包含控制字符（如换行）",
               std::string(what_en) + " must not contain control characters", std::string(field));
  }
  if (core::Utf8Length(t) > max_len) {
    return Err(ErrorCode::kInvalidArgument,
               std::string(what_zh) + "不能超过 " + std::to_string(max_len) + " 个字符",
               std::string(what_en) + " must be at most " + std::to_string(max_len) + " characters",
               std::string(field));
  }
  return t;
}

}  // namespace

std::optional<OfficerStatus> ParseOfficerStatus(std::string_view id) {
  for (const auto& s : kStatuses) {
    if (id == s.id) return s.status;
  }
  return std::nullopt;
}

const char* OfficerStatusId(OfficerStatus s) {
  for (const auto& x : kStatuses) {
    if (x.status == s) return x.id;
  }
  return "active";
}

const char* OfficerStatusZh(OfficerStatus s) {
  for (const auto& x : kStatuses) {
    if (x.status == s) return x.zh;
  }
  return "";
}

core::Status CheckStatusChange(OfficerStatus from, OfficerStatus to, std::string_view field) {
  if (from == to) {
    return Err(ErrorCode::kConflict,
               std::string("执法人员已是「") + OfficerStatusZh(from) + "」状态",
               std::string("the officer is already ") + OfficerStatusId(from), std::string(field));
  }
  bool final_state = from == OfficerStatus::kRevoked || from == OfficerStatus::kRetired;
  if (final_state) {
    return Err(ErrorCode::kConflict,
               std::string("「") + OfficerStatusZh(from) +
                   "」是终止状态，不能再变更；重新从事执法须以新的执法证重新登记",
               std::string("status ") + OfficerStatusId(from) +
                   " is final; a returning officer is registered again with a new credential",
               std::string(field));
  }
  return core::Ok();
}

core::Status CheckOfficerOptions(const OfficerOptions& o) {
  if (o.expiring_days < 0 || o.expiring_days > 3650) {
    return Err(ErrorCode::kInvalidArgument, "officers.expiring_days 应在 0–3650 之间",
               "officers.expiring_days must be 0–3650", "officers.expiring_days");
  }
  if (o.reviewer_ratio_permille < 0 || o.reviewer_ratio_permille > 1000) {
    return Err(ErrorCode::kInvalidArgument,
               "officers.reviewer_ratio_permille 应在 0–1000（千分比）之间",
               "officers.reviewer_ratio_permille must be 0–1000 (per mille)",
               "officers.reviewer_ratio_permille");
  }
  return core::Ok();
}

const char* CredentialStateId(CredentialState s) {
  switch (s) {
    case CredentialState::kValid:
      return "valid";
    case CredentialState::kExpiringSoon:
      return "expiring";
    case CredentialState::kExpired:
      return "expired";
    case CredentialState::kNotYetValid:
      return "not_yet_valid";
    case CredentialState::kInactive:
      return "inactive";
  }
  return "inactive";
}

CredentialState StateOn(OfficerStatus status, Date valid_from, Date valid_to, Date on,
                        int expiring_days) {
  if (status != OfficerStatus::kActive) return CredentialState::kInactive;
  if (on < valid_from) return CredentialState::kNotYetValid;
  if (valid_to < on) return CredentialState::kExpired;
  if (core::DaysFromCivil(valid_to) - core::DaysFromCivil(on) <= expiring_days) {
    return CredentialState::kExpiringSoon;
  }
  return CredentialState::kValid;
}

bool CredentialValidOn(OfficerStatus status, Date valid_from, Date valid_to, Date on) {
  return status == OfficerStatus::kActive && valid_from <= on && on <= valid_to;
}

void Evaluate(OfficerOnDate& o, Date on, int expiring_days) {
  auto s = StateOn(o.status, o.valid_from, o.valid_to, on, expiring_days);
  o.credential_valid = s == CredentialState::kValid || s == CredentialState::kExpiringSoon;
  o.expiring_soon = s == CredentialState::kExpiringSoon;
}

core::Status CheckCredentialValid(const OfficerOnDate& o, Date on, std::string_view field) {
  const std::string who = o.name + "（执法证号 " + o.cert_no + "）";
  const std::string who_en = o.name + " (credential " + o.cert_no + ")";
  const std::string law = "（行政处罚法第42条：行政处罚应当由具有行政执法资格的执法人员实施）";
  const std::string law_en =
      " (Administrative Penalty Law art. 42: only officers qualified for "
      "enforcement may impose penalties)";
  switch (StateOn(o.status, o.valid_from, o.valid_to, on, 0)) {
    case CredentialState::kValid:
    case CredentialState::kExpiringSoon:
      return core::Ok();
    case CredentialState::kExpired:
      return Err(ErrorCode::kConflict,
                 who + "的执法证已于 " + core::FormatDate(o.valid_to) + " 到期" + law,
                 who_en + ": the credential expired on " + core::FormatDate(o.valid_to) + law_en,
                 std::string(field));
    case CredentialState::kNotYetValid:
      return Err(
          ErrorCode::kConflict,
          who + "的执法证自 " + core::FormatDate(o.valid_from) + " 起才有效" + law,
          who_en + ": the credential is valid only from " + core::FormatDate(o.valid_from) + law_en,
          std::string(field));
    case CredentialState::kInactive:
      break;
  }
  return Err(ErrorCode::kConflict, who + "当前状态为「" + OfficerStatusZh(o.status) + "」" + law,
             who_en + ": status is " + OfficerStatusId(o.status) + law_en, std::string(field));
}

core::Result<std::string> NormaliseCertNo(std::string_view text, std::string_view field) {
  auto r = Normalise(text, field, "执法证号", "credential number", 4, 40, [](char32_t c) {
    return IsAsciiDigit(c) || IsAsciiUpper(c) || c == '-' || IsIdeograph(c) || IsBracket(c);
  });
  if (!r) return r;
  int digits = 0;
  for (char c : *r) digits += (c >= '0' && c <= '9') ? 1 : 0;
  if (digits < 3) {
    return Err(ErrorCode::kInvalidArgument, "执法证号应至少包含 3 位数字（证件流水号）",
               "a credential number must contain at least 3 digits (its serial number)",
               std::string(field));
  }
  return r;
}

core::Result<std::string> NormaliseLegalCertNo(std::string_view text, std::string_view field) {
  return Normalise(text, field, "法律职业资格证书编号", "legal qualification certificate number", 6,
                   32, [](char32_t c) { return IsAsciiDigit(c) || IsAsciiUpper(c); });
}

core::Result<std::string> NormaliseName(std::string_view name, std::string_view field) {
  return CheckText(name, field, "姓名", "name", 50);
}

core::Result<std::string> NormaliseIssuingAuthority(std::string_view text, std::string_view field) {
  return CheckText(text, field, "发证机关", "issuing authority", 100);
}

core::Status CheckValidityPeriod(Date valid_from, Date valid_to, std::string_view field) {
  if (valid_from <= valid_to) return core::Ok();
  return Err(ErrorCode::kInvalidArgument,
             "有效期至（" + core::FormatDate(valid_to) + "）不能早于有效期起（" +
                 core::FormatDate(valid_from) + "）",
             "valid_to (" + core::FormatDate(valid_to) + ") is before valid_from (" +
                 core::FormatDate(valid_from) + ")",
             std::string(field));
}

core::Result<std::vector<std::string>> NormaliseDomains(const std::vector<std::string>& domains,
                                                        std::string_view field) {
  if (domains.empty()) {
    return Err(ErrorCode::kInvalidArgument, "至少填写一个执法领域",
               "at least one enforcement domain is required", std::string(field));
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < domains.size(); ++i) {
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    auto id = catalogue::ParseDomain(Trim(domains[i]));
    if (!id) {
      return Err(ErrorCode::kInvalidArgument, "执法领域无效：" + domains[i],
                 "unknown enforcement domain: " + domains[i], f);
    }
    if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
      return Err(ErrorCode::kInvalidArgument,
                 std::string("执法领域重复：") + catalogue::DomainZh(*id),
                 "enforcement domain listed twice: " + *id, f);
    }
    ids.push_back(*id);
  }
  std::vector<std::string> ordered;
  for (const auto& d : catalogue::Domains()) {
    if (std::find(ids.begin(), ids.end(), d.id) != ids.end()) ordered.emplace_back(d.id);
  }
  return ordered;
}

core::Status CheckLegalQualification(bool has, std::string_view legal_cert_no) {
  bool number = !Trim(legal_cert_no).empty();
  if (has && !number) {
    return Err(ErrorCode::kInvalidArgument, "具有法律职业资格的，须填写法律职业资格证书编号",
               "the legal qualification certificate number is required", "legal_cert_no");
  }
  if (!has && number) {
    return Err(ErrorCode::kInvalidArgument, "未勾选具有法律职业资格，不能填写法律职业资格证书编号",
               "a certificate number was given without the legal qualification", "legal_cert_no");
  }
  return core::Ok();
}

std::string DomainsText(const std::vector<std::string>& ids) {
  std::string s = ",";
  for (const auto& d : ids) s += d + ",";
  return ids.empty() ? std::string() : s;
}

std::vector<std::string> DomainsFromText(std::string_view text) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b < text.size()) {
    size_t e = text.find(',', b);
    if (e == std::string_view::npos) e = text.size();
    if (e > b) out.emplace_back(text.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

bool IsFirstTimeReviewer(const OfficerOnDate& o, Date on) {
  return !o.first_review_on || !(*o.first_review_on < on);
}

core::Status CheckReviewerQualified(const std::optional<OfficerOnDate>& reviewer, Date on,
                                    std::string_view field) {
  if (!reviewer) {
    return Err(ErrorCode::kConflict,
               "审核人员未在执法人员名册中登记，无法确认其法律职业资格（行政处罚法第58条第2款："
               "初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业"
               "资格）",
               "the reviewer is not in the officer register, so their legal qualification cannot "
               "be established (Administrative Penalty Law art. 58(2): a first-time legal "
               "reviewer must hold the national legal professional qualification)",
               std::string(field));
  }
  const auto& r = *reviewer;
  if (r.status != OfficerStatus::kActive) {
    return Err(ErrorCode::kConflict,
               r.name + "当前状态为「" + OfficerStatusZh(r.status) + "」，不能从事法制审核",
               r.name + " has status " + OfficerStatusId(r.status) + " and cannot do legal reviews",
               std::string(field));
  }
  if (IsFirstTimeReviewer(r, on) && !r.legal_qualification) {
    return Err(ErrorCode::kConflict,
               r.name +
                   "系初次从事行政处罚决定法制审核，但未登记法律职业资格（行政处罚法第58条第2款："
                   "初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律"
                   "职业资格）",
               r.name +
                   " is a first-time legal reviewer without the legal professional qualification "
                   "(Administrative Penalty Law art. 58(2))",
               std::string(field));
  }
  return core::Ok();
}

ReviewerRatio ComputeReviewerRatio(int64_t reviewers, int64_t officers, int threshold_permille) {
  ReviewerRatio r;
  r.reviewers = reviewers;
  r.officers = officers;
  r.threshold_permille = threshold_permille;
  r.required = (officers * threshold_permille + 999) / 1000;
  if (officers > 0) {
    r.percent = static_cast<double>(reviewers) * 100.0 / static_cast<double>(officers);
  }
  r.meets = reviewers >= r.required;
  return r;
}

}  // namespace zhifa::officers
