#include "discretion/discretion_rules.h"

#include <gtest/gtest.h>

namespace zhifa::discretion {
namespace {

using catalogue::FineRange;
using catalogue::MatterRules;
using catalogue::Tier;
using nlohmann::json;

constexpr Fen kYuan = 100;

// A matter: warning or fine 1,000–10,000 元; tiers 轻微 (harm minor: 1,000–3,000),
// 一般 (default: 3,000–6,000), 严重 (harm serious: 6,000–10,000).
MatterRules SampleMatter() {
  MatterRules m;
  m.code = "330217001000";
  m.name = "销售不符合标准的商品";
  m.penalty_provision = "《示例法》第十条";
  m.range.kinds = {PenaltyKind::kWarning, PenaltyKind::kFine};
  FineRange fr;
  fr.min = 1000 * kYuan;
  fr.max = 10000 * kYuan;
  m.range.fine = fr;
  auto tier = [](const char* name, const char* cond, Fen lo, Fen hi, int ord) {
    Tier t;
    t.name = name;
    t.condition_json = cond;
    t.standard_text = name;
    t.kinds = {PenaltyKind::kFine};
    FineRange f;
    f.min = lo * kYuan;
    f.max = hi * kYuan;
    t.fine = f;
    t.ordinal = ord;
    return t;
  };
  m.tiers.push_back(tier("轻微", R"({"fact":"harm","eq":"minor"})", 1000, 3000, 1));
  m.tiers.push_back(tier("一般", "", 3000, 6000, 2));
  m.tiers.push_back(tier("严重", R"({"fact":"harm","eq":"serious"})", 6000, 10000, 3));
  return m;
}

CompiledMatter Compiled(MatterRules m = SampleMatter(), MatterOptions o = {}) {
  auto c = CompileMatter(std::move(m), std::move(o));
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

Facts F(const char* text) {
  auto f = ParseFacts(json::parse(text), "facts.");
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message_en + " " + f.error().field);
  return f.ok() ? *f : Facts();
}

Outcome Eval(const char* facts, const std::vector<const ListEntry*>& entries = {},
             const EngineParams& p = {}, const CompiledMatter& m = Compiled()) {
  return Evaluate(m, entries, F(facts), p);
}

ListEntry Entry(int64_t id, ListEffect effect, Modality mod, const char* cond) {
  ListEntry e;
  e.id = id;
  e.matter_code = "330217001000";
  e.effect = effect;
  e.kind_id = ListEffectId(effect);
  e.kind_name_zh = "清单";
  e.kind_name_en = "list";
  auto c = CompileConditionText(cond, "condition");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message_en);
  if (c.ok()) e.condition = *c;
  e.modality = mod;
  e.law = "示例法";
  e.article = "第十条";
  e.wording = "示例条目";
  return e;
}

const Ground* FindGround(const Outcome& o, const std::string& article) {
  for (const auto& g : o.grounds) {
    if (g.article == article) return &g;
  }
  return nullptr;
}

// ---- Facts registry ----------------------------------------------------------------------------

struct BadFacts {
  const char* json;
  core::ErrorCode code;
  const char* field;
};

TEST(Facts, PreciseErrorsNameTheFact) {
  const BadFacts rows[] = {
      {R"({"act_date":"2025-01-01","foo":1})", core::ErrorCode::kUnknownField, "facts.foo"},
      {R"({"act_date":"2025-01-01","corrected_in_time":"yes"})", core::ErrorCode::kWrongType,
       "facts.corrected_in_time"},
      {R"({"act_date":"2025-01-01","harm":"huge"})", core::ErrorCode::kInvalidArgument,
       "facts.harm"},
      {R"({"act_date":"2025-01-01","harm":3})", core::ErrorCode::kWrongType, "facts.harm"},
      {R"({"harm":"none"})", core::ErrorCode::kInvalidArgument, "facts.act_date"},
      {R"({"act_date":"2025-02-30"})", core::ErrorCode::kInvalidArgument, "facts.act_date"},
      {R"({"act_date":20250101})", core::ErrorCode::kWrongType, "facts.act_date"},
      {R"({"act_date":"2025-01-01","age_at_act":151})", core::ErrorCode::kInvalidArgument,
       "facts.age_at_act"},
      {R"({"act_date":"2025-01-01","age_at_act":15.5})", core::ErrorCode::kWrongType,
       "facts.age_at_act"},
      {R"({"act_date":"2025-01-01","illegal_gains":-1})", core::ErrorCode::kInvalidArgument,
       "facts.illegal_gains"},
      {R"({"act_date":"2025-01-01","act_end_date":"2024-12-31"})",
       core::ErrorCode::kInvalidArgument, "facts.act_end_date"},
      {R"({"act_date":"2025-01-01","discovered_date":"2024-12-31"})",
       core::ErrorCode::kInvalidArgument, "facts.discovered_date"},
      {R"({"act_date":"2025-01-01","prior_violation_dates":["2024-01-01","2025-01-01"]})",
       core::ErrorCode::kInvalidArgument, "facts.prior_violation_dates[1]"},
      {R"({"act_date":"2025-01-01","prior_violation_dates":[1]})", core::ErrorCode::kWrongType,
       "facts.prior_violation_dates[0]"},
      {R"({"act_date":"2025-01-01","prior_violation_dates":"2024-01-01"})",
       core::ErrorCode::kWrongType, "facts.prior_violation_dates"},
      {R"({"act_date":"2025-01-01","mental_capacity":"some"})", core::ErrorCode::kInvalidArgument,
       "facts.mental_capacity"},
  };
  for (const auto& r : rows) {
    auto f = ParseFacts(json::parse(r.json), "facts.");
    ASSERT_FALSE(f.ok()) << r.json;
    EXPECT_EQ(f.error().code, r.code) << r.json;
    EXPECT_EQ(f.error().field, r.field) << r.json;
    EXPECT_FALSE(f.error().message_zh.empty());
    EXPECT_FALSE(f.error().message_en.empty());
  }
  auto not_object = ParseFacts(json::array(), "facts.");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().field, "facts");
}

