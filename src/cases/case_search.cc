#include "cases/case_search.h"

#include <algorithm>
#include <cstdint>

namespace zhifa::cases {

namespace {

// Decodes the code point at s[i] (advancing i); -1 for an invalid or truncated sequence (one
// byte consumed).
int32_t Next(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = 0;
  int32_t cp = 0;
  if (b < 0x80) {
    ++i;
    return b;
  }
  if ((b & 0xE0) == 0xC0) {
    len = 2;
    cp = b & 0x1F;
  } else if ((b & 0xF0) == 0xE0) {
    len = 3;
    cp = b & 0x0F;
  } else if ((b & 0xF8) == 0xF0) {
    len = 4;
    cp = b & 0x07;
  } else {
    ++i;
    return -1;
  }
  if (i + static_cast<size_t>(len) > s.size()) {
    ++i;
    return -1;
  }
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += static_cast<size_t>(len);
  return cp;
}

bool IsWord(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  }
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation (—、…、“”)
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK symbols and punctuation (、。〔〕《》)
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // full-width ！＂＃…／ and （）
  if (cp >= 0xFF1A && cp <= 0xFF20) return false;  // ：；＜＝＞？＠
  if (cp >= 0xFF3B && cp <= 0xFF40) return false;  // ［＼］＾＿｀
  if (cp >= 0xFF5B && cp <= 0xFF65) return false;  // ｛｜｝～ and half-width punctuation
  return true;
}

void AddBigrams(std::string_view text, std::vector<std::string>& out) {
  std::string prev;  // the previous word character (UTF-8), empty after a separator
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const int32_t cp = Next(text, i);
    if (!IsWord(cp)) {
      prev.clear();
      continue;
    }
    std::string cur(text.substr(start, i - start));
    if (cp >= 'A' && cp <= 'Z') cur[0] = static_cast<char>(cp - 'A' + 'a');
    if (!prev.empty()) out.push_back(prev + cur);
    prev = std::move(cur);
  }
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::vector<std::string> SearchBigrams(std::string_view text) {
  std::vector<std::string> out;
  AddBigrams(text, out);
  SortUnique(out);
  return out;
}

std::vector<std::string> CaseTerms(std::string_view title, std::string_view party_name) {
  std::vector<std::string> out;
  AddBigrams(title, out);
  AddBigrams(party_name, out);
  SortUnique(out);
  return out;
}

}  // namespace zhifa::cases
