#include "core/csv.h"

#include <gtest/gtest.h>

namespace zhifa::core {
namespace {

TEST(Csv, QuotesCommasAndEmbeddedNewlines) {
  auto r = ReadCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"line1\nline2\",,x\n");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ((*r)[1], (std::vector<std::string>{"line1\nline2", "", "x"}));
}

TEST(Csv, BomIsSkippedAndChineseKept) {
  auto r = ReadCsv("\xEF\xBB\xBF序号,事项代码\r\n1,SC-1\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0][0], "序号");
  EXPECT_EQ((*r)[1][1], "SC-1");
}

TEST(Csv, LastLineWithoutNewlineAndBlankLines) {
  auto r = ReadCsv("a,b\n\nc,d");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_TRUE((*r)[1].empty());
  EXPECT_EQ((*r)[2][1], "d");
  EXPECT_EQ(ReadCsv("a\n\n\n")->size(), 1u);
}

TEST(Csv, GbkIsRejectedWithAClearMessage) {
  // "序号,名称" in GBK.
  std::string gbk = "\xD0\xF2\xBA\xC5,\xC3\xFB\xB3\xC6\r\n";
  EXPECT_TRUE(LooksLikeGbk(gbk));
  auto r = ReadCsv(gbk);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "file");
  EXPECT_NE(r.error().message_zh.find("GBK"), std::string::npos);
  EXPECT_NE(r.error().message_en.find("UTF-8"), std::string::npos);
  auto bad = ReadCsv("ok\n\xFF\xFF\xFF");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message_zh.find("第 2 行"), std::string::npos);
}

TEST(Csv, MalformedQuotesNameTheLine) {
  auto open = ReadCsv("a,b\nc,\"never closed\n");
  ASSERT_FALSE(open);
  EXPECT_NE(open.error().message_en.find("line 2"), std::string::npos);
  auto after = ReadCsv("\"x\"y,z\n");
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message_en.find("after a closing quote"), std::string::npos);
}

TEST(Csv, Limits) {
  CsvLimits l;
  l.max_rows = 2;
  EXPECT_FALSE(ReadCsv("a\nb\nc\n", l));
  l.max_columns = 2;
  l.max_rows = 10;
  EXPECT_FALSE(ReadCsv("a,b,c\n", l));
  l.max_bytes = 3;
  EXPECT_FALSE(ReadCsv("abcd", l));
}

TEST(Csv, WriteHasBomCrlfAndRoundTrips) {
  CsvRows rows = {{"序号", "具体标准"},
                  {"1", "处1万元以上，5万元以下罚款"},
                  {"2", "a \"q\"\nb"},
                  {" lead", ""}};
  std::string out = WriteCsv(rows);
  EXPECT_EQ(out.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(out.find("\r\n"), std::string::npos);
  auto back = ReadCsv(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, rows);
}

}  // namespace
}  // namespace zhifa::core