TEST(Facts, RoundTripAndNullIsUnknown) {
  Facts f = F(R"({"act_date":"2025-03-01","harm":"minor","age_at_act":16,"illegal_gains":500,
                  "corrected_in_time":true,"prior_violation_dates":["2024-01-02"],
                  "mental_capacity":null})");
  EXPECT_FALSE(f.has(FactId::kMentalCapacity));
  json j = f.ToJson();
  EXPECT_EQ(j["act_date"], "2025-03-01");
  EXPECT_EQ(j["harm"], "minor");
  EXPECT_EQ(j["age_at_act"], 16);
  EXPECT_EQ(j["illegal_gains"], 500);
  EXPECT_EQ(j["corrected_in_time"], true);
  EXPECT_EQ(j["prior_violation_dates"][0], "2024-01-02");
  EXPECT_FALSE(j.contains("mental_capacity"));
}

TEST(Facts, RegistryIsIndexedById) {
  ASSERT_EQ(AllFacts().size(), kFactCount);
  for (size_t i = 0; i < AllFacts().size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(AllFacts()[i].id), i);
    EXPECT_EQ(ParseFactId(AllFacts()[i].key), AllFacts()[i].id);
  }
}

// ---- Conditions --------------------------------------------------------------------------------

TEST(Condition, CompileErrorsNameTheField) {
  const char* bad[] = {
      R"({"fact":"nope","eq":1})",
      R"({"fact":"harm","like":"none"})",
      R"({"fact":"harm","eq":"huge"})",
      R"({"fact":"corrected_in_time","lt":true})",
      R"({"all":[]})",
      R"({"any":{}})",
      R"({"all":[{"fact":"harm","eq":"none"}],"x":1})",
      R"({"prior_violations":{"within_days":0,"eq":0}})",
      R"({"prior_violations":{"within_days":365,"about":0}})",
      R"({"prior_violations":{"within_days":365,"eq":-1}})",
      R"({"fact":"prior_violation_dates","eq":"2024-01-01"})",
      R"({"fact":"illegal_gains","lte":"5000"})",
      R"([])",
      R"(3)",
      R"({"not":{"fact":"harm"}})",
  };
  for (const char* b : bad) {
    auto c = CompileCondition(json::parse(b), "entries[2].condition");
    ASSERT_FALSE(c.ok()) << b;
    EXPECT_EQ(c.error().field, "entries[2].condition") << b;
    EXPECT_EQ(c.error().code, core::ErrorCode::kInvalidArgument);
  }
  auto bad_json = CompileConditionText("{", "condition");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().field, "condition");
}

struct CondRow {
  const char* cond;
  const char* facts;
  bool want;
};

