#include "app/config.h"

#include <sched.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

namespace zhifa::app {

using core::Err;
using core::ErrorCode;

std::string Config::KeyFile() const {
  return key_file.empty() ? data_dir + "/keys/field.key" : key_file;
}

std::string Config::EvidenceDir() const {
  return evidence.dir.empty() ? data_dir + "/evidence" : evidence.dir;
}

std::string Config::DatabaseUrl() const {
  if (!db_url.empty()) return db_url;
  return "sqlite:" + data_dir + "/zhifa.db";
}

namespace {

// The parsed file and the keys read from it: a key nothing reads (a typo, a key of another
// version) is refused by name rather than ignored.
struct Source {
  toml::table table;
  std::set<std::string> read;  // "section.key"
};

template <typename T>
core::Status Read(Source& t, const char* section, const char* key, T& out) {
  t.read.insert(std::string(section) + "." + key);
  auto node = t.table[section][key];
  if (!node) return core::Ok();
  if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.template value<bool>()) {
      out = *v;
      return core::Ok();
    }
  } else if constexpr (std::is_integral_v<T>) {
    if (auto v = node.template value<int64_t>()) {
      out = static_cast<T>(*v);
      return core::Ok();
    }
  } else {
    if (auto v = node.template value<std::string>()) {
      out = *v;
      return core::Ok();
    }
  }
  std::string name = std::string(section) + "." + key;
  return Err(ErrorCode::kInvalidArgument, "配置项 " + name + " 的类型不对",
             "configuration key " + name + " has the wrong type", name);
}

// The CPUs this process may run on (its affinity mask: taskset, a cgroup cpuset, a container's
// --cpuset-cpus), which is what the I/O threads can use; hardware_concurrency() counts every CPU
// of the machine.
unsigned UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// A top-level key where a section belongs ("cases = 3").
core::Error NotASection(const std::string& name) {
  return core::Error{ErrorCode::kInvalidArgument, "配置项 " + name + " 应为配置节 [" + name + "]",
                     "configuration key " + name + " must be a section [" + name + "]", name};
}

}  // namespace

