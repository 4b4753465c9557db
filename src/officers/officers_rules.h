// zhifa::officers rules — pure functions over the officer register (执法人员名册): the
// credential (执法证) number format, the validity period, credential state on a date (valid,
// expiring soon, expired, not yet valid, inactive), the status changes an officer's record may go
// through, the legal-qualification gate of a first-time legal reviewer (行政处罚法 第58条第2款)
// and the ratio of legal reviewers to officers (action plan item 34). No I/O; thread-safe.
//
// Links only zhifa_core and zhifa_catalogue_rules (whose key-domain codes 执法领域 uses).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace zhifa::officers {

// ---- Status --------------------------------------------------------------------------------

// The status of an officer's record. active: may enforce while the credential is in its validity
// period; suspended (暂停执法资格): temporarily not; revoked (注销/吊销执法证) and retired
// (退休、调离) are final — a person who returns is registered again under a new credential.
enum class OfficerStatus { kActive, kSuspended, kRevoked, kRetired };

std::optional<OfficerStatus> ParseOfficerStatus(std::string_view id);
const char* OfficerStatusId(OfficerStatus s);
const char* OfficerStatusZh(OfficerStatus s);

// Allowed changes: active → suspended | revoked | retired; suspended → active | revoked |
// retired; revoked and retired are final. The same status again is refused (nothing to change).
// Errors: kConflict naming `field`.
core::Status CheckStatusChange(OfficerStatus from, OfficerStatus to,
                               std::string_view field = "status");

// ---- The officer on a date -------------------------------------------------------------------

// What other areas (cases, inspections) read about an officer on a given date.
struct OfficerOnDate {
  int64_t id = 0;
  int64_t user_id = 0;  // the zhifa account of this person, 0 if none
  int64_t unit_id = 0;  // the unit (department/unit in the org tree) the officer belongs to
  std::string name;
  std::string cert_no;  // 执法证号
  core::Date valid_from, valid_to;
  std::vector<std::string> domains;  // 执法领域 (the catalogue's domain codes)
  OfficerStatus status = OfficerStatus::kActive;
  bool credential_valid = false;     // status active and valid_from <= on <= valid_to
  bool expiring_soon = false;        // valid, but valid_to within the configured warning window
  bool legal_qualification = false;  // holds 法律职业资格 (行政处罚法 第58条第2款)
  // The day of the first legal review this person did (set by OfficerService::RecordReview);
  // absent when none is recorded.
  std::optional<core::Date> first_review_on;
};

// Configuration ([officers] in the TOML file).
struct OfficerOptions {
  // A valid credential is "expiring soon" when valid_to − on ≤ expiring_days (calendar days).
  // Not fixed by law; default 30 days.
  int expiring_days = 30;
  // The least share of legal reviewers among officers, in per mille: action plan item 34
  // "原则上负责法制审核的人员不少于本单位执法人员总数的5%" → 50 ‰.
  int reviewer_ratio_permille = 50;
};

// expiring_days 0..3650 (field "officers.expiring_days"), reviewer_ratio_permille 0..1000
// (field "officers.reviewer_ratio_permille"). Error kInvalidArgument.
core::Status CheckOfficerOptions(const OfficerOptions& o);

enum class CredentialState {
  kValid,         // active and on lies in [valid_from, valid_to], not expiring soon
  kExpiringSoon,  // valid, and valid_to − on ≤ the warning window
  kExpired,       // active, on > valid_to
  kNotYetValid,   // active, on < valid_from
  kInactive,      // status is not active (suspended, revoked, retired)
};
const char* CredentialStateId(CredentialState s);

// The credential's state on `on`. expiring_days as in OfficerOptions.
CredentialState StateOn(OfficerStatus status, core::Date valid_from, core::Date valid_to,
                        core::Date on, int expiring_days);
// status active and valid_from <= on <= valid_to.
bool CredentialValidOn(OfficerStatus status, core::Date valid_from, core::Date valid_to,
                       core::Date on);

// Fills credential_valid and expiring_soon of `o` for date `on` from its status and period.
void Evaluate(OfficerOnDate& o, core::Date on, int expiring_days);

// An officer may be assigned to an investigation step on `on` only with a valid credential
// (行政处罚法 第42条: 行政处罚应当由具有行政执法资格的执法人员实施; 第55条: 出示执法证件).
// Error kConflict naming `field`, saying why (expired on …, not valid before …, suspended …).
core::Status CheckCredentialValid(const OfficerOnDate& o, core::Date on, std::string_view field);

