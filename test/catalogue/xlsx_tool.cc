// Test helper for the openpyxl cross-check: `xlsx_tool read FILE` prints the workbook as JSON
// [{"name", "rows": [[{"t": type, "v": text}]]}]; `xlsx_tool write FILE` reads that JSON shape on
// stdin (cells as strings, numbers, booleans or {"date": "YYYY-MM-DD"}) and writes FILE.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/xlsx.h"

using nlohmann::json;
using namespace zhifa::core;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: xlsx_tool read|write FILE\n";
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "read") {
    std::ifstream in(argv[2], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto sheets = ReadXlsx(ss.str());
    if (!sheets) {
      std::cerr << sheets.error().message_en << "\n";
      return 1;
    }
    json out = json::array();
    for (const auto& s : *sheets) {
      json rows = json::array();
      for (const auto& r : s.rows) {
        json row = json::array();
        for (const auto& c : r) {
          const char* t = c.type == XlsxCell::Type::kEmpty    ? "empty"
                          : c.type == XlsxCell::Type::kString ? "s"
                          : c.type == XlsxCell::Type::kNumber ? (c.date_format ? "d" : "n")
                          : c.type == XlsxCell::Type::kBool   ? "b"
                                                              : "e";
          row.push_back({{"t", t}, {"v", c.Text()}});
        }
        rows.push_back(row);
      }
      out.push_back({{"name", s.name}, {"rows", rows}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (mode == "write") {
    json in = json::parse(std::cin);
    std::vector<XlsxOutSheet> sheets;
    for (const auto& s : in) {
      XlsxOutSheet o;
      o.name = s["name"].get<std::string>();
      for (const auto& r : s["rows"]) {
        std::vector<XlsxValue> row;
        for (const auto& c : r) {
          if (c.is_null()) {
            row.emplace_back(std::monostate{});
          } else if (c.is_string()) {
            row.emplace_back(c.get<std::string>());
          } else if (c.is_boolean()) {
            row.emplace_back(c.get<bool>());
          } else if (c.is_number()) {
            row.emplace_back(c.get<double>());
          } else {
            row.emplace_back(*ParseDate(c["date"].get<std::string>()));
          }
        }
        o.rows.push_back(std::move(row));
      }
      sheets.push_back(std::move(o));
    }
    auto bytes = WriteXlsx(sheets);
    if (!bytes) {
      std::cerr << bytes.error().message_en << "\n";
      return 1;
    }
    std::ofstream(argv[2], std::ios::binary) << *bytes;
    return 0;
  }
  return 2;
}
