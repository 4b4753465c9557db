#include "core/xlsx.h"

#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <pugixml.hpp>
#include <set>

#include "core/utf8.h"

namespace zhifa::core {

namespace {

Error FileError(const std::string& zh, const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, zh, en, "file");
}

// Appends the parts to `out` (no temporaries).
void Append(std::string& out, std::initializer_list<std::string_view> parts) {
  for (auto p : parts) out.append(p);
}
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  Append(s, parts);
  return s;
}

// ---- reading ---------------------------------------------------------------------------------

struct ZipCloser {
  void operator()(zip_t* z) const {
    if (z) zip_discard(z);
  }
};

class ZipReader {
 public:
  static Result<ZipReader> Open(std::string_view bytes, size_t max_part) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) {
      zip_error_fini(&err);
      return FileError("无法读取文件", "cannot read the file");
    }
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z) {
      zip_source_free(src);
      zip_error_fini(&err);
      return FileError("文件不是有效的 xlsx（zip）文件，可能已损坏或不是 Excel 2007 以后的格式",
                       "the file is not a valid xlsx (zip) file; it may be damaged or an old "
                       ".xls");
    }
    zip_error_fini(&err);
    ZipReader r;
    r.zip_.reset(z);
    r.max_part_ = max_part;
    return r;
  }

  // nullopt when the entry does not exist; error when it cannot be read or is too large.
  Result<std::optional<std::string>> Read(const std::string& name) {
    zip_int64_t idx = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
    if (idx < 0) return std::optional<std::string>();
    zip_file_t* f = zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(idx), 0);
    if (!f) {
      return FileError("xlsx 文件的部件 " + name + " 无法解压（文件损坏或已加密）",
                       "cannot decompress part " + name + " (damaged or encrypted file)");
    }
    std::string out;
    char buf[65536];
    while (true) {
      zip_int64_t n = zip_fread(f, buf, sizeof buf);
      if (n < 0) {
        zip_fclose(f);
        return FileError("xlsx 文件的部件 " + name + " 解压失败（文件损坏）",
                         "part " + name + " failed to decompress (damaged file)");
      }
      if (n == 0) break;
      if (out.size() + static_cast<size_t>(n) > max_part_) {
        zip_fclose(f);
        return FileError(
            "xlsx 文件的部件 " + name + " 解压后超过 " + std::to_string(max_part_ >> 20) +
                " MiB 上限",
            "part " + name + " exceeds " + std::to_string(max_part_ >> 20) + " MiB uncompressed");
      }
      out.append(buf, static_cast<size_t>(n));
    }
    zip_fclose(f);
    return std::optional<std::string>(std::move(out));
  }

 private:
  std::unique_ptr<zip_t, ZipCloser> zip_;
  size_t max_part_ = 0;
};

std::string_view Local(const char* name) {
  std::string_view n(name);
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node n, std::string_view local) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element && Local(c.name()) == local) return c;
  }
  return {};
}

template <typename F>
void EachChild(pugi::xml_node n, std::string_view local, F f) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element && Local(c.name()) == local) f(c);
  }
}

const char* Attr(pugi::xml_node n, std::string_view local) {
  for (auto a : n.attributes()) {
    if (Local(a.name()) == local) return a.value();
  }
  return "";
}

Status Parse(pugi::xml_document& doc, const std::string& text, const std::string& part) {
  auto res =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!res) {
    return FileError("xlsx 文件的部件 " + part + " 不是有效的 XML（位置 " +
                         std::to_string(res.offset) + "：" + res.description() + "）",
                     "part " + part + " is not valid XML (offset " + std::to_string(res.offset) +
                         ": " + res.description() + ")");
  }
  return Ok();
}

// Decodes Excel's _xHHHH_ escapes of characters XML cannot carry.
std::string Unescape(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 4])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 5]))) {
      unsigned cp = std::stoul(s.substr(i + 2, 4), nullptr, 16);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i += 6;
      continue;
    }
    out += s[i];
  }
  return out;
}

