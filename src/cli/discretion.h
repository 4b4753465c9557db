// `zhifa discretion` subcommands (the discretion engine and the penalty lists).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/config.h"

namespace zhifa::app {
class App;
}

namespace zhifa::cli {

struct DiscretionEvaluateArgs {
  std::string matter;              // --matter CODE
  std::string facts_file;          // --facts FILE.json
  std::string on;                  // --on YYYY-MM-DD (default: the act date)
  std::string unit;                // --unit NAME|ID (whose lists apply)
  std::vector<std::string> kinds;  // --kind (repeatable): check a proposed penalty
  int64_t fine = -1;               // --fine FEN
  std::string reason;              // --reason TEXT
};
// Prints the engine's result as JSON. Exit 2 on bad arguments or facts (naming them), 1 on
// other failures.
int RunDiscretionEvaluate(const app::Config& cfg, const DiscretionEvaluateArgs& a);
// Prints the facts registry as JSON.
int RunDiscretionFacts();
// Seeds the demo departments' lists (from `zhifa demo`). Returns a process exit code.
int SeedDiscretionDemo(app::App& app);

}  // namespace zhifa::cli
