#include "record/evidence_rules.h"

#include <algorithm>
#include <charconv>

#include "core/codes.h"
#include "core/time.h"
#include "core/utf8.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

const std::vector<EvidenceStage>& EvidenceStages() {
  static const std::vector<EvidenceStage> kStages = {
      {"initiation", "启动", "Initiation"},
      {"investigation", "调查取证", "Investigation and evidence collection"},
      {"review", "审核", "Legal review"},
      {"decision", "决定", "Decision"},
      {"service", "送达", "Service"},
      {"execution", "执行", "Execution"},
  };
  return kStages;
}

const EvidenceStage* FindEvidenceStage(std::string_view id) {
  for (const auto& s : EvidenceStages()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::optional<EvidenceTargetKind> ParseEvidenceTargetKind(std::string_view s) {
  if (s == "enterprise") return EvidenceTargetKind::kEnterprise;
  if (s == "record") return EvidenceTargetKind::kRecord;
  return std::nullopt;
}

const char* EvidenceTargetKindName(EvidenceTargetKind k) {
  return k == EvidenceTargetKind::kEnterprise ? "enterprise" : "record";
}

core::Status CheckEvidenceTarget(EvidenceTargetKind kind, std::string_view target,
                                 std::string_view field) {
  if (kind == EvidenceTargetKind::kEnterprise) return core::ValidateCreditCode(target, field);
  auto colon = target.find(':');
  bool ok = colon != std::string_view::npos && colon >= 1 && colon <= 32 &&
            target.size() - colon - 1 >= 1 && target.size() - colon - 1 <= 128;
  if (ok) {
    for (size_t i = 0; i < colon; ++i) {
      char c = target[i];
      if (!((c >= 'a' && c <= 'z') || c == '_')) ok = false;
    }
    for (size_t i = colon + 1; i < target.size(); ++i) {
      auto c = static_cast<unsigned char>(target[i]);
      if (c <= 0x20 || c >= 0x7f) ok = false;
    }
  }
  if (ok) return core::Ok();
  return Err(ErrorCode::kInvalidArgument,
             "对象应为“类型:编号”，如 unit:1001（类型为小写字母或下划线，编号不含空格）",
             "target must be \"kind:id\" such as unit:1001 (kind: a-z or _, id without spaces)",
             std::string(field));
}

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

uint16_t Le16(std::string_view s, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(s[at]) |
                               (static_cast<unsigned char>(s[at + 1]) << 8));
}

// An OFD file is a ZIP package whose root holds OFD.xml (GB/T 33190-2016 §7.1). Looks through the
// local file headers within `head` for that entry name.
bool IsOfd(std::string_view head) {
  size_t at = 0;
  while (at + 30 <= head.size() && head.substr(at, 4) == std::string_view("PK\x03\x04", 4)) {
    uint16_t name_len = Le16(head, at + 26);
    uint16_t extra_len = Le16(head, at + 28);
    if (at + 30 + name_len > head.size()) return false;
    std::string_view name = head.substr(at + 30, name_len);
    if (name == "OFD.xml") return true;
    uint16_t flags = Le16(head, at + 6);
    if (flags & 0x08) return false;  // sizes follow the data: cannot skip within the head
    uint32_t csize = static_cast<uint32_t>(Le16(head, at + 18)) |
                     (static_cast<uint32_t>(Le16(head, at + 20)) << 16);
    at += 30 + name_len + extra_len + csize;
  }
  return false;
}

}  // namespace

