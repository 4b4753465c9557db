#include "record/command_bus.h"

#include <memory>

#include "core/time.h"

namespace zhifa::record {

using core::Err;
using core::ErrorCode;

namespace {
constexpr const char* kNoChangeMarker = "\x01no-change";
store::Value Opt(const std::optional<int64_t>& v) {
  if (v) return *v;
  return store::Null{};
}
}  // namespace

core::Result<int64_t> CommandTx::Emit(Event event) {
  auto next = conn_.AddToCounter("record_seq", 1);
  if (!next) return next.error();
  const int64_t seq = *next;
  auto unit = event.unit_id ? event.unit_id : actor_.unit_id;
  std::string payload = event.payload.is_null() ? std::string("{}") : event.payload.dump();
  // The leaf goes into the entry's own row (record_tree.h); the tree also writes the completed
  // subtrees of the stored levels.
  store::Value leaf = store::Null{};
  if (tree_) {
    auto h = tree_->Append(
        conn_,
        EntryView{
            static_cast<uint64_t>(seq), now_, actor_.user_id, unit, event.kind, event.target, {}},
        payload);
    if (!h) return h.error();
    leaf = store::Blob{std::string(HashBytes(*h))};
  }
  // The stored text has microsecond precision: the leaf commits to exactly what is stored.
  auto ins = conn_.Exec(
      "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload, leaf) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {seq, core::FormatRfc3339Micros(now_), Opt(actor_.user_id), Opt(unit), std::move(event.kind),
       std::move(event.target), std::move(payload), std::move(leaf)});
  if (!ins) return ins.error();
  for (const auto& subject : event.subjects) {
    auto s = conn_.Exec(
        "INSERT INTO record_subjects (subject, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {subject, seq});
    if (!s) return s.error();
  }
  ++emitted_;
  last_seq_ = seq;
  return seq;
}

core::Result<int64_t> CommandTx::EmitMany(std::vector<Event> events) {
  if (events.empty()) return int64_t{0};
  const auto n = static_cast<int64_t>(events.size());
  auto added = conn_.AddToCounter("record_seq", n);
  if (!added) return added.error();
  const int64_t last = *added;
  const int64_t first = last - n + 1;
  std::vector<std::string> payloads;
  std::vector<std::optional<int64_t>> units;
  payloads.reserve(events.size());
  units.reserve(events.size());
  for (const auto& e : events) {
    payloads.push_back(e.payload.is_null() ? std::string("{}") : e.payload.dump());
    units.push_back(e.unit_id ? e.unit_id : actor_.unit_id);
  }
  std::vector<Hash> leaves;
  if (tree_) {
    std::vector<EntryView> views;
    std::vector<std::string_view> texts;
    views.reserve(events.size());
    texts.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      views.push_back(EntryView{static_cast<uint64_t>(first) + i,
                                now_,
                                actor_.user_id,
                                units[i],
                                events[i].kind,
                                events[i].target,
                                {}});
      texts.push_back(payloads[i]);
    }
    auto h = tree_->AppendMany(conn_, views, texts);
    if (!h) return h.error();
    leaves = std::move(*h);
  }
  const std::string at = core::FormatRfc3339Micros(now_);
  store::Params rows, subjects;
  rows.reserve(events.size() * 8);
  for (size_t i = 0; i < events.size(); ++i) {
    const int64_t seq = first + static_cast<int64_t>(i);
    rows.emplace_back(seq);
    rows.emplace_back(at);
    rows.emplace_back(Opt(actor_.user_id));
    rows.emplace_back(Opt(units[i]));
    rows.emplace_back(std::move(events[i].kind));
    rows.emplace_back(std::move(events[i].target));
    rows.emplace_back(std::move(payloads[i]));
    if (tree_) {
      rows.emplace_back(store::Blob{std::string(HashBytes(leaves[i]))});
    } else {
      rows.emplace_back(store::Null{});
    }
    for (auto& subject : events[i].subjects) {
      subjects.emplace_back(std::move(subject));
      subjects.emplace_back(seq);
    }
  }
  ZHIFA_TRY(store::InsertRows(
      conn_,
      "INSERT INTO record_log (seq, at, actor_id, unit_id, kind, target, payload, leaf) "
      "VALUES ",
      8, std::move(rows)));
  ZHIFA_TRY(store::InsertRows(conn_, "INSERT INTO record_subjects (subject, seq) VALUES ", 2,
                              std::move(subjects), " ON CONFLICT DO NOTHING"));
  emitted_ += static_cast<int>(n);
  last_seq_ = last;
  return first;
}

core::Result<int64_t> CommandTx::NewId() { return NewIds(1); }

core::Result<int64_t> CommandTx::NewIds(int64_t n) {
  if (n < 1) return Err(ErrorCode::kInternal, "编号个数无效", "NewIds: n must be at least 1");
  auto last = conn_.AddToCounter("id", n);
  if (!last) return last.error();
  return *last - n + 1;
}

store::TxFn CommandBus::Wrap(std::shared_ptr<Actor> actor, CommandFn fn) {
  return [this, actor = std::move(actor), fn = std::move(fn)](store::Conn& conn) -> core::Status {
    CommandTx tx(conn, *actor, core::NowMicros(), &tree_);
    ZHIFA_TRY(fn(tx));
    if (tx.no_change()) return Err(ErrorCode::kConflict, "", "", kNoChangeMarker);
    if (tx.emitted() == 0) {
      return Err(ErrorCode::kInternal, "命令未写入全过程记录，已回滚",
                 "command left no record entry; rolled back");
    }
    return core::Ok();
  };
}

core::Status CommandBus::Unwrap(core::Status st) {
  if (!st && st.error().field == kNoChangeMarker) return core::Ok();
  return st;
}

core::Status CommandBus::Run(const Actor& actor, CommandFn fn) {
  return Unwrap(db_.Write(Wrap(std::make_shared<Actor>(actor), std::move(fn))));
}

void CommandBus::RunAsync(Actor actor, CommandFn fn, std::function<void(core::Status)> done) {
  db_.WriteAsync(Wrap(std::make_shared<Actor>(std::move(actor)), std::move(fn)),
                 [done = std::move(done)](core::Status st) { done(Unwrap(std::move(st))); });
}

}  // namespace zhifa::record
