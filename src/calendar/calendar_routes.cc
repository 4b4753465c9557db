#include "calendar/calendar_routes.h"

#include "http/json_body.h"

namespace zhifa::calendar {

using core::Date;
using core::Err;
using core::ErrorCode;
using http::Ctx;
using http::FieldType;
using http::Opt;
using http::Response;
using nlohmann::json;

namespace {

core::Result<std::string> RequiredQuery(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) {
    return Err(ErrorCode::kInvalidArgument, std::string("缺少参数 ") + name,
               std::string("missing parameter ") + name, name);
  }
  return *v;
}

core::Result<Date> DateParam(const http::Request& req, const char* name) {
  auto v = RequiredQuery(req, name);
  if (!v) return v.error();
  auto d = core::ParseDate(*v, name);
  if (!d) return d.error();
  ZHIFA_TRY(core::WorkingCalendar::CheckSpan(*d, name));
  return *d;
}

core::Result<int64_t> IntParam(const http::Request& req, const char* name, int64_t lo, int64_t hi) {
  auto v = RequiredQuery(req, name);
  if (!v) return v.error();
  bool digits = !v->empty() && v->size() <= 18 &&
                v->find_first_not_of("0123456789", (*v)[0] == '-' ? 1 : 0) == std::string::npos &&
                v->size() > ((*v)[0] == '-' ? 1u : 0u);
  int64_t n = digits ? std::stoll(*v) : 0;
  if (!digits || n < lo || n > hi) {
    return Err(ErrorCode::kInvalidArgument,
               std::string(name) + " 应为 " + std::to_string(lo) + "–" + std::to_string(hi) +
                   " 之间的整数",
               std::string(name) + " must be an integer in " + std::to_string(lo) + "–" +
                   std::to_string(hi),
               name);
  }
  return n;
}

json YearsJson(CalendarService& svc, const std::vector<YearInfo>& years) {
  auto cal = svc.Current();
  json items = json::array();
  for (const auto& y : years) {
    json j = {{"year", y.year},         {"source", y.source},           {"days", y.days},
              {"off_days", y.off_days}, {"makeup_days", y.makeup_days}, {"sha256", y.sha256},
              {"papers", y.papers}};
    if (!y.loaded_at.empty()) j["loaded_at"] = y.loaded_at;
    items.push_back(std::move(j));
  }
  int last = cal->LastLoadedYear();
  return {{"items", items},
          {"last_loaded_year", last},
          {"provisional_after", last ? core::FormatDate(Date{last, 12, 31}) : ""},
          {"span",
           {{"first_year", core::WorkingCalendar::kFirstYear},
            {"last_year", core::WorkingCalendar::kLastYear}}},
          {"calendar_version", svc.version()}};
}

json RuleJson(const TimeLimitRule& r, bool en) {
  json j = {{"id", r.id},
            {"name", en ? r.name_en : r.name_zh},
            {"name_zh", r.name_zh},
            {"name_en", r.name_en},
            {"start_event", en ? r.start_event_en : r.start_event_zh},
            {"start_event_zh", r.start_event_zh},
            {"start_event_en", r.start_event_en},
            {"day_type", DayTypeName(r.day_type)},
            {"unit", PeriodUnitName(r.unit)},
            {"amount", r.amount},
            {"before", r.before},
            {"on_expiry", ExpiryActionName(r.on_expiry)},
            {"law", r.law_zh},
            {"article", r.article_zh},
            {"citation", Citation(r)},
            {"extension_max", r.extension_max},
            {"extension_basis", r.extension_basis_zh},
            {"override_kind", OverrideKindName(r.override_kind)},
            {"override_note", r.override_note_zh},
            {"roll", r.roll},
            {"note", r.note_zh}};
  if (r.override_kind == OverrideKind::kPeriod) {
    j["override_min"] = r.override_min;
    j["override_max"] = r.override_max;
  }
  return j;
}

// A list of ISO 8601 intervals "from/to" (both ends inclusive), at most 100, each end read by
// `parse` (a date or an RFC 3339 instant). Errors name the element, e.g. "paused[2]"; the body
// parser has already checked that every element is a string.
template <typename Interval, typename Parse>
core::Result<std::vector<Interval>> Intervals(const json& body, const char* field, Parse parse,
                                              std::string_view hint_zh, std::string_view hint_en) {
  std::vector<Interval> out;
  if (!body.contains(field) || body[field].is_null()) return out;
  const auto& arr = body[field];
  if (arr.size() > 100) {
    return Err(ErrorCode::kInvalidArgument, "区间不超过 100 个", "at most 100 intervals", field);
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    const std::string& s = arr[i].get_ref<const std::string&>();
    auto slash = s.find('/');
    if (slash == std::string::npos) {
      return Err(ErrorCode::kInvalidArgument, std::string(hint_zh), std::string(hint_en), f);
    }
    auto from = parse(s.substr(0, slash), f);
    if (!from) return from.error();
    auto to = parse(s.substr(slash + 1), f);
    if (!to) return to.error();
    out.push_back({*from, *to});
  }
  return out;
}

core::Result<std::vector<DateInterval>> DateIntervals(const json& body, const char* field) {
  return Intervals<DateInterval>(
      body, field, [](std::string_view t, std::string_view f) { return core::ParseDate(t, f); },
      "区间应写作 起始日期/结束日期，如 2025-09-10/2025-09-19",
      "an interval is written from/to, e.g. 2025-09-10/2025-09-19");
}

core::Result<std::vector<InstantInterval>> InstantIntervals(const json& body, const char* field) {
  return Intervals<InstantInterval>(
      body, field, [](std::string_view t, std::string_view f) { return core::ParseRfc3339(t, f); },
      "区间应写作 起始时间/结束时间（RFC 3339）", "an interval is written from/to (RFC 3339)");
}

}  // namespace

