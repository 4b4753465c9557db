#include "core/utf8.h"

#include <cstdint>
#include <cstring>

namespace zhifa::core {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  while (p < end) {
    // ASCII fast path: 8 bytes at a time while none has the high bit set.
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if ((word & 0x8080808080808080ULL) != 0) break;
      p += 8;
    }
    if (p >= end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    if (c < 0xC2) return false;  // continuation byte or overlong 2-byte lead (C0, C1)
    if (c < 0xE0) {              // U+0080..U+07FF
      if (end - p < 2 || (p[1] & 0xC0) != 0x80) return false;
      p += 2;
      continue;
    }
    if (c < 0xF0) {  // U+0800..U+FFFF without surrogates
      if (end - p < 3) return false;
      const unsigned char c1 = p[1];
      if (c == 0xE0   ? (c1 < 0xA0 || c1 > 0xBF)  // overlong
          : c == 0xED ? (c1 < 0x80 || c1 > 0x9F)  // surrogates
                      : (c1 & 0xC0) != 0x80) {
        return false;
      }
      if ((p[2] & 0xC0) != 0x80) return false;
      p += 3;
      continue;
    }
    if (c < 0xF5) {  // U+10000..U+10FFFF
      if (end - p < 4) return false;
      const unsigned char c1 = p[1];
      if (c == 0xF0   ? (c1 < 0x90 || c1 > 0xBF)  // overlong
          : c == 0xF4 ? (c1 < 0x80 || c1 > 0x8F)  // > U+10FFFF
                      : (c1 & 0xC0) != 0x80) {
        return false;
      }
      if ((p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return false;
      p += 4;
      continue;
    }
    return false;  // F5..FF never appear in UTF-8
  }
  return true;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool HasControlChars(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size()) {
      auto n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x80 && n <= 0x9f) return true;
    }
  }
  return false;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace zhifa::core
