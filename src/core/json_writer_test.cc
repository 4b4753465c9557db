#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace zhifa::core {
namespace {

TEST(JsonWriter, MatchesNlohmannDump) {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .Int(-5)
      .Key("b")
      .String("市\"场\\监\n管\t局\x01")
      .Key("c")
      .BeginArray()
      .Bool(true)
      .Null()
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .OptInt(std::nullopt)
      .OptInt(7)
      .EndArray()
      .EndObject();
  nlohmann::ordered_json j;
  j["a"] = -5;
  j["b"] = "市\"场\\监\n管\t局\x01";
  j["c"] = nlohmann::ordered_json::array({true, nullptr, nlohmann::ordered_json::object(),
                                          nlohmann::ordered_json::array(), nullptr, 7});
  EXPECT_EQ(w.str(), j.dump());
  auto back = nlohmann::json::parse(w.Take());
  EXPECT_EQ(back["b"], "市\"场\\监\n管\t局\x01");
}

TEST(JsonWriter, EscapesEveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string s(1, static_cast<char>(c));
    std::string out;
    AppendJsonString(out, s);
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), s) << c;
    EXPECT_EQ(out, nlohmann::json(s).dump()) << c;
  }
}

}  // namespace
}  // namespace zhifa::core

namespace zhifa::core {
namespace {

TEST(JsonWriter, RawInsertsAValueAsItIs) {
  JsonWriter w;
  w.BeginObject().Key("a").Raw(R"({"k":[1,2]})").Key("b").Int(3).EndObject();
  EXPECT_EQ(w.str(), R"({"a":{"k":[1,2]},"b":3})");
  JsonWriter arr;
  arr.BeginArray().Raw("null").Raw("\"x\"").EndArray();
  EXPECT_EQ(arr.str(), R"([null,"x"])");
}

}  // namespace
}  // namespace zhifa::core
