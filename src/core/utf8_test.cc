#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace zhifa::core {
namespace {

bool V(const std::string& s) { return IsValidUtf8(s); }

TEST(Utf8Test, AcceptsAsciiAndEmpty) {
  EXPECT_TRUE(V(""));
  EXPECT_TRUE(V("hello, world"));
  EXPECT_TRUE(V(std::string("a\0b", 3)));  // NUL is a valid code point
  EXPECT_TRUE(V(std::string(1000, 'x')));
}

TEST(Utf8Test, AcceptsBoundaryCodePoints) {
  EXPECT_TRUE(V("\x7F"));
  EXPECT_TRUE(V("\xC2\x80"));          // U+0080
  EXPECT_TRUE(V("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(V("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(V("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(V("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(V("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(V("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(V("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(V("济南市历下区执法"));
  EXPECT_TRUE(V("😀 emoji after ascii run of text"));
}

TEST(Utf8Test, RejectsOverlongs) {
  EXPECT_FALSE(V("\xC0\x80"));  // overlong NUL
  EXPECT_FALSE(V("\xC1\xBF"));
  EXPECT_FALSE(V("\xE0\x80\x80"));
  EXPECT_FALSE(V("\xE0\x9F\xBF"));  // overlong U+07FF
  EXPECT_FALSE(V("\xF0\x80\x80\x80"));
  EXPECT_FALSE(V("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
}

TEST(Utf8Test, RejectsSurrogates) {
  EXPECT_FALSE(V("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(V("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(V("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
}

TEST(Utf8Test, RejectsAboveMax) {
  EXPECT_FALSE(V("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(V("\xF5\x80\x80\x80"));
  EXPECT_FALSE(V("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(V("\xFF"));
  EXPECT_FALSE(V("\xFE"));
}

TEST(Utf8Test, RejectsTruncatedAndStray) {
  EXPECT_FALSE(V("\x80"));
  EXPECT_FALSE(V("abc\xBF"));
  EXPECT_FALSE(V("\xC2"));
  EXPECT_FALSE(V("\xE4\xB8"));
  EXPECT_FALSE(V("\xF0\x9F\x98"));
  EXPECT_FALSE(V("\xC2\x41"));  // continuation expected
  EXPECT_FALSE(V("\xE4\x41\xAD"));
  EXPECT_FALSE(V("\xE4\xB8\x41"));
  EXPECT_FALSE(V("\xF0\x9F\x41\x80"));
  EXPECT_FALSE(V("\xF0\x9F\x98\x41"));
}

TEST(Utf8Test, FastPathDoesNotSkipInvalidBytes) {
  // Invalid byte at each offset of a long ASCII run (exercises the 8-byte loop and the tail).
  for (size_t n = 0; n < 40; ++n) {
    std::string s(40, 'a');
    s[n] = '\xFF';
    EXPECT_FALSE(V(s)) << n;
    if (n + 3 <= 40) {
      std::string t(40, 'a');
      t.replace(n, 3, "中");
      EXPECT_TRUE(V(t)) << n;
    }
  }
  std::string tail = std::string(16, 'a') + "\xE4\xB8";  // truncated after the fast path
  EXPECT_FALSE(V(tail));
}

TEST(Utf8Test, Length) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("济南"), 2u);
  EXPECT_EQ(Utf8Length("a😀b"), 3u);
  EXPECT_EQ(Utf8Length("\xC2\x80\xF4\x8F\xBF\xBF"), 2u);
}

TEST(HasControlChars, RejectsC0DelAndC1) {
  EXPECT_FALSE(HasControlChars("市市场监管局 Market Bureau-1"));
  EXPECT_TRUE(HasControlChars(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlChars("a\tb"));
  EXPECT_TRUE(HasControlChars("a\nb"));
  EXPECT_TRUE(HasControlChars("a\x7f"));
  EXPECT_TRUE(HasControlChars("a\xc2\x85"));  // U+0085 NEL
  EXPECT_FALSE(HasControlChars("\xc2\xa0"));  // U+00A0 is not a control
}

}  // namespace
}  // namespace zhifa::core

namespace zhifa::core {
namespace {

TEST(AppendUtf8, EncodesEachLengthAtItsBoundaries) {
  struct Row {
    char32_t cp;
    std::string utf8;
  };
  for (const Row& r : {Row{0x00, std::string(1, '\0')}, Row{0x41, "A"}, Row{0x7F, "\x7F"},
                       Row{0x80, "\xC2\x80"}, Row{0x7FF, "\xDF\xBF"}, Row{0x800, "\xE0\xA0\x80"},
                       Row{0x6267, "执"}, Row{0xFFFF, "\xEF\xBF\xBF"},
                       Row{0x10000, "\xF0\x90\x80\x80"}, Row{0x10FFFF, "\xF4\x8F\xBF\xBF"}}) {
    std::string out = "x";
    AppendUtf8(out, r.cp);
    EXPECT_EQ(out, "x" + r.utf8) << static_cast<uint32_t>(r.cp);
    EXPECT_TRUE(IsValidUtf8(out));
    EXPECT_EQ(Utf8Length(out), 2u);
  }
}

}  // namespace
}  // namespace zhifa::core
