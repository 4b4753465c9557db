#include "core/calendar.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/json_reader.h"

namespace zhifa::core {

namespace {

// ---- A small JSON reader that remembers the line of every value ------------------------------
// (nlohmann::json does not report positions of values, and the load error must name the line.)

struct Node {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject } type = kNull;
  int line = 1;
  bool b = false;
  std::string text;  // string value, or the number's literal
  std::vector<Node> items;
  std::vector<std::string> keys;  // object members: keys[i] → items[i]
};

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  Result<Node> ParseDocument() {
    auto v = Value(0);
    if (!v) return v;
    Skip();
    if (pos_ != s_.size()) return Fail("文档结尾有多余内容", "unexpected text after the document");
    return v;
  }

 private:
  Error Fail(const std::string& zh, const std::string& en) {
    return Err(ErrorCode::kInvalidArgument, "第" + std::to_string(line_) + "行: " + zh,
               "line " + std::to_string(line_) + ": " + en, "file");
  }
  void Skip() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n') {
        ++line_;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        break;
      }
      ++pos_;
    }
  }
  Result<Node> Value(int depth) {
    if (depth > 16) return Fail("嵌套过深", "nesting too deep");
    Skip();
    if (pos_ >= s_.size()) return Fail("内容意外结束", "unexpected end of input");
    Node n;
    n.line = line_;
    char c = s_[pos_];
    if (c == '{') {
      n.type = Node::kObject;
      ++pos_;
      Skip();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return n;
      }
      for (;;) {
        Skip();
        if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("应为字段名", "expected a key");
        auto key = String();
        if (!key) return key.error();
        Skip();
        if (pos_ >= s_.size() || s_[pos_] != ':') return Fail("应为冒号", "expected ':'");
        ++pos_;
        auto v = Value(depth + 1);
        if (!v) return v;
        n.keys.push_back(std::move(*key));
        n.items.push_back(std::move(*v));
        Skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return n;
        }
        return Fail("应为逗号或右花括号", "expected ',' or '}'");
      }
    }
    if (c == '[') {
      n.type = Node::kArray;
      ++pos_;
      Skip();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return n;
      }
      for (;;) {
        auto v = Value(depth + 1);
        if (!v) return v;
        n.items.push_back(std::move(*v));
        Skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return n;
        }
        return Fail("应为逗号或右方括号", "expected ',' or ']'");
      }
    }
    if (c == '"') {
      n.type = Node::kString;
      auto str = String();
      if (!str) return str.error();
      n.text = std::move(*str);
      return n;
    }
    if (s_.substr(pos_, 4) == "true") {
      pos_ += 4;
      n.type = Node::kBool;
      n.b = true;
      return n;
    }
    if (s_.substr(pos_, 5) == "false") {
      pos_ += 5;
      n.type = Node::kBool;
      return n;
    }
    if (s_.substr(pos_, 4) == "null") {
      pos_ += 4;
      return n;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = pos_;
      if (s_[pos_] == '-') ++pos_;
      while (pos_ < s_.size() &&
             ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
              s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
        ++pos_;
      }
      n.type = Node::kNumber;
      n.text = std::string(s_.substr(start, pos_ - start));
      return n;
    }
    return Fail("无法识别的值", "unexpected character");
  }
  Result<std::string> String() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size()) {
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return Fail("字符串中有控制字符", "control character in a string");
      if (c == '\\') {
        if (auto bad = DecodeJsonEscape(s_, pos_, out)) return Fail(bad->zh, bad->en);
        continue;
      }
      out += static_cast<char>(c);
      ++pos_;
    }
    return Fail("字符串未结束", "unterminated string");
  }

  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
};

Error FieldError(const Node& n, const std::string& path, const std::string& zh,
                 const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, "第" + std::to_string(n.line) + "行 " + path + ": " + zh,
             "line " + std::to_string(n.line) + " " + path + ": " + en, path);
}

