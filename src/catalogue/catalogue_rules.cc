#include "catalogue/catalogue_rules.h"

#include <algorithm>
#include <functional>
#include <set>

#include "core/utf8.h"

namespace zhifa::catalogue {

using core::Err;
using core::Error;
using core::ErrorCode;
using core::Result;
using core::Status;

const std::vector<DomainInfo>& Domains() {
  static const std::vector<DomainInfo> kDomains = {
      {"food_drug", "食品药品", "Food and drugs"},
      {"public_health", "公共卫生", "Public health"},
      {"natural_resources", "自然资源", "Natural resources"},
      {"ecology", "生态环境", "Ecology and environment"},
      {"work_safety", "安全生产", "Work safety"},
      {"labour", "劳动保障", "Labour protection"},
      {"urban_management", "城市管理", "Urban management"},
      {"transport", "交通运输", "Transport"},
      {"finance", "金融服务", "Financial services"},
      {"education", "教育培训", "Education and training"},
      {"other", "其他", "Other"},
  };
  return kDomains;
}

std::optional<std::string> ParseDomain(std::string_view s) {
  for (const auto& d : Domains()) {
    if (s == d.id || s == d.zh) return std::string(d.id);
  }
  return std::nullopt;
}

const char* DomainZh(std::string_view id) {
  for (const auto& d : Domains()) {
    if (id == d.id) return d.zh;
  }
  return "其他";
}

namespace {

// Decodes UTF-8 into code points (input already validated by the caller or tolerated).
std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    char32_t cp;
    int n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      n = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3f);
    // Full-width digits and punctuation fold to ASCII.
    if (cp >= 0xFF10 && cp <= 0xFF19) cp = cp - 0xFF10 + '0';
    if (cp == 0xFF0E) cp = '.';
    out.push_back(cp);
    i += n;
  }
  return out;
}

int ChineseDigit(char32_t c) {
  switch (c) {
    case U'零':
    case U'〇':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

bool IsChineseNumeral(char32_t c) {
  return ChineseDigit(c) >= 0 || c == U'十' || c == U'百' || c == U'千' || c == U'万';
}

enum class Unit { kNone, kYuan, kTimes };
enum class Bound { kNone, kMin, kMax, kTo };

struct Quantity {
  int64_t milli = 0;  // value × 1000 (yuan or times), before the unit
  Unit unit = Unit::kNone;
  Bound bound = Bound::kNone;
  int64_t mult = 1;  // a trailing 万/千/百 ("5万"), carried back to "1至5万元"
};

bool StartsWith(const std::u32string& s, size_t i, std::u32string_view w) {
  return s.compare(i, w.size(), w) == 0;
}

// Reads the quantities in s (a "处 … 罚款" span).
std::vector<Quantity> Quantities(const std::u32string& s) {
  std::vector<Quantity> out;
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = s[i];
    Quantity q;
    bool got = false;
    bool percent = StartsWith(s, i, U"百分之");  // "百分之五" = 0.05 times
    if (percent) {
      i += 3;
      if (i >= s.size()) break;
      c = s[i];
    }
    if (c >= '0' && c <= '9') {
      int64_t whole = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        whole = std::min<int64_t>(whole * 10 + (s[i] - '0'), int64_t{1} << 40);
        ++i;
      }
      int64_t frac = 0;
      int scale = 100;
      if (i + 1 < s.size() && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (scale > 0) frac += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
      }
      q.milli = whole * 1000 + frac;
      // Multipliers after an arabic number: 5万, 1千, 2百.
      while (i < s.size() && (s[i] == U'万' || s[i] == U'千' || s[i] == U'百')) {
        int64_t m = s[i] == U'万' ? 10000 : s[i] == U'千' ? 1000 : 100;
        q.milli *= m;
        q.mult *= m;
        ++i;
      }
      got = true;
    } else if (IsChineseNumeral(c) && !(c == U'万' || c == U'千' || c == U'百')) {
      int64_t total = 0, section = 0, number = 0;
      while (i < s.size() && IsChineseNumeral(s[i])) {
        char32_t d = s[i];
        q.mult = d == U'万' ? 10000 : 1;
        int dv = ChineseDigit(d);
        if (dv >= 0) {
          number = dv;
        } else if (d == U'十') {
          section += (number == 0 ? 1 : number) * 10;
          number = 0;
        } else if (d == U'百') {
          section += number * 100;
          number = 0;
        } else if (d == U'千') {
          section += number * 1000;
          number = 0;
        } else if (d == U'万') {
          total += (section + number) * 10000;
          section = number = 0;
        }
        ++i;
      }
      q.milli = (total + section + number) * 1000;
      got = true;
    }
    if (!got) {
      if (!percent) ++i;
      continue;
    }
    if (percent) {
      q.milli /= 100;
      q.unit = Unit::kTimes;
    }
    while (i < s.size() && s[i] == ' ') ++i;
    if (percent) {
      // unit already set
    } else if (StartsWith(s, i, U"元")) {
      q.unit = Unit::kYuan;
      i += 1;
    } else if (StartsWith(s, i, U"倍")) {
      q.unit = Unit::kTimes;
      i += 1;
    }
    while (i < s.size() && (s[i] == U'的' || s[i] == ' ')) ++i;
    if (StartsWith(s, i, U"以上") || StartsWith(s, i, U"起")) {
      q.bound = Bound::kMin;
    } else if (StartsWith(s, i, U"以下") || StartsWith(s, i, U"以内")) {
      q.bound = Bound::kMax;
    } else if (StartsWith(s, i, U"至") || StartsWith(s, i, U"到") || s[i] == '-' || s[i] == '~' ||
               s[i] == U'～' || s[i] == U'—' || s[i] == U'－') {
      q.bound = Bound::kTo;
    }
    out.push_back(q);
  }
  // "1至5万元": a number without a unit takes the unit of the next one.
  for (size_t k = out.size(); k-- > 0;) {
    if (out[k].unit == Unit::kNone && k + 1 < out.size() && out[k].bound == Bound::kTo) {
      out[k].unit = out[k + 1].unit;
      if (out[k].mult == 1) out[k].milli *= out[k + 1].mult;
    }
  }
  return out;
}