TEST(Condition, EvaluatesTable) {
  const CondRow rows[] = {
      {"true", R"({"act_date":"2025-01-01"})", true},
      {"false", R"({"act_date":"2025-01-01"})", false},
      {"", R"({"act_date":"2025-01-01"})", true},
      {R"({"fact":"harm","eq":"none"})", R"({"act_date":"2025-01-01","harm":"none"})", true},
      {R"({"fact":"harm","eq":"none"})", R"({"act_date":"2025-01-01","harm":"minor"})", false},
      {R"({"fact":"harm","eq":"none"})", R"({"act_date":"2025-01-01"})", false},
      {R"({"fact":"harm","lte":"minor"})", R"({"act_date":"2025-01-01","harm":"minor"})", true},
      {R"({"fact":"harm","lte":"minor"})", R"({"act_date":"2025-01-01","harm":"general"})", false},
      {R"({"fact":"harm","in":["none","minor"]})", R"({"act_date":"2025-01-01","harm":"none"})",
       true},
      {R"({"fact":"harm","in":["none","minor"]})", R"({"act_date":"2025-01-01","harm":"serious"})",
       false},
      // illegal gains ≤ 5,000 元
      {R"({"fact":"illegal_gains","lte":500000})",
       R"({"act_date":"2025-01-01","illegal_gains":500000})", true},
      {R"({"fact":"illegal_gains","lte":500000})",
       R"({"act_date":"2025-01-01","illegal_gains":500001})", false},
      {R"({"fact":"illegal_gains","lte":500000})", R"({"act_date":"2025-01-01"})", false},
      {R"({"fact":"illegal_gains","gt":0})", R"({"act_date":"2025-01-01","illegal_gains":1})",
       true},
      {R"({"fact":"illegal_gains","gte":1})", R"({"act_date":"2025-01-01","illegal_gains":0})",
       false},
      {R"({"fact":"illegal_gains","lt":1})", R"({"act_date":"2025-01-01","illegal_gains":0})",
       true},
      {R"({"fact":"illegal_gains","ne":0})", R"({"act_date":"2025-01-01","illegal_gains":0})",
       false},
      // absent booleans are false
      {R"({"fact":"repeat_offence","is":false})", R"({"act_date":"2025-01-01"})", true},
      {R"({"fact":"repeat_offence","is":true})",
       R"({"act_date":"2025-01-01","repeat_offence":true})", true},
      {R"({"not":{"fact":"repeat_offence","is":true}})", R"({"act_date":"2025-01-01"})", true},
      {R"({"fact":"act_date","gte":"2025-01-01"})", R"({"act_date":"2025-01-01"})", true},
      {R"({"fact":"act_date","gt":"2025-01-01"})", R"({"act_date":"2025-01-01"})", false},
      {R"({"fact":"age_at_act","present":true})", R"({"act_date":"2025-01-01"})", false},
      {R"({"fact":"age_at_act","present":false})", R"({"act_date":"2025-01-01"})", true},
      {R"({"all":[{"fact":"harm","eq":"none"},{"fact":"corrected_in_time","is":true}]})",
       R"({"act_date":"2025-01-01","harm":"none","corrected_in_time":true})", true},
      {R"({"all":[{"fact":"harm","eq":"none"},{"fact":"corrected_in_time","is":true}]})",
       R"({"act_date":"2025-01-01","harm":"none"})", false},
      {R"({"any":[{"fact":"harm","eq":"none"},{"fact":"corrected_in_time","is":true}]})",
       R"({"act_date":"2025-01-01","corrected_in_time":true})", true},
      {R"({"any":[{"fact":"harm","eq":"none"},{"fact":"corrected_in_time","is":true}]})",
       R"({"act_date":"2025-01-01"})", false},
      // first violation within one year: prior violations within 365 days == 0
      {R"({"prior_violations":{"within_days":365,"eq":0}})",
       R"({"act_date":"2025-01-01","prior_violation_dates":["2023-12-31"]})", true},
      {R"({"prior_violations":{"within_days":365,"eq":0}})",
       R"({"act_date":"2025-01-01","prior_violation_dates":["2024-01-02"]})", false},
      {R"({"prior_violations":{"within_days":366,"eq":0}})",
       R"({"act_date":"2025-01-01","prior_violation_dates":["2024-01-01"]})", false},
      {R"({"prior_violations":{"within_days":365,"gte":2}})",
       R"({"act_date":"2025-01-01","prior_violation_dates":["2024-06-01","2024-07-01","2020-01-01"]})",
       true},
      {R"({"prior_violations":{"within_days":365,"eq":0}})",
       R"({"act_date":"2025-01-01","first_violation":true})", true},
      {R"({"prior_violations":{"within_days":365,"eq":0}})", R"({"act_date":"2025-01-01"})", false},
      {R"({"prior_violations":{"within_days":365,"eq":0}})",
       R"({"act_date":"2025-01-01","first_violation":false})", false},
  };
  for (const auto& r : rows) {
    auto c = CompileConditionText(r.cond, "c");
    ASSERT_TRUE(c.ok()) << r.cond << ": " << (c.ok() ? "" : c.error().message_en);
    EXPECT_EQ(c->Eval(F(r.facts)), r.want) << r.cond << " / " << r.facts;
  }
}

TEST(Condition, ReadsListsFacts) {
  auto c = CompileConditionText(
      R"({"all":[{"fact":"harm","eq":"none"},{"prior_violations":{"within_days":365,"eq":0}}]})",
      "c");
  ASSERT_TRUE(c.ok());
  auto reads = c->Reads();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0], FactId::kHarm);
  EXPECT_EQ(reads[1], FactId::kPriorViolationDates);
}

// ---- Statute -----------------------------------------------------------------------------------

struct StatRow {
  const char* name;
  const char* facts;
  Band band;
  Modality modality;
  const char* article;  // a ground with this article must be present and applied
  bool reduced_allowed;
};

