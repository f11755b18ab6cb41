#include "quell/registry/list_reader.h"

#include <algorithm>
#include <charconv>

#include "quell/core/civil_time.h"
#include "quell/core/number_plan.h"

namespace quell::registry {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool HasDigit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ParseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::vector<std::string> SplitSemicolons(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto semi = s.find(';');
    const std::string_view part = Trim(s.substr(0, semi));
    if (!part.empty()) out.emplace_back(part);
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return out;
}

}  // namespace

void ListReader::Feed(std::string_view bytes, const RowFn& fn) {
  while (!bytes.empty()) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (partial_.empty() && !partial_too_long_ && nl != std::string_view::npos) {
      Line(piece, fn);  // the common case: a whole line inside this chunk
    } else {
      if (!partial_too_long_) {
        if (partial_.size() + piece.size() > kMaxLineBytes) {
          partial_too_long_ = true;
          partial_.clear();
        } else {
          partial_.append(piece);
        }
      }
      if (nl == std::string_view::npos) return;
      Line(partial_, fn);
      partial_.clear();
      partial_too_long_ = false;
    }
    bytes.remove_prefix(nl + 1);
  }
}

void ListReader::Finish(const RowFn& fn) {
  if (!partial_.empty() || partial_too_long_) Line(partial_, fn);
  partial_.clear();
  partial_too_long_ = false;
}

void ListReader::Line(std::string_view line, const RowFn& fn) {
  ++line_;
  row_.line = line_;
  row_.fields.clear();
  row_.too_long = partial_too_long_ || line.size() > kMaxLineBytes;
  const bool first = first_;
  first_ = false;
  if (row_.too_long) {
    fn(row_);
    return;
  }
  if (first && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  if (Trim(line).empty()) return;
  unquoted_.clear();
  std::size_t i = 0;
  while (row_.fields.size() < kMaxFields) {
    // One field from position i.
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      std::string value;
      ++i;
      for (; i < line.size(); ++i) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value.push_back('"');
            ++i;
            continue;
          }
          ++i;
          break;
        }
        value.push_back(line[i]);
      }
      unquoted_.push_back(std::move(value));
      const std::size_t comma = line.find(',', i);
      i = comma == std::string_view::npos ? line.size() + 1 : comma + 1;
      row_.fields.push_back({});  // filled below, once unquoted_ stops growing
    } else {
      const std::size_t comma = line.find(',', i);
      const std::string_view value =
          Trim(line.substr(std::min(i, line.size()), comma == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : comma - std::min(i, line.size())));
      row_.fields.push_back(value);
      i = comma == std::string_view::npos ? line.size() + 1 : comma + 1;
    }
    if (i > line.size()) break;
  }
  // Point the quoted fields at their unquoted copies (stable now).
  std::size_t q = 0;
  for (std::string_view& f : row_.fields) {
    if (f.data() == nullptr && q < unquoted_.size()) f = Trim(unquoted_[q++]);
  }
  if (first && !row_.fields.empty() && !HasDigit(row_.fields[0])) return;  // header
  fn(row_);
}

Result<TimePoint> ParseDateOrTime(std::string_view s, int date_utc_offset_minutes) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, off = date_utc_offset_minutes;
  auto bad = [&] {
    return InvalidArgument("'" + std::string(s) +
                           "' is not a date (2024-03-01) or time (2024-03-01T08:00:00Z)");
  };
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !ParseInt(s.substr(0, 4), &y) ||
      !ParseInt(s.substr(5, 2), &mo) || !ParseInt(s.substr(8, 2), &d) || y < 1970 || y > 9999 ||
      mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) {
    return bad();
  }
  std::string_view rest = s.substr(10);
  if (!rest.empty()) {
    if (rest.size() < 9 || (rest[0] != 'T' && rest[0] != ' ') || rest[3] != ':' || rest[6] != ':' ||
        !ParseInt(rest.substr(1, 2), &h) || !ParseInt(rest.substr(4, 2), &mi) ||
        !ParseInt(rest.substr(7, 2), &sec) || h > 23 || mi > 59 || sec > 60) {
      return bad();
    }
    rest.remove_prefix(9);
    if (!rest.empty() && rest[0] == '.') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') rest.remove_prefix(1);
    }
    if (rest == "Z") {
      off = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
      int oh = 0, om = 0;
      if (!ParseInt(rest.substr(1, 2), &oh) || !ParseInt(rest.substr(4, 2), &om) || oh > 23 ||
          om > 59) {
        return bad();
      }
      off = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
      return bad();
    }
  }
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60;
  return TimePoint(std::chrono::seconds(secs));
}

Result<ImportRow> ParseImportRow(const ListRow& row, const NumberPlan& plan) {
  if (row.too_long) return InvalidArgument("line too long");
  if (row.fields.size() < 2) return InvalidArgument("expected number,registered_at");
  ImportRow out;
  const std::string_view number = row.fields[0];
  out.number = plan.ToCompact(number);
  if (out.number == 0) {
    return InvalidArgument("'" + std::string(number.substr(0, 40)) + "' is not a phone number");
  }
  if (!plan.Classify(out.number).valid) {
    return InvalidArgument("'" + std::string(number.substr(0, 40)) +
                           "' is not valid in the numbering plan");
  }
  QUELL_ASSIGN_OR_RETURN(out.registered_at, ParseDateOrTime(row.fields[1]));
  const std::vector<std::string> categories =
      row.fields.size() > 2 ? SplitSemicolons(row.fields[2]) : std::vector<std::string>{};
  const std::vector<std::string> bands =
      row.fields.size() > 3 ? SplitSemicolons(row.fields[3]) : std::vector<std::string>{};
  QUELL_ASSIGN_OR_RETURN(out.preferences, ParsePreferences(categories, bands));
  return out;
}

}  // namespace quell::registry
