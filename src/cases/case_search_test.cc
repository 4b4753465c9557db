// The bigrams of the case search index (case_search.h).
#include "cases/case_search.h"

#include <gtest/gtest.h>

namespace zhifa::cases {
namespace {

using V = std::vector<std::string>;

TEST(SearchBigrams, Chinese) {
  EXPECT_EQ(SearchBigrams("鑫源商贸"), (V{"商贸", "源商", "鑫源"}));
  // Repeated bigrams once.
  EXPECT_EQ(SearchBigrams("哈哈哈"), (V{"哈哈"}));
}

TEST(SearchBigrams, AsciiLowercasedDigitsKept) {
  EXPECT_EQ(SearchBigrams("AbC"), (V{"ab", "bc"}));
  EXPECT_EQ(SearchBigrams("A12"), (V{"12", "a1"}));
}

TEST(SearchBigrams, MixedRunsAcrossScripts) {
  EXPECT_EQ(SearchBigrams("KTV店"), (V{"kt", "tv", "v店"}));
}

TEST(SearchBigrams, PunctuationAndSpacesSeparateRuns) {
  // ASCII space and hyphen, CJK 、 and （）, full-width space: no bigram across them.
  EXPECT_EQ(SearchBigrams("王 伟"), V{});
  EXPECT_EQ(SearchBigrams("ab-cd"), (V{"ab", "cd"}));
  EXPECT_EQ(SearchBigrams("餐饮、食品"), (V{"食品", "餐饮"}));
  EXPECT_EQ(SearchBigrams("（济南）分店"), (V{"分店", "济南"}));
  EXPECT_EQ(SearchBigrams("济南\xE3\x80\x80分店"), (V{"分店", "济南"}));
  // LIKE wildcards are separators too (the list replaces them by spaces).
  EXPECT_EQ(SearchBigrams("a%b_c"), V{});
}

TEST(SearchBigrams, OneCharacterOrNoneHasNoTerms) {
  // The list then falls back to the LIKE scan.
  EXPECT_TRUE(SearchBigrams("王").empty());
  EXPECT_TRUE(SearchBigrams("a").empty());
  EXPECT_TRUE(SearchBigrams("").empty());
  EXPECT_TRUE(SearchBigrams("，。").empty());
}

TEST(SearchBigrams, InvalidUtf8SeparatesRuns) {
  EXPECT_EQ(SearchBigrams("ab\xFF"
                          "cd"),
            (V{"ab", "cd"}));
  EXPECT_EQ(SearchBigrams("\xE9\x91"), V{});  // truncated 鑫
}

TEST(SearchBigrams, QueryBigramsAreInEveryTextContainingIt) {
  const std::string text = "济南鑫源商贸有限公司";
  const auto all = SearchBigrams(text);
  for (const std::string q : {"鑫源", "源商贸", "有限公司", "济南鑫源商贸有限公司"}) {
    for (const auto& t : SearchBigrams(q)) {
      EXPECT_TRUE(std::binary_search(all.begin(), all.end(), t)) << q << ": " << t;
    }
  }
}

TEST(CaseTerms, BigramsAndUnigramsOfTitleAndPartyNameTogether) {
  EXPECT_EQ(CaseTerms("涉嫌无照", "王伟"),
            (V{"伟", "嫌", "嫌无", "无", "无照", "涉", "涉嫌", "照", "王", "王伟"}));
  EXPECT_EQ(CaseTerms("ab", "AB"), (V{"a", "ab", "b"}));
  // Separators are no terms; a lone character is.
  EXPECT_EQ(CaseTerms("（鑫）", "王 伟"), (V{"伟", "王", "鑫"}));
}

TEST(CaseTerms, UnigramsAreTheOneCharacterTerms) {
  EXPECT_EQ(CaseUnigrams("涉嫌无照", "王伟"), (V{"伟", "嫌", "无", "涉", "照", "王"}));
  EXPECT_EQ(CaseUnigrams("A1、", ""), (V{"1", "a"}));
  const auto all = CaseTerms("济南鑫源商贸", "王伟");
  for (const auto& t : CaseUnigrams("济南鑫源商贸", "王伟")) {
    EXPECT_TRUE(std::binary_search(all.begin(), all.end(), t)) << t;
  }
}

TEST(SearchQueryTerms, BigramsOfRunsAndTheUnigramOfALoneCharacter) {
  EXPECT_EQ(SearchQueryTerms("鑫源商贸").terms, (V{"商贸", "源商", "鑫源"}));
  EXPECT_EQ(SearchQueryTerms("王 伟").terms, (V{"伟", "王"}));
  EXPECT_EQ(SearchQueryTerms("王 伟明").terms, (V{"伟明", "王"}));
  EXPECT_TRUE(SearchQueryTerms("，。").terms.empty());
  EXPECT_TRUE(SearchQueryTerms("").terms.empty());
}

TEST(SearchQueryTerms, ExactWhenTheOneTermIsTheWholeQuery) {
  EXPECT_TRUE(SearchQueryTerms("鑫").exact);
  EXPECT_TRUE(SearchQueryTerms("鑫源").exact);
  EXPECT_TRUE(SearchQueryTerms("12").exact);
  EXPECT_FALSE(SearchQueryTerms("鑫源商").exact) << "three characters: two bigrams";
  EXPECT_FALSE(SearchQueryTerms("鑫 ").exact) << "a space LIKE must match too";
  EXPECT_FALSE(SearchQueryTerms("王 伟").exact);
  EXPECT_FALSE(SearchQueryTerms("a").exact) << "ASCII case: LIKE differs per database";
  EXPECT_FALSE(SearchQueryTerms("K1").exact);
  EXPECT_FALSE(SearchQueryTerms("\xE9\x91").exact) << "invalid UTF-8";
  EXPECT_FALSE(SearchQueryTerms("，").exact);
}

TEST(SearchQueryTerms, EveryQueryTermIsATermOfATextContainingIt) {
  const std::string text = "济南鑫源商贸有限公司（分店）";
  const auto all = CaseTerms(text, "");
  for (const std::string q : {"鑫", "鑫源", "源商贸", "有限公司", "（分", "南鑫 商"}) {
    for (const auto& t : SearchQueryTerms(q).terms) {
      EXPECT_TRUE(std::binary_search(all.begin(), all.end(), t)) << q << ": " << t;
    }
  }
}

}  // namespace
}  // namespace zhifa::cases
