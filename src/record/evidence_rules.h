// zhifa::record evidence rules — pure rules for evidence files (证据材料): the procedure stages a
// file is attached to, the content types the store accepts (identified by their bytes, never by
// a name or a declared type), and the checks on the metadata of an upload. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace zhifa::record {

// The stages of the ordinary procedure an evidence file belongs to. 行政处罚法 第47条 requires
// the whole process — 启动、调查取证、审核、决定、送达、执行 — to be recorded (全过程记录); the
// six stages are that list, in that order.
struct EvidenceStage {
  std::string_view id;  // wire name
  std::string_view zh;
  std::string_view en;
};
const std::vector<EvidenceStage>& EvidenceStages();
const EvidenceStage* FindEvidenceStage(std::string_view id);

// What evidence is attached to. Today an enforcement target: an enterprise by its 统一社会信用代码
// ("enterprise") or any record-log target string such as "unit:1001" ("record"). Issue 5 adds
// case steps ("case_step", target "case:<id>/step:<n>") — one more kind here and in the check.
enum class EvidenceTargetKind { kEnterprise, kRecord };
std::optional<EvidenceTargetKind> ParseEvidenceTargetKind(std::string_view s);
const char* EvidenceTargetKindName(EvidenceTargetKind k);

// Checks a target of that kind; errors name `field`. Enterprise: GB 32100-2015 check
// (core/codes.h). Record: "<kind>:<id>" with kind [a-z_]{1,32} and id 1–128 printable ASCII
// characters without spaces.
core::Status CheckEvidenceTarget(EvidenceTargetKind kind, std::string_view target,
                                 std::string_view field);

// The accepted content types, identified by magic numbers in the first bytes of the file.
// Returns the MIME type, or nullopt when the bytes are not one of: JPEG, PNG, TIFF, HEIC, PDF,
// OFD (GB/T 33190: a ZIP whose entries include OFD.xml), MP4, MOV (QuickTime), M4A, MP3, WAV.
// `head` is the first bytes of the file (kSniffBytes of them, or the whole file if shorter).
inline constexpr size_t kSniffBytes = 4096;
std::optional<std::string> SniffContentType(std::string_view head);
// The allowlist, for documentation and the UI.
const std::vector<std::string>& AcceptedContentTypes();

// Metadata limits (characters). One place; the UI and the API docs repeat them.
inline constexpr size_t kEvidenceTextMax = 200;   // device, location, file name
inline constexpr size_t kEvidenceNoteMax = 1000;  // note
// A capture time may be at most this far in the future of the server clock (device clocks
// drift); later times are refused as impossible. A configurable tolerance would be possible,
// but the law says nothing: this is an input plausibility check only.
inline constexpr int64_t kCapturedAtSkewMicros = 10LL * 60 * 1000000;

// Checks a short free-text field: valid UTF-8, no control characters, at most `max` characters.
core::Status CheckEvidenceText(std::string_view value, size_t max, std::string_view field);

// Checks the capture time (RFC 3339) against `now`; returns it in micros. Field "captured_at".
core::Result<int64_t> CheckCapturedAt(std::string_view text, int64_t now_micros);

// A single byte range of a file of `size` bytes (RFC 9110 §14): "bytes=a-b", "bytes=a-",
// "bytes=-n". nullopt when the header is absent. Errors: kInvalidArgument (field "Range") for a
// malformed or unsatisfiable range, or several ranges (answered 416 by the route).
struct ByteRange {
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
};
core::Result<std::optional<ByteRange>> ParseRange(std::optional<std::string_view> header,
                                                  uint64_t size);

}  // namespace zhifa::record