// Text of a string item (<si> or <is>): a plain <t>, or rich-text runs <r><t>; phonetic runs
// (<rPh>) are not part of the value.
std::string ItemText(pugi::xml_node si) {
  std::string out;
  for (auto c : si.children()) {
    if (c.type() != pugi::node_element) continue;
    auto ln = Local(c.name());
    if (ln == "t") {
      out += c.child_value();
    } else if (ln == "r") {
      auto t = Child(c, "t");
      if (t) out += t.child_value();
    }
  }
  return Unescape(std::move(out));
}

bool IsDateFormatCode(std::string_view code) {
  bool in_quote = false, in_bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') in_quote = !in_quote;
    if (in_quote) continue;
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '[') in_bracket = true;
    if (c == ']') in_bracket = false;
    if (in_bracket) continue;
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == 'y' || l == 'd' || l == 'm' || l == 'h' || l == 's') return true;
  }
  return false;
}

bool IsBuiltinDateFormat(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

std::string FormatNumber(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// "BC12" → column 54 (0-based), row 11 (0-based). False when malformed.
bool ParseRef(std::string_view ref, size_t& col, size_t& row) {
  size_t i = 0, c = 0, r = 0;
  while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i]))) {
    c = c * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    if (c > 16384) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  while (i < ref.size() && std::isdigit(static_cast<unsigned char>(ref[i]))) {
    r = r * 10 + (ref[i] - '0');
    if (r > 1048576) return false;
    ++i;
  }
  if (i != ref.size() || r == 0) return false;
  col = c - 1;
  row = r - 1;
  return true;
}

std::string ResolveTarget(std::string target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  // Relative to xl/.
  std::string base = "xl/";
  while (target.rfind("../", 0) == 0) {
    target = target.substr(3);
    base.clear();
  }
  return base + target;
}

}  // namespace

std::string XlsxCell::Text() const {
  switch (type) {
    case Type::kEmpty:
      return {};
    case Type::kString:
    case Type::kError:
      return text;
    case Type::kBool:
      return boolean ? "TRUE" : "FALSE";
    case Type::kNumber:
      if (date_format) {
        if (auto d = DateFromExcelSerial(number)) return FormatDate(*d);
      }
      return text;
  }
  return {};
}

std::optional<Date> XlsxCell::AsDate() const {
  if (type == Type::kNumber) return DateFromExcelSerial(number);
  if (type == Type::kString) {
    auto d = ParseDate(text);
    if (d) return *d;
  }
  return std::nullopt;
}

std::vector<std::vector<std::string>> XlsxSheet::TextRows() const {
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.size());
  std::vector<std::vector<std::string>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    std::vector<std::string> t(width);
    for (size_t i = 0; i < r.size(); ++i) t[i] = r[i].Text();
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<Date> DateFromExcelSerial(double serial) {
  if (!std::isfinite(serial) || serial < 1 || serial >= 2958466) return std::nullopt;  // 9999-12-31
  int64_t day = static_cast<int64_t>(std::floor(serial));
  if (day == 60) return std::nullopt;  // 1900-02-29 does not exist (Lotus 1-2-3 compatibility)
  int64_t base = DaysFromCivil(Date{1899, 12, 31});
  if (day > 60) --day;
  return CivilFromDays(base + day);
}

double ExcelSerialFromDate(const Date& d) {
  int64_t n = DaysFromCivil(d) - DaysFromCivil(Date{1899, 12, 31});
  if (n >= 60) ++n;
  return static_cast<double>(n);
}