std::optional<std::string> SniffContentType(std::string_view h) {
  if (StartsWith(h, "\xFF\xD8\xFF")) return "image/jpeg";
  if (StartsWith(h, std::string_view("\x89PNG\r\n\x1A\n", 8))) return "image/png";
  if (StartsWith(h, std::string_view("II*\0", 4)) || StartsWith(h, std::string_view("MM\0*", 4))) {
    return "image/tiff";
  }
  if (StartsWith(h, "%PDF-")) return "application/pdf";
  if (StartsWith(h, std::string_view("PK\x03\x04", 4))) {
    if (IsOfd(h)) return "application/ofd";
    return std::nullopt;  // other ZIP packages (office files, archives) are not evidence formats
  }
  if (h.size() >= 12 && h.substr(4, 4) == "ftyp") {
    std::string_view brand = h.substr(8, 4);
    if (brand == "qt  ") return "video/quicktime";
    if (brand == "M4A " || brand == "M4B ") return "audio/mp4";
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1") {
      return "image/heic";
    }
    static const std::string_view kMp4[] = {"isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42",
                                            "avc1", "M4V ", "3gp4", "3gp5", "3g2a", "dash", "MSNV"};
    for (auto b : kMp4) {
      if (brand == b) return "video/mp4";
    }
    return std::nullopt;
  }
  if (h.size() >= 8 &&
      (h.substr(4, 4) == "moov" || h.substr(4, 4) == "mdat" || h.substr(4, 4) == "wide")) {
    return "video/quicktime";  // QuickTime files written before the ftyp atom existed
  }
  if (h.size() >= 12 && StartsWith(h, "RIFF") && h.substr(8, 4) == "WAVE") return "audio/wav";
  if (StartsWith(h, "ID3")) return "audio/mpeg";
  if (h.size() >= 3) {
    auto b0 = static_cast<unsigned char>(h[0]);
    auto b1 = static_cast<unsigned char>(h[1]);
    auto b2 = static_cast<unsigned char>(h[2]);
    // MPEG audio frame sync: 11 set bits, a version other than reserved (01), a layer other than
    // reserved (00), a bitrate index other than 1111 and a sampling rate other than 11.
    if (b0 == 0xFF && (b1 & 0xE0) == 0xE0 && ((b1 >> 3) & 3) != 1 && ((b1 >> 1) & 3) != 0 &&
        (b2 >> 4) != 0xF && ((b2 >> 2) & 3) != 3) {
      return "audio/mpeg";
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& AcceptedContentTypes() {
  static const std::vector<std::string> kTypes = {
      "image/jpeg",      "image/png",       "image/tiff", "image/heic",
      "application/pdf", "application/ofd", "video/mp4",  "video/quicktime",
      "audio/mp4",       "audio/mpeg",      "audio/wav"};
  return kTypes;
}

core::Status CheckEvidenceText(std::string_view value, size_t max, std::string_view field) {
  if (!core::IsValidUtf8(value) || core::HasControlChars(value)) {
    return Err(ErrorCode::kInvalidArgument, "含有无效字符", "contains invalid characters",
               std::string(field));
  }
  if (core::Utf8Length(value) > max) {
    return Err(ErrorCode::kInvalidArgument, "不能超过 " + std::to_string(max) + " 个字符",
               "must be at most " + std::to_string(max) + " characters", std::string(field));
  }
  return core::Ok();
}

core::Result<int64_t> CheckCapturedAt(std::string_view text, int64_t now_micros) {
  auto t = core::ParseRfc3339(text, "captured_at");
  if (!t) return t.error();
  if (*t > now_micros + kCapturedAtSkewMicros) {
    return Err(ErrorCode::kInvalidArgument, "采集时间晚于当前时间", "captured_at is in the future",
               "captured_at");
  }
  return *t;
}

core::Result<std::optional<ByteRange>> ParseRange(std::optional<std::string_view> header,
                                                  uint64_t size) {
  if (!header) return std::optional<ByteRange>();
  auto bad = [](const char* zh, const char* en) {
    return Err(ErrorCode::kInvalidArgument, zh, en, "Range");
  };
  std::string_view h = *header;
  if (!StartsWith(h, "bytes=")) return bad("仅支持 bytes 范围", "only byte ranges are supported");
  h.remove_prefix(6);
  if (h.find(',') != std::string_view::npos) {
    return bad("仅支持单个范围", "only a single range is supported");
  }
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return bad("范围格式错误", "malformed range");
  auto num = [](std::string_view s, uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  std::string_view a = h.substr(0, dash), b = h.substr(dash + 1);
  ByteRange r;
  if (a.empty()) {  // suffix: the last n bytes
    uint64_t n = 0;
    if (!num(b, n) || n == 0 || size == 0) return bad("范围无法满足", "range not satisfiable");
    r.begin = size - std::min(n, size);
    r.end = size;
    return std::optional<ByteRange>(r);
  }
  uint64_t first = 0;
  if (!num(a, first)) return bad("范围格式错误", "malformed range");
  if (first >= size) return bad("范围无法满足", "range not satisfiable");
  uint64_t last = size - 1;
  if (!b.empty()) {
    if (!num(b, last) || last < first) return bad("范围格式错误", "malformed range");
    last = std::min(last, size - 1);
  }
  r.begin = first;
  r.end = last + 1;
  return std::optional<ByteRange>(r);
}

}  // namespace zhifa::record
