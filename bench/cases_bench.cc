// Case handling at city scale (issue 5, bench/README.md "Cases (issue 5)"), over a database filled
// by `zhifa demo --cases N`:
//   BM_CaseList/<filter>  — CaseService::List with the UI's filters, as the demo users see it;
//                           counters p50_ms / p99_ms / max_ms over the iterations (one thread).
//   BM_StepTransition     — CaseService::Step("investigate") on the cases under investigation
//                           city-wide: the rule check, one durable command with its record-log
//                           entry and the case read the API answers with; many in flight
//                           (->Threads; SQLite commits them in groups); counters
//                           cpu_us_per_step and written_kb_per_step (the whole process).
//
//   ZHIFA_BENCH_DB=sqlite:/tmp/cases.db (or postgresql://…)
//   [ZHIFA_BENCH_PASSWORD=Demo-2026-zhifa] build/release/bench/cases_bench [benchmark flags]
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/app.h"

namespace {

using namespace zhifa;
using nlohmann::json;

struct Env {
  std::unique_ptr<app::App> app;
  std::map<std::string, std::shared_ptr<const org::Principal>> users;
  // Values the filters use, taken from the data.
  int64_t team_unit = 0, dept_unit = 0, officer_id = 0, mid_id = 0;
  std::string matter, domain, case_no, party_prefix;
  std::string party_fragment;  // from inside an organisation's name (firm and trade): rare
  std::string party_common;    // the end of an organisation's name (…责任公司): most share it
  // Cases under investigation (for the step benchmark) with their handling officers.
  struct Open {
    int64_t id;
    int64_t version;
    std::vector<int64_t> officers;
  };
  std::vector<Open> open;
};

Env* env = nullptr;

std::shared_ptr<const org::Principal> Login(app::App& a, const std::string& user,
                                            const std::string& password) {
  auth::LoginRequest req;
  req.username = user;
  req.password = password;
  req.ip = "127.0.0.1";
  auto r = a.auth().Login(req);
  if (!r) {
    std::cerr << "login " << user << ": " << r.error().message_en << "\n";
    std::exit(2);
  }
  auto p = a.auth().Authenticate(r->token);
  if (!p) {
    std::cerr << "session " << user << ": " << p.error().message_en << "\n";
    std::exit(2);
  }
  return *p;
}

void SetupOnce() {
  const char* url = std::getenv("ZHIFA_BENCH_DB");
  if (!url || !*url) {
    std::cerr << "set ZHIFA_BENCH_DB to a database filled by `zhifa demo --cases N`\n";
    std::exit(2);
  }
  const char* pw = std::getenv("ZHIFA_BENCH_PASSWORD");
  const std::string password = pw && *pw ? pw : "Demo-2026-zhifa";
  auto cfg = app::LoadConfig();
  if (!cfg) std::exit(2);
  cfg->db_url = url;
  auto a = app::App::Open(*cfg);
  if (!a) {
    std::cerr << a.error().message_en << "\n";
    std::exit(2);
  }
  if (auto m = (*a)->Migrate(); !m) {
    std::cerr << m.error().message_en << "\n";
    std::exit(2);
  }
  env = new Env;
  env->app = std::move(*a);
  // A city-wide supervisor (司法局), a department head (tree scope), an officer with his team's
  // scope and one with the "own" scope (cases he created or works on).
  for (const char* u : {"sfj1", "scjghead", "scjgt1o1", "scjgt1o2"}) {
    env->users[u] = Login(*env->app, u, password);
  }
  auto st = env->app->db().Read([&](store::Conn& c) -> core::Status {
    auto r = c.Query(
        "SELECT c.unit_id, c.matter_code, c.domain, c.case_no, c.party_name FROM cases c "
        "WHERE c.unit_id = $1 ORDER BY c.id DESC LIMIT 1",
        {env->users["scjgt1o1"]->unit_id});
    if (!r) return r.error();
    if (r->rows.empty()) {
      return core::Err(core::ErrorCode::kNotFound, "无案件", "no cases in scjgt1o1's unit");
    }
    env->team_unit = r->rows[0].Int(0);
    env->matter = r->rows[0].Text(1);
    env->domain = r->rows[0].Text(2);
    env->case_no = r->rows[0].Text(3);
    env->party_prefix = r->rows[0].Text(4).substr(0, 6);  // 济南 / a surname and more
    env->dept_unit = env->users["scjghead"]->unit_id;
    auto org = c.Query(
        "SELECT party_name FROM cases WHERE party_kind = 'organisation' ORDER BY id DESC LIMIT 1");
    if (!org) return org.error();
    if (!org->rows.empty()) {
      const std::string name = org->rows[0].Text(0);
      env->party_fragment = name.substr(6, 12);
      env->party_common = name.substr(name.size() - std::min<size_t>(name.size(), 12));
    }
    auto o = c.Query(
        "SELECT officer_id FROM case_officers WHERE case_id = (SELECT max(id) FROM cases WHERE "
        "unit_id = $1)",
        {env->team_unit});
    if (!o) return o.error();
    env->officer_id = o->rows.empty() ? 0 : o->rows[0].Int(0);
    auto m = c.Query("SELECT min(id), max(id) FROM cases");
    if (!m) return m.error();
    env->mid_id = (m->rows[0].Int(0) + m->rows[0].Int(1)) / 2;
    // The cases under investigation city-wide (newest 20,000), so that each gets few of the
    // benchmark's steps (the case read after a step grows with its steps).
    auto open = c.Query(
        "SELECT c.id, c.version, co.officer_id FROM cases c JOIN case_officers co ON co.case_id = "
        "c.id AND "
        "co.role = 'handler' WHERE c.id IN (SELECT id FROM cases WHERE state = 'investigation' "
        "ORDER BY id DESC LIMIT 20000) ORDER BY c.id DESC, co.officer_id");
    if (!open) return open.error();
    for (const auto& x : open->rows) {
      if (env->open.empty() || env->open.back().id != x.Int(0)) {
        env->open.push_back({x.Int(0), x.Int(1), {}});
      }
      env->open.back().officers.push_back(x.Int(2));
    }
    return core::Ok();
  });
  if (!st) {
    std::cerr << st.error().message_en << "\n";
    std::exit(2);
  }
}

// Once, whichever benchmark thread comes first (the others wait).
void Setup() {
  static std::once_flag once;
  std::call_once(once, SetupOnce);
}

struct Filter {
  const char* name;
  const char* user;
  std::function<void(cases::CaseQuery&)> set;
};

const std::vector<Filter>& Filters() {
  static const std::vector<Filter> f = {
      {"city/first_page", "sfj1", [](cases::CaseQuery&) {}},
      {"city/page_500", "sfj1", [](cases::CaseQuery& q) { q.page = 500; }},
      {"city/keyset_middle", "sfj1", [](cases::CaseQuery& q) { q.after = env->mid_id; }},
      {"city/unit", "sfj1", [](cases::CaseQuery& q) { q.unit_id = env->team_unit; }},
      {"city/dept_tree", "sfj1", [](cases::CaseQuery& q) { q.unit_id = env->dept_unit; }},
      {"city/state_investigation", "sfj1",
       [](cases::CaseQuery& q) { q.states = {"investigation"}; }},
      {"city/state_hearing", "sfj1", [](cases::CaseQuery& q) { q.states = {"hearing"}; }},
      {"city/state_closed_archived", "sfj1",
       [](cases::CaseQuery& q) {
         q.states = {"closed", "archived"};
       }},
      {"city/matter", "sfj1", [](cases::CaseQuery& q) { q.matter = env->matter; }},
      {"city/officer", "sfj1", [](cases::CaseQuery& q) { q.officer_id = env->officer_id; }},
      {"city/due_soon", "sfj1", [](cases::CaseQuery& q) { q.due = "soon"; }},
      {"city/overdue", "sfj1", [](cases::CaseQuery& q) { q.due = "overdue"; }},
      {"city/domain", "sfj1", [](cases::CaseQuery& q) { q.domain = env->domain; }},
      {"city/procedure_simplified", "sfj1",
       [](cases::CaseQuery& q) { q.procedure = "simplified"; }},
      {"city/q_party_prefix", "sfj1", [](cases::CaseQuery& q) { q.q = env->party_prefix; }},
      {"city/q_party_fragment", "sfj1", [](cases::CaseQuery& q) { q.q = env->party_fragment; }},
      {"city/q_no_match", "sfj1", [](cases::CaseQuery& q) { q.q = "查无此名"; }},
      {"city/q_one_char", "sfj1", [](cases::CaseQuery& q) { q.q = "鑫"; }},
      {"city/q_case_no", "sfj1", [](cases::CaseQuery& q) { q.q = env->case_no; }},
      {"city/sort_due", "sfj1", [](cases::CaseQuery& q) { q.sort = "due_date"; }},
      {"city/unit_state_overdue", "sfj1",
       [](cases::CaseQuery& q) {
         q.unit_id = env->team_unit;
         q.states = {"investigation"};
         q.due = "overdue";
       }},
      {"dept_head/first_page", "scjghead", [](cases::CaseQuery&) {}},
      {"dept_head/state_review", "scjghead", [](cases::CaseQuery& q) { q.states = {"review"}; }},
      {"dept_head/overdue", "scjghead", [](cases::CaseQuery& q) { q.due = "overdue"; }},
      {"officer_team/first_page", "scjgt1o1", [](cases::CaseQuery&) {}},
      {"officer_own/first_page", "scjgt1o2", [](cases::CaseQuery&) {}},
      {"officer_own/overdue", "scjgt1o2", [](cases::CaseQuery& q) { q.due = "overdue"; }},
      {"city/q_common_fragment", "sfj1", [](cases::CaseQuery& q) { q.q = env->party_common; }},
  };
  return f;
}

void BM_CaseList(benchmark::State& state) {
  Setup();
  const Filter& f = Filters().at(static_cast<size_t>(state.range(0)));
  state.SetLabel(f.name);
  const auto& p = *env->users.at(f.user);
  cases::CaseQuery q;
  f.set(q);
  std::vector<double> ms;
  int64_t items = 0, total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = env->app->cases().List(p, q);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!r) {
      state.SkipWithError(r.error().message_en.c_str());
      return;
    }
    items = static_cast<int64_t>((*r)["items"].size());
    total = (*r)["total"].get<int64_t>();
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double x) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(x * ms.size()))];
  };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["max_ms"] = ms.back();
  state.counters["items"] = static_cast<double>(items);
  state.counters["total"] = static_cast<double>(total);
}
BENCHMARK(BM_CaseList)
    ->DenseRange(0, static_cast<int64_t>(Filters().size()) - 1)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// What the process (every thread: callers, the writer, the checkpointer) spends during one run