core::Result<Config> LoadConfig(const std::string& file_arg) {
  Config c;
  c.server.io_threads = UsableCpus();
  std::string file = file_arg;
  if (file.empty()) {
    if (const char* f = std::getenv("ZHIFA_CONFIG")) file = f;
  }
  if (!file.empty()) {
    Source t;
    try {
      t.table = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
      std::string where = file + ":" + std::to_string(e.source().begin.line);
      return Err(ErrorCode::kInvalidArgument,
                 "配置文件 " + where + " 有误: " + std::string(e.description()),
                 "configuration " + where + ": " + std::string(e.description()), "ZHIFA_CONFIG");
    }
    int64_t max_body = static_cast<int64_t>(c.server.max_body_bytes);
    ZHIFA_TRY(Read(t, "data", "dir", c.data_dir));
    ZHIFA_TRY(Read(t, "data", "key_file", c.key_file));
    ZHIFA_TRY(Read(t, "database", "url", c.db_url));
    ZHIFA_TRY(Read(t, "database", "pool_size", c.store.read_pool_size));
    ZHIFA_TRY(Read(t, "database", "max_batch", c.store.max_batch));
    ZHIFA_TRY(Read(t, "database", "sqlite_cache_mb", c.store.sqlite_writer_cache_mb));
    int64_t mmap_mb = c.store.sqlite_mmap_bytes >> 20;
    ZHIFA_TRY(Read(t, "database", "sqlite_mmap_mb", mmap_mb));
    if (mmap_mb < 0) {
      return Err(ErrorCode::kInvalidArgument, "database.sqlite_mmap_mb 不能为负数",
                 "database.sqlite_mmap_mb must be ≥ 0", "database.sqlite_mmap_mb");
    }
    c.store.sqlite_mmap_bytes = mmap_mb << 20;
    ZHIFA_TRY(Read(t, "database", "sqlite_checkpoint_pages", c.store.sqlite_checkpoint_pages));
    ZHIFA_TRY(Read(t, "database", "sqlite_gather_wal_writes", c.store.sqlite_gather_wal_writes));
    ZHIFA_TRY(Read(t, "database", "sqlite_writer_nice", c.store.sqlite_writer_nice));
    if (c.store.sqlite_writer_nice < -20 || c.store.sqlite_writer_nice > 19) {
      return Err(ErrorCode::kInvalidArgument, "database.sqlite_writer_nice 应在 -20–19 之间",
                 "database.sqlite_writer_nice must be -20–19", "database.sqlite_writer_nice");
    }
    ZHIFA_TRY(Read(t, "server", "listen", c.server.listen));
    ZHIFA_TRY(Read(t, "server", "io_threads", c.server.io_threads));
    ZHIFA_TRY(Read(t, "server", "worker_threads", c.server.worker_threads));
    ZHIFA_TRY(Read(t, "server", "max_body_bytes", max_body));
    ZHIFA_TRY(Read(t, "server", "read_timeout_seconds", c.server.read_timeout_seconds));
    ZHIFA_TRY(Read(t, "server", "idle_timeout_seconds", c.server.idle_timeout_seconds));
    ZHIFA_TRY(Read(t, "server", "shutdown_grace_seconds", c.server.shutdown_grace_seconds));
    ZHIFA_TRY(Read(t, "server", "access_log", c.server.access_log));
    ZHIFA_TRY(Read(t, "auth", "max_failed_logins", c.auth.max_failed_logins));
    ZHIFA_TRY(Read(t, "auth", "lockout_minutes", c.auth.lockout_minutes));
    ZHIFA_TRY(Read(t, "auth", "session_hours", c.auth.session_hours));
    ZHIFA_TRY(Read(t, "auth", "idle_minutes", c.auth.idle_minutes));
    ZHIFA_TRY(Read(t, "auth", "password_max_age_days", c.auth.password.max_age_days));
    ZHIFA_TRY(Read(t, "auth", "attempts_per_minute_per_ip", c.auth.attempts_per_minute_per_ip));
    ZHIFA_TRY(Read(t, "auth", "require_admin_totp", c.auth.require_admin_totp));
    ZHIFA_TRY(Read(t, "auth", "secure_cookies", c.auth.secure_cookies));
    ZHIFA_TRY(Read(t, "record", "hash", c.record.hash));
    ZHIFA_TRY(Read(t, "record", "signature", c.record.signature));
    ZHIFA_TRY(Read(t, "record", "origin", c.record.origin));
    ZHIFA_TRY(Read(t, "record", "checkpoint_every", c.record.checkpoint_every));
    ZHIFA_TRY(Read(t, "record", "checkpoint_seconds", c.record.checkpoint_seconds));
    int64_t evidence_max = static_cast<int64_t>(c.evidence.max_bytes);
    ZHIFA_TRY(Read(t, "evidence", "dir", c.evidence.dir));
    ZHIFA_TRY(Read(t, "evidence", "max_bytes", evidence_max));
    if (evidence_max <= 0) {
      return Err(ErrorCode::kInvalidArgument, "evidence.max_bytes 必须大于 0",
                 "evidence.max_bytes must be positive", "evidence.max_bytes");
    }
    c.evidence.max_bytes = static_cast<uint64_t>(evidence_max);
    ZHIFA_TRY(Read(t, "discretion", "lighter_permille", c.discretion.lighter_permille));
    ZHIFA_TRY(Read(t, "discretion", "heavier_permille", c.discretion.heavier_permille));
    ZHIFA_TRY(Read(t, "discretion", "narrow_within_tier", c.discretion.narrow_within_tier));
    ZHIFA_TRY(Read(t, "discretion", "first_violation_lookback_days",
                   c.discretion.first_violation_lookback_days));
    for (const char* key : {"lighter_permille", "heavier_permille"}) {
      int64_t v = std::string(key) == "lighter_permille" ? c.discretion.lighter_permille
                                                         : c.discretion.heavier_permille;
      if (v < 0 || v > 1000) {
        return Err(ErrorCode::kInvalidArgument,
                   std::string("discretion.") + key + " 应在 0–1000（千分比）之间",
                   std::string("discretion.") + key + " must be 0–1000 (per mille)",
                   std::string("discretion.") + key);
      }
    }
    if (c.discretion.first_violation_lookback_days < 1 ||
        c.discretion.first_violation_lookback_days > 3650) {
      return Err(ErrorCode::kInvalidArgument,
                 "discretion.first_violation_lookback_days 应在 1–3650 之间",
                 "discretion.first_violation_lookback_days must be 1–3650",
                 "discretion.first_violation_lookback_days");
    }
    ZHIFA_TRY(Read(t, "officers", "expiring_days", c.officers.expiring_days));
    ZHIFA_TRY(Read(t, "officers", "reviewer_ratio_permille", c.officers.reviewer_ratio_permille));
    ZHIFA_TRY(officers::CheckOfficerOptions(c.officers));
    ZHIFA_TRY(Read(t, "cases", "hearing_fine_person_fen", c.cases.hearing_fine_person));
    ZHIFA_TRY(Read(t, "cases", "hearing_fine_organisation_fen", c.cases.hearing_fine_organisation));
    ZHIFA_TRY(
        Read(t, "cases", "hearing_confiscation_person_fen", c.cases.hearing_confiscation_person));
    ZHIFA_TRY(Read(t, "cases", "hearing_confiscation_organisation_fen",
                   c.cases.hearing_confiscation_organisation));
    ZHIFA_TRY(Read(t, "cases", "decision_extension_max_days", c.cases.decision_extension_max_days));
    ZHIFA_TRY(Read(t, "cases", "legal_review_all_penalties", c.cases.legal_review_all_penalties));
    ZHIFA_TRY(Read(t, "cases", "discussion_when_hearing_triggered",
                   c.cases.discussion_when_hearing_triggered));
    ZHIFA_TRY(Read(t, "cases", "due_soon_working_days", c.cases.due_soon_working_days));
    ZHIFA_TRY(Read(t, "cases", "list_count_cap", c.cases.list_count_cap));
    ZHIFA_TRY(Read(t, "cases", "list_search_count_cap", c.cases.list_search_count_cap));
    for (auto [key, v] :
         {std::pair{"hearing_fine_person_fen", c.cases.hearing_fine_person},
          std::pair{"hearing_fine_organisation_fen", c.cases.hearing_fine_organisation},
          std::pair{"hearing_confiscation_person_fen", c.cases.hearing_confiscation_person},
          std::pair{"hearing_confiscation_organisation_fen",
                    c.cases.hearing_confiscation_organisation}}) {
      if (v < 1) {
        return Err(
            ErrorCode::kInvalidArgument, std::string("cases.") + key + " 必须大于 0（单位：分）",
            std::string("cases.") + key + " must be positive (fen)", std::string("cases.") + key);
      }
    }
    if (c.cases.decision_extension_max_days < 0 || c.cases.decision_extension_max_days > 365) {
      return Err(ErrorCode::kInvalidArgument, "cases.decision_extension_max_days 应在 0–365 之间",
                 "cases.decision_extension_max_days must be 0–365",
                 "cases.decision_extension_max_days");
    }
    if (c.cases.due_soon_working_days < 0 || c.cases.due_soon_working_days > 60) {
      return Err(ErrorCode::kInvalidArgument, "cases.due_soon_working_days 应在 0–60 之间",
                 "cases.due_soon_working_days must be 0–60", "cases.due_soon_working_days");
    }
    for (auto [key, v] : {std::pair{"list_count_cap", c.cases.list_count_cap},
                          std::pair{"list_search_count_cap", c.cases.list_search_count_cap}}) {
      if (v < 1 || v > 1000000) {
        return Err(ErrorCode::kInvalidArgument,
                   std::string("cases.") + key + " 应在 1–1000000 之间",
                   std::string("cases.") + key + " must be 1–1000000", std::string("cases.") + key);
      }
    }
    for (const auto& [k, v] : t.table) {
      std::string section(k.str());
      if (section != "data" && section != "database" && section != "server" && section != "auth" &&
          section != "discretion" && section != "evidence" && section != "record" &&
          section != "officers" && section != "cases") {
        return Err(ErrorCode::kUnknownField, "未知的配置节 [" + section + "]",
                   "unknown configuration section [" + section + "]", section);
      }
      const toml::table* keys = v.as_table();
      if (!keys) return NotASection(section);
      for (const auto& [key, value] : *keys) {
        const std::string name = section + "." + std::string(key.str());
        if (!t.read.count(name)) {
          return Err(ErrorCode::kUnknownField, "未知的配置项 " + name,
                     "unknown configuration key " + name, name);
        }
      }
    }
    if (max_body <= 0) {
      return Err(ErrorCode::kInvalidArgument, "server.max_body_bytes 必须大于 0",
                 "server.max_body_bytes must be positive", "server.max_body_bytes");
    }
    c.server.max_body_bytes = static_cast<uint64_t>(max_body);
  }
  if (const char* v = std::getenv("ZHIFA_DATA_DIR"); v && *v) c.data_dir = v;
  if (const char* v = std::getenv("ZHIFA_DB"); v && *v) c.db_url = v;
  if (const char* v = std::getenv("ZHIFA_LISTEN"); v && *v) c.server.listen = v;
  if (const char* v = std::getenv("ZHIFA_ADMIN_PASSWORD"); v && *v) c.admin_password = v;
  if (const char* v = std::getenv("ZHIFA_RECORD_HASH"); v && *v) c.record.hash = v;
  if (const char* v = std::getenv("ZHIFA_RECORD_SIGNATURE"); v && *v) c.record.signature = v;
  if (const char* v = std::getenv("ZHIFA_CHECKPOINT_EVERY"); v && *v) {
    c.record.checkpoint_every = std::atoll(v);
  }
  if (const char* v = std::getenv("ZHIFA_CHECKPOINT_SECONDS"); v && *v) {
    c.record.checkpoint_seconds = std::atoll(v);
  }
  ZHIFA_TRY(record::CheckRecordOptions(c.record));
  if (const char* v = std::getenv("ZHIFA_EVIDENCE_MAX_BYTES"); v && *v) {
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n == 0 || *v == '-') {
      return Err(ErrorCode::kInvalidArgument, "ZHIFA_EVIDENCE_MAX_BYTES 应为正整数（字节）",
                 "ZHIFA_EVIDENCE_MAX_BYTES must be a positive integer (bytes)",
                 "ZHIFA_EVIDENCE_MAX_BYTES");
    }
    c.evidence.max_bytes = n;
  }
  c.record_hash = c.record.hash;  // the evidence store names files with the log's hash
  if (c.server.io_threads < 1 || c.server.worker_threads < 1) {
    return Err(ErrorCode::kInvalidArgument, "线程数必须至少为 1", "thread counts must be ≥ 1",
               "server.io_threads");
  }
  if (c.store.sqlite_checkpoint_pages < 0) {
    return Err(ErrorCode::kInvalidArgument, "database.sqlite_checkpoint_pages 不能为负数",
               "database.sqlite_checkpoint_pages must be ≥ 0", "database.sqlite_checkpoint_pages");
  }
  if (c.store.sqlite_writer_cache_mb < 1) {
    return Err(ErrorCode::kInvalidArgument, "database.sqlite_cache_mb 必须至少为 1（MB）",
               "database.sqlite_cache_mb must be ≥ 1 (MB)", "database.sqlite_cache_mb");
  }
  return c;
}