void RegisterCalendarRoutes(http::Router& router, CalendarService& svc) {
  router.Add("GET", "/api/v1/calendar/years", Opt(std::nullopt, "Loaded holiday arrangements"),
             [&svc](Ctx& ctx) {
               auto years = svc.Years();
               if (!years) return http::Fail(ctx.req, years.error());
               return Response::Json(200, YearsJson(svc, *years));
             });

  router.Add(
      "POST", "/api/v1/calendar/years",
      Opt(org::Permission::kCalendarManage, "Load a year's holiday arrangement", true),
      [&svc](Ctx& ctx) {
        auto body = http::ParseBody(
            ctx.req, {{"content", FieldType::kString, true}, {"replace", FieldType::kBool, false}});
        if (!body) return http::Fail(ctx.req, body.error());
        bool replace = body->contains("replace") && (*body)["replace"].is_boolean() &&
                       (*body)["replace"].get<bool>();
        auto r = svc.LoadYear(ActorOf(ctx.who()), (*body)["content"].get<std::string>(), replace);
        if (!r) return http::Fail(ctx.req, r.error());
        return Response::Json(201, {{"year", r->year},
                                    {"sha256", r->sha256},
                                    {"days", r->days},
                                    {"replaced", r->replaced},
                                    {"calendar_version", svc.version()}});
      });

  router.Add("GET", "/api/v1/calendar/is-working-day",
             Opt(std::nullopt, "Whether a date is a working day"), [&svc](Ctx& ctx) {
               auto d = DateParam(ctx.req, "date");
               if (!d) return http::Fail(ctx.req, d.error());
               auto cal = svc.Current();
               auto r = cal->IsWorkingDay(*d);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, {{"date", core::FormatDate(*d)},
                                           {"working", r->value},
                                           {"kind", core::DayKindName(cal->Kind(*d))},
                                           {"name", cal->Name(*d)},
                                           {"provisional", r->provisional}});
             });

  router.Add("GET", "/api/v1/calendar/add-working-days",
             Opt(std::nullopt, "The N-th working day after a date"), [&svc](Ctx& ctx) {
               auto d = DateParam(ctx.req, "date");
               if (!d) return http::Fail(ctx.req, d.error());
               auto n = IntParam(ctx.req, "n", 0, 50'000);
               if (!n) return http::Fail(ctx.req, n.error());
               auto r = svc.Current()->AddWorkingDays(*d, *n);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, {{"date", core::FormatDate(*d)},
                                           {"n", *n},
                                           {"result", core::FormatDate(r->value)},
                                           {"provisional", r->provisional}});
             });

  router.Add("GET", "/api/v1/calendar/count-working-days",
             Opt(std::nullopt, "Working days in (from, to]"), [&svc](Ctx& ctx) {
               auto a = DateParam(ctx.req, "from");
               if (!a) return http::Fail(ctx.req, a.error());
               auto b = DateParam(ctx.req, "to");
               if (!b) return http::Fail(ctx.req, b.error());
               auto r = svc.Current()->CountWorkingDays(*a, *b);
               if (!r) return http::Fail(ctx.req, r.error());
               return Response::Json(200, {{"from", core::FormatDate(*a)},
                                           {"to", core::FormatDate(*b)},
                                           {"count", r->value},
                                           {"provisional", r->provisional}});
             });

  router.Add("GET", "/api/v1/calendar/month", Opt(std::nullopt, "A month of the calendar"),
             [&svc](Ctx& ctx) {
               auto y = IntParam(ctx.req, "year", core::WorkingCalendar::kFirstYear,
                                 core::WorkingCalendar::kLastYear);
               if (!y) return http::Fail(ctx.req, y.error());
               auto m = IntParam(ctx.req, "month", 1, 12);
               if (!m) return http::Fail(ctx.req, m.error());
               auto cal = svc.Current();
               json days = json::array();
               int n = core::DaysInMonth(static_cast<int>(*y), static_cast<int>(*m));
               for (int d = 1; d <= n; ++d) {
                 Date date{static_cast<int>(*y), static_cast<int>(*m), d};
                 int64_t dn = core::DaysFromCivil(date);
                 days.push_back({{"date", core::FormatDate(date)},
                                 {"weekday", ((dn % 7) + 7 + 3) % 7 + 1},  // 1 = Monday
                                 {"working", cal->IsWorkingUnchecked(dn)},
                                 {"kind", core::DayKindName(cal->Kind(date))},
                                 {"name", cal->Name(date)}});
               }
               return Response::Json(200, {{"year", *y},
                                           {"month", *m},
                                           {"provisional", !cal->IsLoaded(static_cast<int>(*y))},
                                           {"days", days}});
             });

  router.Add("GET", "/api/v1/time-limits", Opt(std::nullopt, "The statutory time-limit table"),
             [](Ctx& ctx) {
               json items = json::array();
               for (const auto& r : TimeLimitRules()) {
                 items.push_back(RuleJson(r, ctx.req.PrefersEnglish()));
               }
               return Response::Json(200, {{"items", items}});
             });

  router.Add("POST", "/api/v1/time-limits/compute", Opt(std::nullopt, "Compute a deadline"),
             [&svc](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"rule_id", FieldType::kString, true},
                                                     {"start", FieldType::kString, true},
                                                     {"unit_id", FieldType::kInt, false},
                                                     {"extension", FieldType::kInt, false},
                                                     {"paused", FieldType::kStringArray, false},
                                                     {"roll", FieldType::kBool, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               auto rule = FindRule((*body)["rule_id"].get<std::string>(), "rule_id");
               if (!rule) {
                 auto e = rule.error();
                 e.code = ErrorCode::kInvalidArgument;
                 return http::Fail(ctx.req, e);
               }
               DeadlineInput in;
               in.rule = *rule;
               std::string start = (*body)["start"].get<std::string>();
               if ((*rule)->unit == PeriodUnit::kHour) {
                 auto t = core::ParseRfc3339(start, "start");
                 if (!t) return http::Fail(ctx.req, t.error());
                 in.start_micros = *t;
                 auto p = InstantIntervals(*body, "paused");
                 if (!p) return http::Fail(ctx.req, p.error());
                 in.paused_instants = std::move(*p);
               } else {
                 auto d = core::ParseDate(start, "start");
                 if (!d) return http::Fail(ctx.req, d.error());
                 in.start_date = *d;
                 auto p = DateIntervals(*body, "paused");
                 if (!p) return http::Fail(ctx.req, p.error());
                 in.paused_days = std::move(*p);
               }
               in.extension = http::OptInt(*body, "extension").value_or(0);
               if (body->contains("roll") && (*body)["roll"].is_boolean()) {
                 in.roll = (*body)["roll"].get<bool>();
               }
               std::optional<int64_t> unit = http::OptInt(*body, "unit_id");
               if (unit) {
                 auto o = svc.FindOverride((*rule)->id, *unit);
                 if (!o) return http::Fail(ctx.req, o.error());
                 in.override_ = *o;
               }
               auto d = ComputeDeadline(in, *svc.Current());
               if (!d) return http::Fail(ctx.req, d.error());
               json out = {{"rule_id", (*rule)->id},
                           {"day_type", DayTypeName(d->day_type)},
                           {"unit", PeriodUnitName((*rule)->unit)},
                           {"amount", d->amount},
                           {"due_date", core::FormatDate(d->due_date)},
                           {"rolled", d->rolled},
                           {"provisional", d->provisional},
                           {"paused_days", d->paused_days},
                           {"on_expiry", ExpiryActionName(d->on_expiry)},
                           {"override_applied", in.override_.has_value()},
                           {"citation", Citation(**rule)}};
               if (d->due_micros) out["due_at"] = core::FormatRfc3339Micros(*d->due_micros);
               return Response::Json(200, out);
             });

  router.Add("POST", "/api/v1/time-limits/surcharge",
             Opt(std::nullopt, "Late-payment surcharge (行政处罚法 第72、73条)"), [](Ctx& ctx) {
               auto body = http::ParseBody(ctx.req, {{"fine_fen", FieldType::kInt, true},
                                                     {"due_date", FieldType::kString, true},
                                                     {"as_of", FieldType::kString, true},
                                                     {"paused", FieldType::kStringArray, false}});
               if (!body) return http::Fail(ctx.req, body.error());
               SurchargeInput in;
               in.fine_fen = (*body)["fine_fen"].get<int64_t>();
               auto due = core::ParseDate((*body)["due_date"].get<std::string>(), "due_date");
               if (!due) return http::Fail(ctx.req, due.error());
               auto asof = core::ParseDate((*body)["as_of"].get<std::string>(), "as_of");
               if (!asof) return http::Fail(ctx.req, asof.error());
               in.due_date = *due;
               in.as_of = *asof;
               auto p = DateIntervals(*body, "paused");
               if (!p) return http::Fail(ctx.req, p.error());
               in.paused = std::move(*p);
               auto s = ComputeSurcharge(in);
               if (!s) return http::Fail(ctx.req, s.error());
               return Response::Json(200, {{"fine_fen", in.fine_fen},
                                           {"overdue_days", s->overdue_days},
                                           {"paused_days", s->paused_days},
                                           {"surcharge_fen", s->surcharge_fen},
                                           {"capped", s->capped},
                                           {"total_fen", s->total_fen}});
             });

  router.Add("GET", "/api/v1/time-limits/overrides",
             Opt(std::nullopt, "Department overrides of the time limits"), [&svc](Ctx& ctx) {
               auto list = svc.ListOverrides();
               if (!list) return http::Fail(ctx.req, list.error());
               json items = json::array();
               for (const auto& o : *list) items.push_back(o.ToJson());
               return Response::Json(200, {{"items", items}});
             });

  router.Add(
      "PUT", "/api/v1/time-limits/overrides",
      Opt(org::Permission::kTimeLimitsWrite, "Set a department's override of a time limit", true),
      [&svc](Ctx& ctx) {
        auto body = http::ParseBody(ctx.req, {{"rule_id", FieldType::kString, true},
                                              {"unit_id", FieldType::kInt, true},
                                              {"kind", FieldType::kString, true},
                                              {"amount", FieldType::kInt, false},
                                              {"day_type", FieldType::kString, false},
                                              {"reason", FieldType::kString, true},
                                              {"basis", FieldType::kString, true}});
        if (!body) return http::Fail(ctx.req, body.error());
        NewOverride in;
        in.rule_id = (*body)["rule_id"].get<std::string>();
        in.unit_id = (*body)["unit_id"].get<int64_t>();
        in.kind = (*body)["kind"].get<std::string>();
        in.amount = http::OptInt(*body, "amount").value_or(0);
        in.day_type = http::OptString(*body, "day_type").value_or("");
        in.reason = (*body)["reason"].get<std::string>();
        in.basis = (*body)["basis"].get<std::string>();
        auto o = svc.SetOverride(ActorOf(ctx.who()), ctx.who().scope, in);
        if (!o) return http::Fail(ctx.req, o.error());
        return Response::Json(200, o->ToJson());
      });

  router.Add("DELETE", "/api/v1/time-limits/overrides/{id}",
             Opt(org::Permission::kTimeLimitsWrite, "Remove a department's override", true),
             [&svc](Ctx& ctx) {
               auto id = http::ParseId(ctx.req.PathParam("id"), "id");
               if (!id) return http::Fail(ctx.req, id.error());
               auto st = svc.RemoveOverride(ActorOf(ctx.who()), ctx.who().scope, *id);
               if (!st) return http::Fail(ctx.req, st.error());
               return Response::Json(200, {{"removed", *id}});
             });
}

}  // namespace zhifa::calendar