Result<std::vector<XlsxSheet>> ReadXlsx(std::string_view bytes, const XlsxLimits& limits) {
  if (bytes.size() > limits.max_file_bytes) {
    return FileError(
        "xlsx 文件超过 " + std::to_string(limits.max_file_bytes >> 20) + " MiB 上限",
        "the xlsx file exceeds " + std::to_string(limits.max_file_bytes >> 20) + " MiB");
  }
  if (bytes.size() < 4 || bytes.substr(0, 2) != "PK") {
    if (bytes.size() >= 8 && bytes.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
      return FileError("这是旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后导入",
                       "this is an old .xls file; save it as .xlsx and import that");
    }
    return FileError("文件不是 xlsx 文件", "the file is not an xlsx file");
  }
  auto zip = ZipReader::Open(bytes, limits.max_part_bytes);
  if (!zip) return zip.error();
  auto wb_text = zip->Read("xl/workbook.xml");
  if (!wb_text) return wb_text.error();
  if (!*wb_text) {
    return FileError("文件不是 Excel 工作簿（缺少 xl/workbook.xml）",
                     "the file is not an Excel workbook (no xl/workbook.xml)");
  }
  pugi::xml_document wb;
  ZHIFA_TRY(Parse(wb, **wb_text, "xl/workbook.xml"));
  std::map<std::string, std::string> rels;
  auto rel_text = zip->Read("xl/_rels/workbook.xml.rels");
  if (!rel_text) return rel_text.error();
  if (*rel_text) {
    pugi::xml_document rd;
    ZHIFA_TRY(Parse(rd, **rel_text, "xl/_rels/workbook.xml.rels"));
    EachChild(Child(rd, "Relationships"), "Relationship",
              [&](pugi::xml_node r) { rels[Attr(r, "Id")] = ResolveTarget(Attr(r, "Target")); });
  }
  std::vector<std::string> shared;
  auto ss_text = zip->Read("xl/sharedStrings.xml");
  if (!ss_text) return ss_text.error();
  if (*ss_text) {
    pugi::xml_document sd;
    ZHIFA_TRY(Parse(sd, **ss_text, "xl/sharedStrings.xml"));
    EachChild(Child(sd, "sst"), "si", [&](pugi::xml_node si) { shared.push_back(ItemText(si)); });
  }
  std::vector<bool> date_styles;
  auto st_text = zip->Read("xl/styles.xml");
  if (!st_text) return st_text.error();
  if (*st_text) {
    pugi::xml_document sd;
    ZHIFA_TRY(Parse(sd, **st_text, "xl/styles.xml"));
    auto ss = Child(sd, "styleSheet");
    std::set<int> custom_dates;
    EachChild(Child(ss, "numFmts"), "numFmt", [&](pugi::xml_node f) {
      if (IsDateFormatCode(Attr(f, "formatCode")))
        custom_dates.insert(std::atoi(Attr(f, "numFmtId")));
    });
    EachChild(Child(ss, "cellXfs"), "xf", [&](pugi::xml_node xf) {
      int id = std::atoi(Attr(xf, "numFmtId"));
      date_styles.push_back(IsBuiltinDateFormat(id) || custom_dates.count(id) > 0);
    });
  }
  std::vector<XlsxSheet> out;
  size_t cells = 0;
  auto sheets_node = Child(Child(wb, "workbook"), "sheets");
  std::vector<std::pair<std::string, std::string>> order;
  EachChild(sheets_node, "sheet",
            [&](pugi::xml_node s) { order.emplace_back(Attr(s, "name"), Attr(s, "id")); });
  if (order.empty()) return FileError("工作簿中没有工作表", "the workbook has no sheets");
  if (order.size() > limits.max_sheets) {
    return FileError("工作表数量超过上限", "too many sheets");
  }
  for (const auto& entry : order) {
    const std::string& name = entry.first;
    const std::string& rid = entry.second;
    XlsxSheet sheet;
    sheet.name = name;
    std::string path = rels.count(rid) ? rels[rid] : "";
    if (path.empty()) {
      return FileError("工作表“" + name + "”找不到对应的部件",
                       "sheet \"" + name + "\" has no part");
    }
    auto text = zip->Read(path);
    if (!text) return text.error();
    if (!*text) {
      return FileError(Cat({"工作表“", name, "”的部件 ", path, " 不存在"}),
                       Cat({"the part ", path, " of sheet \"", name, "\" is missing"}));
    }
    pugi::xml_document sd;
    ZHIFA_TRY(Parse(sd, **text, path));
    auto data = Child(Child(sd, "worksheet"), "sheetData");
    size_t next_row = 0;
    Status bad = Ok();
    EachChild(data, "row", [&](pugi::xml_node r) {
      if (!bad) return;
      size_t row_index = next_row;
      if (const char* rr = Attr(r, "r"); *rr) {
        long v = std::atol(rr);
        if (v < 1 || v > 1048576) {
          bad = FileError("工作表“" + name + "”的行号无效", "bad row number in \"" + name + "\"");
          return;
        }
        row_index = static_cast<size_t>(v - 1);
      }
      next_row = row_index + 1;
      size_t next_col = 0;
      EachChild(r, "c", [&](pugi::xml_node c) {
        if (!bad) return;
        size_t col = next_col, rr2 = row_index;
        if (const char* ref = Attr(c, "r"); *ref && !ParseRef(ref, col, rr2)) {
          bad = FileError("工作表“" + name + "”中的单元格引用“" + ref + "”无效",
                          "bad cell reference \"" + std::string(ref) + "\" in \"" + name + "\"");
          return;
        }
        next_col = col + 1;
        if (++cells > limits.max_cells) {
          bad = FileError("单元格数量超过 " + std::to_string(limits.max_cells) + " 的上限",
                          "more than " + std::to_string(limits.max_cells) + " cells");
          return;
        }
        XlsxCell cell;
        std::string t = Attr(c, "t");
        auto v = Child(c, "v");
        if (t == "s") {
          if (v) {
            long i = std::atol(v.child_value());
            if (i < 0 || static_cast<size_t>(i) >= shared.size()) {
              bad = FileError("工作表“" + name + "”引用了不存在的共享字符串",
                              "sheet \"" + name + "\" refers to a missing shared string");
              return;
            }
            cell.type = XlsxCell::Type::kString;
            cell.text = shared[static_cast<size_t>(i)];
          }
        } else if (t == "inlineStr") {
          cell.type = XlsxCell::Type::kString;
          cell.text = ItemText(Child(c, "is"));
        } else if (t == "str") {
          if (v) {
            cell.type = XlsxCell::Type::kString;
            cell.text = Unescape(v.child_value());
          }
        } else if (t == "b") {
          if (v) {
            cell.type = XlsxCell::Type::kBool;
            cell.boolean = std::string_view(v.child_value()) == "1";
          }
        } else if (t == "e") {
          cell.type = XlsxCell::Type::kError;
          cell.text = v ? v.child_value() : "#N/A";
        } else if (t == "d") {  // ISO 8601 date cell (strict OOXML)
          if (v) {
            cell.type = XlsxCell::Type::kString;
            cell.text = std::string(v.child_value()).substr(0, 10);
          }
        } else if (v && *v.child_value()) {  // an empty <v/>: a formula with no cached result
          const char* s = v.child_value();
          char* end = nullptr;
          double d = std::strtod(s, &end);
          if (end == s || *end != '\0' || !std::isfinite(d)) {
            bad = FileError("工作表“" + name + "”中有无效的数值“" + std::string(s) + "”",
                            "invalid number \"" + std::string(s) + "\" in \"" + name + "\"");
            return;
          }
          cell.type = XlsxCell::Type::kNumber;
          cell.number = d;
          cell.text = FormatNumber(d);
          long style = std::atol(Attr(c, "s"));
          cell.date_format = style >= 0 && static_cast<size_t>(style) < date_styles.size() &&
                             date_styles[static_cast<size_t>(style)];
        }
        if (cell.type == XlsxCell::Type::kEmpty) return;
        if (sheet.rows.size() <= rr2) sheet.rows.resize(rr2 + 1);
        auto& row = sheet.rows[rr2];
        if (row.size() <= col) row.resize(col + 1);
        row[col] = std::move(cell);
      });
    });
    if (!bad) return bad.error();
    out.push_back(std::move(sheet));
  }
  return out;
}