const char* TypeZh(Node::Type t) {
  switch (t) {
    case Node::kNull:
      return "null";
    case Node::kBool:
      return "布尔值";
    case Node::kNumber:
      return "数字";
    case Node::kString:
      return "字符串";
    case Node::kArray:
      return "数组";
    case Node::kObject:
      return "对象";
  }
  return "";
}
const char* TypeEn(Node::Type t) {
  switch (t) {
    case Node::kNull:
      return "null";
    case Node::kBool:
      return "a boolean";
    case Node::kNumber:
      return "a number";
    case Node::kString:
      return "a string";
    case Node::kArray:
      return "an array";
    case Node::kObject:
      return "an object";
  }
  return "";
}

Status Expect(const Node& n, Node::Type t, const std::string& path) {
  if (n.type == t) return Ok();
  return FieldError(n, path, std::string("应为") + TypeZh(t) + "（实为" + TypeZh(n.type) + "）",
                    std::string("expected ") + TypeEn(t) + " (got " + TypeEn(n.type) + ")");
}

bool IsWeekend(const Date& d) {
  int64_t days = DaysFromCivil(d);
  int64_t wd = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  return wd >= 5;
}

}  // namespace

Result<HolidayYear> ParseHolidayFile(std::string_view text, bool shipped) {
  if (text.size() > 1 << 20) {
    return Err(ErrorCode::kInvalidArgument, "文件超过 1 MiB", "the file is larger than 1 MiB",
               "file");
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  auto doc = Reader(text).ParseDocument();
  if (!doc) return doc.error();
  ZHIFA_TRY(Expect(*doc, Node::kObject, "(根)"));
  const Node* year = nullptr;
  const Node* papers = nullptr;
  const Node* days = nullptr;
  std::set<std::string> seen_keys;
  for (size_t m = 0; m < doc->keys.size(); ++m) {
    const std::string& key = doc->keys[m];
    const Node& value = doc->items[m];
    if (!seen_keys.insert(key).second) {
      return FieldError(value, key, "字段重复", "duplicate key");
    }
    if (key == "year") {
      year = &value;
    } else if (key == "papers") {
      papers = &value;
    } else if (key == "days") {
      days = &value;
    } else if (key == "$schema" || key == "$id") {
      ZHIFA_TRY(Expect(value, Node::kString, key));
    } else {
      return FieldError(value, key, "未知字段", "unknown field");
    }
  }
  if (!year) return FieldError(*doc, "year", "缺少字段", "missing field");
  if (!days) return FieldError(*doc, "days", "缺少字段", "missing field");
  HolidayYear out;
  ZHIFA_TRY(Expect(*year, Node::kNumber, "year"));
  {
    char* end = nullptr;
    long v = std::strtol(year->text.c_str(), &end, 10);
    if (*end != '\0' || v < WorkingCalendar::kFirstYear || v > WorkingCalendar::kLastYear) {
      return FieldError(*year, "year",
                        "应为 " + std::to_string(WorkingCalendar::kFirstYear) + "–" +
                            std::to_string(WorkingCalendar::kLastYear) + " 之间的整数年份",
                        "expected an integer year in " +
                            std::to_string(WorkingCalendar::kFirstYear) + "–" +
                            std::to_string(WorkingCalendar::kLastYear));
    }
    out.year = static_cast<int>(v);
  }
  if (papers) {
    ZHIFA_TRY(Expect(*papers, Node::kArray, "papers"));
    for (size_t i = 0; i < papers->items.size(); ++i) {
      std::string path = "papers[" + std::to_string(i) + "]";
      ZHIFA_TRY(Expect(papers->items[i], Node::kString, path));
      if (papers->items[i].text.size() > 500) {
        return FieldError(papers->items[i], path, "超过 500 字节", "longer than 500 bytes");
      }
      out.papers.push_back(papers->items[i].text);
    }
  }
  ZHIFA_TRY(Expect(*days, Node::kArray, "days"));
  if (days->items.empty() && shipped) return out;
  if (days->items.empty()) {
    return FieldError(*days, "days", "没有任何日期：空的占位文件不是已发布的放假安排，不予加载",
                      "no days: an empty placeholder is not a published arrangement and is not "
                      "loaded");
  }
  const Date lo{out.year - 1, 12, 1};
  const Date hi{out.year + 1, 1, 31};
  std::map<Date, std::string> seen_dates;
  for (size_t i = 0; i < days->items.size(); ++i) {
    const Node& d = days->items[i];
    std::string base = "days[" + std::to_string(i) + "]";
    ZHIFA_TRY(Expect(d, Node::kObject, base));
    const Node* name = nullptr;
    const Node* date = nullptr;
    const Node* off = nullptr;
    for (size_t m = 0; m < d.keys.size(); ++m) {
      const std::string& key = d.keys[m];
      const Node& value = d.items[m];
      if (key == "name" && !name) {
        name = &value;
      } else if (key == "date" && !date) {
        date = &value;
      } else if (key == "isOffDay" && !off) {
        off = &value;
      } else {
        bool dup = key == "name" || key == "date" || key == "isOffDay";
        std::string path = base;
        path += '.';
        path += key;
        return FieldError(value, path, dup ? "字段重复" : "未知字段",
                          dup ? "duplicate key" : "unknown field");
      }
    }
    if (!name) return FieldError(d, base + ".name", "缺少字段", "missing field");
    if (!date) return FieldError(d, base + ".date", "缺少字段", "missing field");
    if (!off) return FieldError(d, base + ".isOffDay", "缺少字段", "missing field");
    ZHIFA_TRY(Expect(*name, Node::kString, base + ".name"));
    ZHIFA_TRY(Expect(*date, Node::kString, base + ".date"));
    ZHIFA_TRY(Expect(*off, Node::kBool, base + ".isOffDay"));
    if (name->text.empty() || name->text.size() > 200) {
      return FieldError(*name, base + ".name", "名称应为 1–200 字节", "a name has 1–200 bytes");
    }
    auto parsed = ParseDate(date->text, base + ".date");
    if (!parsed) {
      return FieldError(*date, base + ".date", parsed.error().message_zh,
                        parsed.error().message_en);
    }
    if (*parsed < lo || *parsed > hi) {
      return FieldError(*date, base + ".date",
                        date->text + " 不属于 " + std::to_string(out.year) +
                            " 年的安排（只允许该年及上年12月、下年1月的日期）",
                        date->text + " is not part of the " + std::to_string(out.year) +
                            " arrangement (only that year, December before and January after)");
    }
    if (auto [it, fresh] = seen_dates.emplace(*parsed, base); !fresh) {
      return FieldError(*date, base + ".date", date->text + " 与 " + it->second + " 重复",
                        date->text + " duplicates " + it->second);
    }
    if (!off->b && !IsWeekend(*parsed) && !shipped) {
      return FieldError(
          *off, base + ".isOffDay",
          date->text + " 是工作日，不能作为调休上班日（调休上班日应为周六或周日）",
          date->text + " is a weekday: a make-up working day must be a Saturday or Sunday");
    }
    out.days.push_back(HolidayDay{*parsed, off->b, name->text});
  }
  std::sort(out.days.begin(), out.days.end(),
            [](const HolidayDay& a, const HolidayDay& b) { return a.date < b.date; });
  return out;
}

Result<std::vector<HolidayYear>> ParseEmbeddedHolidays(std::span<const EmbeddedFile> files) {
  std::vector<HolidayYear> out;
  for (const auto& f : files) {
    if (f.path.rfind("holidays/", 0) != 0 || f.path.size() < 5 ||
        f.path.substr(f.path.size() - 5) != ".json") {
      continue;
    }
    auto y = ParseHolidayFile(f.data, /*shipped=*/true);
    if (!y) {
      Error e = y.error();
      e.message_zh = std::string(f.path) + ": " + e.message_zh;
      e.message_en = std::string(f.path) + ": " + e.message_en;
      return e;
    }
    if (!y->days.empty()) out.push_back(std::move(*y));
  }
  return out;
}

const char* DayKindName(DayKind k) {
  switch (k) {
    case DayKind::kWorkday:
      return "workday";
    case DayKind::kWeekend:
      return "weekend";
    case DayKind::kHoliday:
      return "holiday";
    case DayKind::kMakeup:
      return "makeup";
  }
  return "";
}

int64_t WorkingCalendar::SpanStart() { return DaysFromCivil(Date{kFirstYear, 1, 1}); }
int64_t WorkingCalendar::SpanEnd() { return DaysFromCivil(Date{kLastYear, 12, 31}); }

bool WorkingCalendar::InSpan(const Date& d) {
  return d >= Date{kFirstYear, 1, 1} && d <= Date{kLastYear, 12, 31};
}

Status WorkingCalendar::CheckSpan(const Date& d, std::string_view field) {
  if (InSpan(d)) return Ok();
  return Err(ErrorCode::kInvalidArgument,
             FormatDate(d) + " 超出日历范围 " + std::to_string(kFirstYear) + "–" +
                 std::to_string(kLastYear) + " 年",
             FormatDate(d) + " is outside the calendar span " + std::to_string(kFirstYear) + "–" +
                 std::to_string(kLastYear),
             std::string(field));
}

std::shared_ptr<const WorkingCalendar> WorkingCalendar::Build(
    const std::vector<HolidayYear>& years) {
  std::shared_ptr<WorkingCalendar> c(new WorkingCalendar());
  c->first_day_ = SpanStart();
  c->size_ = SpanEnd() - c->first_day_ + 1;
  c->working_.assign(c->size_, 0);
  c->listed_.assign(c->size_, 0);
  for (int64_t i = 0; i < c->size_; ++i) {
    int64_t wd = (((c->first_day_ + i) % 7) + 7 + 3) % 7;  // 0 = Monday
    c->working_[i] = wd < 5 ? 1 : 0;
  }
  std::vector<const HolidayYear*> sorted;
  for (const auto& y : years) {
    if (y.days.empty() || y.year < kFirstYear || y.year > kLastYear) continue;
    sorted.push_back(&y);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const HolidayYear* a, const HolidayYear* b) { return a->year < b->year; });
  std::map<int32_t, std::string> names;
  for (const HolidayYear* y : sorted) {  // later years overwrite earlier ones
    if (c->loaded_years_.empty() || c->loaded_years_.back() != y->year) {
      c->loaded_years_.push_back(y->year);
    }
    for (const auto& d : y->days) {
      if (!InSpan(d.date)) continue;
      int64_t i = DaysFromCivil(d.date) - c->first_day_;
      c->working_[i] = d.off ? 0 : 1;
      // A weekday listed as working is an ordinary working day (redundant entry).
      c->listed_[i] = d.off ? 1 : (IsWeekend(d.date) ? 2 : 0);
      names[static_cast<int32_t>(i)] = d.name;
    }
  }
  c->names_.assign(names.begin(), names.end());
  c->cum_.resize(c->size_);
  c->uncovered_.resize(c->size_);
  int32_t cum = 0;
  int32_t unc = 0;
  size_t ly = 0;
  for (int64_t i = 0; i < c->size_; ++i) {
    if (c->working_[i]) {
      c->work_index_.push_back(static_cast<int32_t>(i));
      ++cum;
    }
    c->cum_[i] = cum;
    int year = CivilFromDays(c->first_day_ + i).year;
    while (ly < c->loaded_years_.size() && c->loaded_years_[ly] < year) ++ly;
    bool covered = ly < c->loaded_years_.size() && c->loaded_years_[ly] == year;
    if (!covered) ++unc;
    c->uncovered_[i] = unc;
  }
  return c;
}

