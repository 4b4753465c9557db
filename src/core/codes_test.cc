#include "core/codes.h"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "core/embedded.h"

namespace zhifa::embed {
std::span<const core::EmbeddedFile> core_test_data();  // data/areacodes.csv, see CMakeLists.txt
}  // namespace zhifa::embed

namespace zhifa::core {
namespace {

const DivisionCodes& Divisions() {
  static const DivisionCodes* codes = [] {
    std::optional<std::string_view> csv =
        FindEmbedded(zhifa::embed::core_test_data(), "areacodes.csv");
    EXPECT_TRUE(csv.has_value());
    Result<DivisionCodes> r = DivisionCodes::Parse(csv.value_or(""));
    EXPECT_TRUE(r) << (r ? "" : r.error().message_en);
    return new DivisionCodes(std::move(r).value());
  }();
  return *codes;
}

const Date kToday{2026, 11, 27};

// Asserts that `s` failed with kInvalidArgument on `field` with exactly these messages.
void ExpectError(const Status& s, const std::string& zh, const std::string& en,
                 const std::string& field = "code") {
  ASSERT_FALSE(s.ok()) << en;
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, field);
  EXPECT_EQ(s.error().message_zh, zh);
  EXPECT_EQ(s.error().message_en, en);
}

Status Id(std::string_view id, const DivisionCodes* d = nullptr) {
  return ValidateIdNumber(id, kToday, "id_number", d);
}

// ---------------------------------------------------------------------------------------------
// DivisionCodes

TEST(DivisionCodesTest, LoadsFullList) {
  const DivisionCodes& d = Divisions();
  EXPECT_EQ(d.row_count(), 6823u);
}

TEST(DivisionCodesTest, JinanInUse) {
  const DivisionCodes& d = Divisions();
  const Division* jinan = d.Lookup("370100");
  ASSERT_NE(jinan, nullptr);
  EXPECT_EQ(jinan->name, "济南市");
  EXPECT_EQ(jinan->level, DivisionLevel::kPrefecture);
  EXPECT_TRUE(jinan->in_use());
  const std::pair<const char*, const char*> districts[] = {
      {"370102", "历下区"}, {"370103", "市中区"}, {"370104", "槐荫区"}, {"370105", "天桥区"},
      {"370112", "历城区"}, {"370113", "长清区"}, {"370114", "章丘区"}, {"370115", "济阳区"},
      {"370116", "莱芜区"}, {"370117", "钢城区"}, {"370124", "平阴县"}, {"370126", "商河县"}};
  for (const auto& [code, name] : districts) {
    const Division* div = d.Lookup(code);
    ASSERT_NE(div, nullptr) << code;
    EXPECT_EQ(div->name, name);
    EXPECT_EQ(div->level, DivisionLevel::kCounty);
    EXPECT_EQ(div->province, "山东省");
    EXPECT_EQ(div->prefecture, "济南市");
    EXPECT_TRUE(div->in_use()) << code;
  }
  EXPECT_EQ(d.Lookup("370000")->level, DivisionLevel::kProvince);
}

TEST(DivisionCodesTest, RetiredCodesWithSuccessors) {
  const DivisionCodes& d = Divisions();
  const Division* zhangqiu = d.Lookup("370181");
  ASSERT_NE(zhangqiu, nullptr);
  EXPECT_EQ(zhangqiu->name, "章丘市");
  EXPECT_EQ(zhangqiu->status, DivisionStatus::kRetired);
  EXPECT_FALSE(zhangqiu->in_use());
  EXPECT_EQ(zhangqiu->since_year, 1992);
  EXPECT_EQ(zhangqiu->until_year, 2016);
  ASSERT_EQ(zhangqiu->successors.size(), 1u);
  EXPECT_EQ(zhangqiu->successors[0], (DivisionSuccessor{"370114", 0}));

  EXPECT_EQ(d.Lookup("370125")->name, "济阳县");
  const Division* laicheng = d.Lookup("371202");
  ASSERT_NE(laicheng, nullptr);
  EXPECT_EQ(laicheng->name, "莱城区");
  ASSERT_EQ(laicheng->successors.size(), 2u);
  EXPECT_EQ(laicheng->successors[0], (DivisionSuccessor{"371203", 2006}));
  EXPECT_EQ(laicheng->successors[1], (DivisionSuccessor{"370116", 0}));
  EXPECT_EQ(d.Lookup("370111")->successors.size(), 5u);  // 济南郊区 split five ways
}

TEST(DivisionCodesTest, CodesWithHistoryPreferInUseRow) {
  const DivisionCodes& d = Divisions();
  const Division* dongli = d.Lookup("120110");
  ASSERT_NE(dongli, nullptr);
  EXPECT_EQ(dongli->name, "东丽区");
  EXPECT_TRUE(dongli->in_use());
  std::vector<const Division*> h = d.History("120110");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]->name, "东郊区");
  EXPECT_EQ(h[0]->status, DivisionStatus::kChanged);
  EXPECT_EQ(h[1]->name, "东丽区");
}