Error Bad(std::string_view field, const std::string& zh, const std::string& en) {
  return Err(ErrorCode::kInvalidArgument, zh, en, std::string(field));
}

std::string Utf8(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) core::AppendUtf8(out, cp);
  return out;
}

struct Span {
  std::optional<int64_t> min, max;  // fen or permille
};

// Reads min/max out of the quantities of one fine span. Amounts in yuan become fen; times become
// permille.
Result<Span> Bounds(const std::vector<Quantity>& qs, Unit unit, std::string_view field,
                    const std::string& clause) {
  Span sp;
  std::vector<Quantity> xs;
  for (const auto& q : qs) {
    if (q.unit == unit) xs.push_back(q);
  }
  auto scale = [&](int64_t milli) { return unit == Unit::kYuan ? milli / 10 : milli; };
  for (size_t k = 0; k < xs.size(); ++k) {
    const auto& q = xs[k];
    if (q.bound == Bound::kMin) {
      sp.min = scale(q.milli);
    } else if (q.bound == Bound::kMax) {
      sp.max = scale(q.milli);
    } else if (q.bound == Bound::kTo && k + 1 < xs.size()) {
      sp.min = scale(q.milli);
      sp.max = scale(xs[k + 1].milli);
      ++k;
    } else if (xs.size() == 1) {
      sp.min = sp.max = scale(q.milli);  // "处2000元罚款": a fixed amount
    }
  }
  if (!sp.min && !sp.max) {
    return Bad(field, "无法读出罚款数额：“" + clause + "”",
               "cannot read the fine amount in \"" + clause + "\"");
  }
  if (sp.min && sp.max && *sp.min > *sp.max) {
    return Bad(field, "罚款下限高于上限：“" + clause + "”",
               "the fine minimum is above the maximum in \"" + clause + "\"");
  }
  return sp;
}

bool Has(const std::u32string& s, std::u32string_view w) {
  return s.find(w) != std::u32string::npos;
}

void AddKind(std::vector<PenaltyKind>& kinds, PenaltyKind k) {
  if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
}

}  // namespace