bool WorkingCalendar::IsLoaded(int year) const {
  return std::binary_search(loaded_years_.begin(), loaded_years_.end(), year);
}

bool WorkingCalendar::AnyUncovered(int64_t a, int64_t b) const {
  int64_t ia = Index(a);
  int64_t before = ia == 0 ? 0 : uncovered_[ia - 1];
  return uncovered_[Index(b)] - before > 0;
}

int64_t WorkingCalendar::AddUnchecked(int64_t day, int64_t n) const {
  if (n == 0) return day;
  return first_day_ + work_index_[cum_[Index(day)] + n - 1];
}

Result<CalendarAnswer<bool>> WorkingCalendar::IsWorkingDay(const Date& d,
                                                           std::string_view field) const {
  ZHIFA_TRY(CheckSpan(d, field));
  int64_t day = DaysFromCivil(d);
  return CalendarAnswer<bool>{IsWorkingUnchecked(day), AnyUncovered(day, day)};
}

Result<CalendarAnswer<Date>> WorkingCalendar::AddWorkingDays(const Date& d, int64_t n,
                                                             std::string_view field) const {
  ZHIFA_TRY(CheckSpan(d, field));
  if (n < 0) {
    return Err(ErrorCode::kInvalidArgument, "工作日数不能为负数：" + std::to_string(n),
               "the number of working days must not be negative: " + std::to_string(n), "n");
  }
  int64_t day = DaysFromCivil(d);
  int64_t k = cum_[Index(day)] + n - 1;
  if (n > 0 && k >= static_cast<int64_t>(work_index_.size())) {
    return Err(ErrorCode::kInvalidArgument,
               "结果超出日历范围（" + std::to_string(kLastYear) + " 年以后）：工作日数过大",
               "the result lies beyond the calendar span (after " + std::to_string(kLastYear) +
                   "): the number of working days is too large",
               "n");
  }
  int64_t due = AddUnchecked(day, n);
  return CalendarAnswer<Date>{CivilFromDays(due), AnyUncovered(day, due)};
}

