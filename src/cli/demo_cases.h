// `zhifa demo` cases (issue 5): see demo_cases.cc.
#pragma once

#include "app/app.h"

namespace zhifa::cli {

// Seeds a handful of cases of 市城市管理局 in the states of the procedure (after the demo users,
// catalogue and lists exist). Skipped when any case exists. Returns the process exit code.
int SeedCasesDemo(app::App& app);

}  // namespace zhifa::cli
