// The demo city's officer register (from `zhifa demo`).
#pragma once

namespace zhifa::app {
class App;
}

namespace zhifa::cli {

// Registers the demo departments' people as officers when the register is empty: every demo
// officer, legal reviewer and department head linked to their account, plus officers without an
// account; credentials mostly valid, some expiring within the warning window, some expired, one
// suspended; legal reviewers and some officers with 法律职业资格. Returns a process exit code.
int SeedOfficersDemo(app::App& app);

}  // namespace zhifa::cli
