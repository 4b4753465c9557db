#include "catalogue/catalogue_model.h"

#include <array>

namespace zhifa::catalogue {

namespace {

struct Name {
  const char* id;
  const char* zh;
};

constexpr std::array<Name, 8> kMatterTypes = {{{"penalty", "行政处罚"},
                                               {"licensing", "行政许可"},
                                               {"inspection", "行政检查"},
                                               {"compulsion", "行政强制"},
                                               {"expropriation", "行政征收征用"},
                                               {"benefit", "行政给付"},
                                               {"confirmation", "行政确认"},
                                               {"other", "其他"}}};

constexpr std::array<Name, 14> kPenaltyKinds = {{{"warning", "警告"},
                                                 {"criticism", "通报批评"},
                                                 {"fine", "罚款"},
                                                 {"confiscate_gains", "没收违法所得"},
                                                 {"confiscate_property", "没收非法财物"},
                                                 {"suspend_licence", "暂扣许可证件"},
                                                 {"lower_qualification", "降低资质等级"},
                                                 {"revoke_licence", "吊销许可证件"},
                                                 {"restrict_business", "限制开展生产经营活动"},
                                                 {"suspend_business", "责令停产停业"},
                                                 {"close", "责令关闭"},
                                                 {"restrict_practice", "限制从业"},
                                                 {"detention", "行政拘留"},
                                                 {"other", "其他"}}};

constexpr std::array<Name, 5> kBands = {{{"no_penalty", "不予处罚"},
                                         {"reduced", "减轻处罚"},
                                         {"lighter", "从轻处罚"},
                                         {"general", "一般"},
                                         {"heavier", "从重处罚"}}};

template <typename E, size_t N>
std::optional<E> ParseName(const std::array<Name, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (s == names[i].id || s == names[i].zh) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

const char* MatterTypeId(MatterType t) { return kMatterTypes.at(static_cast<size_t>(t)).id; }
const char* MatterTypeZh(MatterType t) { return kMatterTypes.at(static_cast<size_t>(t)).zh; }
std::optional<MatterType> ParseMatterType(std::string_view id) {
  // Short forms used in published 权责清单 ("处罚", "许可", …) are accepted too.
  for (size_t i = 0; i < kMatterTypes.size(); ++i) {
    std::string_view zh = kMatterTypes[i].zh;
    if (zh.rfind("行政", 0) == 0 && id == zh.substr(6)) return static_cast<MatterType>(i);
  }
  return ParseName<MatterType>(kMatterTypes, id);
}
const char* PenaltyKindId(PenaltyKind k) { return kPenaltyKinds.at(static_cast<size_t>(k)).id; }
const char* PenaltyKindZh(PenaltyKind k) { return kPenaltyKinds.at(static_cast<size_t>(k)).zh; }
std::optional<PenaltyKind> ParsePenaltyKind(std::string_view id) {
  return ParseName<PenaltyKind>(kPenaltyKinds, id);
}
const char* BandId(Band b) { return kBands.at(static_cast<size_t>(b)).id; }
const char* BandZh(Band b) { return kBands.at(static_cast<size_t>(b)).zh; }
std::optional<Band> ParseBand(std::string_view id) { return ParseName<Band>(kBands, id); }

}  // namespace zhifa::catalogue