Result<ParsedStandard> ParseStandard(std::string_view text, std::string_view field) {
  ParsedStandard out;
  std::u32string s = Decode(text);
  // Drop spaces and the article "的" noise is kept (handled by the scanner).
  std::u32string t;
  for (char32_t c : s) {
    if (c != ' ' && c != U'\u3000' && c != '\t' && c != '\n' && c != '\r') t.push_back(c);
  }
  if (t.empty()) return Bad(field, "具体标准不能为空", "the standard must not be empty");
  if (Has(t, U"不予处罚") || Has(t, U"不予行政处罚") || Has(t, U"免予处罚") ||
      Has(t, U"免予行政处罚") || Has(t, U"不予以处罚")) {
    out.no_penalty = true;
  }
  // Kinds, by their names in 行政处罚法 第9条 and the usual wording of the statutes.
  if (Has(t, U"警告")) AddKind(out.kinds, PenaltyKind::kWarning);
  if (Has(t, U"通报批评")) AddKind(out.kinds, PenaltyKind::kCriticism);
  if (Has(t, U"罚款")) AddKind(out.kinds, PenaltyKind::kFine);
  for (size_t p = t.find(U"没收"); p != std::u32string::npos; p = t.find(U"没收", p + 2)) {
    if (StartsWith(t, p + 2, U"违法所得")) {
      AddKind(out.kinds, PenaltyKind::kConfiscateGains);
      // "没收违法所得和违法生产经营的食品": the goods listed after it are property.
      if (StartsWith(t, p + 6, U"和") || StartsWith(t, p + 6, U"、") ||
          StartsWith(t, p + 6, U"及") || StartsWith(t, p + 6, U"以及")) {
        AddKind(out.kinds, PenaltyKind::kConfiscateProperty);
      }
    } else {
      AddKind(out.kinds, PenaltyKind::kConfiscateProperty);
    }
  }
  if (Has(t, U"暂扣")) AddKind(out.kinds, PenaltyKind::kSuspendLicence);
  if (Has(t, U"降低资质等级")) AddKind(out.kinds, PenaltyKind::kLowerQualification);
  if (Has(t, U"吊销")) AddKind(out.kinds, PenaltyKind::kRevokeLicence);
  if (Has(t, U"限制开展生产经营活动")) AddKind(out.kinds, PenaltyKind::kRestrictBusiness);
  if (Has(t, U"停产停业") || Has(t, U"责令停业") || Has(t, U"停止营业")) {
    AddKind(out.kinds, PenaltyKind::kSuspendBusiness);
  }
  if (Has(t, U"关闭")) AddKind(out.kinds, PenaltyKind::kClose);  // 责令关闭, 责令停业、关闭
  if (Has(t, U"限制从业")) AddKind(out.kinds, PenaltyKind::kRestrictPractice);
  if (Has(t, U"拘留")) AddKind(out.kinds, PenaltyKind::kDetention);
  std::sort(out.kinds.begin(), out.kinds.end());

  // Fines: each "处 … 罚款" span, within its sentence.
  std::optional<FineRange> fixed;     // joined fixed clauses (not fallback)
  std::optional<FineRange> multiple;  // the multiple clause
  std::optional<Span> fallback;
  size_t sentence_start = 0;
  for (size_t p = t.find(U"罚款"); p != std::u32string::npos; p = t.find(U"罚款", p + 2)) {
    size_t sb = t.find_last_of(U"；;。", p);
    sentence_start = sb == std::u32string::npos ? 0 : sb + 1;
    size_t chu = t.rfind(U'处', p);
    if (chu == std::u32string::npos || chu < sentence_start) chu = sentence_start;
    // Skip a preceding "罚款" in the same sentence: the span starts after it.
    size_t prev = p >= 2 ? t.rfind(U"罚款", p - 1) : std::u32string::npos;
    if (prev != std::u32string::npos && prev + 2 > chu && prev >= sentence_start) chu = prev + 2;
    std::u32string span = t.substr(chu, p - chu);
    std::u32string before = t.substr(sentence_start, chu - sentence_start);
    auto qs = Quantities(span);
    if (qs.empty()) {
      if (t.substr(sentence_start, p - sentence_start)
                  .find_first_of(U"0123456789一二三四五六七八九十") == std::u32string::npos &&
          !Has(span, U"处以") && !Has(span, U"并处") && span != U"处") {
        continue;  // "罚款" mentioned without imposing one (e.g. "逾期不缴纳罚款的")
      }
      return Bad(
          field,
          "无法读出罚款数额：“" + Utf8(t.substr(sentence_start, p + 2 - sentence_start)) + "”",
          "cannot read the fine amount in \"" +
              Utf8(t.substr(sentence_start, p + 2 - sentence_start)) + "\"");
    }
    std::string clause = Utf8(t.substr(sentence_start, p + 2 - sentence_start));
    bool times =
        std::any_of(qs.begin(), qs.end(), [](const Quantity& q) { return q.unit == Unit::kTimes; });
    bool cond_fallback = Has(before, U"不足") || Has(before, U"没有违法所得") ||
                         Has(before, U"无违法所得") || Has(before, U"难以计算") ||
                         Has(before, U"无法计算") || Has(before, U"不能计算") ||
                         Has(before, U"无法确定") || Has(before, U"难以确定");
    if (times) {
      auto sp = Bounds(qs, Unit::kTimes, field, clause);
      if (!sp) return sp.error();
      FineRange f;
      f.basis = (Has(span, U"违法所得") || Has(before, U"违法所得")) && !Has(span, U"货值")
                    ? FineRange::Basis::kMultipleOfGains
                    : FineRange::Basis::kMultipleOfValue;
      f.min_permille = sp->min;
      f.max_permille = sp->max;
      if (multiple && multiple->basis != f.basis) {
        return Bad(field, "具体标准含有计算基数不同的多个倍数罚款条款：“" + clause + "”",
                   "the standard has multiple-based fines on different bases");
      }
      if (multiple) {  // joined like fixed clauses: lowest minimum, highest maximum
        multiple->min_permille =
            (f.min_permille && multiple->min_permille)
                ? std::optional(std::min(*f.min_permille, *multiple->min_permille))
                : std::nullopt;
        multiple->max_permille =
            (f.max_permille && multiple->max_permille)
                ? std::optional(std::max(*f.max_permille, *multiple->max_permille))
                : std::nullopt;
      } else {
        multiple = f;
      }
    } else {
      auto sp = Bounds(qs, Unit::kYuan, field, clause);
      if (!sp) return sp.error();
      if (cond_fallback) {
        fallback = *sp;
      } else if (!fixed) {
        FineRange f;
        f.min = sp->min;
        f.max = sp->max;
        fixed = f;
      } else {
        // Joined: the lowest minimum (absent = none) and the highest maximum.
        if (!sp->min || !fixed->min) {
          fixed->min.reset();
        } else {
          fixed->min = std::min(*fixed->min, *sp->min);
        }
        if (!sp->max || !fixed->max) {
          fixed->max.reset();
        } else {
          fixed->max = std::max(*fixed->max, *sp->max);
        }
      }
    }
  }
  if (multiple) {
    out.fine = *multiple;
    if (fallback) {
      out.fine->fallback_min = fallback->min;
      out.fine->fallback_max = fallback->max;
    } else if (fixed) {
      out.fine->fallback_min = fixed->min;
      out.fine->fallback_max = fixed->max;
    }
  } else if (fixed || fallback) {
    FineRange f;
    f.min = fixed ? fixed->min : fallback->min;
    f.max = fixed ? fixed->max : fallback->max;
    out.fine = f;
  }
  if (out.kinds.empty() && !out.no_penalty) {
    return Bad(
        field,
        "具体标准中没有可识别的处罚种类（如警告、罚款、吊销许可证件）：“" + std::string(text) + "”",
        "the standard names no penalty kind (warning, fine, revocation, …): \"" +
            std::string(text) + "\"");
  }
  return out;
}

