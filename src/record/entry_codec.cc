#include "record/entry_codec.h"

#include "core/utf8.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutOptional(std::string& out, const std::optional<int64_t>& v) {
  out.push_back(v ? '\x01' : '\x00');
  if (v) PutU64(out, static_cast<uint64_t>(*v));
}

core::Status CheckString(std::string_view s, const char* field, bool allow_empty) {
  if (!allow_empty && s.empty()) {
    return Err(ErrorCode::kInvalidArgument, std::string(field) + " 不能为空",
               std::string(field) + " must not be empty", field);
  }
  if (s.size() > kMaxEntryStringBytes || !core::IsValidUtf8(s) || core::HasControlChars(s)) {
    return Err(
        ErrorCode::kInvalidArgument,
        std::string(field) + " 应为不含控制字符、不超过 1024 字节的 UTF-8 文本",
        std::string(field) + " must be UTF-8 of at most 1024 bytes without control characters",
        field);
  }
  return core::Ok();
}

void PutString(std::string& out, std::string_view s) {
  out.push_back(static_cast<char>((s.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(s.size() & 0xff));
  out.append(s);
}

// Reads the fixed layout; every failure names the byte offset.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  size_t pos() const { return pos_; }
  bool done() const { return pos_ == b_.size(); }

  core::Status Need(size_t n, const char* what) const {
    if (b_.size() - pos_ < n) {
      return Bad("在第 " + std::to_string(pos_) + " 字节处截断（" + what + "）",
                 "truncated at byte " + std::to_string(pos_) + " (" + what + ")");
    }
    return core::Ok();
  }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b_[pos_++]);
    return v;
  }
  std::string_view Bytes(size_t n) {
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }

  core::Result<std::optional<int64_t>> Optional(const char* what) {
    ZHIFA_TRY(Need(1, what));
    const size_t at = pos_;
    const uint8_t flag = U8();
    if (flag == 0) return std::optional<int64_t>();
    if (flag != 1) {
      return Bad("第 " + std::to_string(at) + " 字节的存在标志应为 0 或 1（" + what + "）",
                 "presence byte at " + std::to_string(at) + " must be 0 or 1 (" + what + ")");
    }
    ZHIFA_TRY(Need(8, what));
    return std::optional<int64_t>(static_cast<int64_t>(U64()));
  }

  core::Result<std::string> String(const char* what, bool allow_empty) {
    ZHIFA_TRY(Need(2, what));
    const size_t at = pos_;
    const size_t len = static_cast<size_t>(U8()) << 8 | U8();
    ZHIFA_TRY(Need(len, what));
    std::string s(Bytes(len));
    if (!CheckString(s, what, allow_empty)) {
      return Bad("第 " + std::to_string(at) + " 字节起的 " + what + " 不是合规文本",
                 std::string(what) + " at byte " + std::to_string(at) +
                     " is empty, too long, not UTF-8 or has control characters");
    }
    return s;
  }

  static core::Error Bad(const std::string& zh, const std::string& en) {
    return Err(ErrorCode::kInvalidArgument, "记录条目编码错误：" + zh,
               "malformed record entry: " + en, "entry");
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

}  // namespace

core::Result<std::string> EncodeEntry(const EntryFields& f) {
  std::string out;
  ZHIFA_TRY(EncodeEntryInto(
      EntryView{f.seq, f.at_micros, f.actor_id, f.unit_id, f.kind, f.target, f.payload_hash}, out));
  return out;
}

core::Status EncodeEntryInto(const EntryView& f, std::string& out) {
  ZHIFA_TRY(CheckString(f.kind, "kind", /*allow_empty=*/false));
  ZHIFA_TRY(CheckString(f.target, "target", /*allow_empty=*/true));
  out.clear();
  out.reserve(1 + 8 + 8 + 9 + 9 + 2 + f.kind.size() + 2 + f.target.size() + kHashBytes);
  out.push_back(static_cast<char>(kEntryFormatVersion));
  PutU64(out, f.seq);
  PutU64(out, static_cast<uint64_t>(f.at_micros));  // two's complement, big-endian
  PutOptional(out, f.actor_id);
  PutOptional(out, f.unit_id);
  PutString(out, f.kind);
  PutString(out, f.target);
  out.append(HashBytes(f.payload_hash));
  return core::Ok();
}

core::Result<EntryFields> DecodeEntry(std::string_view bytes) {
  Reader r(bytes);
  EntryFields f;
  ZHIFA_TRY(r.Need(1, "version"));
  if (const uint8_t v = r.U8(); v != kEntryFormatVersion) {
    return Reader::Bad("未知版本 " + std::to_string(v), "unknown version " + std::to_string(v));
  }
  ZHIFA_TRY(r.Need(16, "seq/at"));
  f.seq = r.U64();
  f.at_micros = static_cast<int64_t>(r.U64());
  auto actor = r.Optional("actor_id");
  if (!actor) return actor.error();
  f.actor_id = *actor;
  auto unit = r.Optional("unit_id");
  if (!unit) return unit.error();
  f.unit_id = *unit;
  auto kind = r.String("kind", /*allow_empty=*/false);
  if (!kind) return kind.error();
  f.kind = std::move(*kind);
  auto target = r.String("target", /*allow_empty=*/true);
  if (!target) return target.error();
  f.target = std::move(*target);
  ZHIFA_TRY(r.Need(kHashBytes, "payload_hash"));
  std::string_view h = r.Bytes(kHashBytes);
  std::copy(h.begin(), h.end(), f.payload_hash.begin());
  if (!r.done()) {
    return Reader::Bad("第 " + std::to_string(r.pos()) + " 字节起有多余数据",
                       "trailing bytes from byte " + std::to_string(r.pos()));
  }
  return f;
}

EntryFields MakeEntryFields(const TreeHasher& hasher, uint64_t seq, int64_t at_micros,
                            std::optional<int64_t> actor_id, std::optional<int64_t> unit_id,
                            std::string kind, std::string target, std::string_view payload) {
  EntryFields f;
  f.seq = seq;
  f.at_micros = at_micros;
  f.actor_id = actor_id;
  f.unit_id = unit_id;
  f.kind = std::move(kind);
  f.target = std::move(target);
  f.payload_hash = hasher.Digest(payload);
  return f;
}

}  // namespace zhifa::record
