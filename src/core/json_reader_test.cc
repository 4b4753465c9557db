#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "core/json_writer.h"

namespace zhifa::core {
namespace {

TEST(JsonReader, ReadsAnObjectInOrder) {
  JsonReader r(R"( { "a" : -5, "b":"市\"场\\监\n管\u0041\ud83d\ude00", "c":[true,null,{},[],7],
                    "d":false, "e": {"x": 1.5e3, "y": [ "s" ]} } )");
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  int64_t a = 0;
  std::string b;
  std::vector<std::string> seen;
  while (r.NextKey(key)) {
    seen.emplace_back(key);
    if (key == "a") {
      ASSERT_TRUE(r.Int(a));
    } else if (key == "b") {
      ASSERT_TRUE(r.String(b));
    } else if (key == "c") {
      ASSERT_TRUE(r.BeginArray());
      bool t = false;
      ASSERT_TRUE(r.NextElement());
      ASSERT_TRUE(r.Bool(t));
      EXPECT_TRUE(t);
      ASSERT_TRUE(r.NextElement());
      EXPECT_TRUE(r.Null());
      ASSERT_TRUE(r.NextElement());
      std::string_view raw;
      ASSERT_TRUE(r.Raw(raw));
      EXPECT_EQ(raw, "{}");
      ASSERT_TRUE(r.NextElement());
      ASSERT_TRUE(r.Skip());
      ASSERT_TRUE(r.NextElement());
      int64_t seven = 0;
      ASSERT_TRUE(r.Int(seven));
      EXPECT_EQ(seven, 7);
      EXPECT_FALSE(r.NextElement());
      EXPECT_TRUE(r.ok()) << r.error();
    } else if (key == "e") {
      std::string_view raw;
      ASSERT_TRUE(r.Raw(raw));
      EXPECT_EQ(nlohmann::json::parse(raw), nlohmann::json::parse(R"({"x":1500.0,"y":["s"]})"));
    } else {
      ASSERT_TRUE(r.Skip());
    }
  }
  EXPECT_TRUE(r.Finish()) << r.error();
  EXPECT_EQ(a, -5);
  EXPECT_EQ(b, "市\"场\\监\n管A\xF0\x9F\x98\x80");
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(JsonReader, ReadsWhatTheWriterWrote) {
  std::string text;
  for (int c = 0; c < 0x80; ++c) text += static_cast<char>(c);
  text += "执法\\\"";
  JsonWriter w;
  w.BeginObject().Key("s").String(text).Key("n").Int(INT64_MIN).Key("m").Int(INT64_MAX).EndObject();
  JsonReader r(w.str());
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  std::string s;
  int64_t n = 0, m = 0;
  ASSERT_TRUE(r.NextKey(key));
  ASSERT_TRUE(r.String(s));
  ASSERT_TRUE(r.NextKey(key));
  ASSERT_TRUE(r.Int(n));
  ASSERT_TRUE(r.NextKey(key));
  ASSERT_TRUE(r.Int(m));
  EXPECT_FALSE(r.NextKey(key));
  EXPECT_TRUE(r.Finish()) << r.error();
  EXPECT_EQ(s, text);
  EXPECT_EQ(n, INT64_MIN);
  EXPECT_EQ(m, INT64_MAX);
}

// Reads `text` as an object whose every value is skipped; returns the error (empty if none).
std::string SkipAll(std::string_view text) {
  JsonReader r(text);
  std::string_view key;
  if (r.BeginObject()) {
    while (r.NextKey(key)) r.Skip();
  }
  r.Finish();
  return r.error();
}

TEST(JsonReader, AcceptsEveryValidDocument) {
  for (const char* ok : {"{}", " {\"a\":{\"b\":[[],[{}],\"\\u00e9\"]}} ",
                         "{\"a\":0,\"b\":-0.5,\"c\":1E+2,\"d\":2e-3}",
                         "{\"a\":\"\\/\\b\\f\\r\\t\"}", "{\"a\":true,\"b\":false,\"c\":null}"}) {
    EXPECT_EQ(SkipAll(ok), "") << ok;
    EXPECT_TRUE(nlohmann::json::accept(ok)) << ok;  // the rows are valid JSON
  }
}

TEST(JsonReader, RefusesMalformedTextWithItsPosition) {
  struct Row {
    const char* text;
    const char* error;
    bool valid_json = false;  // refused by the reader's contract, not by JSON's grammar
  };
  for (const Row& row : std::vector<Row>{
           {"", "at byte 0: expected an object"},
           {"[]", "at byte 0: expected an object", true},
           {"{", "at byte 1: expected a key"},
           {"{\"a\"}", "at byte 4: expected ':'"},
           {"{\"a\":1 \"b\":2}", "at byte 7: expected ',' or the end"},
           {"{,\"a\":1}", "at byte 1: expected a key"},
           {"{\"a\":1,}", "at byte 7: expected a key"},
           {"{\"a\":[1,]}", "at byte 8: expected a value"},
           {"{\"a\":[,1]}", "at byte 6: expected a value"},
           {"{\"a\":01}", "at byte 5: leading zero in a number"},
           {"{\"a\":1.}", "at byte 5: expected digits after '.'"},
           {"{\"a\":1e}", "at byte 5: expected digits in the exponent"},
           {"{\"a\":nul}", "at byte 5: expected a value"},
           {"{\"a\":tru}", "at byte 5: expected true or false"},
           {"{\"a\":\"x}", "at byte 8: unterminated string"},
           {"{\"a\":\"\n\"}", "at byte 6: control character in a string"},
           {"{\"a\":\"\\x\"}", "at byte 9: invalid escape"},
           {"{\"a\":\"\\ud800\"}", "at byte 13: lone surrogate"},
           {"{\"a\":\"\\ud800\\u0041\"}", "at byte 19: invalid surrogate"},
           {"{\"a\":\"\\udc00\"}", "at byte 13: invalid surrogate"},
           {"{\"a\":\"\\u00g0\"}", "at byte 13: invalid \\u escape"},
           {"{\"a\":\"\\u12\"}", "at byte 11: incomplete \\u escape"},
           {"{\"\\u0061\":1}", "at byte 9: escaped characters in a key", true},
           {"{\"a\":1}x", "at byte 7: unexpected text after the value"},
           {"{\"a\":[1}", "at byte 7: expected ',' or the end"},
       }) {
    EXPECT_EQ(SkipAll(row.text), row.error) << row.text;
    EXPECT_EQ(nlohmann::json::accept(row.text), row.valid_json) << row.text;
  }
}

TEST(JsonReader, RefusesTheWrongTypeAndStaysFailed) {
  JsonReader r(R"({"a":"x","b":1.5,"c":99999999999999999999,"d":1})");
  std::string_view key;
  int64_t n = 0;
  ASSERT_TRUE(r.BeginObject());
  ASSERT_TRUE(r.NextKey(key));
  EXPECT_FALSE(r.Int(n));
  EXPECT_EQ(r.error(), "at byte 5: expected an integer");
  EXPECT_FALSE(r.NextKey(key));  // failed: every later read is refused
  EXPECT_FALSE(r.Finish());

  JsonReader f(R"({"b":1.5})");
  ASSERT_TRUE(f.BeginObject() && f.NextKey(key));
  EXPECT_FALSE(f.Int(n));
  EXPECT_EQ(f.error(), "at byte 5: expected an integer");

  JsonReader big(R"({"c":99999999999999999999})");
  ASSERT_TRUE(big.BeginObject() && big.NextKey(key));
  EXPECT_FALSE(big.Int(n));
  EXPECT_EQ(big.error(), "at byte 5: integer out of range");

  JsonReader arr(R"([1])");
  ASSERT_TRUE(arr.BeginArray());
  EXPECT_FALSE(arr.NextKey(key));
  EXPECT_EQ(arr.error(), "at byte 1: not inside an object");
}

TEST(JsonReader, RefusesNestingDeeperThanItsLimit) {
  std::string deep = "{\"a\":";
  for (int i = 0; i < JsonReader::kMaxDepth; ++i) deep += '[';
  EXPECT_EQ(SkipAll(deep),
            "at byte " + std::to_string(5 + JsonReader::kMaxDepth - 1) + ": nested too deeply");
  std::string fine = "{\"a\":";
  for (int i = 0; i < JsonReader::kMaxDepth - 1; ++i) fine += '[';
  for (int i = 0; i < JsonReader::kMaxDepth - 1; ++i) fine += ']';
  fine += '}';
  EXPECT_EQ(SkipAll(fine), "");
}

}  // namespace
}  // namespace zhifa::core