std::optional<Band> BandForTierName(std::string_view name) {
  auto has = [&](std::string_view w) { return name.find(w) != std::string_view::npos; };
  if (has("不予")) return Band::kNoPenalty;
  if (has("减轻")) return Band::kReduced;
  if (has("从轻") || has("轻微")) return Band::kLighter;
  if (has("从重") || has("较重") || has("严重")) return Band::kHeavier;
  if (has("一般")) return Band::kGeneral;
  return std::nullopt;
}

std::string FormatFen(Fen fen) {
  std::string sign = fen < 0 ? "-" : "";
  if (fen < 0) fen = -fen;
  if (fen % 1000000 == 0 && fen >= 1000000) return sign + std::to_string(fen / 1000000) + "万元";
  std::string s = std::to_string(fen / 100);
  if (fen % 100 != 0) {
    int c = static_cast<int>(fen % 100);
    s += "." + std::to_string(c / 10) + (c % 10 ? std::to_string(c % 10) : "");
  }
  return sign + s + "元";
}

namespace {
std::string Times(int64_t permille) {
  std::string s = std::to_string(permille / 1000);
  if (permille % 1000) {
    std::string frac = std::to_string(1000 + permille % 1000).substr(1);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s + "倍";
}
std::string RangeText(const std::optional<int64_t>& lo, const std::optional<int64_t>& hi,
                      const std::function<std::string(int64_t)>& fmt) {
  if (lo && hi && *lo == *hi) return fmt(*lo);
  std::string s;
  if (lo) s += fmt(*lo) + "以上";
  if (hi) s += fmt(*hi) + "以下";
  return s;
}
}  // namespace

std::string FormatFine(const FineRange& f) {
  std::string out;
  if (f.basis == FineRange::Basis::kFixed) {
    return "处" + RangeText(f.min, f.max, FormatFen) + "罚款";
  }
  const char* base = f.basis == FineRange::Basis::kMultipleOfGains ? "违法所得" : "货值金额";
  out = std::string("处") + base + RangeText(f.min_permille, f.max_permille, Times) + "罚款";
  if (f.fallback_min || f.fallback_max) {
    out += std::string("；") +
           (f.basis == FineRange::Basis::kMultipleOfGains ? "没有违法所得或者违法所得无法计算的"
                                                          : "货值金额无法计算的") +
           "，处" + RangeText(f.fallback_min, f.fallback_max, FormatFen) + "罚款";
  }
  return out;
}

Status CheckTierWithinRange(const Tier& tier, const StatutoryRange& range, std::string_view field) {
  bool reduced = tier.band == Band::kReduced;
  if (tier.band == Band::kNoPenalty) return core::Ok();
  if (!reduced && !range.kinds.empty()) {
    for (PenaltyKind k : tier.kinds) {
      if (std::find(range.kinds.begin(), range.kinds.end(), k) == range.kinds.end()) {
        return Bad(field,
                   std::string("阶次“") + tier.name + "”的处罚种类“" + PenaltyKindZh(k) +
                       "”不在法定处罚种类之内",
                   std::string("tier \"") + tier.name + "\" imposes " + PenaltyKindId(k) +
                       ", which the statute does not provide");
      }
    }
  }
  if (!tier.fine || !range.fine) return core::Ok();
  const FineRange& f = *tier.fine;
  const FineRange& r = *range.fine;
  auto check = [&](std::optional<int64_t> lo, std::optional<int64_t> hi, std::optional<int64_t> rlo,
                   std::optional<int64_t> rhi,
                   const std::function<std::string(int64_t)>& fmt) -> Status {
    if (rhi && (!hi || *hi > *rhi)) {
      return Bad(field,
                 "阶次“" + tier.name + "”的罚款上限" + (hi ? fmt(*hi) : std::string("（未写明）")) +
                     "超过法定上限" + fmt(*rhi),
                 "tier \"" + tier.name + "\": the fine maximum exceeds the statutory maximum " +
                     fmt(*rhi));
    }
    if (!reduced && rlo && lo && *lo < *rlo) {
      return Bad(field,
                 "阶次“" + tier.name + "”的罚款下限" + fmt(*lo) + "低于法定下限" + fmt(*rlo) +
                     "（仅减轻处罚阶次可以低于法定下限）",
                 "tier \"" + tier.name + "\": the fine minimum is below the statutory minimum " +
                     fmt(*rlo) + " (only a reduced-penalty tier may go below it)");
    }
    if (!reduced && rlo && !lo && hi && *hi < *rlo) {
      return Bad(field, "阶次“" + tier.name + "”的罚款低于法定下限" + fmt(*rlo),
                 "tier \"" + tier.name + "\": the fine is below the statutory minimum");
    }
    return core::Ok();
  };
  if (f.basis == r.basis && f.basis != FineRange::Basis::kFixed) {
    ZHIFA_TRY(check(f.min_permille, f.max_permille, r.min_permille, r.max_permille, Times));
    if (f.fallback_min || f.fallback_max) {
      ZHIFA_TRY(check(f.fallback_min, f.fallback_max, r.fallback_min, r.fallback_max, FormatFen));
    }
    return core::Ok();
  }
  if (f.basis == FineRange::Basis::kFixed && r.basis == FineRange::Basis::kFixed) {
    return check(f.min, f.max, r.min, r.max, FormatFen);
  }
  if (f.basis == FineRange::Basis::kFixed) {  // a fixed tier under a multiple statute: fallback
    if (!r.fallback_min && !r.fallback_max) {
      return Bad(
          field, "阶次“" + tier.name + "”为固定数额罚款，但法定幅度按倍数计算且未规定固定数额",
          "tier \"" + tier.name + "\" states fixed amounts while the statute sets only a multiple");
    }
    return check(f.min, f.max, r.fallback_min, r.fallback_max, FormatFen);
  }
  return Bad(field, "阶次“" + tier.name + "”的罚款计算基数与法定幅度不一致",
             "tier \"" + tier.name + "\": the fine's basis differs from the statutory basis");
}

std::vector<int64_t> HoldersOn(const std::vector<Holding>& holdings, core::Date d) {
  std::vector<int64_t> out;
  for (const auto& h : holdings) {
    if (h.ActiveOn(d) && std::find(out.begin(), out.end(), h.unit_id) == out.end()) {
      out.push_back(h.unit_id);
    }
  }
  return out;
}

Status CheckTransfer(const std::vector<Holding>& holdings, int64_t from_unit, int64_t to_unit,
                     core::Date on) {
  if (from_unit == to_unit) {
    return Bad("to_unit_id", "划入单位与划出单位相同", "the receiving unit is the giving unit");
  }
  const Holding* from = nullptr;
  for (const auto& h : holdings) {
    if (h.unit_id == from_unit && !h.end) from = &h;
  }
  if (!from) {
    return Err(ErrorCode::kConflict, "划出单位目前不实施该事项",
               "the giving unit holds no open "
               "holding of this matter",
               "from_unit_id");
  }
  if (on < from->start) {
    return Bad("effective_from",
               "划转日期不能早于划出单位开始实施的日期 " + core::FormatDate(from->start),
               "the transfer date cannot precede the start of the holding it ends (" +
                   core::FormatDate(from->start) + ")");
  }
  for (const auto& h : holdings) {
    if (h.unit_id == to_unit && (!h.end || *h.end > on)) {
      return Err(ErrorCode::kConflict, "划入单位在该日期已实施该事项",
                 "the receiving unit already holds the matter on that date", "to_unit_id");
    }
  }
  return core::Ok();
}

Status CheckCoverage(const std::vector<Holding>& holdings) {
  if (holdings.empty()) {
    return Err(ErrorCode::kConflict, "事项必须至少有一个实施主体",
               "a matter must have at least one holding unit", "holders");
  }
  // Sweep by start date: the covered interval from the first start must never break.
  std::vector<Holding> hs = holdings;
  std::sort(hs.begin(), hs.end(),
            [](const Holding& a, const Holding& b) { return a.start < b.start; });
  int64_t covered_to = core::DaysFromCivil(hs.front().start);  // exclusive
  bool open = false;
  for (const auto& h : hs) {
    int64_t s = core::DaysFromCivil(h.start);
    if (!open && s > covered_to) {
      return Err(ErrorCode::kConflict,
                 "事项在 " + core::FormatDate(core::CivilFromDays(covered_to)) + " 没有实施主体",
                 "the matter has no holder on " + core::FormatDate(core::CivilFromDays(covered_to)),
                 "holders");
    }
    if (!h.end) {
      open = true;
    } else {
      covered_to = std::max(covered_to, core::DaysFromCivil(*h.end));
    }
  }
  if (!open) {
    return Err(ErrorCode::kConflict,
               "事项自 " + core::FormatDate(core::CivilFromDays(covered_to)) + " 起没有实施主体",
               "the matter has no holder from " + core::FormatDate(core::CivilFromDays(covered_to)),
               "holders");
  }
  return core::Ok();
}

Status CheckNewVersionDate(const std::vector<core::Date>& existing_from, core::Date from) {
  for (const auto& d : existing_from) {
    if (!(d < from)) {
      return Err(
          ErrorCode::kConflict, "新版本的生效日期必须晚于已有版本的生效日期 " + core::FormatDate(d),
          "a new version must start after every existing version (" + core::FormatDate(d) + ")",
          "effective_from");
    }
  }
  return core::Ok();
}

Status CheckMatterCode(std::string_view code) {
  bool ok = !code.empty() && code.size() <= 64;
  for (char c : code) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
          c == '_' || c == '.')) {
      ok = false;
    }
  }
  if (!ok) {
    return Bad("code", "事项代码须为 1–64 位字母、数字或 - _ .",
               "the matter code must be 1–64 letters, digits or - _ .");
  }
  return core::Ok();
}

