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

// The runs of word characters of `text`, each as its characters (UTF-8, ASCII lowercased).
std::vector<std::vector<std::string>> Runs(std::string_view text) {
  std::vector<std::vector<std::string>> runs;
  bool in_run = false;
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const int32_t cp = Next(text, i);
    if (!IsWord(cp)) {
      in_run = false;
      continue;
    }
    std::string cur(text.substr(start, i - start));
    if (cp >= 'A' && cp <= 'Z') cur[0] = static_cast<char>(cp - 'A' + 'a');
    if (!in_run) runs.emplace_back();
    in_run = true;
    runs.back().push_back(std::move(cur));
  }
  return runs;
}

void AddBigrams(std::string_view text, std::vector<std::string>& out) {
  for (const auto& run : Runs(text)) {
    for (size_t k = 1; k < run.size(); ++k) out.push_back(run[k - 1] + run[k]);
  }
}

void AddTerms(std::string_view text, std::vector<std::string>& out) {
  for (const auto& run : Runs(text)) {
    for (size_t k = 0; k < run.size(); ++k) {
      out.push_back(run[k]);
      if (k) out.push_back(run[k - 1] + run[k]);
    }
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
  AddTerms(title, out);
  AddTerms(party_name, out);
  SortUnique(out);
  return out;
}

std::vector<std::string> CaseUnigrams(std::string_view title, std::string_view party_name) {
  std::vector<std::string> out;
  for (const auto text : {title, party_name}) {
    for (auto& run : Runs(text)) {
      for (auto& ch : run) out.push_back(std::move(ch));
    }
  }
  SortUnique(out);
  return out;
}

QueryTerms SearchQueryTerms(std::string_view q) {
  QueryTerms out;
  const auto runs = Runs(q);
  size_t chars = 0;
  for (const auto& run : runs) {
    chars += run.size();
    if (run.size() == 1) out.terms.push_back(run[0]);
    for (size_t k = 1; k < run.size(); ++k) out.terms.push_back(run[k - 1] + run[k]);
  }
  SortUnique(out.terms);
  // One run that is all of q (no separator, no invalid byte), one or two characters, none an
  // ASCII letter (SQLite's LIKE ignores ASCII case, PostgreSQL's does not).
  size_t bytes = 0;
  bool letter = false;
  for (const auto& run : runs) {
    for (const auto& ch : run) {
      bytes += ch.size();
      if (ch.size() == 1 && ch[0] >= 'a' && ch[0] <= 'z') letter = true;
    }
  }
  out.exact = runs.size() == 1 && (chars == 1 || chars == 2) && bytes == q.size() && !letter;
  return out;
}

}  // namespace zhifa::cases