TEST(Statute, EachRuleHasItsRow) {
  const StatRow rows[] = {
      // 第30条
      {"age 13", R"({"act_date":"2025-01-01","age_at_act":13})", Band::kNoPenalty, Modality::kMust,
       "第30条", false},
      {"age 14", R"({"act_date":"2025-01-01","age_at_act":14})", Band::kLighter, Modality::kMust,
       "第30条", true},
      {"age 17", R"({"act_date":"2025-01-01","age_at_act":17})", Band::kLighter, Modality::kMust,
       "第30条", true},
      // 第31条
      {"no capacity", R"({"act_date":"2025-01-01","mental_capacity":"none"})", Band::kNoPenalty,
       Modality::kMust, "第31条", false},
      {"partial capacity", R"({"act_date":"2025-01-01","mental_capacity":"partial"})",
       Band::kLighter, Modality::kMay, "第31条", true},
      // 第32条
      {"removed harm", R"({"act_date":"2025-01-01","removed_or_reduced_harm":true})",
       Band::kLighter, Modality::kMust, "第32条第1项", true},
      {"coerced", R"({"act_date":"2025-01-01","coerced_or_induced":true})", Band::kLighter,
       Modality::kMust, "第32条第2项", true},
      {"confessed", R"({"act_date":"2025-01-01","confessed_unknown":true})", Band::kLighter,
       Modality::kMust, "第32条第3项", true},
      {"merit", R"({"act_date":"2025-01-01","meritorious_cooperation":true})", Band::kLighter,
       Modality::kMust, "第32条第4项", true},
      // 第33条
      {"minor, corrected, no harm",
       R"({"act_date":"2025-01-01","minor_violation":true,"corrected_in_time":true,"harm":"none"})",
       Band::kNoPenalty, Modality::kMust, "第33条第1款", false},
      {"first, minor harm, corrected",
       R"({"act_date":"2025-01-01","first_violation":true,"corrected_in_time":true,"harm":"minor"})",
       Band::kNoPenalty, Modality::kMay, "第33条第1款", false},
      {"first derived from prior dates",
       R"({"act_date":"2025-01-01","prior_violation_dates":["2023-06-01"],"corrected_in_time":true,"harm":"minor"})",
       Band::kNoPenalty, Modality::kMay, "第33条第1款", false},
      {"no fault", R"({"act_date":"2025-01-01","no_subjective_fault":true})", Band::kNoPenalty,
       Modality::kMust, "第33条第2款", false},
      // 第36条
      {"limitation expired", R"({"act_date":"2020-01-01","discovered_date":"2022-01-02"})",
       Band::kNoPenalty, Modality::kMust, "第36条", false},
      // 第49条
      {"emergency", R"({"act_date":"2025-01-01","during_emergency":true})", Band::kHeavier,
       Modality::kMust, "第49条", false},
  };
  for (const auto& r : rows) {
    Outcome o = Eval(r.facts);
    EXPECT_EQ(o.band, r.band) << r.name;
    EXPECT_EQ(o.modality, r.modality) << r.name;
    EXPECT_EQ(o.reduced_allowed, r.reduced_allowed) << r.name;
    const Ground* g = FindGround(o, r.article);
    ASSERT_NE(g, nullptr) << r.name;
    EXPECT_TRUE(g->applied) << r.name;
    EXPECT_EQ(g->law, "中华人民共和国行政处罚法") << r.name;
    // 第33条第3款: every no-penalty outcome records education.
    EXPECT_EQ(o.education_required, r.band == Band::kNoPenalty) << r.name;
    EXPECT_FALSE(o.explanation_zh.empty());
    EXPECT_EQ(o.explanation_zh.size(), o.explanation_en.size()) << r.name;
  }
}

TEST(Statute, NotTriggeredRows) {
  const char* rows[] = {
      R"({"act_date":"2025-01-01","age_at_act":18})",
      R"({"act_date":"2025-01-01","mental_capacity":"full"})",
      // 第33条: minor + corrected but minor harm is not "no harm"; not first
      R"({"act_date":"2025-01-01","minor_violation":true,"corrected_in_time":true,"harm":"minor"})",
      // first violation, minor harm but not corrected
      R"({"act_date":"2025-01-01","first_violation":true,"harm":"minor"})",
      // first violation, corrected, general harm
      R"({"act_date":"2025-01-01","first_violation":true,"harm":"general","corrected_in_time":true})",
      // prior violation inside the 365-day look-back: not first
      R"({"act_date":"2025-01-01","prior_violation_dates":["2024-06-01"],"corrected_in_time":true,"harm":"minor"})",
      // discovered on the last day of the 2 years: in time
      R"({"act_date":"2020-01-01","discovered_date":"2022-01-01"})",
  };
  for (const char* r : rows) {
    Outcome o = Eval(r);
    EXPECT_EQ(o.band, Band::kGeneral) << r;
    EXPECT_FALSE(o.education_required) << r;
    EXPECT_TRUE(o.grounds.empty()) << r;
  }
}

TEST(Statute, FirstViolationLookbackIsAParameter) {
  EngineParams p;
  p.first_violation_lookback_days = 180;
  Outcome o = Eval(
      R"({"act_date":"2025-01-01","prior_violation_dates":["2024-06-01"],"corrected_in_time":true,"harm":"minor"})",
      {}, p);
  EXPECT_EQ(o.band, Band::kNoPenalty);
  EXPECT_EQ(o.modality, Modality::kMay);
}

