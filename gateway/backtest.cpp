#include "gateway/backtest.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace wm::gateway {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Digits at s[pos, pos + n) as a number, or nullopt.
std::optional<unsigned> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return v;
}

// "YYYY-MM-DD HH:MM:SS[.fff]" (or with 'T') as Unix milliseconds, UTC.
std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  const auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' ||
      (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo) || *h > 23 || *mi > 59 ||
      *se > 60) {
    return std::nullopt;
  }
  std::int64_t ms = 0;
  if (s.size() > 19) {
    if (s[19] != '.' || s.size() == 20) return std::nullopt;
    std::int64_t scale = 100;
    for (std::size_t i = 20; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      ms += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  const std::int64_t days = days_from_civil(*y, *mo, *d);
  return ((days * 24 + *h) * 60 + *mi) * 60'000 + *se * 1000LL + ms;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_value(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

struct Row {
  std::string_view timestamp;
  std::string_view value;
  std::int64_t ts_ms = 0;
  double number = 0;
};

// A data row, or the reason it is not one.
Result<Row> parse_row(std::string_view line, std::size_t line_no) {
  auto bad = [&](std::string message) {
    return make_error("bad_row", "line " + std::to_string(line_no), std::move(message));
  };
  const std::size_t comma = line.find(',');
  if (comma == std::string_view::npos) {
    return bad("expected `timestamp,value`, found no comma in \"" + std::string(line) + "\"");
  }
  Row row{line.substr(0, comma), line.substr(comma + 1)};
  if (row.value.find(',') != std::string_view::npos) {
    return bad("expected 2 fields (timestamp,value), found more in \"" + std::string(line) + "\"");
  }
  const auto ts = parse_timestamp(trim(row.timestamp));
  if (!ts) {
    return bad("timestamp \"" + std::string(row.timestamp) +
               "\" is not YYYY-MM-DD HH:MM:SS (a real date and time)");
  }
  const auto number = parse_value(row.value);
  if (!number) return bad("value \"" + std::string(row.value) + "\" is not a finite number");
  row.ts_ms = *ts;
  row.number = *number;
  return row;
}

void append_score(std::string& out, double score) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, score, std::chars_format::fixed, 4);
  out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

Result<BacktestOutput> backtest_csv(std::string_view input, const devices::AnomalyConfig& config) {
  devices::AnomalyDetector detector(config);
  BacktestOutput result;
  result.csv = "timestamp,value,anomaly_score\n";
  bool header_seen = false;
  std::size_t line_no = 0;
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    if (!header_seen) {
      header_seen = true;
      if (parse_row(line, line_no).ok()) {
        return make_error("missing_header", "line " + std::to_string(line_no),
                          "expected a header line (timestamp,value) before the first row");
      }
      continue;
    }
    auto row = parse_row(line, line_no);
    if (!row.ok()) return row.error();
    const devices::AnomalyVerdict verdict = detector.observe(row->ts_ms, row->number);
    result.csv.append(row->timestamp).append(",").append(row->value).append(",");
    append_score(result.csv, verdict.score);
    result.csv.push_back('\n');
    ++result.rows;
  }
  if (!header_seen) {
    return make_error("empty_input", "",
                      "no header line: expected `timestamp,value` and then one row per sample");
  }
  return result;
}

int run_backtest(const std::string& path, std::ostream& out, std::ostream& err) {
  std::string input;
  if (path == "-") {
    input.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      err << "wm-gateway backtest: cannot read " << path << ": check the path and permissions\n";
      return 1;
    }
    std::ostringstream buffer;
    buffer << file.rdbuf();
    input = std::move(buffer).str();
  }
  auto result = backtest_csv(input);
  if (!result.ok()) {
    const Error& e = result.error();
    err << "wm-gateway backtest: " << path << (e.field.empty() ? "" : " " + e.field) << ": "
        << e.message << "; nothing was scored, fix the row and run again\n";
    return 1;
  }
  out << result->csv;
  out.flush();
  return out ? 0 : 1;
}

}  // namespace wm::gateway