// of BM_StepTransition: CPU seconds and bytes handed to write(2) (WAL frames and checkpoint
// copies) — steadier than the rate on a machine whose disk and neighbours vary.
struct Usage {
  double cpu_s = 0;
  double written = 0;
};
Usage NowUsage() {
  Usage u;
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  u.cpu_s = static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
            static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  std::ifstream io("/proc/self/io");
  std::string key;
  double value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") u.written = value;
  }
  return u;
}
Usage step_start;
std::atomic<int> steps_done{0};
void StepRunStart(const benchmark::State&) {
  steps_done = 0;
  step_start = NowUsage();
}

// Each thread takes its own slice of the open cases and records investigations on them in turn
// (a repeatable step: every call is a real transition with its record-log entry).
void BM_StepTransition(benchmark::State& state) {
  Setup();
  // An officer of 市市场监管局 with the whole city as data scope (the cases of every unit).
  org::Principal p = *env->users.at("scjgt1o1");
  p.scope = org::ScopeFilter{};
  p.scope.all = true;
  const size_t threads = static_cast<size_t>(state.threads());
  const size_t per = env->open.size() / threads;
  if (per == 0) {
    state.SkipWithError("not enough cases under investigation");
    return;
  }
  const size_t first = per * static_cast<size_t>(state.thread_index());
  const std::string today = core::FormatDate(core::DateFromUnixMicros(core::NowMicros()));
  size_t i = 0;
  int64_t conflicts = 0;
  for (auto _ : state) {
    // The slice is this thread's alone during a run; the versions carry over to the next run.
    auto& c = env->open[first + i];
    json body = {{"version", c.version},      {"date", today},
                 {"kind", "questioning"},     {"officer_ids", c.officers},
                 {"credentials_shown", true}, {"summary", "询问当事人并制作询问笔录"}};
    auto r = env->app->cases().Step(p, c.id, "investigate", body);
    if (!r) {
      if (r.error().code == core::ErrorCode::kConflict && r.error().field == "version") {
        ++conflicts;
        state.PauseTiming();
        auto d = env->app->cases().Get(p, c.id);
        state.ResumeTiming();
        if (!d) {
          state.SkipWithError(d.error().message_en.c_str());
          return;
        }
        c.version = (*d)["version"].get<int64_t>();
      } else {
        state.SkipWithError(r.error().message_en.c_str());
        return;
      }
    } else {
      c.version = (*r)["version"].get<int64_t>();
    }
    i = (i + 1) % per;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["conflicts"] = static_cast<double>(conflicts);
  // The last thread to finish reports the run's usage per step (counters add up over threads).
  if (++steps_done == state.threads()) {
    const Usage end = NowUsage();
    const double steps = static_cast<double>(state.iterations()) * state.threads();
    state.counters["cpu_us_per_step"] = (end.cpu_s - step_start.cpu_s) * 1e6 / steps;
    state.counters["written_kb_per_step"] = (end.written - step_start.written) / 1024 / steps;
  }
}
// 32 in flight is what the server runs at most: its blocking work (writes) goes to
// [server] worker_threads, 32 by default; 64 and 256 are callers beyond it.
BENCHMARK(BM_StepTransition)
    ->Setup(StepRunStart)
    ->Threads(1)
    ->Threads(16)
    ->Threads(32)
    ->Threads(64)
    ->Threads(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0);

}  // namespace