TEST(Statute, NoFaultWhenTheMattersLawProvidesOtherwise) {
  MatterOptions opt;
  opt.punish_without_fault = true;
  opt.fault_basis = "《示例法》第二十条";
  auto m = Compiled(SampleMatter(), opt);
  Outcome o = Eval(R"({"act_date":"2025-01-01","no_subjective_fault":true})", {}, {}, m);
  EXPECT_EQ(o.band, Band::kGeneral);
  const Ground* g = FindGround(o, "第33条第2款");
  ASSERT_NE(g, nullptr);
  EXPECT_FALSE(g->applied);
  EXPECT_NE(g->text_zh.find("示例法"), std::string::npos);
}

struct LimitRow {
  const char* facts;
  int years;
  const char* deadline;
  std::optional<bool> expired;
};

TEST(Statute, LimitationArticle36) {
  const LimitRow rows[] = {
      {R"({"act_date":"2020-01-01","discovered_date":"2022-01-01"})", 2, "2022-01-01", false},
      {R"({"act_date":"2020-01-01","discovered_date":"2022-01-02"})", 2, "2022-01-01", true},
      {R"({"act_date":"2020-01-01"})", 2, "2022-01-01", std::nullopt},
      // life/health or financial safety AND harm: 5 years
      {R"({"act_date":"2020-01-01","safety_or_finance":true,"harm":"minor","discovered_date":"2024-12-31"})",
       5, "2025-01-01", false},
      {R"({"act_date":"2020-01-01","safety_or_finance":true,"harm":"serious","discovered_date":"2025-01-02"})",
       5, "2025-01-01", true},
      // safety but no harm: 2 years
      {R"({"act_date":"2020-01-01","safety_or_finance":true,"harm":"none","discovered_date":"2023-01-01"})",
       2, "2022-01-01", true},
      // continuing act: from its end
      {R"({"act_date":"2019-01-01","act_end_date":"2020-06-30","discovered_date":"2022-06-30"})", 2,
       "2022-06-30", false},
      // 29 February
      {R"({"act_date":"2020-02-29","discovered_date":"2022-03-01"})", 2, "2022-02-28", true},
  };
  for (const auto& r : rows) {
    Outcome o = Eval(r.facts);
    EXPECT_EQ(o.limitation.years, r.years) << r.facts;
    EXPECT_EQ(core::FormatDate(o.limitation.deadline), r.deadline) << r.facts;
    EXPECT_EQ(o.limitation.expired, r.expired) << r.facts;
    EXPECT_EQ(o.band == Band::kNoPenalty, r.expired.value_or(false)) << r.facts;
  }
  EXPECT_EQ(core::FormatDate(AddYears({2024, 2, 29}, 4)), "2028-02-29");
  EXPECT_EQ(core::FormatDate(AddYears({2024, 2, 29}, 1)), "2025-02-28");
}

// ---- Conflict resolution -----------------------------------------------------------------------

TEST(Conflicts, MustNoPenaltyBeatsEverything) {
  ListEntry heavier = Entry(1, ListEffect::kHeavier, Modality::kMust, "true");
  Outcome o =
      Eval(R"({"act_date":"2025-01-01","age_at_act":12,"during_emergency":true})", {&heavier});
  EXPECT_EQ(o.band, Band::kNoPenalty);
  EXPECT_EQ(o.modality, Modality::kMust);
  EXPECT_TRUE(o.range.kinds.empty());
  EXPECT_EQ(o.range.fine.basis, "none");
  for (const auto& g : o.grounds) {
    EXPECT_EQ(g.applied, g.effect == GroundEffect::kNoPenalty) << g.article;
  }
}

TEST(Conflicts, MandatoryMitigationBeatsHeavierWithReason) {
  ListEntry heavier = Entry(1, ListEffect::kHeavier, Modality::kMust, "true");
  Outcome o = Eval(R"({"act_date":"2025-01-01","coerced_or_induced":true})", {&heavier});
  EXPECT_EQ(o.band, Band::kLighter);
  EXPECT_TRUE(o.reduced_allowed);
  EXPECT_TRUE(o.reason_required);
  bool heavier_applied = false;
  for (const auto& g : o.grounds) {
    if (g.effect == GroundEffect::kHeavier) heavier_applied = g.applied;
  }
  EXPECT_FALSE(heavier_applied);
}

TEST(Conflicts, OptionalGroundsOffset) {
  ListEntry heavier = Entry(1, ListEffect::kHeavier, Modality::kMay, "true");
  ListEntry lighter = Entry(2, ListEffect::kLighter, Modality::kMay, "true");
  Outcome o = Eval(R"({"act_date":"2025-01-01"})", {&heavier, &lighter});
  EXPECT_EQ(o.band, Band::kGeneral);
  EXPECT_TRUE(o.reason_required);
}

