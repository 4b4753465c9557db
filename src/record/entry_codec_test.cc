#include "record/entry_codec.h"

#include <gtest/gtest.h>

namespace zhifa::record {
namespace {

EntryFields Example() {
  // The worked example of docs/record-log-format.md.
  TreeHasher h(HashAlgorithm::kSm3);
  return MakeEntryFields(h, 42, 1795752000123456, 1001, 2002, "unit.created", "unit:2002",
                         R"({"name":"市场监管局"})");
}

TEST(EntryCodec, WorkedExampleOfTheFormatDocument) {
  const EntryFields f = Example();
  const std::string bytes = EncodeEntry(f).value();
  // Layout: version, seq, at, actor flag+value, unit flag+value, kind, target, payload hash.
  EXPECT_EQ(bytes.size(), 1u + 8 + 8 + 9 + 9 + 2 + 12 + 2 + 9 + 32);
  std::string expect_prefix =
      "01"                // version 1
      "000000000000002a"  // seq 42
      "0006613a18127240"  // at 1795752000123456 µs
      "01"
      "00000000000003e9"  // actor 1001
      "01"
      "00000000000007d2"  // unit 2002
      "000c"
      "756e69742e63726561746564"  // "unit.created"
      "0009"
      "756e69743a32303032";  // "unit:2002"
  std::string got;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    got.push_back(kHex[c >> 4]);
    got.push_back(kHex[c & 15]);
  }
  EXPECT_EQ(got.substr(0, expect_prefix.size()), expect_prefix);
  EXPECT_EQ(got.substr(expect_prefix.size()), HashHex(f.payload_hash));
  EXPECT_EQ(DecodeEntry(bytes).value(), f);
  // The payload hash and leaf hash printed in the document (computed there with Python hashlib).
  TreeHasher sm3(HashAlgorithm::kSm3);
  EXPECT_EQ(HashHex(f.payload_hash),
            "f2938ee997e32f138d6b18193914bd26f14177bb4f5a31ebe1016e68ddeaccfe");
  EXPECT_EQ(HashHex(sm3.LeafHash(bytes)),
            "d1d0883b3604f5fc7fe0000367abc36facb485543f79f82720eff1778bebeaf1");
  TreeHasher sha(HashAlgorithm::kSha256);
  EntryFields g = f;
  g.payload_hash = sha.Digest(R"({"name":"市场监管局"})");
  EXPECT_EQ(HashHex(sha.LeafHash(EncodeEntry(g).value())),
            "36f2429e328eb86410d8b12ecd1cb1a46a84bb07fe0594e146119c77489d7718");
}

TEST(EntryCodec, RoundTripOfOptionalAndExtremeValues) {
  EntryFields f;
  f.seq = UINT64_MAX;
  f.at_micros = -1;  // before the epoch: two's complement
  f.kind = "auth.login_failed";
  f.target = "";
  f.payload_hash = TreeHasher(HashAlgorithm::kSha256).Digest("{}");
  const std::string bytes = EncodeEntry(f).value();
  EXPECT_EQ(bytes[17], '\x00');  // actor absent: one byte
  EXPECT_EQ(bytes[18], '\x00');  // unit absent
  EXPECT_EQ(bytes.size(), 1u + 8 + 8 + 1 + 1 + 2 + 17 + 2 + 0 + 32);
  EXPECT_EQ(DecodeEntry(bytes).value(), f);
  f.actor_id = INT64_MIN;
  f.unit_id = 0;
  f.target = "企业:91370100MA3C4XXXXX";
  EXPECT_EQ(DecodeEntry(EncodeEntry(f).value()).value(), f);
}

TEST(EntryCodec, EncodeRefusesNonCanonicalStrings) {
  EntryFields f = Example();
  f.kind = "";
  EXPECT_EQ(EncodeEntry(f).error().field, "kind");
  f.kind = "a\nb";
  EXPECT_EQ(EncodeEntry(f).error().field, "kind");
  f.kind = "ok";
  f.target = std::string("\xff\xfe");
  EXPECT_EQ(EncodeEntry(f).error().field, "target");
  f.target = std::string(kMaxEntryStringBytes + 1, 'x');
  EXPECT_EQ(EncodeEntry(f).error().field, "target");
  f.target = std::string(kMaxEntryStringBytes, 'x');
  EXPECT_TRUE(EncodeEntry(f));
}

TEST(EntryCodec, DecodeRejectsEverythingEncodeCannotProduce) {
  const std::string good = EncodeEntry(Example()).value();
  // Every truncation fails and names the entry.
  for (size_t len = 0; len < good.size(); ++len) {
    auto r = DecodeEntry(good.substr(0, len));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, "entry");
  }
  EXPECT_FALSE(DecodeEntry(good + "x"));  // trailing byte
  std::string bad = good;
  bad[0] = 2;  // unknown version
  EXPECT_NE(DecodeEntry(bad).error().message_en.find("unknown version 2"), std::string::npos);
  bad = good;
  bad[17] = 2;  // presence byte other than 0/1
  EXPECT_NE(DecodeEntry(bad).error().message_en.find("presence byte at 17"), std::string::npos);
  bad = good;
  bad[37] = '\n';  // control character inside kind (kind bytes start at 37)
  EXPECT_FALSE(DecodeEntry(bad));
  // Any single changed byte either fails to decode or decodes to different fields.
  const EntryFields f = Example();
  for (size_t i = 0; i < good.size(); ++i) {
    bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = DecodeEntry(bad);
    if (r) {
      EXPECT_NE(*r, f) << i;
    }
  }
}

}  // namespace
}  // namespace zhifa::record