// ---- writing ---------------------------------------------------------------------------------

namespace {

void AppendXml(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '_':
        // A literal "_xHHHH_" would be read as an escape: escape its underscore.
        if (i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 3])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 4])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 5]))) {
          out += "_x005F_";
        } else {
          out += '_';
        }
        break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          char buf[8];
          std::snprintf(buf, sizeof buf, "_x%04X_", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

std::string ColName(size_t col) {
  std::string s;
  ++col;
  while (col > 0) {
    s.insert(s.begin(), static_cast<char>('A' + (col - 1) % 26));
    col = (col - 1) / 26;
  }
  return s;
}

// Display width: CJK and other wide characters count 2.
size_t DisplayWidth(std::string_view s) {
  size_t w = 0, line = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c == '\n') {
      w = std::max(w, line);
      line = 0;
      ++i;
      continue;
    }
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    line += n >= 3 ? 2 : 1;
    i += n;
  }
  return std::max(w, line);
}

bool BadSheetName(const std::string& n) {
  if (n.empty() || Utf8Length(n) > 31 || !IsValidUtf8(n)) return true;
  if (n.front() == '\'' || n.back() == '\'') return true;
  return n.find_first_of(":\\/?*[]") != std::string::npos;
}

class ZipWriter {
 public:
  ZipWriter() {
    zip_error_t err;
    zip_error_init(&err);
    src_ = zip_source_buffer_create(nullptr, 0, 0, &err);
    if (src_) {
      zip_ = zip_open_from_source(src_, ZIP_TRUNCATE, &err);
      if (!zip_) {
        zip_source_free(src_);
        src_ = nullptr;
      }
    }
    zip_error_fini(&err);
  }
  ~ZipWriter() {
    if (zip_) zip_discard(zip_);
    if (src_) zip_source_free(src_);
  }
  bool ok() const { return zip_ != nullptr; }
  bool Add(const std::string& name, std::string data) {
    parts_.push_back(std::make_unique<std::string>(std::move(data)));
    const std::string& d = *parts_.back();
    zip_source_t* s = zip_source_buffer(zip_, d.data(), d.size(), 0);
    if (!s) return false;
    zip_int64_t idx = zip_file_add(zip_, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(s);
      return false;
    }
    // Deflate level 5: within 4% of the default's size at a third of its time (the default made
    // deflate most of an export's time; bench/README.md, catalogue section).
    return zip_set_file_compression(zip_, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 5) == 0;
  }
  std::optional<std::string> Finish() {
    zip_source_keep(src_);
    if (zip_close(zip_) < 0) {
      return std::nullopt;
    }
    zip_ = nullptr;
    std::string out;
    if (zip_source_open(src_) < 0) return std::nullopt;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(src_, &st) < 0) {
      zip_source_close(src_);
      return std::nullopt;
    }
    out.resize(st.size);
    zip_int64_t n = zip_source_read(src_, out.data(), st.size);
    zip_source_close(src_);
    if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) return std::nullopt;
    return out;
  }

 private:
  zip_source_t* src_ = nullptr;
  zip_t* zip_ = nullptr;
  std::vector<std::unique_ptr<std::string>> parts_;
};

