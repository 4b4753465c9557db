// zhifa::core csv — RFC 4180 comma-separated values, as exchanged with spreadsheets.
//
// Read: fields in double quotes may hold commas, quotes ("") and line breaks; CRLF or LF ends a
// record; a UTF-8 byte-order mark is skipped. Input that is not UTF-8 (typically GBK/GB18030
// saved by older Excel) is rejected with a message saying so. Write: UTF-8 with a BOM (so
// Excel opens Chinese text correctly), CRLF, fields quoted when needed. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace zhifa::core {

using CsvRows = std::vector<std::vector<std::string>>;

struct CsvLimits {
  size_t max_bytes = 32u << 20;  // 32 MiB
  size_t max_rows = 200000;
  size_t max_columns = 256;
};

// Parses `bytes`. Errors (kInvalidArgument, field "file", zh+en): too large, too many rows or
// columns, GBK/GB18030 or other non-UTF-8 input (with the byte offset and line), a quote that is
// never closed (with its line), text after a closing quote (line).
Result<CsvRows> ReadCsv(std::string_view bytes, const CsvLimits& limits = {});

// Serialises rows: BOM, CRLF, quoting fields that hold , " CR or LF or start/end with a space.
std::string WriteCsv(const CsvRows& rows);

// Heuristic: true when the bytes are not UTF-8 but decode as GB18030 double-byte text (lead
// 0x81–0xFE, trail 0x40–0xFE except 0x7F) — used to word the error.
bool LooksLikeGbk(std::string_view bytes);

}  // namespace zhifa::core
