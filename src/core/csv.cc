#include "core/csv.h"

#include "core/utf8.h"

namespace zhifa::core {

namespace {

Error CsvError(const std::string& zh, const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, zh, en, "file");
}

// Line (1-based) of byte offset `pos`.
size_t LineOf(std::string_view s, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < s.size(); ++i) {
    if (s[i] == '\n') ++line;
  }
  return line;
}

// Offset of the first byte where UTF-8 validation fails.
size_t FirstInvalid(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size() || !IsValidUtf8(s.substr(i, n))) return i;
    i += n;
  }
  return s.size();
}

}  // namespace

bool LooksLikeGbk(std::string_view s) {
  size_t pairs = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) continue;
    if (c >= 0x81 && c <= 0xFE && i + 1 < s.size()) {
      unsigned char t = s[i + 1];
      if (t >= 0x40 && t <= 0xFE && t != 0x7F) {
        ++pairs;
        ++i;
        continue;
      }
      // GB18030 four-byte form: 81–FE 30–39 81–FE 30–39.
      if (t >= 0x30 && t <= 0x39 && i + 3 < s.size()) {
        i += 3;
        ++pairs;
        continue;
      }
    }
    return false;
  }
  return pairs > 0;
}

Result<CsvRows> ReadCsv(std::string_view s, const CsvLimits& limits) {
  if (s.size() > limits.max_bytes) {
    return CsvError("CSV 文件超过 " + std::to_string(limits.max_bytes) + " 字节的上限",
                    "the CSV file exceeds " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  if (!IsValidUtf8(s)) {
    size_t at = FirstInvalid(s);
    if (LooksLikeGbk(s)) {
      return CsvError(
          "CSV 文件不是 UTF-8 编码（看起来是 GBK/GB18030）。请在 Excel/WPS 中“另存为”时选择“CSV "
          "UTF-8（逗号分隔）”，或导入 xlsx 文件",
          "the CSV file is not UTF-8 (it looks like GBK/GB18030); save it as \"CSV UTF-8\" or "
          "import the xlsx file");
    }
    return CsvError("CSV 文件第 " + std::to_string(LineOf(s, at)) + " 行（字节 " +
                        std::to_string(at) + "）不是有效的 UTF-8 文本",
                    "the CSV file is not valid UTF-8 at line " + std::to_string(LineOf(s, at)) +
                        " (byte " + std::to_string(at) + ")");
  }
  CsvRows rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool any = false;  // the current record has content (a field or a separator)
  auto end_field = [&]() -> Status {
    if (row.size() >= limits.max_columns) {
      return CsvError("CSV 文件第 " + std::to_string(LineOf(s, i)) + " 行的列数超过 " +
                          std::to_string(limits.max_columns),
                      "line " + std::to_string(LineOf(s, i)) + " has more than " +
                          std::to_string(limits.max_columns) + " columns");
    }
    row.push_back(std::move(field));
    field.clear();
    return Ok();
  };
  auto end_record = [&]() -> Status {
    ZHIFA_TRY(end_field());
    if (rows.size() >= limits.max_rows) {
      return CsvError("CSV 文件超过 " + std::to_string(limits.max_rows) + " 行",
                      "the CSV file has more than " + std::to_string(limits.max_rows) + " rows");
    }
    rows.push_back(std::move(row));
    row.clear();
    any = false;
    return Ok();
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '"' && field.empty()) {
      // Quoted field.
      size_t open = i;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += s[i++];
      }
      if (!closed) {
        return CsvError(
            "CSV 文件第 " + std::to_string(LineOf(s, open)) + " 行的引号没有闭合",
            "a quote opened at line " + std::to_string(LineOf(s, open)) + " is never closed");
      }
      any = true;
      if (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        return CsvError("CSV 文件第 " + std::to_string(LineOf(s, i)) + " 行：引号后面有多余的字符",
                        "line " + std::to_string(LineOf(s, i)) + ": text after a closing quote");
      }
      continue;
    }
    if (c == ',') {
      ZHIFA_TRY(end_field());
      any = true;
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
      if (any || !field.empty() || !row.empty()) {
        ZHIFA_TRY(end_record());
      } else {
        rows.push_back({});  // an empty line is an empty record
        if (rows.size() > limits.max_rows) {
          return CsvError("CSV 文件行数过多", "the CSV file has too many rows");
        }
      }
    } else {
      field += c;
      any = true;
      ++i;
    }
  }
  if (any || !field.empty() || !row.empty()) ZHIFA_TRY(end_record());
  // Trailing empty records (blank lines at the end) carry nothing.
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  return rows;
}

std::string WriteCsv(const CsvRows& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& r : rows) {
    for (size_t k = 0; k < r.size(); ++k) {
      if (k) out += ',';
      const std::string& f = r[k];
      bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                   (!f.empty() && (f.front() == ' ' || f.back() == ' '));
      if (!quote) {
        out += f;
        continue;
      }
      out += '"';
      for (char c : f) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace zhifa::core
