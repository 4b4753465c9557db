#include "calendar/time_limit_rules.h"

#include <algorithm>

namespace zhifa::calendar {

using core::Date;
using core::Err;
using core::ErrorCode;

namespace {
constexpr DayType W = DayType::kWorking;
constexpr DayType C = DayType::kCalendar;
constexpr DayType H = DayType::kHours;
constexpr PeriodUnit kD = PeriodUnit::kDay;
constexpr PeriodUnit kH = PeriodUnit::kHour;
constexpr PeriodUnit kY = PeriodUnit::kYear;
constexpr ExpiryAction kWarn = ExpiryAction::kWarn;
constexpr ExpiryAction kBlock = ExpiryAction::kBlock;
constexpr ExpiryAction kOverdue = ExpiryAction::kFlagOverdue;
constexpr OverrideKind kNo = OverrideKind::kNone;

constexpr const char* kXzcf = "行政处罚法";
constexpr const char* kXzqz = "行政强制法";
constexpr const char* kXzxk = "行政许可法";
constexpr const char* kYs310 = "行政执法机关移送涉嫌犯罪案件的规定（国务院令第310号）";
constexpr const char* kGb118 = "国办发〔2018〕118号";
constexpr const char* kHotline = "山东省政务服务热线管理办法";
}  // namespace

// The one table of statutory time limits. Day types follow legal-facts §1.1: 行政处罚法 第85条
// (its 二/三/五/七日 periods are working days), 行政强制法 第69条 (periods of 10 days or less
// are working days), 行政许可法 第82条 (all licensing periods are working days); longer periods
// of the penalty and compulsion laws run in calendar days (inference, to be confirmed by a legal
// reviewer).
const std::vector<TimeLimitRule>& TimeLimitRules() {
  static const std::vector<TimeLimitRule> kRules = {
      {"penalty.decision",
       "作出行政处罚决定",
       "Penalty decision",
       "立案",
       "case filed",
       C,
       kD,
       90,
       false,
       kOverdue,
       kXzcf,
       "第六十条",
       0,
       "",
       OverrideKind::kPeriod,
       1,
       365,
       "法律、法规、规章另有规定的，从其规定：部门可按本行业规定设定期限（含经批准延长后的总期限）"
       "，须写明依据",
       true,
       "延长规定来自行业规章（未核实），因此作为部门配置"},
      {"penalty.statement",
       "当事人陈述、申辩",
       "Statement and defence",
       "送达行政处罚事先告知书",
       "pre-decision notice served",
       W,
       kD,
       5,
       false,
       kBlock,
       kXzcf,
       "第四十四条、第四十五条",
       0,
       "",
       OverrideKind::kPeriod,
       1,
       30,
       "法律未规定陈述、申辩的天数，由行业规章规定：部门可按本行业规定设定期限，须写明依据",
       false,
       "法律未规定天数；默认5个工作日为行业规章的常见做法（未核实）。期满未陈述、申辩的视为放弃"},
      {"penalty.hearing_request",
       "当事人申请听证",
       "Hearing request",
       "送达听证告知",
       "hearing rights notified",
       W,
       kD,
       5,
       false,
       kBlock,
       kXzcf,
       "第六十四条、第八十五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "逾期未申请视为放弃听证"},
      {"penalty.hearing_notice",
       "通知听证时间地点",
       "Hearing notice",
       "听证举行日",
       "hearing day",
       W,
       kD,
       7,
       true,
       kBlock,
       kXzcf,
       "第六十四条、第八十五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "应在举行听证的七个工作日前通知；结果为最后可通知日"},
      {"penalty.service",
       "送达行政处罚决定书",
       "Service of the decision",
       "作出决定（当事人不在场）",
       "decision made (party absent)",
       W,
       kD,
       7,
       false,
       kOverdue,
       kXzcf,
       "第六十一条、第八十五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"penalty.payment",
       "缴纳罚款",
       "Payment of the fine",
       "收到行政处罚决定书",
       "decision received",
       C,
       kD,
       15,
       false,
       kOverdue,
       kXzcf,
       "第六十七条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       true,
       "到期不缴纳的，每日按罚款数额的3%加处罚款（第七十二条），复议、诉讼期间不计（第七十三条）"},
      {"penalty.evidence_preservation",
       "先行登记保存的处理决定",
       "Decision on preserved evidence",
       "先行登记保存",
       "evidence registered and preserved",
       W,
       kD,
       7,
       false,
       kOverdue,
       kXzcf,
       "第五十六条、第八十五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"penalty.limitation",
       "追责时效（一般）",
       "Limitation period",
       "违法行为发生或终了之日",
       "act committed or ended",
       C,
       kY,
       2,
       false,
       kBlock,
       kXzcf,
       "第三十六条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "期满未被发现的，不再给予行政处罚；时效不顺延"},
      {"penalty.limitation_extended",
       "追责时效（涉及生命健康、金融安全且有危害后果）",
       "Limitation period (life, health, financial security, with harm)",
       "违法行为发生或终了之日",
       "act committed or ended",
       C,
       kY,
       5,
       false,
       kBlock,
       kXzcf,
       "第三十六条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "时效不顺延"},
      {"publicity.penalty_licensing",
       "公示行政处罚、行政许可决定",
       "Publication of penalty and licensing decisions",
       "作出决定",
       "decision made",
       W,
       kD,
       7,
       false,
       kOverdue,
       kGb118,
       "三、（四）",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "据新闻报道（reported）"},
      {"publicity.other",
       "公示其他行政执法决定",
       "Publication of other enforcement decisions",
       "作出决定",
       "decision made",
       W,
       kD,
       20,
       false,
       kOverdue,
       kGb118,
       "三、（四）",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "据新闻报道（reported）"},
      {"publicity.withdrawal",
       "撤回已公开的处罚决定",
       "Withdrawal of a published decision",
       "决定被变更、撤销或确认违法、无效",
       "decision changed, revoked or held unlawful or void",
       W,
       kD,
       3,
       false,
       kOverdue,
       kXzcf,
       "第四十八条、第八十五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"compulsion.seizure",
       "查封、扣押期限",
       "Seizure or detention",
       "作出查封、扣押决定",
       "seizure decision made",
       C,
       kD,
       30,
       false,
       kOverdue,
       kXzqz,
       "第二十五条",
       30,
       "《行政强制法》第二十五条：情况复杂的，经行政机关负责人批准可以延长，延长期限不得超过三十日",
       kNo,
       0,
       0,
       "",
       true,
       "检测、检验、检疫或者技术鉴定的期间不计入（作为暂停区间录入）；期满应解除（第二十八条）"},
      {"compulsion.freeze",
       "冻结期限",
       "Freezing of deposits",
       "作出冻结决定",
       "freezing decision made",
       C,
       kD,
       30,
       false,
       kOverdue,
       kXzqz,
       "第三十二条",
       30,
       "《行政强制法》第三十二条：情况复杂的，经行政机关负责人批准可以延长，延长期限不得超过三十日",
       kNo,
       0,
       0,
       "",
       true,
       "期满应解除冻结"},
      {"compulsion.freeze_delivery",
       "交付冻结决定书",
       "Delivery of the freezing decision",
       "实施冻结",
       "deposits frozen",
       W,
       kD,
       3,
       false,
       kOverdue,
       kXzqz,
       "第三十一条、第六十九条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"compulsion.emergency_approval",
       "当场实施强制措施后补办批准",
       "Approval after an emergency measure",
       "当场实施行政强制措施",
       "measure taken on the spot",
       H,
       kH,
       24,
       false,
       kOverdue,
       kXzqz,
       "第十九条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "负责人认为不应采取的，应当立即解除"},
      {"licensing.decision",
       "作出行政许可决定",
       "Licensing decision",
       "受理申请",
       "application accepted",
       W,
       kD,
       20,
       false,
       kOverdue,
       kXzxk,
       "第四十二条、第八十二条",
       10,
       "《行政许可法》第四十二条：经本行政机关负责人批准，可以延长十日，并应当告知申请人理由",
       kNo,
       0,
       0,
       "",
       false,
       "听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的时间不计入（第四十五条，作为暂停区间录"
       "入）"},
      {"licensing.certificate",
       "颁发、送达许可证件",
       "Issue of the licence certificate",
       "作出准予许可决定",
       "licence granted",
       W,
       kD,
       10,
       false,
       kOverdue,
       kXzxk,
       "第四十四条、第八十二条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"transfer.head_decision",
       "负责人审批移送",
       "Head's decision on a transfer",
       "收到移送审批报告",
       "transfer report received",
       C,
       kD,
       3,
       false,
       kOverdue,
       kYs310,
       "第五条",
       0,
       "",
       OverrideKind::kDayType,
       0,
       0,
       "第310号令未规定按工作日计算：默认自然日（较严），部门可设为工作日",
       true,
       ""},
      {"transfer.to_police",
       "向公安机关移送",
       "Transfer to the police",
       "批准移送",
       "transfer approved",
       H,
       kH,
       24,
       false,
       kOverdue,
       kYs310,
       "第五条",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       ""},
      {"transfer.police_review",
       "公安机关审查决定是否立案",
       "Police review of the transfer",
       "公安机关收到移送材料",
       "materials received by the police",
       C,
       kD,
       3,
       false,
       kOverdue,
       kYs310,
       "第八条",
       0,
       "",
       OverrideKind::kDayType,
       0,
       0,
       "第310号令未规定按工作日计算：默认自然日（较严），部门可设为工作日",
       true,
       ""},
      {"transfer.items_handover",
       "移交涉案物品",
       "Hand-over of seized items",
       "公安机关决定立案",
       "police filed the case",
       C,
       kD,
       3,
       false,
       kOverdue,
       kYs310,
       "第十二条",
       0,
       "",
       OverrideKind::kDayType,
       0,
       0,
       "第310号令未规定按工作日计算：默认自然日（较严），部门可设为工作日",
       true,
       ""},
      {"hotline.reply",
       "12345工单办理答复",
       "12345 work order reply",
       "工单派发",
       "work order dispatched",
       W,
       kD,
       5,
       false,
       kOverdue,
       kHotline,
       "（据报道）",
       10,
       "《山东省政务服务热线管理办法》：经批准可延期，最长不超过十个工作日（据报道）",
       kNo,
       0,
       0,
       "",
       false,
       "据报道（reported）"},
      {"hotline.return_misrouted",
       "退回非本单位职责工单",
       "Return of a misrouted work order",
       "工单派发",
       "work order dispatched",
       W,
       kD,
       2,
       false,
       kOverdue,
       kHotline,
       "（据报道）",
       0,
       "",
       kNo,
       0,
       0,
       "",
       false,
       "据报道（reported）"},
  };
  return kRules;
}

const char* DayTypeName(DayType t) {
  switch (t) {
    case DayType::kWorking:
      return "working";
    case DayType::kCalendar:
      return "calendar";
    case DayType::kHours:
      return "hours";
  }
  return "";
}

std::optional<DayType> ParseDayType(std::string_view s) {
  if (s == "working") return DayType::kWorking;
  if (s == "calendar") return DayType::kCalendar;
  if (s == "hours") return DayType::kHours;
  return std::nullopt;
}

const char* PeriodUnitName(PeriodUnit u) {
  switch (u) {
    case PeriodUnit::kDay:
      return "day";
    case PeriodUnit::kHour:
      return "hour";
    case PeriodUnit::kYear:
      return "year";
  }
  return "";
}

const char* ExpiryActionName(ExpiryAction a) {
  switch (a) {
    case ExpiryAction::kWarn:
      return "warn";
    case ExpiryAction::kBlock:
      return "block";
    case ExpiryAction::kFlagOverdue:
      return "flag_overdue";
  }
  return "";
}

const char* OverrideKindName(OverrideKind k) {
  switch (k) {
    case OverrideKind::kNone:
      return "none";
    case OverrideKind::kPeriod:
      return "period";
    case OverrideKind::kDayType:
      return "day_type";
  }
  return "";
}

core::Result<const TimeLimitRule*> FindRule(std::string_view id, std::string_view field) {
  for (const auto& r : TimeLimitRules()) {
    if (id == r.id) return &r;
  }
  return Err(ErrorCode::kNotFound, "没有时限规则 " + std::string(id),
             "no time-limit rule " + std::string(id), std::string(field));
}

std::string Citation(const TimeLimitRule& r) {
  std::string law = r.law_zh;
  if (law.rfind("国办发", 0) == 0) return law + " " + r.article_zh;
  return "《" + law + "》" + r.article_zh;
}

core::Status CheckOverride(const TimeLimitRule& r, const Override& o) {
  if (r.override_kind == OverrideKind::kNone) {
    return Err(ErrorCode::kInvalidArgument,
               std::string("时限“") + r.name_zh + "”由" + Citation(r) + "规定，不可由部门调整",
               std::string("the time limit \"") + r.name_en + "\" is fixed by " + r.law_zh + " " +
                   r.article_zh + " and may not be overridden",
               "kind");
  }
  if (o.kind != r.override_kind) {
    return Err(
        ErrorCode::kInvalidArgument,
        std::string("时限“") + r.name_zh + "”只允许调整：" + OverrideKindName(r.override_kind),
        std::string("the time limit \"") + r.name_en + "\" allows only the override kind " +
            OverrideKindName(r.override_kind),
        "kind");
  }
  if (o.kind == OverrideKind::kPeriod && (o.amount < r.override_min || o.amount > r.override_max)) {
    return Err(ErrorCode::kInvalidArgument,
               "期限应在 " + std::to_string(r.override_min) + "–" + std::to_string(r.override_max) +
                   " 之间（" + Citation(r) + "）",
               "the period must be within " + std::to_string(r.override_min) + "–" +
                   std::to_string(r.override_max) + " (" + r.law_zh + " " + r.article_zh + ")",
               "amount");
  }
  if (o.kind == OverrideKind::kDayType && o.day_type == DayType::kHours) {
    return Err(ErrorCode::kInvalidArgument, "计日方式只能是 working 或 calendar",
               "the day type must be working or calendar", "day_type");
  }
  return core::Ok();
}

core::Status CheckExtension(const TimeLimitRule& r, int64_t ext) {
  if (ext < 0) {
    return Err(ErrorCode::kInvalidArgument, "延长期限不能为负数",
               "the extension must not be negative", "extension");
  }
  if (ext == 0) return core::Ok();
  if (r.extension_max == 0) {
    return Err(ErrorCode::kInvalidArgument,
               std::string("时限“") + r.name_zh + "”（" + Citation(r) + "）不允许延长",
               std::string("the time limit \"") + r.name_en + "\" (" + r.law_zh + " " +
                   r.article_zh + ") allows no extension",
               "extension");
  }
  if (ext > r.extension_max) {
    return Err(ErrorCode::kInvalidArgument,
               "延长不得超过 " + std::to_string(r.extension_max) + "：" + r.extension_basis_zh,
               "the extension may not exceed " + std::to_string(r.extension_max) + " (" +
                   r.extension_basis_zh + ")",
               "extension");
  }
  return core::Ok();
}

Date AddYears(const Date& start, int years) {
  Date d{start.year + years, start.month, start.day};
  if (d.month == 2 && d.day == 29 && !core::IsLeapYear(d.year)) d.day = 28;
  return d;
}

namespace {

core::Result<std::vector<DateInterval>> MergeDates(std::vector<DateInterval> v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].to < v[i].from) {
      return Err(ErrorCode::kInvalidArgument,
                 "暂停区间 " + std::to_string(i) + " 的结束日期早于开始日期",
                 "paused interval " + std::to_string(i) + " ends before it starts",
                 "paused[" + std::to_string(i) + "]");
    }
    ZHIFA_TRY(core::WorkingCalendar::CheckSpan(v[i].from, "paused[" + std::to_string(i) + "]"));
    ZHIFA_TRY(core::WorkingCalendar::CheckSpan(v[i].to, "paused[" + std::to_string(i) + "]"));
  }
  std::sort(v.begin(), v.end(),
            [](const DateInterval& a, const DateInterval& b) { return a.from < b.from; });
  std::vector<DateInterval> out;
  for (const auto& x : v) {
    if (!out.empty() && core::DaysFromCivil(x.from) <= core::DaysFromCivil(out.back().to) + 1) {
      out.back().to = std::max(out.back().to, x.to);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

// Counting days in [a, b] (day numbers): working days, or all days.
int64_t Counted(const core::WorkingCalendar& cal, bool working, int64_t a, int64_t b) {
  if (b < a) return 0;
  return working ? cal.CountUnchecked(a - 1, b) : b - a + 1;
}

}  // namespace

core::Result<Deadline> ComputeDeadline(const DeadlineInput& in, const core::WorkingCalendar& cal) {
  if (!in.rule) return Err(ErrorCode::kInvalidArgument, "缺少规则", "missing rule", "rule");
  const TimeLimitRule& r = *in.rule;
  Deadline out;
  out.rule = &r;
  out.day_type = r.day_type;
  out.amount = r.amount;
  out.on_expiry = r.on_expiry;
  if (in.override_) {
    ZHIFA_TRY(CheckOverride(r, *in.override_));
    if (in.override_->kind == OverrideKind::kPeriod) out.amount = in.override_->amount;
    if (in.override_->kind == OverrideKind::kDayType) out.day_type = in.override_->day_type;
  }
  ZHIFA_TRY(CheckExtension(r, in.extension));
  out.amount += static_cast<int>(in.extension);

  if (r.unit == PeriodUnit::kHour) {
    int64_t due =
        in.start_micros + static_cast<int64_t>(out.amount) * 3600 * core::kMicrosPerSecond;
    std::vector<InstantInterval> v = in.paused_instants;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].to_micros < v[i].from_micros) {
        return Err(ErrorCode::kInvalidArgument, "暂停区间的结束时间早于开始时间",
                   "a paused interval ends before it starts", "paused[" + std::to_string(i) + "]");
      }
    }
    std::sort(v.begin(), v.end(), [](const InstantInterval& a, const InstantInterval& b) {
      return a.from_micros < b.from_micros;
    });
    int64_t paused = 0;
    int64_t cursor = in.start_micros;
    for (const auto& x : v) {
      int64_t from = std::max(x.from_micros, cursor);
      if (x.to_micros <= from) continue;
      if (from >= due) break;
      int64_t len = x.to_micros - from;
      due += len;
      paused += len;
      cursor = x.to_micros;
    }
    out.due_micros = due;
    out.due_date = core::DateFromUnixMicros(due);
    out.paused_days = paused / core::kMicrosPerDay;
    return out;
  }

  ZHIFA_TRY(core::WorkingCalendar::CheckSpan(in.start_date, "start"));
  const int64_t start = core::DaysFromCivil(in.start_date);
  const bool working = out.day_type == DayType::kWorking;
  auto merged = MergeDates(in.paused_days);
  if (!merged) return merged.error();

  if (r.before) {
    if (!merged->empty()) {
      return Err(ErrorCode::kInvalidArgument, "该时限不适用暂停区间",
                 "this time limit takes no paused intervals", "paused");
    }
    if (working) {
      auto d = cal.SubtractWorkingDays(in.start_date, out.amount, "start");
      if (!d) return d.error();
      out.due_date = d->value;
      out.provisional = d->provisional;
    } else {
      out.due_date = core::CivilFromDays(start - out.amount);
      ZHIFA_TRY(core::WorkingCalendar::CheckSpan(out.due_date, "start"));
    }
    return out;
  }

  int64_t due = 0;
  if (r.unit == PeriodUnit::kYear) {
    Date d = AddYears(in.start_date, out.amount);
    ZHIFA_TRY(core::WorkingCalendar::CheckSpan(d, "start"));
    due = core::DaysFromCivil(d);
    // Paused days (if any) extend a year period day for day.
    for (const auto& x : *merged) {
      int64_t a = std::max(core::DaysFromCivil(x.from), start + 1);
      int64_t b = core::DaysFromCivil(x.to);
      if (b < a || a > due) continue;
      out.paused_days += b - a + 1;
      due += b - a + 1;
    }
  } else {
    int64_t remaining = out.amount;
    int64_t cursor = start;  // days up to cursor are consumed
    for (const auto& x : *merged) {
      int64_t a = std::max(core::DaysFromCivil(x.from), cursor + 1);
      int64_t b = core::DaysFromCivil(x.to);
      if (b < a) continue;
      int64_t avail = Counted(cal, working, cursor + 1, a - 1);
      if (avail >= remaining) break;
      remaining -= avail;
      out.paused_days += Counted(cal, working, a, b);
      cursor = b;
    }
    if (working) {
      auto d = cal.AddWorkingDays(core::CivilFromDays(cursor), remaining, "start");
      if (!d) return d.error();
      due = core::DaysFromCivil(d->value);
    } else {
      due = cursor + remaining;
    }
  }
  Date due_date = core::CivilFromDays(due);
  ZHIFA_TRY(core::WorkingCalendar::CheckSpan(due_date, "start"));
  if (working) {
    out.provisional = cal.AnyUncovered(start, due);
  }
  bool roll = in.roll.value_or(r.roll);
  if (!working && roll) {
    auto next = cal.NextWorkingDayOnOrAfter(due_date, "start");
    if (!next) return next.error();
    out.rolled = next->value != due_date;
    out.provisional = next->provisional;
    due_date = next->value;
  }
  out.due_date = due_date;
  return out;
}

core::Result<Surcharge> ComputeSurcharge(const SurchargeInput& in) {
  constexpr int64_t kMaxFineFen = 100'000'000'000'000;  // 1 万亿元
  if (in.fine_fen <= 0 || in.fine_fen > kMaxFineFen) {
    return Err(ErrorCode::kInvalidArgument, "罚款金额（分）应为正整数且不超过 1 万亿元",
               "the fine (fen) must be a positive integer of at most 10^12 yuan", "fine_fen");
  }
  ZHIFA_TRY(core::WorkingCalendar::CheckSpan(in.due_date, "due_date"));
  ZHIFA_TRY(core::WorkingCalendar::CheckSpan(in.as_of, "as_of"));
  auto merged = MergeDates(in.paused);
  if (!merged) return merged.error();
  Surcharge out;
  int64_t due = core::DaysFromCivil(in.due_date);
  int64_t asof = core::DaysFromCivil(in.as_of);
  if (asof > due) {
    out.overdue_days = asof - due;
    for (const auto& x : *merged) {
      int64_t a = std::max(core::DaysFromCivil(x.from), due + 1);
      int64_t b = std::min(core::DaysFromCivil(x.to), asof);
      if (b >= a) out.paused_days += b - a + 1;
    }
    out.overdue_days -= out.paused_days;
  }
  // 第72条: 3% a day, total ≤ the fine. Floor to the fen; 128-bit to rule out overflow.
  __int128 raw =
      static_cast<__int128>(in.fine_fen) * kSurchargePermillePerDay * out.overdue_days / 1000;
  if (raw >= in.fine_fen) {
    out.surcharge_fen = in.fine_fen;
    out.capped = true;
  } else {
    out.surcharge_fen = static_cast<int64_t>(raw);
  }
  out.total_fen = in.fine_fen + out.surcharge_fen;
  return out;
}

}  // namespace zhifa::calendar
