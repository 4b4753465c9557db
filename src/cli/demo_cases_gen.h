// `zhifa demo --cases N`: a city-year of enforcement cases for trying the platform at scale and
// for the benchmarks of issue 5 (bench/README.md, "Cases (issue 5)").
//
// Fills the database (after the normal demo seed) with N cases in the demo departments' units,
// on their catalogue matters, handled by their registered officers, over the year before today:
// about 30 % simplified-procedure cases (当场处罚), the rest ordinary cases walked through the
// procedure — filing, investigation, case review, notice, statement or hearing, legal review and
// collective discussion where the rules require them, decision, service, execution, closing,
// archive — as far as their dates reach today, so old cases are archived and recent ones are
// still open (some stalled, hence overdue). Parties are organisations with a valid 统一社会信用代码
// or persons with a valid 身份证号 (check digits computed), stored through CaseService::CheckParty
// (encrypted, masked, keyed subject).
//
// Every snapshot is advanced by the procedure's own rules (case_rules.h; a refusal is an error
// of the generator), the rows are written by the service's row writers (case_rows.h) and every
// event a case would have — "case.registered" / "case.simplified_decided" and one per step — is
// appended to the record log through the CommandBus, many cases per command (batched
// transactions): all events of a command in one CommandTx::EmitMany and the rows in multi-row
// INSERTs (cases::CaseRowBatch), ≈ 1 statement per case instead of ≈ 65 (bench/README.md).
// Deterministic for a seed (except ids, timestamps and ciphertexts).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "app/app.h"
#include "core/result.h"

namespace zhifa::cli {

struct CaseGenOptions {
  int64_t cases = 0;
  // The first case index to generate: a later run with the same seed and `from` = the cases an
  // earlier run generated tops the database up to `cases` (indexes from..cases-1; each case's
  // plan depends only on the seed, its index, today and the officer register — the same when both
  // runs name the same `cases`, see cases_per_officer).
  int64_t from = 0;
  uint64_t seed = 20261127;
  int batch = 250;  // cases per command (one transaction)
  // Cases a year each officer handles as one of the two handlers: the generator registers
  // officers (without accounts) until each unit has 2 × cases / units / cases_per_officer of
  // them (at least three). About 200 a year is a busy officer (≈ 0.8 a working day); the seed's
  // six officers a team would each handle tens of thousands at a million cases. 0: the register
  // as it is (topped up to three).
  int64_t cases_per_officer = 200;
  std::optional<core::Date> today;  // default: today (China time); must match the service's
  bool progress = false;            // print progress lines to stdout
};

struct CaseGenReport {
  int64_t cases = 0;
  int64_t simplified = 0;
  int64_t steps = 0;   // case_steps rows
  int64_t events = 0;  // record-log entries appended
  std::map<std::string, int64_t> by_state;
  double seconds = 0;
};

// Generates o.cases cases into the migrated, demo-seeded database of `app`.
core::Result<CaseGenReport> GenerateCases(app::App& app, const CaseGenOptions& o);

// The CLI step after `zhifa demo`'s seed: opens the database, generates, prints the report
// ("demo: cases by state: archived=… closed=…" is one line). Exit code 0 or 1.
int RunDemoCases(const app::Config& cfg, const CaseGenOptions& o);

}  // namespace zhifa::cli
