// zhifa::core::JsonWriter — appends JSON text straight to a string, for hot read paths where
// building a nlohmann::json tree first costs more than the query (bench/README.md). Produces the
// same text nlohmann's dump() does for the same values (keys in the order written). Strings
// must be valid UTF-8 (everything from the database is); control characters are escaped.
// Not thread-safe; one writer per response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zhifa::core {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // Writes "key": — follow with a value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  JsonWriter& OptInt(const std::optional<int64_t>& value) { return value ? Int(*value) : Null(); }
  // Writes a value that is already JSON text (e.g. a small document's dump()), unchanged.
  JsonWriter& Raw(std::string_view json_text);
  std::string Take() { return std::move(out_); }
  const std::string& str() const { return out_; }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

// Appends `s` as a JSON string literal (with quotes) to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace zhifa::core
