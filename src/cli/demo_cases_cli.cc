// `zhifa demo --cases N`: the CLI step after the demo seed (demo_cases_gen.h).
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/demo_cases_gen.h"

namespace zhifa::cli {

int RunDemoCases(const app::Config& cfg, const CaseGenOptions& o) {
  auto app = app::App::Open(cfg);
  if (!app) return Fail(app.error());
  if (auto m = (*app)->Migrate(); !m) return Fail(m.error());
  CaseGenOptions opts = o;
  opts.progress = true;
  auto r = GenerateCases(**app, opts);
  if (!r) return Fail(r.error());
  std::cout << "demo: " << r->cases << " cases generated (" << r->simplified << " simplified) in "
            << static_cast<int64_t>(r->seconds) << " s ("
            << static_cast<int64_t>(static_cast<double>(r->cases) / std::max(r->seconds, 1e-3))
            << " cases/s): " << r->steps << " case steps, " << r->events << " record-log entries\n";
  std::cout << "demo: cases by state:";
  for (const auto& [state, n] : r->by_state) std::cout << " " << state << "=" << n;
  std::cout << std::endl;
  return 0;
}

}  // namespace zhifa::cli
