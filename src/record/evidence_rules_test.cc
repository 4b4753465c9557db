#include "record/evidence_rules.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace zhifa::record {
namespace {

std::string B(std::initializer_list<int> bytes, std::string tail = {}) {
  std::string s;
  for (int b : bytes) s += static_cast<char>(b);
  return s + tail;
}

TEST(EvidenceStages, TheSixStagesOfArticle47InOrder) {
  std::vector<std::string> zh;
  for (const auto& s : EvidenceStages()) zh.emplace_back(s.zh);
  EXPECT_EQ(zh, (std::vector<std::string>{"启动", "调查取证", "审核", "决定", "送达", "执行"}));
  EXPECT_NE(FindEvidenceStage("investigation"), nullptr);
  EXPECT_EQ(FindEvidenceStage("调查取证"), nullptr);  // wire names only
  EXPECT_EQ(FindEvidenceStage(""), nullptr);
}

TEST(EvidenceSniff, AcceptedFormats) {
  struct Row {
    std::string bytes;
    const char* type;
  } rows[] = {
      {B({0xFF, 0xD8, 0xFF, 0xE0}, "JFIF"), "image/jpeg"},
      {B({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}), "image/png"},
      {std::string("II*\0rest", 8), "image/tiff"},
      {std::string("MM\0*rest", 8), "image/tiff"},
      {"%PDF-1.7\n", "application/pdf"},
      {std::string("\0\0\0\x18"
                   "ftypisom\0\0\0\0",
                   16),
       "video/mp4"},
      {std::string("\0\0\0\x18"
                   "ftypmp42\0\0\0\0",
                   16),
       "video/mp4"},
      {std::string("\0\0\0\x14"
                   "ftypqt  \0\0\0\0",
                   16),
       "video/quicktime"},
      {std::string("\0\0\0\x08"
                   "wide",
                   8),
       "video/quicktime"},
      {std::string("\0\0\0\x18"
                   "ftypM4A \0\0\0\0",
                   16),
       "audio/mp4"},
      {std::string("\0\0\0\x18"
                   "ftypheic\0\0\0\0",
                   16),
       "image/heic"},
      {"ID3\x04\0", "audio/mpeg"},
      {B({0xFF, 0xFB, 0x90, 0x64}), "audio/mpeg"},  // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
      {std::string("RIFF\x24\0\0\0WAVEfmt ", 16), "audio/wav"},
  };
  for (const auto& r : rows) {
    auto t = SniffContentType(r.bytes);
    ASSERT_TRUE(t.has_value()) << r.type;
    EXPECT_EQ(*t, r.type);
    EXPECT_NE(std::find(AcceptedContentTypes().begin(), AcceptedContentTypes().end(), *t),
              AcceptedContentTypes().end());
  }
}

std::string ZipEntry(const std::string& name, const std::string& data) {
  std::string h("PK\x03\x04", 4);
  h += std::string(14, '\0');  // version, flags, method, time, date, crc
  auto le32 = [](uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
  };
  h += le32(static_cast<uint32_t>(data.size())) + le32(static_cast<uint32_t>(data.size()));
  h += static_cast<char>(name.size());
  h += '\0';
  h += std::string(2, '\0');  // extra length
  return h + name + data;
}

TEST(EvidenceSniff, OfdIsAZipWithOfdXml) {
  EXPECT_EQ(SniffContentType(ZipEntry("OFD.xml", "<ofd:OFD/>")).value_or(""), "application/ofd");
  // OFD.xml as the second entry is found by skipping the first.
  EXPECT_EQ(SniffContentType(ZipEntry("Doc_0/Document.xml", "<x/>") + ZipEntry("OFD.xml", "<o/>"))
                .value_or(""),
            "application/ofd");
  // Any other ZIP (a .docx, an archive) is not an evidence format.
  EXPECT_FALSE(SniffContentType(ZipEntry("[Content_Types].xml", "<Types/>")));
}

TEST(EvidenceSniff, RefusedContent) {
  for (std::string bytes : {std::string(), std::string("hello world"), std::string("<html>"),
                            std::string("MZ\x90\0", 4),
                            std::string("\x7f"
                                        "ELF",
                                        4),
                            std::string("GIF89a"), B({0xFF, 0xE0}),  // too short for a frame
                            std::string("\0\0\0\x18"
                                        "ftypXXXX",
                                        12),
                            B({0xFF, 0xFF, 0xF0, 0x00})}) {  // frame sync, bad bitrate/rate
    EXPECT_FALSE(SniffContentType(bytes)) << bytes;
  }
}

TEST(EvidenceTarget, EnterpriseUsesTheCreditCodeCheck) {
  EXPECT_TRUE(CheckEvidenceTarget(EvidenceTargetKind::kEnterprise, "91350100M000100Y43", "target"));
  auto bad = CheckEvidenceTarget(EvidenceTargetKind::kEnterprise, "91350100M000100Y44", "target");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "target");
}