TEST(Conflicts, MandatoryHeavierBeatsOptionalLighter) {
  ListEntry heavier =
      Entry(1, ListEffect::kHeavier, Modality::kMust, R"({"fact":"repeat_offence","is":true})");
  ListEntry lighter = Entry(2, ListEffect::kLighter, Modality::kMay, "true");
  Outcome o = Eval(R"({"act_date":"2025-01-01","repeat_offence":true})", {&heavier, &lighter});
  EXPECT_EQ(o.band, Band::kHeavier);
  EXPECT_EQ(o.modality, Modality::kMust);
  Outcome not_repeat = Eval(R"({"act_date":"2025-01-01"})", {&heavier, &lighter});
  EXPECT_EQ(not_repeat.band, Band::kLighter);
  EXPECT_EQ(not_repeat.modality, Modality::kMay);
}

TEST(Conflicts, MayNoPenaltyKeepsTheRangeIfPunished) {
  ListEntry lighter = Entry(2, ListEffect::kLighter, Modality::kMust, "true");
  Outcome o = Eval(
      R"({"act_date":"2025-01-01","first_violation":true,"harm":"minor","corrected_in_time":true})",
      {&lighter});
  EXPECT_EQ(o.band, Band::kNoPenalty);
  EXPECT_EQ(o.modality, Modality::kMay);
  EXPECT_TRUE(o.education_required);
  ASSERT_TRUE(o.if_punished.has_value());
  // 轻微 tier (harm minor: 1,000–3,000), lower half → 1,000–2,000.
  EXPECT_EQ(o.if_punished->fine.min, 1000 * kYuan);
  EXPECT_EQ(o.if_punished->fine.max, 2000 * kYuan);
}

TEST(Conflicts, ListNoPenaltyMustAndMay) {
  ListEntry must_no = Entry(
      5, ListEffect::kNoPenalty, Modality::kMust,
      R"({"all":[{"fact":"illegal_gains","lte":50000},{"prior_violations":{"within_days":365,"eq":0}}]})");
  Outcome o =
      Eval(R"({"act_date":"2025-01-01","illegal_gains":30000,"first_violation":true})", {&must_no});
  EXPECT_EQ(o.band, Band::kNoPenalty);
  EXPECT_EQ(o.modality, Modality::kMust);
  ASSERT_EQ(o.grounds.size(), 1u);
  EXPECT_EQ(o.grounds[0].entry_id, 5);
  EXPECT_EQ(o.grounds[0].source, GroundSource::kList);
  Outcome too_much =
      Eval(R"({"act_date":"2025-01-01","illegal_gains":60000,"first_violation":true})", {&must_no});
  EXPECT_EQ(too_much.band, Band::kGeneral);
  ListEntry exempt = Entry(6, ListEffect::kExemptCompulsion, Modality::kMay, "true");
  Outcome ex = Eval(R"({"act_date":"2025-01-01"})", {&exempt});
  EXPECT_TRUE(ex.exempt_compulsion);
  EXPECT_EQ(ex.band, Band::kGeneral);
}

// ---- Ranges ------------------------------------------------------------------------------------

TEST(Ranges, GeneralUsesTheMatchedTier) {
  Outcome o = Eval(R"({"act_date":"2025-01-01"})");
  ASSERT_TRUE(o.tier_index.has_value());
  EXPECT_EQ(*o.tier_index, 1u);
  EXPECT_EQ(o.range.fine.min, 3000 * kYuan);
  EXPECT_EQ(o.range.fine.max, 6000 * kYuan);
  Outcome serious = Eval(R"({"act_date":"2025-01-01","harm":"serious"})");
  EXPECT_EQ(*serious.tier_index, 2u);
  EXPECT_EQ(serious.range.fine.min, 6000 * kYuan);
}

TEST(Ranges, LighterAndHeavierNarrowAsConfigured) {
  ListEntry lighter = Entry(1, ListEffect::kLighter, Modality::kMust, "true");
  ListEntry heavier = Entry(2, ListEffect::kHeavier, Modality::kMust, "true");
  Outcome l = Eval(R"({"act_date":"2025-01-01"})", {&lighter});
  EXPECT_EQ(l.band, Band::kLighter);
  EXPECT_FALSE(l.reduced_allowed);
  EXPECT_EQ(l.range.fine.min, 3000 * kYuan);
  EXPECT_EQ(l.range.fine.max, 4500 * kYuan);
  Outcome h = Eval(R"({"act_date":"2025-01-01"})", {&heavier});
  EXPECT_EQ(h.range.fine.min, 4500 * kYuan);
  EXPECT_EQ(h.range.fine.max, 6000 * kYuan);
  EngineParams statute;
  statute.narrow_within_tier = false;
  statute.lighter_permille = 300;
  statute.heavier_permille = 200;
  Outcome ls = Eval(R"({"act_date":"2025-01-01"})", {&lighter}, statute);
  EXPECT_EQ(ls.range.fine.min, 1000 * kYuan);
  EXPECT_EQ(ls.range.fine.max, 3700 * kYuan);
  Outcome hs = Eval(R"({"act_date":"2025-01-01"})", {&heavier}, statute);
  EXPECT_EQ(hs.range.fine.min, 8200 * kYuan);
  EXPECT_EQ(hs.range.fine.max, 10000 * kYuan);
}

