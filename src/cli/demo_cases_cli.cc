// `zhifa demo --cases N`: the CLI step after the demo seed (demo_cases_gen.h).
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/demo_cases_gen.h"

namespace zhifa::cli {

int RunDemoCases(const app::Config& cfg, const CaseGenOptions& o) {
  // A bulk load: a writer cache that can hold the hot page of every index key range (case_terms
  // has thousands). With SQLite's 2 MB default the 1 M run wrote ≈ 245 KB per case to the WAL
  // and slowed as the database grew (bench/README.md, "1 M on SQLite, 2026-11-28").
  app::Config bulk = cfg;
  bulk.store.sqlite_writer_cache_mb = std::max<int64_t>(bulk.store.sqlite_writer_cache_mb, 1024);
  auto app = app::App::Open(bulk);
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