TEST(DivisionCodesTest, UnknownCodes) {
  const DivisionCodes& d = Divisions();
  EXPECT_EQ(d.Lookup("370176"), nullptr);  // statistical code, not a division code
  EXPECT_EQ(d.Lookup("999999"), nullptr);
  EXPECT_EQ(d.Lookup("37010"), nullptr);
  EXPECT_EQ(d.Lookup("3701020"), nullptr);
  EXPECT_EQ(d.Lookup(""), nullptr);
  EXPECT_TRUE(d.History("370176").empty());
  EXPECT_FALSE(d.Contains("370176"));
  EXPECT_TRUE(d.Contains("370181"));
}

TEST(DivisionCodesTest, ParsesSmallListWithCrlfAndNoBom) {
  Result<DivisionCodes> r = DivisionCodes::Parse(
      "代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码\r\n"
      "370102,山东省,济南市,历下区,县级,在用,1983,,\r\n"
      "\r\n"
      "370181,山东省,济南市,章丘市,县级,弃用,1992,2016,370114\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->row_count(), 2u);
  EXPECT_EQ(r->Lookup("370102")->name, "历下区");
  EXPECT_EQ(r->Lookup("370181")->until_year, 2016);
}

TEST(DivisionCodesTest, ParseErrorsNameTheLine) {
  const std::string header =
      "代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码\n";
  struct Case {
    std::string row;
    std::string en;
  };
  const Case cases[] = {
      {"370102,山东省,济南市,历下区,县级,在用,1983,",
       "division list line 2: expected 9 columns, got 8"},
      {"37010A,山东省,济南市,历下区,县级,在用,1983,,",
       "division list line 2: code must be six digits"},
      {"370102,山东省,济南市,历下区,乡级,在用,1983,,", "division list line 2: unknown level 乡级"},
      {"370102,山东省,济南市,历下区,县级,停用,1983,,", "division list line 2: unknown status 停用"},
      {"370102,山东省,济南市,历下区,县级,在用,83,,",
       "division list line 2: bad year in 启用时间: 83"},
      {"370102,山东省,济南市,历下区,县级,弃用,1983,20x6,",
       "division list line 2: bad year in 变更/弃用时间: 20x6"},
      {"370102,山东省,济南市,历下区,县级,弃用,1983,2016,37011",
       "division list line 2: bad new code 37011"},
      {"370102,山东省,济南市,历下区,县级,弃用,1983,2016,370114[06]",
       "division list line 2: bad new code 370114[06]"},
  };
  for (const Case& c : cases) {
    Result<DivisionCodes> r = DivisionCodes::Parse(header + c.row + "\n");
    ASSERT_FALSE(r) << c.row;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message_en, c.en);
  }
  EXPECT_FALSE(DivisionCodes::Parse(""));
  EXPECT_FALSE(DivisionCodes::Parse(header));
}

// ---------------------------------------------------------------------------------------------
// Check characters

TEST(CheckCharTest, CreditCode) {
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(CreditCodeCheckChar("91310115591693856"), 'A');
  EXPECT_EQ(CreditCodeCheckChar("91350100M000100I4"), '\0');  // I not in the character set
  EXPECT_EQ(CreditCodeCheckChar("9135"), '\0');
}

TEST(CheckCharTest, OrganizationCode) {
  EXPECT_EQ(OrganizationCodeCheckChar("M000100Y"), '4');
  EXPECT_EQ(OrganizationCodeCheckChar("59169385"), '6');
  // Σ = 13·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199; 199 mod 11 = 1; 11 − 1 = 10 → X.
  EXPECT_EQ(OrganizationCodeCheckChar("D2143569"), 'X');
  EXPECT_EQ(OrganizationCodeCheckChar("00000000"), '0');  // c = 11 → '0'
  EXPECT_EQ(OrganizationCodeCheckChar("0000000a"), '\0');
}

