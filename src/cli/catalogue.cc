// `zhifa catalogue show|import|export`: the enforcement-matter catalogue from the command line.
// Runs as the system (city-wide scope); every change is the same command as over HTTP.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "catalogue/catalogue_service.h"
#include "cli/commands.h"

namespace zhifa::cli {

namespace {

int BadArg(const std::string& zh, const std::string& en, const std::string& arg) {
  std::cerr << "zhifa: " << zh << "\nzhifa: " << en << " [" << arg << "]\n";
  return 2;
}

// Parses an optional date argument; false (after printing) when it is malformed.
bool OptDate(const std::string& text, const char* arg, std::optional<core::Date>& out) {
  if (text.empty()) return true;
  auto d = core::ParseDate(text, arg);
  if (!d) {
    BadArg(d.error().message_zh, d.error().message_en, arg);
    return false;
  }
  out = *d;
  return true;
}

org::Principal System() {
  org::Principal p;
  p.scope.all = true;
  return p;
}

}  // namespace

CatalogueCommands AddCatalogueCommands(CLI::App& cli) {
  CatalogueCommands c;
  c.cmd = cli.add_subcommand("catalogue", "Enforcement-matter catalogue (执法事项目录)");
  c.cmd->require_subcommand(1);
  c.show = c.cmd->add_subcommand("show", "Print the rules of a matter in force on a date (JSON)");
  c.show->add_option("code", c.code, "matter code")->required();
  c.show->add_option("--on", c.on, "date YYYY-MM-DD (default today)");
  c.import = c.cmd->add_subcommand("import", "Import an xlsx/csv file in the published layout");
  c.import->add_option("file", c.file, "xlsx or csv file")->required();
  c.import->add_option("--effective-from", c.on,
                       "date the new versions take effect (default today)");
  c.import->add_flag("--dry-run", c.dry_run, "check every row, change nothing");
  c.exp = c.cmd->add_subcommand("export", "Export the catalogue as xlsx or csv");
  c.exp->add_option("--format", c.format, "xlsx or csv")->default_val("xlsx");
  c.exp->add_option("--sheet", c.sheet, "csv only: tiers (裁量基准) or matters (执法事项)")
      ->default_val("tiers");
  c.exp->add_option("--on", c.on, "date YYYY-MM-DD (default today)");
  c.exp->add_option("--out", c.file, "output file")->required();
  return c;
}

int RunCatalogue(const app::Config& cfg, const CatalogueCommands& c) {
  std::optional<core::Date> on;
  const char* date_arg = c.import->parsed() ? "--effective-from" : "--on";
  if (!OptDate(c.on, date_arg, on)) return 2;
  catalogue::FileFormat format = catalogue::FileFormat::kXlsx;
  if (c.exp->parsed()) {
    if (c.format == "csv") {
      format = catalogue::FileFormat::kCsv;
    } else if (c.format != "xlsx") {
      return BadArg("格式应为 xlsx 或 csv", "the format must be xlsx or csv", "--format");
    }
    if (c.sheet != "tiers" && c.sheet != "matters") {
      return BadArg("工作表应为 tiers 或 matters", "the sheet must be tiers or matters", "--sheet");
    }
  }
  std::string bytes;
  if (c.import->parsed()) {
    std::ifstream in(c.file, std::ios::binary);
    if (!in) return BadArg("无法读取文件 " + c.file, "cannot read " + c.file, "file");
    std::ostringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
    auto lower = c.file;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.size() >= 4 && lower.substr(lower.size() - 4) == ".csv") {
      format = catalogue::FileFormat::kCsv;
    } else if (lower.size() < 5 || lower.substr(lower.size() - 5) != ".xlsx") {
      return BadArg("只能导入 .xlsx 或 .csv 文件", "only .xlsx or .csv files can be imported",
                    "file");
    }
  }
  auto app = app::App::Open(cfg);
  if (!app) return Fail(app.error());
  auto applied = (*app)->Migrate();
  if (!applied) return Fail(applied.error());
  auto& cat = (*app)->catalogue();
  if (c.show->parsed()) {
    auto r = cat.MatterRulesAt(c.code, on.value_or(core::DateFromUnixMicros(core::NowMicros())));
    if (!r) return Fail(r.error());
    std::cout << catalogue::MatterRulesJson(*r).dump(2) << "\n";
    return 0;
  }
  if (c.import->parsed()) {
    catalogue::ImportOptions o;
    o.format = format;
    o.effective_from = on;
    o.dry_run = c.dry_run;
    auto r = cat.Import(System(), bytes, o);
    if (!r) return Fail(r.error());
    if (!r->ok) {
      for (const auto& p : r->problems) {
        std::cerr << p.sheet << " 第" << p.row << "行";
        if (!p.column.empty()) std::cerr << "「" << p.column << "」";
        std::cerr << "：" << p.message_zh << "\n  (" << p.sheet << " row " << p.row << " "
                  << p.column << ": " << p.message_en << ")\n";
      }
      std::cerr << "zhifa: " << r->problems.size() << " 处问题，未导入任何数据 / "
                << r->problems.size() << " problems, nothing imported\n";
      return 1;
    }
    std::cout << (c.dry_run ? "check passed" : "imported") << ": " << r->created << " new, "
              << r->versioned << " new versions, " << r->unchanged << " unchanged\n";
    return 0;
  }
  catalogue::ExportOptions o;
  o.format = format;
  o.on = on;
  o.sheet = c.sheet == "matters" ? catalogue::kMatterSheet : catalogue::kTierSheet;
  auto f = cat.Export(System(), o);
  if (!f) return Fail(f.error());
  std::ofstream out(c.file, std::ios::binary);
  out << f->bytes;
  if (!out) return BadArg("无法写入文件 " + c.file, "cannot write " + c.file, "--out");
  std::cout << "wrote " << c.file << " (" << f->bytes.size() << " bytes)\n";
  return 0;
}

}  // namespace zhifa::cli
