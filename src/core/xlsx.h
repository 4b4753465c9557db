// zhifa::core xlsx — reading and writing Office Open XML workbooks (ECMA-376 SpreadsheetML)
// with libzip and pugixml, enough for the tables departments exchange: several named sheets of
// text, numbers, booleans and dates.
//
// Read: the workbook's sheets by name in order, shared strings (with rich-text runs joined),
// inline strings, numbers, booleans, formula results as cached, errors as their text, gaps
// (missing cells and rows are empty), and whether a number cell has a date format. Bounded:
// the compressed file, each part's uncompressed size and the cell count are capped, so a zip bomb
// or a garbage file gives kInvalidArgument (field "file") with a reason, never a crash.
// Write: a valid workbook (content types, rels, workbook, styles, one part per sheet) with a
// bold frozen header row and column widths from the content, opened by Excel, WPS and
// LibreOffice. Pure apart from memory; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace zhifa::core {

struct XlsxCell {
  enum class Type { kEmpty, kString, kNumber, kBool, kError };
  Type type = Type::kEmpty;
  std::string text;   // kString / kError text; kNumber formatted (integers without ".0")
  double number = 0;  // kNumber
  bool boolean = false;
  bool date_format = false;  // a number with a date/time number format
  // The cell as text: strings as is, numbers as `text`, booleans "TRUE"/"FALSE", dates (when
  // date_format) as YYYY-MM-DD.
  std::string Text() const;
  // A date: a date-formatted or plain number (Excel serial, 1900 system) or text YYYY-MM-DD.
  std::optional<Date> AsDate() const;
};

struct XlsxSheet {
  std::string name;
  std::vector<std::vector<XlsxCell>> rows;  // rows[0] is sheet row 1; ragged, gaps empty
  // All cells as text (XlsxCell::Text), rows padded to the same width.
  std::vector<std::vector<std::string>> TextRows() const;
};

struct XlsxLimits {
  size_t max_file_bytes = 32u << 20;   // compressed
  size_t max_part_bytes = 128u << 20;  // one uncompressed XML part
  size_t max_cells = 2000000;
  size_t max_sheets = 64;
};

// Reads a workbook. Errors (kInvalidArgument, field "file"): not a zip, not a workbook
// (missing xl/workbook.xml), malformed XML (part and offset), limits exceeded.
Result<std::vector<XlsxSheet>> ReadXlsx(std::string_view bytes, const XlsxLimits& limits = {});

// Excel serial day number (1900 date system, with Excel's phantom 1900-02-29) ↔ date.
std::optional<Date> DateFromExcelSerial(double serial);
double ExcelSerialFromDate(const Date& d);

using XlsxValue = std::variant<std::monostate, std::string, double, bool, Date>;

struct XlsxOutSheet {
  std::string name;  // ≤ 31 characters, none of : \ / ? * [ ]
  std::vector<std::vector<XlsxValue>> rows;
  bool bold_header = true;  // row 1 bold and frozen
};

// Writes a workbook. Errors (kInvalidArgument, field "sheets"): no sheet, a bad or duplicate
// sheet name, text that is not valid UTF-8.
Result<std::string> WriteXlsx(const std::vector<XlsxOutSheet>& sheets);

// Convenience: a sheet of text cells.
XlsxOutSheet TextSheet(std::string name, const std::vector<std::vector<std::string>>& rows);

}  // namespace zhifa::core
