#include "store/database.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace zhifa::store {

const char* DialectName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgres"; }

const char* BlobType(Dialect d) { return d == Dialect::kSqlite ? "BLOB" : "BYTEA"; }

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<int64_t>(&v)) return *p;
  if (const auto* p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::Double(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<double>(&v)) return *p;
  if (const auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (const auto* p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<std::string>(&v)) return *p;
  if (const auto* p = std::get_if<Blob>(&v)) return p->bytes;
  if (const auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (const auto* p = std::get_if<double>(&v)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *p);
    return buf;
  }
  return {};
}

std::string_view Row::Bytes(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* p = std::get_if<Blob>(&v)) return p->bytes;
  if (const auto* p = std::get_if<std::string>(&v)) return *p;
  return {};
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

const ValueRef& RowRef::at(size_t i) const {
  if (i >= n_) throw std::out_of_range("RowRef column " + std::to_string(i));
  return values_[i];
}

int64_t RowRef::Int(size_t i) const {
  const ValueRef& v = at(i);
  switch (v.kind) {
    case ValueRef::Kind::kInt:
      return v.i;
    case ValueRef::Kind::kDouble:
      return static_cast<int64_t>(v.d);
    case ValueRef::Kind::kText: {
      int64_t out = 0;
      std::from_chars(v.bytes.data(), v.bytes.data() + v.bytes.size(), out);
      return out;
    }
    default:
      return 0;
  }
}

std::optional<int64_t> RowRef::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::string_view RowRef::Text(size_t i) const {
  const ValueRef& v = at(i);
  if (v.kind == ValueRef::Kind::kText || v.kind == ValueRef::Kind::kBlob) return v.bytes;
  return {};
}

core::Result<int64_t> Conn::AddToCounter(std::string_view name, int64_t n) {
  std::optional<int64_t> value;
  ZHIFA_TRY(QueryEach("UPDATE counters SET value = value + $1 WHERE name = $2 RETURNING value",
                      {n, std::string(name)}, [&](const RowRef& row) -> core::Status {
                        value = row.Int(0);
                        return core::Ok();
                      }));
  if (!value) {
    return core::Err(core::ErrorCode::kInternal, "计数器缺失: " + std::string(name),
                     "counter missing: " + std::string(name));
  }
  return *value;
}

core::Status Conn::QueryEach(std::string_view sql, const Params& params, const RowFn& fn) {
  auto r = Query(sql, params);
  if (!r) return r.error();
  std::vector<ValueRef> refs;
  for (const Row& row : r->rows) {
    refs.assign(row.size(), ValueRef{});
    for (size_t c = 0; c < row.size(); ++c) {
      const Value& v = row.at(c);
      ValueRef& out = refs[c];
      if (const auto* p = std::get_if<int64_t>(&v)) {
        out.kind = ValueRef::Kind::kInt;
        out.i = *p;
      } else if (const auto* p = std::get_if<double>(&v)) {
        out.kind = ValueRef::Kind::kDouble;
        out.d = *p;
      } else if (const auto* p = std::get_if<std::string>(&v)) {
        out.kind = ValueRef::Kind::kText;
        out.bytes = *p;
      } else if (const auto* p = std::get_if<Blob>(&v)) {
        out.kind = ValueRef::Kind::kBlob;
        out.bytes = p->bytes;
      }
    }
    ZHIFA_TRY(fn(RowRef(refs.data(), refs.size())));
  }
  return core::Ok();
}

void AndIf(std::string& where, Params& params, const std::string& value, std::string_view lhs) {
  if (value.empty()) return;
  params.emplace_back(value);
  where += " AND ";
  where += lhs;
  where += " $" + std::to_string(params.size());
}

void AndContains(std::string& where, Params& params, std::string_view text,
                 std::initializer_list<std::string_view> columns) {
  if (text.empty() || columns.size() == 0) return;
  std::string like = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
    like += ch;
  }
  like += '%';
  params.emplace_back(std::move(like));
  const std::string n = "$" + std::to_string(params.size());
  where += " AND (";
  bool first = true;
  for (std::string_view col : columns) {
    if (!first) where += " OR ";
    first = false;
    where += col;
    where += " LIKE " + n + " ESCAPE '\\'";
  }
  where += ")";
}

void AddPage(std::string& sql, Params& params, int page, int page_size) {
  params.emplace_back(static_cast<int64_t>(page_size));
  sql += " LIMIT $" + std::to_string(params.size());
  params.emplace_back(static_cast<int64_t>(page - 1) * page_size);
  sql += " OFFSET $" + std::to_string(params.size());
}

std::string Placeholders(Params& params, const std::vector<int64_t>& values) {
  std::string out;
  for (int64_t v : values) {
    params.emplace_back(v);
    if (!out.empty()) out += ", ";
    out += "$" + std::to_string(params.size());
  }
  if (out.empty()) out = "NULL";  // IN (NULL) matches nothing
  return out;
}

core::Status InsertRows(Conn& c, std::string_view head, size_t cols, Params values,
                        std::string_view tail) {
  if (cols == 0 || values.size() % cols != 0) {
    return core::Err(core::ErrorCode::kInternal, "批量插入的参数个数不是列数的整数倍",
                     "bulk insert: the number of values is not a multiple of the columns");
  }
  size_t cap = 1;  // the largest power of two ≤ kInsertRowsMax rows within kInsertRowsParams
  while (cap * 2 <= kInsertRowsMax && cap * 2 * cols <= kInsertRowsParams) cap *= 2;
  size_t rows = values.size() / cols, at = 0;
  std::string sql;
  Params params;
  while (rows > 0) {
    size_t n = cap;
    while (n > rows) n /= 2;
    sql.assign(head);
    for (size_t i = 0; i < n; ++i) {
      sql += i ? ", (" : "(";
      for (size_t k = 0; k < cols; ++k) {
        if (k) sql += ", ";
        sql += '$';
        sql += std::to_string(i * cols + k + 1);
      }
      sql += ')';
    }
    sql.append(tail);
    params.clear();
    params.reserve(n * cols);
    for (size_t k = 0; k < n * cols; ++k) params.push_back(std::move(values[at + k]));
    auto r = c.Exec(sql, params);
    if (!r) return r.error();
    at += n * cols;
    rows -= n;
  }
  return core::Ok();
}

core::Result<std::unique_ptr<Database>> Open(const std::string& url, const Options& options) {
  if (url.rfind("sqlite:", 0) == 0) return OpenSqlite(url.substr(7), options);
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgres(url, options);
  }
  return core::Err(core::ErrorCode::kInvalidArgument,
                   "数据库地址应为 sqlite:路径 或 postgresql:// 地址",
                   "database URL must be sqlite:PATH or a postgresql:// URL", "ZHIFA_DB");
}

}  // namespace zhifa::store