const char* ExampleConfig() {
  return R"(# zhifa.toml — every key is optional; these are the defaults.
[data]
dir = "./zhifa-data"            # evidence, keys and the SQLite database live here
# key_file = "./zhifa-data/keys/field.key"  # encrypts phone numbers and TOTP secrets at rest;
#                                           # every node on one database needs the same file

[database]
# url = "sqlite:./zhifa-data/zhifa.db"
# url = "postgresql://zhifa@127.0.0.1:5432/zhifa"
pool_size = 4                   # SQLite readers / PostgreSQL connections
max_batch = 512                 # SQLite group commit: most writes per transaction
sqlite_cache_mb = 32            # SQLite writer's page cache (`zhifa demo --cases` uses ≥ 1024)
sqlite_mmap_mb = 0              # SQLite readers map this much of the file (0: pread only)
sqlite_checkpoint_pages = 4000  # least WAL pages between background checkpoints (1/100 of the file,
                                # up to 8×, in a big one; 0: on the writer)
sqlite_gather_wal_writes = true # the writer's commit reaches the WAL in one write(2)
sqlite_writer_nice = -10        # the SQLite writer thread's priority (below 0 needs CAP_SYS_NICE)

[server]
listen = "127.0.0.1:8080"
# io_threads = <CPUs this process may use (affinity mask)>
worker_threads = 32             # blocking work: writes, password hashing
max_body_bytes = 1048576
read_timeout_seconds = 30
idle_timeout_seconds = 75
shutdown_grace_seconds = 20
access_log = true

[auth]
max_failed_logins = 5           # then the account locks
lockout_minutes = 15
session_hours = 8
idle_minutes = 30
password_max_age_days = 90      # 0: never expire
attempts_per_minute_per_ip = 20
require_admin_totp = true       # 等保2.0 三级: administrators use a second factor
secure_cookies = false          # true when served over HTTPS (also automatic with X-Forwarded-Proto)

[evidence]
# dir = "./zhifa-data/evidence"  # content-addressed evidence files (证据材料)
max_bytes = 4294967296          # largest evidence file (4 GiB); larger uploads get 413

[record]
hash = "sm3"                    # sm3 | sha256 — fixed when the log is created, never changed
signature = "sm2"               # sm2 | ed25519 — algorithm of the checkpoint key created at first start
origin = "zhifa/record"         # checkpoint origin (fixed with the log), e.g. "zhifa.jinan.gov.cn/record"
checkpoint_every = 1000         # sign a checkpoint when this many entries are new …
checkpoint_seconds = 60         # … or after this many seconds when any entry is new

[discretion]
# National law does not fix how far 从轻/从重 narrow a range (the SAMR percentages were not
# retrieved): lighter = the lower part, heavier = the upper part, in per mille of the range.
lighter_permille = 500          # 从轻: lower half
heavier_permille = 500          # 从重: upper half
narrow_within_tier = true       # narrow the matched benchmark tier's range (false: the statute's)
first_violation_lookback_days = 365  # 初次违法 when not asserted: no prior violation within

[officers]
# A valid 执法证 is flagged "expiring soon" when it ends within this many days (not fixed by law).
expiring_days = 30
# Least share of legal reviewers among officers with a valid credential, per mille: action plan
# item 34 "原则上负责法制审核的人员不少于本单位执法人员总数的5%".
reviewer_ratio_permille = 50

[cases]
# 行政处罚法 第63条: "较大数额" fines and confiscations that trigger a hearing are set by provinces
# and departments (the Shandong amounts were not verified): in fen.
hearing_fine_person_fen = 500000              # 5,000 元 for a citizen
hearing_fine_organisation_fen = 5000000       # 50,000 元 for an organisation
hearing_confiscation_person_fen = 500000
hearing_confiscation_organisation_fen = 5000000
decision_extension_max_days = 30     # 第60条 "另有规定的，从其规定": a sector's longest extension
legal_review_all_penalties = false   # some provinces review every ordinary-procedure penalty
discussion_when_hearing_triggered = true  # 第57条 "重大违法行为" includes hearing cases
due_soon_working_days = 3            # a timer is "due soon" within this many working days
list_count_cap = 10000               # the case list counts its total up to this many
list_search_count_cap = 2000         # … a text search confirmed on each case row (q ≥ 3 characters)
)";
}

}  // namespace zhifa::app
