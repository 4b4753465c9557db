#include "core/json_reader.h"

#include <charconv>

#include "core/utf8.h"

namespace zhifa::core {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The four hex digits of a \u escape at s[i..i+4), or -1.
int32_t Hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const char c = s[i + k];
    int h = -1;
    if (c >= '0' && c <= '9') h = c - '0';
    if (c >= 'a' && c <= 'f') h = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') h = c - 'A' + 10;
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Unescapes the body of a string literal (between the quotes).
std::optional<JsonEscapeError> Unescape(std::string_view body, std::string& out) {
  out.clear();
  out.reserve(body.size());
  size_t i = 0;
  while (i < body.size()) {
    const size_t plain = body.find('\\', i);
    out.append(body.substr(i, plain == std::string_view::npos ? plain : plain - i));
    if (plain == std::string_view::npos) break;
    i = plain;
    if (auto bad = DecodeJsonEscape(body, i, out)) return bad;
  }
  return std::nullopt;
}

}  // namespace

std::optional<JsonEscapeError> DecodeJsonEscape(std::string_view s, size_t& i, std::string& out) {
  if (i + 1 >= s.size()) return JsonEscapeError{"字符串未结束", "unterminated string"};
  const char e = s[i + 1];
  i += 2;
  switch (e) {
    case '"':
    case '\\':
    case '/':
      out += e;
      return std::nullopt;
    case 'b':
      out += '\b';
      return std::nullopt;
    case 'f':
      out += '\f';
      return std::nullopt;
    case 'n':
      out += '\n';
      return std::nullopt;
    case 'r':
      out += '\r';
      return std::nullopt;
    case 't':
      out += '\t';
      return std::nullopt;
    case 'u':
      break;
    default:
      return JsonEscapeError{"无效的转义", "invalid escape"};
  }
  if (i + 4 > s.size()) return JsonEscapeError{"\\u 转义不完整", "incomplete \\u escape"};
  int32_t cp = Hex4(s, i);
  if (cp < 0) return JsonEscapeError{"\\u 转义无效", "invalid \\u escape"};
  i += 4;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return JsonEscapeError{"代理对无效", "invalid surrogate"};
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (s.substr(i, 2) != "\\u") return JsonEscapeError{"代理对不完整", "lone surrogate"};
    if (i + 6 > s.size()) return JsonEscapeError{"\\u 转义不完整", "incomplete \\u escape"};
    const int32_t low = Hex4(s, i + 2);
    if (low < 0) return JsonEscapeError{"\\u 转义无效", "invalid \\u escape"};
    if (low < 0xDC00 || low > 0xDFFF) return JsonEscapeError{"代理对无效", "invalid surrogate"};
    i += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  AppendUtf8(out, static_cast<char32_t>(cp));
  return std::nullopt;
}

bool JsonReader::Fail(std::string_view what) {
  if (ok()) {
    error_ = "at byte " + std::to_string(pos_) + ": ";
    error_ += what;
  }
  return false;
}

void JsonReader::SkipSpace() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

bool JsonReader::Inside(bool object) const {
  return depth_ > 0 && (((objects_ >> (depth_ - 1)) & 1) != 0) == object;
}

bool JsonReader::Open(char c) {
  if (!ok()) return false;
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != c) {
    return Fail(c == '{' ? "expected an object" : "expected an array");
  }
  if (depth_ >= kMaxDepth) return Fail("nested too deeply");
  const uint64_t bit = uint64_t{1} << depth_;
  objects_ = c == '{' ? (objects_ | bit) : (objects_ & ~bit);
  ++depth_;
  ++pos_;
  need_comma_ = false;
  return true;
}

bool JsonReader::Close() {
  ++pos_;
  --depth_;
  need_comma_ = true;
  return false;
}

bool JsonReader::Separator() {
  if (!need_comma_) return true;
  if (pos_ >= text_.size() || text_[pos_] != ',') return Fail("expected ',' or the end");
  ++pos_;
  SkipSpace();
  need_comma_ = false;
  return true;
}

bool JsonReader::BeginObject() { return Open('{'); }
bool JsonReader::BeginArray() { return Open('['); }

bool JsonReader::NextKey(std::string_view& key) {
  if (!ok()) return false;
  if (!Inside(true)) return Fail("not inside an object");
  SkipSpace();
  if (pos_ < text_.size() && text_[pos_] == '}') return Close();
  if (!Separator()) return false;
  if (pos_ >= text_.size() || text_[pos_] != '"') return Fail("expected a key");
  bool escaped = false;
  if (!RawString(key, escaped)) return false;
  if (escaped) return Fail("escaped characters in a key");
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != ':') return Fail("expected ':'");
  ++pos_;
  need_comma_ = false;
  return true;
}