TEST(Ranges, ReducedGoesBelowTheStatutoryMinimum) {
  ListEntry reduced = Entry(1, ListEffect::kReduced, Modality::kMust, "true");
  Outcome o = Eval(R"({"act_date":"2025-01-01"})", {&reduced});
  EXPECT_EQ(o.band, Band::kReduced);
  EXPECT_EQ(o.range.fine.min, 0);
  EXPECT_EQ(o.range.fine.max, 1000 * kYuan);
  Outcome minor = Eval(R"({"act_date":"2025-01-01","age_at_act":15})");
  EXPECT_EQ(minor.band, Band::kLighter);
  EXPECT_EQ(minor.range.fine.min, 0);  // 从轻或者减轻: reduced allowed
}

TEST(Ranges, MultiplesOfGainsWithFallback) {
  MatterRules m = SampleMatter();
  m.tiers.clear();
  FineRange fr;
  fr.basis = FineRange::Basis::kMultipleOfGains;
  fr.min_permille = 2000;
  fr.max_permille = 5000;
  fr.fallback_max = 50000 * kYuan;
  m.range.fine = fr;
  auto cm = Compiled(m);
  Outcome o = Eval(R"({"act_date":"2025-01-01","illegal_gains":1000000})", {}, {}, cm);
  EXPECT_EQ(o.range.fine.basis, "gains");
  EXPECT_EQ(o.range.fine.base, 1000000);
  EXPECT_EQ(o.range.fine.min, 2000000);
  EXPECT_EQ(o.range.fine.max, 5000000);
  Outcome none = Eval(R"({"act_date":"2025-01-01"})", {}, {}, cm);
  EXPECT_EQ(none.range.fine.basis, "fallback");
  EXPECT_FALSE(none.range.fine.min.has_value());
  EXPECT_EQ(none.range.fine.max, 50000 * kYuan);
  Outcome zero = Eval(R"({"act_date":"2025-01-01","illegal_gains":0})", {}, {}, cm);
  EXPECT_EQ(zero.range.fine.basis, "fallback");
  fr.basis = FineRange::Basis::kMultipleOfValue;
  m.range.fine = fr;
  Outcome value = Eval(R"({"act_date":"2025-01-01","goods_value":300})", {}, {}, Compiled(m));
  EXPECT_EQ(value.range.fine.basis, "value");
  EXPECT_EQ(value.range.fine.min, 600);
  EXPECT_EQ(value.range.fine.max, 1500);
  // Huge bases do not overflow.
  FineBounds big =
      ComputeFine(fr, F(R"({"act_date":"2025-01-01","goods_value":1000000000000000})"));
  EXPECT_EQ(big.max, 5000000000000000);
}

TEST(Ranges, ATierWithABandIsAGround) {
  MatterRules m = SampleMatter();
  m.tiers[0].band = Band::kLighter;  // 轻微 (harm minor) is the benchmark's 从轻 tier
  m.tiers[0].source = "示例裁量基准";
  Outcome o = Eval(R"({"act_date":"2025-01-01","harm":"minor"})", {}, {}, Compiled(m));
  EXPECT_EQ(*o.tier_index, 0u);
  EXPECT_EQ(o.band, Band::kLighter);
  ASSERT_EQ(o.grounds.size(), 1u);
  EXPECT_EQ(o.grounds[0].source, GroundSource::kTier);
  EXPECT_EQ(o.grounds[0].law, "示例裁量基准");
  // lower half of the tier's 1,000–3,000
  EXPECT_EQ(o.range.fine.min, 1000 * kYuan);
  EXPECT_EQ(o.range.fine.max, 2000 * kYuan);
  // A tier without a condition and with a band other than general is never the default.
  MatterRules only = SampleMatter();
  only.tiers = {only.tiers[1]};
  only.tiers[0].band = Band::kHeavier;
  Outcome none = Eval(R"({"act_date":"2025-01-01"})", {}, {}, Compiled(only));
  EXPECT_FALSE(none.tier_index.has_value());
  EXPECT_EQ(none.range.fine.min, 1000 * kYuan);  // the statute's range
  EXPECT_EQ(none.range.fine.max, 10000 * kYuan);
}

