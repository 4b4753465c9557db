#include "core/xlsx.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <random>

namespace zhifa::core {
namespace {

// Builds a zip from (name, content) pairs — for hand-made workbooks.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  for (const auto& [name, data] : parts) {
    zip_source_t* s = zip_source_buffer(z, data.data(), data.size(), 0);
    zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
  }
  zip_source_keep(src);
  zip_close(z);
  zip_source_open(src);
  zip_stat_t st;
  zip_stat_init(&st);
  zip_source_stat(src, &st);
  std::string out(st.size, '\0');
  zip_source_read(src, out.data(), st.size);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

const char* kNs =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

std::string HandMade(const std::string& sheet_data, const std::string& sst = "",
                     const std::string& styles = "") {
  std::vector<std::pair<std::string, std::string>> parts = {
      {"xl/workbook.xml", std::string("<workbook ") + kNs +
                              "><sheets><sheet name=\"表一\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"x\" Target=\"/xl/worksheets/s1.xml\"/></Relationships>"},
      {"xl/worksheets/s1.xml",
       std::string("<worksheet ") + kNs + "><sheetData>" + sheet_data + "</sheetData></worksheet>"},
  };
  if (!sst.empty()) parts.push_back({"xl/sharedStrings.xml", sst});
  if (!styles.empty()) parts.push_back({"xl/styles.xml", styles});
  return Zip(parts);
}

TEST(Xlsx, WriteThenReadSeveralSheetsAndTypes) {
  XlsxOutSheet a;
  a.name = "裁量基准";
  a.rows = {{std::string("序号"), std::string("名称"), std::string("金额"), std::string("日期"),
             std::string("是否")},
            {1.0, std::string("处1万元以上5万元以下罚款"), 12.5, Date{2024, 2, 29}, true},
            {2.0, std::monostate{}, -3.0, Date{1900, 3, 1}, false},
            {},
            {std::monostate{}, std::string("第五行 & <特殊> \"字符\"\n换行 _x0041_")}};
  XlsxOutSheet b = TextSheet("执法事项", {{"事项代码"}, {"SC-001"}});
  auto bytes = WriteXlsx({a, b});
  ASSERT_TRUE(bytes) << bytes.error().message_en;
  auto sheets = ReadXlsx(*bytes);
  ASSERT_TRUE(sheets) << sheets.error().message_zh;
  ASSERT_EQ(sheets->size(), 2u);
  EXPECT_EQ((*sheets)[0].name, "裁量基准");
  EXPECT_EQ((*sheets)[1].name, "执法事项");
  auto t = (*sheets)[0].TextRows();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0][0], "序号");
  EXPECT_EQ(t[1][0], "1");
  EXPECT_EQ(t[1][2], "12.5");
  EXPECT_EQ(t[1][3], "2024-02-29");
  EXPECT_EQ(t[1][4], "TRUE");
  EXPECT_EQ(t[2][1], "");
  EXPECT_EQ(t[2][2], "-3");
  EXPECT_EQ(t[2][3], "1900-03-01");
  EXPECT_TRUE(std::all_of(t[3].begin(), t[3].end(), [](auto& s) { return s.empty(); }));
  EXPECT_EQ(t[4][1], "第五行 & <特殊> \"字符\"\n换行 _x0041_");
  const auto& d = (*sheets)[0].rows[1][3];
  EXPECT_TRUE(d.date_format);
  EXPECT_EQ(d.AsDate(), (Date{2024, 2, 29}));
  EXPECT_EQ((*sheets)[1].TextRows()[1][0], "SC-001");
}

TEST(Xlsx, ExcelSerialDates) {
  EXPECT_EQ(DateFromExcelSerial(1), (Date{1900, 1, 1}));
  EXPECT_EQ(DateFromExcelSerial(59), (Date{1900, 2, 28}));
  EXPECT_FALSE(DateFromExcelSerial(60));  // the phantom 1900-02-29
  EXPECT_EQ(DateFromExcelSerial(61), (Date{1900, 3, 1}));
  EXPECT_EQ(DateFromExcelSerial(45658), (Date{2025, 1, 1}));
  EXPECT_EQ(DateFromExcelSerial(45658.75), (Date{2025, 1, 1}));
  EXPECT_EQ(ExcelSerialFromDate(Date{2025, 1, 1}), 45658);
  EXPECT_FALSE(DateFromExcelSerial(-1));
}