namespace {
Status CheckText(const std::string& v, size_t max_chars, const std::string& field,
                 const char* label, bool required, bool single_line) {
  if (!core::IsValidUtf8(v)) {
    return Err(ErrorCode::kInvalidUtf8, std::string(label) + "不是有效的 UTF-8 文本",
               field + " is not valid UTF-8", field);
  }
  if (required && v.empty()) {
    return Bad(field, std::string(label) + "不能为空", field + " must not be empty");
  }
  if (single_line && core::HasControlChars(v)) {
    return Bad(field, std::string(label) + "不能包含控制字符",
               field + " must not contain control characters");
  }
  if (core::Utf8Length(v) > max_chars) {
    return Bad(field, std::string(label) + "不能超过 " + std::to_string(max_chars) + " 个字符",
               field + " must be at most " + std::to_string(max_chars) + " characters");
  }
  return core::Ok();
}
}  // namespace

Status CheckMatter(const MatterRules& m) {
  ZHIFA_TRY(CheckMatterCode(m.code));
  ZHIFA_TRY(CheckText(m.name, 200, "name", "事项名称", true, true));
  ZHIFA_TRY(CheckText(m.violated_provision, 4000, "violated_provision", "违法依据", false, false));
  ZHIFA_TRY(CheckText(m.penalty_provision, 4000, "penalty_provision", "处罚依据", false, false));
  ZHIFA_TRY(CheckText(m.range.text, 2000, "range_text", "法定处罚种类和幅度", false, false));
  ZHIFA_TRY(CheckText(m.transfer_threshold, 2000, "transfer_threshold", "涉嫌犯罪移送标准", false,
                      false));
  if (!ParseDomain(m.domain)) {
    return Bad("domain", "重点领域不在目录中：" + m.domain, "unknown key domain: " + m.domain);
  }
  std::set<std::string> names;
  for (size_t i = 0; i < m.tiers.size(); ++i) {
    const Tier& t = m.tiers[i];
    std::string f = "tiers[" + std::to_string(i) + "].";
    ZHIFA_TRY(CheckText(t.name, 50, f + "name", "裁量阶次", true, true));
    ZHIFA_TRY(CheckText(t.conditions_text, 2000, f + "conditions_text", "适用条件", false, false));
    ZHIFA_TRY(CheckText(t.standard_text, 2000, f + "standard_text", "具体标准", true, false));
    ZHIFA_TRY(CheckText(t.source, 500, f + "source", "裁量基准来源", false, false));
    ZHIFA_TRY(CheckText(t.note, 1000, f + "note", "备注", false, false));
    if (!names.insert(t.name).second) {
      return Bad(f + "name", "同一事项的裁量阶次重复：" + t.name,
                 "duplicate tier name in one matter: " + t.name);
    }
    ZHIFA_TRY(CheckTierWithinRange(t, m.range, f + "standard_text"));
  }
  return core::Ok();
}