constexpr std::string_view kRelNs =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
constexpr const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

}  // namespace

XlsxOutSheet TextSheet(std::string name, const std::vector<std::vector<std::string>>& rows) {
  XlsxOutSheet s;
  s.name = std::move(name);
  for (const auto& r : rows) {
    std::vector<XlsxValue> out;
    for (const auto& c : r) {
      if (c.empty()) {
        out.emplace_back(std::monostate{});
      } else {
        out.emplace_back(c);
      }
    }
    s.rows.push_back(std::move(out));
  }
  return s;
}

Result<std::string> WriteXlsx(const std::vector<XlsxOutSheet>& sheets) {
  auto bad = [](const std::string& zh, const std::string& en) {
    return Err(ErrorCode::kInvalidArgument, zh, en, "sheets");
  };
  if (sheets.empty()) return bad("工作簿至少需要一个工作表", "a workbook needs a sheet");
  std::set<std::string> names;
  for (const auto& s : sheets) {
    if (BadSheetName(s.name)) return bad("工作表名称无效：" + s.name, "bad sheet name: " + s.name);
    if (!names.insert(s.name).second) {
      return bad("工作表名称重复：" + s.name, "duplicate sheet name: " + s.name);
    }
  }
  std::vector<std::string> shared;
  std::map<std::string, size_t> shared_index;
  size_t shared_refs = 0;
  std::vector<std::string> sheet_xml;
  for (const auto& s : sheets) {
    std::vector<size_t> widths;
    std::string data;
    for (size_t r = 0; r < s.rows.size(); ++r) {
      const auto& row = s.rows[r];
      Append(data, {"<row r=\"", std::to_string(r + 1), "\">"});
      for (size_t c = 0; c < row.size(); ++c) {
        const auto& v = row[c];
        if (std::holds_alternative<std::monostate>(v)) continue;
        std::string ref = ColName(c);
        ref += std::to_string(r + 1);
        bool bold = s.bold_header && r == 0;
        std::string style = bold ? " s=\"1\"" : "";
        size_t w = 0;
        if (const auto* t = std::get_if<std::string>(&v)) {
          if (!IsValidUtf8(*t)) {
            return bad(Cat({"单元格 ", s.name, "!", ref, " 不是有效的 UTF-8 文本"}),
                       Cat({"cell ", s.name, "!", ref, " is not valid UTF-8"}));
          }
          auto [it, added] = shared_index.emplace(*t, shared.size());
          if (added) shared.push_back(*t);
          ++shared_refs;
          Append(data, {"<c r=\"", ref, "\" t=\"s\"", style, "><v>", std::to_string(it->second),
                        "</v></c>"});
          w = DisplayWidth(*t);
        } else if (const auto* d = std::get_if<double>(&v)) {
          std::string num = FormatNumber(*d);
          Append(data, {"<c r=\"", ref, "\"", style, "><v>", num, "</v></c>"});
          w = num.size();
        } else if (const auto* b = std::get_if<bool>(&v)) {
          Append(data, {"<c r=\"", ref, "\" t=\"b\"", style, "><v>", *b ? "1" : "0", "</v></c>"});
          w = 5;
        } else if (const auto* dt = std::get_if<Date>(&v)) {
          Append(data, {"<c r=\"", ref, "\" s=\"", bold ? "1" : "2", "\"><v>",
                        FormatNumber(ExcelSerialFromDate(*dt)), "</v></c>"});
          w = 10;
        }
        if (widths.size() <= c) widths.resize(c + 1, 0);
        widths[c] = std::max(widths[c], w);
      }
      data += "</row>";
    }
    std::string x = kXmlHead;
    x += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
    if (s.bold_header && !s.rows.empty()) {
      x += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" "
           "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>";
    }
    x += "<sheetFormatPr defaultRowHeight=\"15\"/>";
    if (!widths.empty()) {
      x += "<cols>";
      for (size_t c = 0; c < widths.size(); ++c) {
        size_t w = std::clamp<size_t>(widths[c] + 2, 8, 60);
        Append(x, {"<col min=\"", std::to_string(c + 1), "\" max=\"", std::to_string(c + 1),
                   "\" width=\"", std::to_string(w), "\" customWidth=\"1\"/>"});
      }
      x += "</cols>";
    }
    Append(x, {"<sheetData>", data, "</sheetData></worksheet>"});
    sheet_xml.push_back(std::move(x));
  }
  ZipWriter z;
  if (!z.ok()) return Err(ErrorCode::kInternal, "无法创建 xlsx 文件", "cannot create the xlsx");
  std::string ct = kXmlHead;
  ct +=
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/styles.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
      "<Override PartName=\"/xl/sharedStrings.xml\" "
      "ContentType=\"application/"
      "vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
      "<Override PartName=\"/docProps/app.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
      "<Override PartName=\"/docProps/core.xml\" "
      "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>";
  for (size_t i = 0; i < sheets.size(); ++i) {
    Append(ct, {"<Override PartName=\"/xl/worksheets/sheet", std::to_string(i + 1),
                ".xml\" ContentType=\"application/"
                "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"});
  }
  ct += "</Types>";
  std::string rels = kXmlHead;
  rels +=
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"xl/workbook.xml\"/>"
      "<Relationship Id=\"rId2\" "
      "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
      "core-properties\" Target=\"docProps/core.xml\"/>"
      "<Relationship Id=\"rId3\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
      "extended-properties\" Target=\"docProps/app.xml\"/>"
      "</Relationships>";
  std::string app = kXmlHead;
  app +=
      "<Properties "
      "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
      "<Application>zhifa</Application></Properties>";
  std::string core_props = kXmlHead;
  core_props +=
      "<cp:coreProperties "
      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>zhifa</dc:creator>"
      "</cp:coreProperties>";
  std::string wb = kXmlHead;
  wb +=
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<bookViews><workbookView/></bookViews><sheets>";
  std::string wbrels = kXmlHead;
  wbrels +=
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (size_t i = 0; i < sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    wb += "<sheet name=\"";
    AppendXml(wb, sheets[i].name);
    Append(wb, {"\" sheetId=\"", n, "\" r:id=\"rId", n, "\"/>"});
    Append(wbrels, {"<Relationship Id=\"rId", n, "\" Type=\"", kRelNs,
                    "worksheet\" Target=\"worksheets/sheet", n, ".xml\"/>"});
  }
  std::string k = std::to_string(sheets.size() + 1);
  std::string k2 = std::to_string(sheets.size() + 2);
  wb += "</sheets></workbook>";
  Append(wbrels, {"<Relationship Id=\"rId", k, "\" Type=\"", kRelNs,
                  "styles\" Target=\"styles.xml\"/>", "<Relationship Id=\"rId", k2, "\" Type=\"",
                  kRelNs, "sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"});
  std::string styles = kXmlHead;
  styles +=
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"宋体\"/><family val=\"2\"/></font>"
      "<font><b/><sz val=\"11\"/><name val=\"宋体\"/><family val=\"2\"/></font></fonts>"
      "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
      "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
      "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
      "borderId=\"0\"/></cellStyleXfs>"
      "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
      "xfId=\"0\"/>"
      "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
      "applyFont=\"1\"/>"
      "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
      "applyNumberFormat=\"1\"/></cellXfs>"
      "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
      "</cellStyles></styleSheet>";
  std::string sst = kXmlHead;
  sst += "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"" +
         std::to_string(shared_refs) + "\" uniqueCount=\"" + std::to_string(shared.size()) + "\">";
  for (const auto& s : shared) {
    sst += "<si><t xml:space=\"preserve\">";
    AppendXml(sst, s);
    sst += "</t></si>";
  }
  sst += "</sst>";
  bool ok = z.Add("[Content_Types].xml", std::move(ct)) && z.Add("_rels/.rels", std::move(rels)) &&
            z.Add("docProps/app.xml", std::move(app)) &&
            z.Add("docProps/core.xml", std::move(core_props)) &&
            z.Add("xl/workbook.xml", std::move(wb)) &&
            z.Add("xl/_rels/workbook.xml.rels", std::move(wbrels)) &&
            z.Add("xl/styles.xml", std::move(styles)) &&
            z.Add("xl/sharedStrings.xml", std::move(sst));
  for (size_t i = 0; ok && i < sheet_xml.size(); ++i) {
    ok = z.Add("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", std::move(sheet_xml[i]));
  }
  if (!ok) return Err(ErrorCode::kInternal, "无法写入 xlsx 文件", "cannot write the xlsx");
  auto bytes = z.Finish();
  if (!bytes) return Err(ErrorCode::kInternal, "无法写入 xlsx 文件", "cannot write the xlsx");
  return std::move(*bytes);
}

}  // namespace zhifa::core
