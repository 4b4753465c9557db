// The `calendar` and `rules` subcommands (see calendar.cc for the exact output formats).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "app/config.h"

namespace zhifa::cli {

struct CalendarCli {
  CLI::App* calendar = nullptr;
  CLI::App* add = nullptr;
  CLI::App* is = nullptr;
  CLI::App* count = nullptr;
  CLI::App* years = nullptr;
  CLI::App* load = nullptr;
  CLI::App* rules = nullptr;
  CLI::App* rules_list = nullptr;
  std::string date, date2, n, file;
  bool replace = false;
  bool json = false;
};

// Adds the subcommands to `cli`; `c` receives the parsed values (it must outlive parsing).
void RegisterCalendarCli(CLI::App& cli, CalendarCli& c);
// Runs the parsed subcommand, or nullopt when none of them was given. Returns the exit code.
std::optional<int> RunCalendarCli(const CalendarCli& c, const app::Config& cfg);
int RunRulesList(bool as_json);

}  // namespace zhifa::cli