TEST(Explanation, NamesTheNarrowingParameterOnlyWhenItApplies) {
  auto has_param_line = [](const Outcome& o) {
    for (const auto& l : o.explanation_zh) {
      if (l.find("可配置参数") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_FALSE(has_param_line(Eval(R"({"act_date":"2025-01-01"})")));
  EXPECT_TRUE(has_param_line(Eval(R"({"act_date":"2025-01-01","age_at_act":16})")));
  EXPECT_FALSE(has_param_line(Eval(
      R"({"act_date":"2025-01-01","first_violation":true,"harm":"minor","corrected_in_time":true})")));
}

TEST(Ranges, TierConditionErrorsNameTheTier) {
  MatterRules m = SampleMatter();
  m.tiers[2].condition_json = R"({"fact":"nope","eq":1})";
  auto c = CompileMatter(m);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, "tiers[2].condition_json");
}

// ---- Check -------------------------------------------------------------------------------------

std::vector<std::string> Codes(const std::vector<Problem>& ps) {
  std::vector<std::string> out;
  out.reserve(ps.size());
  for (const auto& p : ps) out.push_back(p.code);
  return out;
}

struct CheckRow {
  const char* name;
  const char* facts;
  std::vector<PenaltyKind> kinds;
  std::optional<Fen> fine;
  const char* reason;
  std::vector<std::string> want;
};

TEST(Check, ProposalsTable) {
  ListEntry heavier =
      Entry(1, ListEffect::kHeavier, Modality::kMust, R"({"fact":"repeat_offence","is":true})");
  const auto K = PenaltyKind::kFine;
  const CheckRow rows[] = {
      {"inside the tier", R"({"act_date":"2025-01-01"})", {K}, 4000 * kYuan, "", {}},
      {"above statutory max",
       R"({"act_date":"2025-01-01"})",
       {K},
       12000 * kYuan,
       "x",
       {"above_statutory_max"}},
      {"below min without ground",
       R"({"act_date":"2025-01-01"})",
       {K},
       500 * kYuan,
       "x",
       {"below_minimum_without_reduced_ground"}},
      {"below min with a 减轻 ground (age 15)",
       R"({"act_date":"2025-01-01","age_at_act":15})",
       {K},
       500 * kYuan,
       "",
       {"reason_required"}},
      {"outside tier but in statute: reason needed",
       R"({"act_date":"2025-01-01"})",
       {K},
       2000 * kYuan,
       "",
       {"outside_allowed_range", "reason_required"}},
      {"must not punish",
       R"({"act_date":"2025-01-01","age_at_act":12})",
       {K},
       100 * kYuan,
       "",
       {"must_not_punish"}},
      {"must not punish, none proposed",
       R"({"act_date":"2025-01-01","age_at_act":12})",
       {},
       std::nullopt,
       "",
       {}},
      {"may not punish, none proposed",
       R"({"act_date":"2025-01-01","first_violation":true,"harm":"minor","corrected_in_time":true})",
       {},
       std::nullopt,
       "",
       {}},
      {"no penalty proposed in the general band",
       R"({"act_date":"2025-01-01"})",
       {},
       std::nullopt,
       "",
       {"penalty_required"}},
      {"heavier without reason",
       R"({"act_date":"2025-01-01","repeat_offence":true})",
       {K},
       5000 * kYuan,
       "",
       {"reason_required"}},
      {"heavier with reason",
       R"({"act_date":"2025-01-01","repeat_offence":true})",
       {K},
       5000 * kYuan,
       "屡次违法",
       {}},
      {"heavier below its part",
       R"({"act_date":"2025-01-01","repeat_offence":true})",
       {K},
       3500 * kYuan,
       "屡次违法",
       {"outside_allowed_range"}},
      {"kind not allowed",
       R"({"act_date":"2025-01-01"})",
       {PenaltyKind::kRevokeLicence, K},
       4000 * kYuan,
       "",
       {"kind_not_allowed"}},
      {"fine kind without amount",
       R"({"act_date":"2025-01-01"})",
       {K},
       std::nullopt,
       "",
       {"fine_missing"}},
      {"amount without fine kind",
       R"({"act_date":"2025-01-01","age_at_act":15})",
       {PenaltyKind::kWarning},
       100 * kYuan,
       "",
       {"fine_kind_missing", "reason_required"}},
  };
  for (const auto& r : rows) {
    Outcome o = Eval(r.facts, {&heavier});
    Proposal p{r.kinds, r.fine, r.reason};
    auto problems = Check(o, p);
    EXPECT_EQ(Codes(problems), r.want) << r.name;
    for (const auto& pr : problems) {
      EXPECT_FALSE(pr.article.empty()) << r.name << " " << pr.code;
      EXPECT_FALSE(pr.field.empty()) << r.name << " " << pr.code;
    }
  }
}

TEST(Json, OutcomeHasEverything) {
  Outcome o = Eval(R"({"act_date":"2025-01-01","age_at_act":16})");
  json j = o.ToJson();
  EXPECT_EQ(j["band"], "lighter");
  EXPECT_EQ(j["modality"], "must");
  EXPECT_EQ(j["reduced_allowed"], true);
  EXPECT_EQ(j["range"]["fine"]["min"], 0);
  EXPECT_EQ(j["range"]["fine"]["max"], 4500 * kYuan);
  EXPECT_EQ(j["grounds"][0]["article"], "第30条");
  EXPECT_EQ(j["limitation"]["years"], 2);
  EXPECT_TRUE(j["explanation_zh"].is_array());
  EXPECT_NE(j["explanation_zh"].back().get<std::string>().find("从轻处罚"), std::string::npos);
}

}  // namespace
}  // namespace zhifa::discretion
