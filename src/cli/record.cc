// zhifa record pubkey | checkpoint, zhifa verify — the record log from the command line.
#include "cli/record.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "record/verify.h"

namespace zhifa::cli {

namespace {

core::Result<std::unique_ptr<app::App>> OpenLog(const app::Config& cfg) {
  auto app = app::App::Open(cfg);
  if (!app) return app.error();
  auto applied = (*app)->Migrate();  // also opens the record log
  if (!applied) return applied.error();
  return app;
}

// A one-line progress bar on stderr when it is a terminal.
class Progress {
 public:
  Progress() : tty_(::isatty(STDERR_FILENO) == 1) {}
  void operator()(uint64_t done, uint64_t total) {
    if (!tty_ || total == 0) return;
    int width = 40;
    int fill = static_cast<int>(width * std::min<uint64_t>(done, total) / total);
    std::fprintf(stderr, "\r[%s%s] %3d%% %llu/%llu", std::string(fill, '#').c_str(),
                 std::string(width - fill, ' ').c_str(), static_cast<int>(100 * done / total),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  bool tty_;
  bool shown_ = false;
};

// `zhifa verify`'s extra check: the evidence store re-hashes every file named by a metadata row
// (changed or missing files fail the run; stored files no row names are reported, not failed:
// an upload whose metadata commit failed leaves one).
class EvidenceCheck final : public record::ExtraCheck {
 public:
  explicit EvidenceCheck(record::EvidenceService& evidence) : evidence_(evidence) {}
  std::string name() const override { return "evidence"; }
  core::Status Run(store::Database&, record::LogVerifyReport& report) override {
    Progress progress;
    auto r = evidence_.VerifyAll(
        [&](const record::VerifyProgress& p) { progress(p.files_done, p.files_total); });
    progress.Done();
    if (!r) return r.error();
    report.files += r->files_checked;
    report.file_bytes += r->bytes_checked;
    report.bytes_hashed += r->bytes_checked;
    unreferenced = r->unreferenced.size();
    if (!r->problems.empty()) {
      const auto& f = r->problems.front();
      bool missing = f.state == record::FileState::kMissing;
      report.ok = false;
      report.problem_zh = std::string("证据文件 ") + f.hash + (missing ? " 缺失" : " 已被改动") +
                          "（共 " + std::to_string(r->problems.size()) + " 个文件有问题）";
      report.problem_en = "evidence file " + f.hash + (missing ? " is missing" : " was changed") +
                          " (" + std::to_string(r->problems.size()) + " files at fault)";
    }
    return core::Ok();
  }
  size_t unreferenced = 0;

 private:
  record::EvidenceService& evidence_;
};

}  // namespace

int RunRecordPubkey(const app::Config& cfg) {
  auto app = OpenLog(cfg);
  if (!app) return Fail(app.error());
  std::cout << (*app)->record()->signer().PublicKeyPem();
  return 0;
}

int RunRecordCheckpoint(const app::Config& cfg) {
  auto app = OpenLog(cfg);
  if (!app) return Fail(app.error());
  auto cp = (*app)->record()->Checkpoint();
  if (!cp) return Fail(cp.error());
  if (!*cp) {
    std::cerr << "zhifa: 日志为空，无法生成检查点\nzhifa: the log is empty; no checkpoint\n";
    return 1;
  }
  std::cout << (*cp)->note;
  return 0;
}

int RunVerify(const app::Config& cfg, const VerifyArgs& a,
              const std::vector<record::ExtraCheck*>& extra) {
  auto app = OpenLog(cfg);
  if (!app) return Fail(app.error());
  record::VerifyOptions o;
  o.from_checkpoint = a.from_checkpoint;
  // The key file in the data directory, not the copy in the database.
  o.verifier = (*app)->record()->signer().verifier();
  o.extra_checks = extra;
  EvidenceCheck evidence((*app)->evidence());
  o.extra_checks.push_back(&evidence);
  Progress progress;
  o.progress = [&](uint64_t done, uint64_t total) { progress(done, total); };
  auto r = record::VerifyLog((*app)->db(), o);
  progress.Done();
  if (!r) return Fail(r.error());
  double mb = static_cast<double>(r->bytes_hashed) / 1e6;
  if (r->ok) {
    std::printf(
        "zhifa verify: 通过 / ok — %llu entries (from %llu), %llu checkpoints, %llu files "
        "(%llu bytes), %.1f MB hashed in %.2f s (%.1f MB/s)\n",
        static_cast<unsigned long long>(r->entries), static_cast<unsigned long long>(r->from_size),
        static_cast<unsigned long long>(r->checkpoints), static_cast<unsigned long long>(r->files),
        static_cast<unsigned long long>(r->file_bytes), mb, r->seconds,
        r->seconds > 0 ? mb / r->seconds : 0.0);
  } else {
    std::fprintf(stderr, "zhifa verify: 失败 / FAILED\n  %s\n  %s\n", r->problem_zh.c_str(),
                 r->problem_en.c_str());
    if (r->bad_seq) {
      std::fprintf(stderr, "  first bad entry: seq %llu\n",
                   static_cast<unsigned long long>(*r->bad_seq));
    }
  }
  if (evidence.unreferenced > 0) {
    std::printf("zhifa verify: %zu evidence file(s) named by no record (not an error)\n",
                evidence.unreferenced);
  }
  if (a.record) {
    // The result is itself a record entry (the administrator page shows the newest one).
    auto st = (*app)->bus().Run(record::Actor{}, [&](record::CommandTx& tx) -> core::Status {
      auto seq = tx.Emit({"record.verified", "record:log", r->ToJson(), std::nullopt, {}});
      if (!seq) return seq.error();
      return core::Ok();
    });
    if (!st) return Fail(st.error());
  }
  return r->ok ? 0 : 1;
}

}  // namespace zhifa::cli
