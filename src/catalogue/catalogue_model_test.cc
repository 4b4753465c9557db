#include "catalogue/catalogue_model.h"

#include <gtest/gtest.h>

namespace zhifa::catalogue {
namespace {

TEST(Model, MatterTypesRoundTripByIdAndChineseName) {
  for (int i = 0; i <= static_cast<int>(MatterType::kOther); ++i) {
    auto t = static_cast<MatterType>(i);
    EXPECT_EQ(ParseMatterType(MatterTypeId(t)), t);
    EXPECT_EQ(ParseMatterType(MatterTypeZh(t)), t);
  }
  EXPECT_EQ(ParseMatterType("处罚"), MatterType::kPenalty);
  EXPECT_EQ(ParseMatterType("征收征用"), MatterType::kExpropriation);
  EXPECT_EQ(ParseMatterType("其他"), MatterType::kOther);
  EXPECT_FALSE(ParseMatterType("罚款"));
}

TEST(Model, PenaltyKindsAreThoseOfArticle9) {
  for (int i = 0; i <= static_cast<int>(PenaltyKind::kOther); ++i) {
    auto k = static_cast<PenaltyKind>(i);
    EXPECT_EQ(ParsePenaltyKind(PenaltyKindId(k)), k);
    EXPECT_EQ(ParsePenaltyKind(PenaltyKindZh(k)), k);
  }
  EXPECT_EQ(ParsePenaltyKind("吊销许可证件"), PenaltyKind::kRevokeLicence);
  EXPECT_FALSE(ParsePenaltyKind("罚金"));  // a criminal penalty, not an administrative one
}

TEST(Model, BandsOrderFromLenientToSevere) {
  EXPECT_LT(Band::kNoPenalty, Band::kReduced);
  EXPECT_LT(Band::kReduced, Band::kLighter);
  EXPECT_LT(Band::kLighter, Band::kGeneral);
  EXPECT_LT(Band::kGeneral, Band::kHeavier);
  EXPECT_EQ(ParseBand("从重处罚"), Band::kHeavier);
  EXPECT_EQ(ParseBand("no_penalty"), Band::kNoPenalty);
  EXPECT_STREQ(BandZh(Band::kReduced), "减轻处罚");
}

}  // namespace
}  // namespace zhifa::catalogue