namespace {
bool SameFine(const std::optional<FineRange>& a, const std::optional<FineRange>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  return a->basis == b->basis && a->min == b->min && a->max == b->max &&
         a->min_permille == b->min_permille && a->max_permille == b->max_permille &&
         a->fallback_min == b->fallback_min && a->fallback_max == b->fallback_max;
}
}  // namespace

bool SameContent(const MatterRules& a, const MatterRules& b) {
  if (a.code != b.code || a.name != b.name || a.type != b.type || a.domain != b.domain ||
      a.violated_provision != b.violated_provision || a.penalty_provision != b.penalty_provision ||
      a.range.kinds != b.range.kinds || a.range.text != b.range.text ||
      !SameFine(a.range.fine, b.range.fine) || a.major_review != b.major_review ||
      a.transfer_threshold != b.transfer_threshold || a.tiers.size() != b.tiers.size()) {
    return false;
  }
  for (size_t i = 0; i < a.tiers.size(); ++i) {
    const Tier& x = a.tiers[i];
    const Tier& y = b.tiers[i];
    if (x.name != y.name || x.band != y.band || x.conditions_text != y.conditions_text ||
        x.condition_json != y.condition_json || x.standard_text != y.standard_text ||
        x.kinds != y.kinds || !SameFine(x.fine, y.fine) || x.source != y.source ||
        x.note != y.note) {
      return false;
    }
  }
  return true;
}

}  // namespace zhifa::catalogue