TEST(Xlsx, SharedInlineRichTextGapsBooleansErrorsAndCustomDateFormats) {
  std::string sst =
      std::string("<sst ") + kNs +
      "><si><t>普通</t></si><si><r><rPr><b/></rPr><t>处1万元</t></r><r><t xml:space=\"preserve\">"
      " 以上</t></r><rPh><t>ふりがな</t></rPh></si></sst>";
  std::string styles = std::string("<styleSheet ") + kNs +
                       "><numFmts count=\"1\"><numFmt numFmtId=\"164\" "
                       "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
                       "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
                       "<xf numFmtId=\"4\"/></cellXfs></styleSheet>";
  std::string data =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>内联</t></is></c>"
      "<c r=\"C3\" s=\"1\"><v>45292</v></c><c r=\"D3\" s=\"2\"><v>45292</v></c>"
      "<c r=\"E3\" t=\"b\"><v>1</v></c><c r=\"F3\" t=\"e\"><v>#DIV/0!</v></c>"
      "<c r=\"G3\" t=\"str\"><f>A1</f><v>公式结果</v></c><c r=\"H3\"/></row>"
      "<row><c><v>7</v></c></row>";
  auto sheets = ReadXlsx(HandMade(data, sst, styles));
  ASSERT_TRUE(sheets) << sheets.error().message_zh;
  auto t = (*sheets)[0].TextRows();
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0][0], "普通");
  EXPECT_EQ(t[0][1], "");
  EXPECT_EQ(t[0][2], "处1万元 以上");
  EXPECT_TRUE(std::all_of(t[1].begin(), t[1].end(), [](auto& s) { return s.empty(); }));
  EXPECT_EQ(t[2][1], "内联");
  EXPECT_EQ(t[2][2], "2024-01-01");
  EXPECT_EQ(t[2][3], "45292");  // number format #,##0.00 is not a date
  EXPECT_EQ(t[2][4], "TRUE");
  EXPECT_EQ(t[2][5], "#DIV/0!");
  EXPECT_EQ(t[2][6], "公式结果");
  EXPECT_EQ(t[3][0], "7");  // a row without r follows the previous one
  EXPECT_EQ((*sheets)[0].rows[2][3].AsDate(), (Date{2024, 1, 1}));
}

TEST(Xlsx, ClearErrorsForWrongFiles) {
  auto e1 = ReadXlsx("hello, not a workbook");
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().field, "file");
  auto e2 = ReadXlsx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0'));
  ASSERT_FALSE(e2);
  EXPECT_NE(e2.error().message_zh.find(".xls"), std::string::npos);
  auto e3 = ReadXlsx(Zip({{"a.txt", "x"}}));
  ASSERT_FALSE(e3);
  EXPECT_NE(e3.error().message_en.find("xl/workbook.xml"), std::string::npos);
  auto e4 = ReadXlsx(HandMade("<row><c r=\"A1\"><v>1</v></c></row><row"));
  ASSERT_FALSE(e4);
  EXPECT_NE(e4.error().message_en.find("not valid XML"), std::string::npos);
  auto e5 = ReadXlsx(HandMade("<row><c r=\"A1\" t=\"s\"><v>5</v></c></row>"));
  ASSERT_FALSE(e5);  // shared string index out of range
  auto e6 = ReadXlsx(HandMade("<row><c r=\"1A\"><v>1</v></c></row>"));
  ASSERT_FALSE(e6);
  XlsxLimits small;
  small.max_cells = 2;
  EXPECT_FALSE(
      ReadXlsx(HandMade("<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"), small));
  // A part that inflates past the limit (a zip bomb in miniature).
  XlsxLimits tiny;
  tiny.max_part_bytes = 1000;
  auto bomb = ReadXlsx(HandMade("<row>" + std::string(100000, ' ') + "</row>"), tiny);
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message_en.find("uncompressed"), std::string::npos);
}

TEST(Xlsx, WriteRejectsBadSheetNames) {
  EXPECT_FALSE(WriteXlsx({}));
  EXPECT_FALSE(WriteXlsx({TextSheet("a/b", {})}));
  EXPECT_FALSE(WriteXlsx({TextSheet("同名", {}), TextSheet("同名", {})}));
  EXPECT_FALSE(WriteXlsx(
      {TextSheet("这是一个超过三十一个字符的工作表名称这是一个超过三十一个字符的名称", {})}));
  EXPECT_FALSE(WriteXlsx({TextSheet("ok", {{"\xFF"}})}));
}

// Robustness: every truncation and many random corruptions of a valid workbook give an error or
// a result, never a crash (run under the sanitizer preset for the full effect).
TEST(Xlsx, TruncatedAndCorruptedInputNeverCrashes) {
  auto good = WriteXlsx({TextSheet("表", {{"序号", "名称"}, {"1", "处五千元以下罚款"}})});
  ASSERT_TRUE(good);
  const std::string& g = *good;
  for (size_t n = 0; n < g.size(); n += std::max<size_t>(1, g.size() / 300)) {
    auto r = ReadXlsx(std::string_view(g).substr(0, n));
    EXPECT_FALSE(r) << "truncated at " << n;
  }
  std::mt19937 rng(20261127);
  int errors = 0;
  for (int i = 0; i < 400; ++i) {
    std::string bad = g;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < flips; ++k) bad[rng() % bad.size()] = static_cast<char>(rng() & 0xFF);
    auto r = ReadXlsx(bad);
    if (!r) {
      ++errors;
      EXPECT_EQ(r.error().field, "file");
    }
  }
  EXPECT_GT(errors, 0);
  for (int i = 0; i < 50; ++i) {
    std::string noise(1 + rng() % 4096, '\0');
    for (auto& c : noise) c = static_cast<char>(rng() & 0xFF);
    if (i % 2) noise.replace(0, 2, "PK");
    EXPECT_FALSE(ReadXlsx(noise));
  }
}

}  // namespace
}  // namespace zhifa::core