TEST(EvidenceTarget, RecordTargets) {
  for (const char* ok : {"unit:1001", "user:7", "case_step:12/3"}) {
    EXPECT_TRUE(CheckEvidenceTarget(EvidenceTargetKind::kRecord, ok, "target")) << ok;
  }
  for (const char* bad : {"", "unit", ":1", "unit:", "Unit:1", "unit:a b", "unit:\xe4\xb8\xad"}) {
    EXPECT_FALSE(CheckEvidenceTarget(EvidenceTargetKind::kRecord, bad, "target")) << bad;
  }
  EXPECT_FALSE(ParseEvidenceTargetKind("case"));
}

TEST(EvidenceMeta, CapturedAtSkew) {
  int64_t now = core::ParseRfc3339("2026-11-27T08:00:00Z").value();
  EXPECT_TRUE(CheckCapturedAt("2026-11-27T08:09:59Z", now));
  auto late = CheckCapturedAt("2026-11-27T08:10:01Z", now);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "captured_at");
  EXPECT_FALSE(CheckCapturedAt("yesterday", now));
}

TEST(EvidenceMeta, TextLimits) {
  EXPECT_TRUE(CheckEvidenceText(std::string(kEvidenceTextMax, 'a'), kEvidenceTextMax, "device"));
  EXPECT_FALSE(
      CheckEvidenceText(std::string(kEvidenceTextMax + 1, 'a'), kEvidenceTextMax, "device"));
  EXPECT_FALSE(CheckEvidenceText("a\nb", kEvidenceTextMax, "device"));
  EXPECT_FALSE(CheckEvidenceText("\xff", kEvidenceTextMax, "device"));
}

TEST(EvidenceRange, Parse) {
  auto none = ParseRange(std::nullopt, 100);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  struct Row {
    const char* h;
    uint64_t b, e;
  } ok[] = {{"bytes=0-9", 0, 10},   {"bytes=90-", 90, 100},    {"bytes=-10", 90, 100},
            {"bytes=-500", 0, 100}, {"bytes=95-200", 95, 100}, {"bytes=0-0", 0, 1}};
  for (const auto& r : ok) {
    auto g = ParseRange(std::string_view(r.h), 100);
    ASSERT_TRUE(g && g->has_value()) << r.h;
    EXPECT_EQ((*g)->begin, r.b) << r.h;
    EXPECT_EQ((*g)->end, r.e) << r.h;
  }
  for (const char* bad : {"bytes=100-", "bytes=5-1", "bytes=-0", "items=0-1", "bytes=0-1,5-6",
                          "bytes=a-b", "bytes=", "bytes=-", "bytes=1"}) {
    auto g = ParseRange(std::string_view(bad), 100);
    ASSERT_FALSE(g) << bad;
    EXPECT_EQ(g.error().field, "Range");
  }
}

}  // namespace
}  // namespace zhifa::record
