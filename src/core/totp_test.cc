#include "core/totp.h"

#include <gtest/gtest.h>

#include <string>

namespace zhifa::core {
namespace {

constexpr char kRfcKey[] = "12345678901234567890";  // RFC 4226 App. D / RFC 6238 App. B (SHA1)

// RFC 4648 §10.
TEST(Base32Test, EncodeRfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY======");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ====");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6===");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ=");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI======");
  EXPECT_EQ(Base32Encode("foobar", /*pad=*/false), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(kRfcKey, false), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32Test, DecodeRfc4648Vectors) {
  EXPECT_EQ(*Base32Decode(""), "");
  EXPECT_EQ(*Base32Decode("MY======"), "f");
  EXPECT_EQ(*Base32Decode("MZXQ===="), "fo");
  EXPECT_EQ(*Base32Decode("MZXW6==="), "foo");
  EXPECT_EQ(*Base32Decode("MZXW6YQ="), "foob");
  EXPECT_EQ(*Base32Decode("MZXW6YTB"), "fooba");
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI"), "foobar");    // unpadded
  EXPECT_EQ(*Base32Decode("mzxw 6ytb oi"), "foobar");  // lower case, grouped
  EXPECT_EQ(*Base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), kRfcKey);
}

TEST(Base32Test, RoundTripAllLengths) {
  std::string data;
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(*Base32Decode(Base32Encode(data)), data);
    EXPECT_EQ(*Base32Decode(Base32Encode(data, false)), data);
    data.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Base32Test, DecodeRejects) {
  Result<std::string> bad_char = Base32Decode("MZXW1YTB", "secret");  // '1' not in alphabet
  ASSERT_FALSE(bad_char);
  EXPECT_EQ(bad_char.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_char.error().field, "secret");
  EXPECT_NE(bad_char.error().message_en.find("character 5"), std::string::npos);
  EXPECT_FALSE(Base32Decode("MZ=XW6YTB"));  // data after padding
  EXPECT_FALSE(Base32Decode("M"));          // 1 symbol: impossible
  EXPECT_FALSE(Base32Decode("MZX"));        // 3 symbols
  EXPECT_FALSE(Base32Decode("MZXW6Y"));     // 6 symbols
  EXPECT_FALSE(Base32Decode("MZ"));         // "MY" is canonical for "f": trailing bits set
  EXPECT_FALSE(Base32Decode("MY======\n"));
}

// RFC 4226 Appendix D.
TEST(HotpTest, Rfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(Hotp(kRfcKey, c), expected[c]) << c;
}

// RFC 6238 Appendix B, SHA1 rows (8 digits).
TEST(TotpTest, Rfc6238AppendixB) {
  struct Row {
    int64_t t;
    const char* totp;
  };
  const Row rows[] = {{59, "94287082"},         {1111111109, "07081804"},
                      {1111111111, "14050471"}, {1234567890, "89005924"},
                      {2000000000, "69279037"}, {20000000000LL, "65353130"}};
  for (const Row& r : rows) EXPECT_EQ(Totp(kRfcKey, r.t, 8), r.totp) << r.t;
  EXPECT_EQ(TotpStep(59), 1);
  EXPECT_EQ(TotpStep(1111111109), 0x23523EC);
  EXPECT_EQ(TotpStep(20000000000LL), 0x27BC86AA);
  // 6-digit form is the last 6 digits.
  EXPECT_EQ(Totp(kRfcKey, 59), "287082");
  EXPECT_EQ(Totp(kRfcKey, 1111111109), "081804");
}

TEST(VerifyTotpTest, AcceptsWithinWindowAndReturnsStep) {
  const int64_t t = 1111111111;  // step 37037037
  const int64_t step = TotpStep(t);
  const std::string now_code = Totp(kRfcKey, t);
  EXPECT_EQ(VerifyTotp(kRfcKey, now_code, t), step);
  const std::string prev = Hotp(kRfcKey, step - 1);
  const std::string next = Hotp(kRfcKey, step + 1);
  EXPECT_EQ(VerifyTotp(kRfcKey, prev, t), step - 1);
  EXPECT_EQ(VerifyTotp(kRfcKey, next, t), step + 1);
  EXPECT_EQ(VerifyTotp(kRfcKey, prev, t, /*window=*/0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, Hotp(kRfcKey, step - 2), t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, Hotp(kRfcKey, step - 2), t, 2), step - 2);
}

TEST(VerifyTotpTest, RejectsReuseOfStep) {
  const int64_t t = 1234567890;
  const std::string code = Totp(kRfcKey, t);
  const std::optional<int64_t> first = VerifyTotp(kRfcKey, code, t);
  ASSERT_TRUE(first);
  EXPECT_EQ(VerifyTotp(kRfcKey, code, t, 1, first), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, code, t + 10, 1, first), std::nullopt);
  // The next step's code is still accepted after the last used one.
  const std::string next = Totp(kRfcKey, t + 30);
  EXPECT_EQ(VerifyTotp(kRfcKey, next, t + 30, 1, first), *first + 1);
}

TEST(VerifyTotpTest, RejectsMalformedCodes) {
  const int64_t t = 59;
  const std::string code = Totp(kRfcKey, t);
  EXPECT_EQ(VerifyTotp(kRfcKey, code.substr(1), t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, code + "0", t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "", t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "28708a", t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, " 87082", t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, code, -1), std::nullopt);
  EXPECT_EQ(VerifyTotp("another key 12345678", code, t), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "94287082", t, 1, std::nullopt, 8), 1);
}

TEST(VerifyTotpTest, WindowAtEpochSkipsNegativeSteps) {
  EXPECT_EQ(VerifyTotp(kRfcKey, Hotp(kRfcKey, 0), 5), 0);
}

TEST(GenerateSecretTest, TwentyRandomBytes) {
  Result<std::string> a = GenerateSecret();
  Result<std::string> b = GenerateSecret();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->size(), 20u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(Base32Encode(*a, false).size(), 32u);
}

TEST(OtpauthUriTest, Format) {
  EXPECT_EQ(OtpauthUri("zhifa", "zhang.san@jinan", kRfcKey),
            "otpauth://totp/zhifa:zhang.san%40jinan?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=zhifa&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(OtpauthUri("zhifa", "张三", "f"),
            "otpauth://totp/zhifa:%E5%BC%A0%E4%B8%89?secret=MY&issuer=zhifa&algorithm=SHA1"
            "&digits=6&period=30");
  EXPECT_EQ(PercentEncode("a b:c/d?e&f=g~h-_."), "a%20b%3Ac%2Fd%3Fe%26f%3Dg~h-_.");
  EXPECT_EQ(OtpauthUri("A&B", "x", "").substr(0, 27), "otpauth://totp/A%26B:x?secr");
}

}  // namespace
}  // namespace zhifa::core
