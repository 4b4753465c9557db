// zhifa::core::JsonReader — reads JSON text in order, without building a document, for hot paths
// that turn a stored JSON object into a struct (the case snapshot every step reads: building a
// nlohmann::json tree cost more than the rule itself, bench/README.md "Cases"). The reader of
// core::JsonWriter's text, and of any other valid JSON.
//
//   JsonReader r(text);
//   if (!r.BeginObject()) …;
//   std::string_view key;
//   while (r.NextKey(key)) {
//     if (key == "n") r.Int(n); else r.Skip();
//   }
//   if (!r.Finish()) … r.error() …;
//
// Every read either consumes one whole value and returns true, or returns false and leaves the
// reader failed (ok() false, error() says where and what); later reads then return false too,
// so a caller may check once at the end. Keys must be plain (no escapes); strings are unescaped,
// \uXXXX included. Nesting deeper than kMaxDepth is refused. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhifa::core {

// Why an escape sequence in a JSON string does not decode.
struct JsonEscapeError {
  const char* zh;
  const char* en;
};
// Decodes the escape sequence whose backslash is at s[i] (\" \\ \/ \b \f \n \r \t \uXXXX,
// surrogate pairs joined): appends it as UTF-8 to `out` and moves i past it. The one decoder of
// the JSON readers here (JsonReader, the holiday files' parser in calendar.cc).
std::optional<JsonEscapeError> DecodeJsonEscape(std::string_view s, size_t& i, std::string& out);

class JsonReader {
 public:
  static constexpr int kMaxDepth = 64;

  explicit JsonReader(std::string_view text) : text_(text) {}

  // Objects: BeginObject(), then NextKey() before each value; NextKey() returns false (and
  // consumes the '}') at the end of the object.
  bool BeginObject();
  bool NextKey(std::string_view& key);
  // Arrays: BeginArray(), then NextElement() before each value; false (and the ']' consumed) at
  // the end of the array.
  bool BeginArray();
  bool NextElement();

  // true and consumed if the next value is null; false (nothing consumed) otherwise.
  bool Null();
  bool String(std::string& out);
  bool Int(int64_t& out);  // an integer that fits in int64_t (no fraction, no exponent)
  bool Bool(bool& out);
  // Any value, returned as its text (e.g. to hand to nlohmann::json::parse).
  bool Raw(std::string_view& out);
  bool Skip() {
    std::string_view unused;
    return Raw(unused);
  }
  // After the top-level value: only whitespace may follow. Returns ok().
  bool Finish();

  bool ok() const { return error_.empty(); }
  // "at byte N: what" once failed; empty while ok.
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string_view what);
  void SkipSpace();
  bool Separator();  // the ',' before a second or later member or element
  bool Open(char c);
  bool Close();  // at the container's last character: consumes it; returns false (the end)
  bool Inside(bool object) const;
  bool RawString(std::string_view& body, bool& escaped);
  bool SkipValue();
  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  uint64_t objects_ = 0;  // bit d: the container at depth d + 1 is an object (else an array)
  bool need_comma_ = false;
  std::string error_;
};

}  // namespace zhifa::core