Result<CalendarAnswer<Date>> WorkingCalendar::SubtractWorkingDays(const Date& d, int64_t n,
                                                                  std::string_view field) const {
  ZHIFA_TRY(CheckSpan(d, field));
  if (n < 0) {
    return Err(ErrorCode::kInvalidArgument, "工作日数不能为负数：" + std::to_string(n),
               "the number of working days must not be negative: " + std::to_string(n), "n");
  }
  int64_t day = DaysFromCivil(d);
  if (n == 0) return CalendarAnswer<Date>{d, AnyUncovered(day, day)};
  int64_t before = Index(day) == 0 ? 0 : cum_[Index(day) - 1];  // working days before d
  if (before - n < 0) {
    return Err(
        ErrorCode::kInvalidArgument,
        "结果早于日历范围（" + std::to_string(kFirstYear) + " 年以前）",
        "the result lies before the calendar span (before " + std::to_string(kFirstYear) + ")",
        "n");
  }
  int64_t at = first_day_ + work_index_[before - n];
  return CalendarAnswer<Date>{CivilFromDays(at), AnyUncovered(at, day)};
}

Result<CalendarAnswer<int64_t>> WorkingCalendar::CountWorkingDays(const Date& a,
                                                                  const Date& b) const {
  ZHIFA_TRY(CheckSpan(a, "from"));
  ZHIFA_TRY(CheckSpan(b, "to"));
  if (b < a) {
    return Err(
        ErrorCode::kInvalidArgument, "结束日期 " + FormatDate(b) + " 早于开始日期 " + FormatDate(a),
        "the end date " + FormatDate(b) + " is before the start date " + FormatDate(a), "to");
  }
  int64_t da = DaysFromCivil(a);
  int64_t db = DaysFromCivil(b);
  return CalendarAnswer<int64_t>{CountUnchecked(da, db), AnyUncovered(da, db)};
}