// ---- Validation of a record --------------------------------------------------------------

// 执法证号. Formats differ by province (e.g. "37010219001", "鲁01-2019-0123",
// "鲁济执字第0123号", "JN2019000123"), so the check is permissive but bounded. Accepted after
// normalisation — surrounding spaces trimmed, full-width ASCII forms (U+FF01–U+FF5E: ０-９ Ａ-Ｚ
// ａ-ｚ － （ ）) turned into ASCII, ASCII letters upper-cased, so one number has one spelling:
// 4–40 characters, each an ASCII digit, an ASCII letter, '-', a CJK unified ideograph
// (U+4E00–U+9FFF: the province abbreviation and words such as 执/字/第/号), or one of the
// brackets ( ) 〔 〕; at least 3 digits (a credential
// number is a serial). No spaces or other punctuation inside. Returns the normalised number.
// Errors kInvalidArgument naming `field` and the first offending character by position.
core::Result<std::string> NormaliseCertNo(std::string_view text,
                                          std::string_view field = "cert_no");

// 法律职业资格证书编号: normalised like NormaliseCertNo; 6–32 ASCII letters and digits (the
// national certificate numbers are a letter and digits, e.g. "A20183701020123").
core::Result<std::string> NormaliseLegalCertNo(std::string_view text,
                                               std::string_view field = "legal_cert_no");

// A person's name: 1–50 characters after trimming, valid UTF-8, no control characters.
// Returns the trimmed name.
core::Result<std::string> NormaliseName(std::string_view name, std::string_view field = "name");
// 发证机关: 1–100 characters after trimming, valid UTF-8, no control characters. Returns the
// trimmed text.
core::Result<std::string> NormaliseIssuingAuthority(std::string_view text,
                                                    std::string_view field = "issuing_authority");
// valid_from ≤ valid_to (field `field`, default "valid_to").
core::Status CheckValidityPeriod(core::Date valid_from, core::Date valid_to,
                                 std::string_view field = "valid_to");
// 执法领域: at least one; each the id or Chinese name of a catalogue key domain (field
// "domains[i]"); no domain twice. Returns the ids in the catalogue's order.
core::Result<std::vector<std::string>> NormaliseDomains(const std::vector<std::string>& domains,
                                                        std::string_view field = "domains");
// The qualification and its certificate number go together: with the qualification a number is
// required (field "legal_cert_no"); without it none may be given.
core::Status CheckLegalQualification(bool has, std::string_view legal_cert_no);

// Domains stored as text: ",a,b," (so a LIKE '%,a,%' filter needs no join); and back.
std::string DomainsText(const std::vector<std::string>& ids);
std::vector<std::string> DomainsFromText(std::string_view text);

// ---- Legal review (法制审核) ----------------------------------------------------------------

// "First-time" (初次从事行政处罚决定法制审核, 行政处罚法 第58条第2款): the person has no legal
// review recorded strictly before `on` — first_review_on is absent or is `on` or later. A review
// on the same day as the first one is therefore still a first-time review (the strict reading:
// the law asks for the qualification of whoever has not yet done the work).
bool IsFirstTimeReviewer(const OfficerOnDate& o, core::Date on);

// Whether `reviewer` may do a legal review on `on`: they must be in the register (nullopt → the
// qualification cannot be established), their record must be active (not suspended, revoked or
// retired), and a first-time reviewer must hold 法律职业资格 (行政处罚法 第58条第2款). The 执法证
// itself is not required of a reviewer. Errors: kConflict naming `field` and the article.
core::Status CheckReviewerQualified(const std::optional<OfficerOnDate>& reviewer, core::Date on,
                                    std::string_view field = "reviewer");

// ---- Legal-reviewer ratio (action plan item 34) -----------------------------------------------

struct ReviewerRatio {
  int64_t reviewers = 0;          // legal reviewers of the department
  int64_t officers = 0;           // officers with a valid credential
  int64_t required = 0;           // least number of reviewers: ceil(officers × threshold / 1000)
  int threshold_permille = 0;     // the configured threshold
  std::optional<double> percent;  // reviewers / officers × 100, absent when there are no officers
  bool meets = false;             // reviewers ≥ required
};

// Action plan item 34: "原则上负责法制审核的人员不少于本单位执法人员总数的5%". With no officer the
// requirement is 0 and is met. Integer arithmetic: required = ceil(officers × permille / 1000).
ReviewerRatio ComputeReviewerRatio(int64_t reviewers, int64_t officers, int threshold_permille);

}  // namespace zhifa::officers