TEST(CheckCharTest, IdNumber) {
  EXPECT_EQ(IdNumberCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(IdNumberCheckChar("44052418800101001"), '4');
  EXPECT_EQ(IdNumberCheckChar("4405241880010100A"), '\0');
}

TEST(NormalizeCodeTest, TrimsAndUppercases) {
  EXPECT_EQ(NormalizeCode("  91310115591693856a\t\n"), "91310115591693856A");
  EXPECT_EQ(NormalizeCode("11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(NormalizeCode(""), "");
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码

TEST(CreditCodeTest, ValidExamples) {
  EXPECT_TRUE(ValidateCreditCode("91350100M000100Y43", "code"));
  EXPECT_TRUE(ValidateCreditCode("91310115591693856A", "code"));
  EXPECT_TRUE(ValidateCreditCode("91350100M000100Y43", "code", &Divisions()));
  EXPECT_TRUE(ValidateCreditCode("91310115591693856A", "code", &Divisions()));
  EXPECT_TRUE(ValidateCreditCode(NormalizeCode(" 91310115591693856a "), "code"));
  EXPECT_TRUE(ValidateCreditCode("12370102495572181D", "code", &Divisions()));  // 事业单位
}

TEST(CreditCodeTest, RetiredDivisionAcceptedCentralAccepted) {
  // Registered in 章丘市 (370181) before it became 章丘区 in 2016.
  EXPECT_TRUE(ValidateCreditCode("91370181MA3C4XY28E", "code", &Divisions()));
  // 100000: registered by a central (national-level) authority.
  EXPECT_TRUE(ValidateCreditCode("11100000000013127D", "code", &Divisions()));
  EXPECT_TRUE(ValidateCreditCode("11100000000013127D", "code"));
}

TEST(CreditCodeTest, Length) {
  ExpectError(ValidateCreditCode("91350100M000100Y4", "code"),
              "统一社会信用代码应为18位（当前17位）",
              "unified social credit code must be 18 characters (got 17)");
  ExpectError(ValidateCreditCode("", "code"), "统一社会信用代码应为18位（当前0位）",
              "unified social credit code must be 18 characters (got 0)");
  ExpectError(ValidateCreditCode("91350100M000100Y43 ", "code"),
              "统一社会信用代码应为18位（当前19位）",
              "unified social credit code must be 18 characters (got 19)");
}

TEST(CreditCodeTest, CharacterSet) {
  ExpectError(ValidateCreditCode("91350100M000I00Y43", "code"),
              "第13位字符“I”不在代码字符集中（不使用 I、O、S、V、Z）",
              "position 13: character 'I' is not allowed (I, O, S, V, Z are not used)");
  for (char c : {'O', 'S', 'V', 'Z', '-', ' '}) {
    std::string code = "91350100M000100Y43";
    code[9] = c;
    Status s = ValidateCreditCode(code, "code");
    ASSERT_FALSE(s) << c;
    EXPECT_EQ(s.error().message_en.substr(0, 12), "position 10:") << c;
  }
  ExpectError(ValidateCreditCode("91310115591693856a", "code"), "第18位字母“a”应为大写",
              "position 18: letter 'a' must be upper-case");
  ExpectError(ValidateCreditCode("9135010０M000100Y43", "code"),  // U+FF10 full-width zero
              "第8位不是半角字母或数字（请勿使用全角字符）",
              "position 8: not an ASCII letter or digit (full-width?)");
  ExpectError(ValidateCreditCode("9135010\xFFM000100Y43", "code"),
              "第8位字符0xFF不在代码字符集中（不使用 I、O、S、V、Z）",
              "position 8: character 0xFF is not allowed (I, O, S, V, Z are not used)");
}

TEST(CreditCodeTest, DepartmentAndCategory) {
  ExpectError(ValidateCreditCode("B1350100M000100Y43", "code"), "第1位登记管理部门代码“B”无效",
              "position 1: unknown registration department code 'B'");
  ExpectError(ValidateCreditCode("94350100M000100Y43", "code"),
              "第2位机构类别代码“4”不属于登记管理部门“工商”（可用：123）",
              "position 2: category '4' does not exist for registration department market "
              "regulation (allowed: 123)");
  ExpectError(ValidateCreditCode("54350100M000100Y43", "code"),
              "第2位机构类别代码“4”不属于登记管理部门“民政”（可用：1239）",
              "position 2: category '4' does not exist for registration department civil "
              "affairs (allowed: 1239)");
}

TEST(CreditCodeTest, DivisionCode) {
  ExpectError(ValidateCreditCode("913501A0M000100Y43", "code"), "第7位应为数字（行政区划码）",
              "position 7: must be a digit (division code)");
  ExpectError(ValidateCreditCode("91990100M000100Y43", "code"),
              "第3–8位行政区划代码 990100 的省级代码无效",
              "positions 3-8: division code 990100 has no valid province prefix");
  // 370176 passes the prefix check but is not a GB/T 2260 code.
  EXPECT_TRUE(ValidateCreditCode("91370176MA3C4XY287", "code"));
  ExpectError(ValidateCreditCode("91370176MA3C4XY287", "code", &Divisions()),
              "第3–8位行政区划代码 370176 不在 GB/T 2260 中",
              "positions 3-8: division code 370176 is not in GB/T 2260");
}

TEST(CreditCodeTest, OrganizationCheckCharacter) {
  ExpectError(ValidateCreditCode("91350100M000100Y53", "code"), "第17位组织机构代码校验码应为 4",
              "position 17: organisation code check character should be 4");
  ExpectError(ValidateCreditCode("91350100M000200Y43", "code"), "第17位组织机构代码校验码应为 X",
              "position 17: organisation code check character should be X");
}

TEST(CreditCodeTest, FinalCheckCharacter) {
  ExpectError(ValidateCreditCode("91350100M000100Y44", "code"), "第18位校验码应为 3",
              "position 18: check character should be 3");
  ExpectError(ValidateCreditCode("91310115591693856B", "uscc"), "第18位校验码应为 A",
              "position 18: check character should be A", "uscc");
  // Every single-character substitution in positions 1–16 is caught somewhere.
  const std::string good = "91310115591693856A";
  for (size_t i = 0; i < 18; ++i) {
    std::string bad = good;
    bad[i] = good[i] == '1' ? '2' : '1';
    EXPECT_FALSE(ValidateCreditCode(bad, "code")) << i;
  }
}

// ---------------------------------------------------------------------------------------------
// 公民身份号码

TEST(IdNumberTest, ValidExamples) {
  Result<IdNumberInfo> a = ParseIdNumber("11010519491231002X", kToday, "id_number");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->division, "110105");
  EXPECT_EQ(a->birth_date, (Date{1949, 12, 31}));
  EXPECT_EQ(a->sequence, 2);
  EXPECT_FALSE(a->male);
  Result<IdNumberInfo> b = ParseIdNumber("440524188001010014", kToday, "id_number");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->birth_date, (Date{1880, 1, 1}));
  EXPECT_EQ(b->sequence, 1);
  EXPECT_TRUE(b->male);
  EXPECT_TRUE(Id("11010519491231002X", &Divisions()));
  EXPECT_TRUE(Id("440524188001010014", &Divisions()));  // 潮阳县, retired in 1993
  EXPECT_TRUE(Id("370181199003071233", &Divisions()));  // 章丘市, retired in 2016
  Result<IdNumberInfo> woman = ParseIdNumber("370102199003071246", kToday, "id_number");
  ASSERT_TRUE(woman) << woman.error().message_en;
  EXPECT_FALSE(woman->male);
  EXPECT_EQ(woman->sequence, 124);
}

TEST(IdNumberTest, Length) {
  ExpectError(Id("11010519491231002"), "公民身份号码应为18位（当前17位）",
              "citizen identity number must be 18 characters (got 17)", "id_number");
  ExpectError(Id("110105491231002"), "公民身份号码应为18位（当前15位）",
              "citizen identity number must be 18 characters (got 15)", "id_number");
}

TEST(IdNumberTest, Digits) {
  ExpectError(Id("1101051949123100AX"), "第17位应为数字", "position 17: must be a digit",
              "id_number");
  ExpectError(Id("X10105194912310021"), "第1位应为数字", "position 1: must be a digit",
              "id_number");
  ExpectError(Id("11010519491231002x"), "第18位校验码应为大写 X",
              "position 18: check character must be upper-case X", "id_number");
  ExpectError(Id("11010519491231002Y"), "第18位应为数字或 X", "position 18: must be a digit or X",
              "id_number");
}

TEST(IdNumberTest, Division) {
  ExpectError(Id("990105194912310028"), "第1–6位行政区划代码 990105 的省级代码无效",
              "positions 1-6: division code 990105 has no valid province prefix", "id_number");
  EXPECT_TRUE(Id("370176199003071232"));
  ExpectError(Id("370176199003071232", &Divisions()),
              "第1–6位行政区划代码 370176 不在 GB/T 2260 中",
              "positions 1-6: division code 370176 is not in GB/T 2260", "id_number");
  // 100000 is allowed in credit codes only.
  ExpectError(Id("100000199003071232", &Divisions()),
              "第1–6位行政区划代码 100000 不在 GB/T 2260 中",
              "positions 1-6: division code 100000 is not in GB/T 2260", "id_number");
}

TEST(IdNumberTest, BirthDate) {
  ExpectError(Id("370102199002301230"), "第7–14位出生日期 19900230 无效：1990年2月只有28天",
              "positions 7-14: birth date 19900230 is invalid: day must be 01..28", "id_number");
  ExpectError(Id("370102199013011230"), "第7–14位出生日期 19901301 无效：月份无效",
              "positions 7-14: birth date 19901301 is invalid: invalid month", "id_number");
  ExpectError(Id("370102209912311231"), "第7–14位出生日期 20991231 晚于今天（2026-11-27）",
              "positions 7-14: birth date 20991231 is after today (2026-11-27)", "id_number");
  ExpectError(Id("370102179912311237"), "第7–14位出生日期 17991231 早于1800年",
              "positions 7-14: birth date 17991231 is before 1800", "id_number");
  // Born today is fine; born tomorrow is not.
  std::string today = "37010220261127123";
  today += IdNumberCheckChar(today);
  EXPECT_TRUE(Id(today));
  std::string tomorrow = "37010220261128123";
  tomorrow += IdNumberCheckChar(tomorrow);
  EXPECT_FALSE(Id(tomorrow));
  std::string leap = "37010220000229123";
  leap += IdNumberCheckChar(leap);
  EXPECT_TRUE(Id(leap));
}

TEST(IdNumberTest, Sequence) {
  std::string zero = "37010219900307000";
  zero += IdNumberCheckChar(zero);
  ExpectError(Id(zero), "第15–17位顺序码不能为 000", "positions 15-17: sequence code cannot be 000",
              "id_number");
}

TEST(IdNumberTest, CheckCharacter) {
  ExpectError(Id("110105194912310021"), "第18位校验码应为 X",
              "position 18: check character should be X", "id_number");
  ExpectError(Id("44052418800101001X"), "第18位校验码应为 4",
              "position 18: check character should be 4", "id_number");
  // Transposing two adjacent different digits is always caught (ISO 7064 MOD 11-2).
  const std::string good = "440524188001010014";
  for (size_t i = 0; i + 1 < 17; ++i) {
    if (good[i] == good[i + 1]) continue;
    std::string bad = good;
    std::swap(bad[i], bad[i + 1]);
    EXPECT_FALSE(Id(bad)) << i;
  }
}

// ---------------------------------------------------------------------------------------------
// Masking

TEST(MaskTest, IdNumber) {
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110***********002X");
  EXPECT_EQ(MaskIdNumber("110105491231002"), "110********1002");
  EXPECT_EQ(MaskIdNumber("12345678"), "123*5678");
  EXPECT_EQ(MaskIdNumber("1234567"), "*******");
  EXPECT_EQ(MaskIdNumber(""), "");
  EXPECT_EQ(MaskIdNumber("港澳居民来往内地通行证H1"), "港澳居******行证H1");
}

TEST(MaskTest, Phone) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("053188886666"), "053*****6666");
  EXPECT_EQ(MaskPhone("88886666"), "****6666");
  EXPECT_EQ(MaskPhone("1234567"), "***4567");
  EXPECT_EQ(MaskPhone("123456"), "******");
  EXPECT_EQ(MaskPhone(""), "");
  EXPECT_EQ(MaskPhone("\xFF\xFF\xFF"), "***");
}

}  // namespace
}  // namespace zhifa::core