Result<CalendarAnswer<Date>> WorkingCalendar::NextWorkingDayOnOrAfter(
    const Date& d, std::string_view field) const {
  ZHIFA_TRY(CheckSpan(d, field));
  int64_t day = DaysFromCivil(d);
  if (IsWorkingUnchecked(day)) return CalendarAnswer<Date>{d, AnyUncovered(day, day)};
  // The first working day after `day`.
  int64_t k = cum_[Index(day)];
  if (k >= static_cast<int64_t>(work_index_.size())) {
    return Err(ErrorCode::kInvalidArgument, "结果超出日历范围", "the result is beyond the span",
               std::string(field));
  }
  int64_t next = first_day_ + work_index_[k];
  return CalendarAnswer<Date>{CivilFromDays(next), AnyUncovered(day, next)};
}

DayKind WorkingCalendar::Kind(const Date& d) const {
  int64_t i = Index(DaysFromCivil(d));
  if (listed_[i] == 1) return DayKind::kHoliday;
  if (listed_[i] == 2) return DayKind::kMakeup;
  return working_[i] ? DayKind::kWorkday : DayKind::kWeekend;
}

std::string_view WorkingCalendar::Name(const Date& d) const {
  int32_t i = static_cast<int32_t>(Index(DaysFromCivil(d)));
  auto it = std::lower_bound(names_.begin(), names_.end(), i,
                             [](const auto& p, int32_t v) { return p.first < v; });
  if (it == names_.end() || it->first != i) return {};
  return it->second;
}

}  // namespace zhifa::core