bool JsonReader::NextElement() {
  if (!ok()) return false;
  if (!Inside(false)) return Fail("not inside an array");
  SkipSpace();
  if (pos_ < text_.size() && text_[pos_] == ']') return Close();
  return Separator();
}

bool JsonReader::RawString(std::string_view& body, bool& escaped) {
  // At the opening quote.
  const size_t start = ++pos_;
  escaped = false;
  while (pos_ < text_.size()) {
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      body = text_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      pos_ += 2;
      continue;
    }
    if (c < 0x20) return Fail("control character in a string");
    ++pos_;
  }
  return Fail("unterminated string");
}

bool JsonReader::Null() {
  if (!ok()) return false;
  SkipSpace();
  if (text_.substr(pos_, 4) != "null") return false;
  pos_ += 4;
  need_comma_ = true;
  return true;
}

bool JsonReader::Bool(bool& out) {
  if (!ok()) return false;
  SkipSpace();
  if (text_.substr(pos_, 4) == "true") {
    out = true;
    pos_ += 4;
  } else if (text_.substr(pos_, 5) == "false") {
    out = false;
    pos_ += 5;
  } else {
    return Fail("expected true or false");
  }
  need_comma_ = true;
  return true;
}

bool JsonReader::Int(int64_t& out) {
  if (!ok()) return false;
  SkipSpace();
  const size_t start = pos_;
  size_t i = pos_;
  if (i < text_.size() && text_[i] == '-') ++i;
  const size_t digits = i;
  while (i < text_.size() && IsDigit(text_[i])) ++i;
  if (i == digits) return Fail("expected an integer");
  if (text_[digits] == '0' && i - digits > 1) return Fail("leading zero in a number");
  if (i < text_.size() && (text_[i] == '.' || text_[i] == 'e' || text_[i] == 'E')) {
    return Fail("expected an integer");
  }
  auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + i, out);
  if (ec != std::errc() || end != text_.data() + i) return Fail("integer out of range");
  pos_ = i;
  need_comma_ = true;
  return true;
}

bool JsonReader::String(std::string& out) {
  if (!ok()) return false;
  SkipSpace();
  if (pos_ >= text_.size() || text_[pos_] != '"') return Fail("expected a string");
  std::string_view body;
  bool escaped = false;
  if (!RawString(body, escaped)) return false;
  if (!escaped) {
    out.assign(body);
  } else if (auto bad = Unescape(body, out)) {
    return Fail(bad->en);
  }
  need_comma_ = true;
  return true;
}

bool JsonReader::SkipValue() {
  SkipSpace();
  if (pos_ >= text_.size()) return Fail("expected a value");
  const char c = text_[pos_];
  std::string_view key;
  switch (c) {
    case '{':
      if (!Open('{')) return false;
      while (NextKey(key)) {
        if (!SkipValue()) return false;
      }
      return ok();
    case '[':
      if (!Open('[')) return false;
      while (NextElement()) {
        if (!SkipValue()) return false;
      }
      return ok();
    case '"': {
      bool escaped = false;
      if (!RawString(key, escaped)) return false;
      if (escaped) {
        std::string unused;
        if (auto bad = Unescape(key, unused)) return Fail(bad->en);
      }
      need_comma_ = true;
      return true;
    }
    case 't':
    case 'f': {
      bool unused = false;
      return Bool(unused);
    }
    case 'n':
      return Null() || Fail("expected a value");
    default:
      break;
  }
  // A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  size_t i = pos_;
  if (text_[i] == '-') ++i;
  const size_t digits = i;
  while (i < text_.size() && IsDigit(text_[i])) ++i;
  if (i == digits) return Fail("expected a value");
  if (text_[digits] == '0' && i - digits > 1) return Fail("leading zero in a number");
  if (i < text_.size() && text_[i] == '.') {
    const size_t f = ++i;
    while (i < text_.size() && IsDigit(text_[i])) ++i;
    if (i == f) return Fail("expected digits after '.'");
  }
  if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
    ++i;
    if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
    const size_t e = i;
    while (i < text_.size() && IsDigit(text_[i])) ++i;
    if (i == e) return Fail("expected digits in the exponent");
  }
  pos_ = i;
  need_comma_ = true;
  return true;
}

bool JsonReader::Raw(std::string_view& out) {
  if (!ok()) return false;
  SkipSpace();
  const size_t start = pos_;
  if (!SkipValue()) return false;
  out = text_.substr(start, pos_ - start);
  return true;
}

bool JsonReader::Finish() {
  if (!ok()) return false;
  if (depth_ != 0) return Fail("unexpected end of the text");
  SkipSpace();
  if (pos_ != text_.size()) return Fail("unexpected text after the value");
  return true;
}

}  // namespace zhifa::core
