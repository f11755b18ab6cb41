#include "quell/events/cdr_reader.h"

#include <bit>
#include <cstring>

#include "quell/core/number_plan.h"
#include "quell/events/internal/cdr_fields.h"

namespace quell::events {
namespace {

using internal::Field;
using internal::RowProblem;
using internal::RowValues;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kSnippetBytes = 40;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// At most kSnippetBytes of `text` for a message: control bytes as '?', not cut
// inside a UTF-8 sequence.
std::string Snippet(std::string_view text) {
  std::size_t n = text.size();
  bool cut = false;
  if (n > kSnippetBytes) {
    n = kSnippetBytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    cut = true;
  }
  std::string out;
  out.reserve(n + 5);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7F ? '?' : text[i]);
  }
  if (cut) out += "...";
  return out;
}

std::string Describe(const RowProblem& p) {
  std::string out;
  if (p.field != Field::kNone) {
    out += internal::FieldName(p.field);
    out += ": ";
  }
  out += p.reason;
  if (!p.text.empty()) {
    out += " ('";
    out += Snippet(p.text);
    out += "')";
  }
  return out;
}

// Appends the UTF-8 encoding of code point `cp` at `*w`.
void PutUtf8(uint32_t cp, char** w) {
  char* p = *w;
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  *w = p;
}

// Bit 7 of each byte of the result is set where `word` holds byte `c` (exact
// for the lowest such byte, which is all the callers use).
uint64_t HasByte(uint64_t word, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & (kOnes << 7);
}

bool Hex4(std::string_view s, std::size_t at, uint32_t* v) {
  if (at + 4 > s.size()) return false;
  uint32_t x = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    x = x * 16 + d;
  }
  *v = x;
  return true;
}

}  // namespace

std::optional<CdrFormat> CdrFormatFromName(std::string_view name) {
  if (name == "csv") return CdrFormat::kCsv;
  if (name == "jsonl" || name == "ndjson") return CdrFormat::kJsonLines;
  return std::nullopt;
}

std::string_view Name(CdrFormat format) { return format == CdrFormat::kCsv ? "csv" : "jsonl"; }

std::optional<CdrFormat> DetectCdrFormat(std::string_view head) {
  if (head.size() < kBom.size() && kBom.starts_with(head)) return std::nullopt;
  if (head.starts_with(kBom)) head.remove_prefix(kBom.size());
  for (char c : head) {
    if (IsJsonSpace(c)) continue;
    return c == '{' ? CdrFormat::kJsonLines : CdrFormat::kCsv;
  }
  return std::nullopt;
}

std::string CdrError::ToString() const { return "line " + std::to_string(line) + ": " + reason; }

class CdrReader::Impl {
 public:
  Impl(const NumberPlan& plan, CdrFormat format, CdrReaderOptions options)
      : plan_(plan), format_(format), options_(options) {}

  void Feed(std::string_view chunk, std::vector<CallEvent>& out);
  void Finish(std::vector<CallEvent>& out);

  const NumberPlan& plan_;
  const CdrFormat format_;
  const CdrReaderOptions options_;
  CdrStats stats_;
  std::vector<CdrError> errors_;
  Status status_;

 private:
  void Line(std::string_view line, std::vector<CallEvent>& out);
  void Comment(std::string_view text, uint64_t line_no);
  void Header(std::string_view line, uint64_t line_no);
  void CsvRow(std::string_view line, uint64_t line_no, std::vector<CallEvent>& out);
  void JsonRow(std::string_view line, uint64_t line_no, std::vector<CallEvent>& out);
  void Emit(uint64_t line_no, std::vector<CallEvent>& out);

  // Splits a CSV line into fields, calling on_field(column, value) for each.
  // False (with *problem) for an unterminated quote or text after one.
  template <typename OnField>
  bool SplitCsv(std::string_view line, RowProblem* problem, OnField&& on_field);

  // The JSON string whose opening quote is at *at; *at moves past the closing
  // quote. Escapes are decoded into the scratch buffer. Null on a bad string.
  const char* JsonString(std::string_view line, std::size_t* at, std::string_view* value);

  bool WantReason() const { return errors_.size() < options_.max_errors; }
  void Reject(uint64_t line_no, const RowProblem& problem) {
    ++stats_.bad;
    if (WantReason()) errors_.push_back({line_no, Describe(problem)});
  }
  void RejectJson(uint64_t line_no, std::size_t column, const char* what) {
    ++stats_.bad;
    if (WantReason()) {
      errors_.push_back(
          {line_no, "malformed JSON at column " + std::to_string(column + 1) + ": " + what});
    }
  }
  void Fatal(uint64_t line_no, std::string reason) {
    status_ = InvalidArgument("line " + std::to_string(line_no) + ": " + reason);
    if (WantReason()) errors_.push_back({line_no, std::move(reason)});
  }
  // Room in the scratch buffer for the unescaped values of a line of `bytes`.
  void ResetScratch(std::size_t bytes) {
    if (scratch_.size() < bytes) scratch_.resize(bytes);
    scratch_used_ = 0;
  }

  std::string partial_;
  bool partial_too_long_ = false;
  bool first_line_ = true;
  bool header_seen_ = false;
  std::vector<Field> columns_;  // CSV: the field of each column, kNone if ignored
  std::vector<char> scratch_;
  std::size_t scratch_used_ = 0;
  RowValues row_;
};

void CdrReader::Impl::Feed(std::string_view chunk, std::vector<CallEvent>& out) {
  while (!chunk.empty()) {
    const void* found = std::memchr(chunk.data(), '\n', chunk.size());
    const std::size_t len =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - chunk.data())
              : chunk.size();
    if (found && partial_.empty() && !partial_too_long_) {
      Line(chunk.substr(0, len), out);  // the common case: a whole line inside the chunk
    } else {
      if (!partial_too_long_) {
        if (partial_.size() + len > options_.max_line_bytes) {
          partial_too_long_ = true;
          partial_.clear();
        } else {
          partial_.append(chunk.data(), len);
        }
      }
      if (!found) return;
      Line(partial_, out);
      partial_.clear();
      partial_too_long_ = false;
    }
    chunk.remove_prefix(len + 1);
  }
}

void CdrReader::Impl::Finish(std::vector<CallEvent>& out) {
  if (!partial_.empty() || partial_too_long_) Line(partial_, out);
  partial_.clear();
  partial_too_long_ = false;
}

void CdrReader::Impl::Line(std::string_view line, std::vector<CallEvent>& out) {
  const uint64_t line_no = ++stats_.lines;
  const bool too_long = partial_too_long_ || line.size() > options_.max_line_bytes;
  if (first_line_) {
    first_line_ = false;
    if (line.starts_with(kBom)) line.remove_prefix(kBom.size());
  }
  if (too_long) {
    const std::string what =
        "line longer than " + std::to_string(options_.max_line_bytes) + " bytes";
    if (format_ == CdrFormat::kCsv && !header_seen_ && status_.ok()) {
      Fatal(line_no, "the header: " + what);
    } else if (!status_.ok()) {
      ++stats_.bad;
    } else {
      ++stats_.bad;
      if (WantReason()) errors_.push_back({line_no, what});
    }
    return;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t first = 0;
  while (first < line.size() && IsBlank(line[first])) ++first;
  if (first == line.size()) return;  // blank
  if (line[first] == '#') {
    Comment(line.substr(first + 1), line_no);
    return;
  }
  if (!status_.ok()) {
    ++stats_.bad;  // after a bad header or version: nothing can be read
    return;
  }
  if (format_ == CdrFormat::kJsonLines) {
    JsonRow(line, line_no, out);
  } else if (!header_seen_) {
    Header(line, line_no);
  } else {
    CsvRow(line, line_no, out);
  }
}

void CdrReader::Impl::Comment(std::string_view text, uint64_t line_no) {
  // "# quell-cdr/1 ..." declares the format version.
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  constexpr std::string_view kMagic = "quell-cdr/";
  if (!text.starts_with(kMagic) || !status_.ok()) return;
  text.remove_prefix(kMagic.size());
  const std::string_view version = text.substr(0, text.find_first_of(" \t"));
  if (version != "1") {
    Fatal(line_no, "format version '" + Snippet(version) +
                       "' is not supported (this reader knows quell-cdr/1)");
  }
}

template <typename OnField>
bool CdrReader::Impl::SplitCsv(std::string_view line, RowProblem* problem, OnField&& on_field) {
  const std::size_t n = line.size();
  const char* const data = line.data();
  std::size_t i = 0;
  for (std::size_t column = 0;; ++column) {
    while (i < n && IsBlank(data[i])) ++i;
    std::string_view value;
    if (i < n && data[i] == '"') {
      const std::size_t start = ++i;
      bool doubled = false;
      std::size_t close;
      for (;;) {
        const void* q = i < n ? std::memchr(data + i, '"', n - i) : nullptr;
        if (q == nullptr) {
          *problem = {Field::kNone, "unterminated quote (a quoted value cannot span lines)", {}};
          return false;
        }
        close = static_cast<std::size_t>(static_cast<const char*>(q) - data);
        if (close + 1 < n && data[close + 1] == '"') {
          doubled = true;
          i = close + 2;
          continue;
        }
        break;
      }
      value = line.substr(start, close - start);
      if (doubled) {
        // "" inside quotes is one quote: unescape into the scratch buffer.
        char* const begin = scratch_.data() + scratch_used_;
        char* w = begin;
        for (std::size_t k = start; k < close; ++k) {
          *w++ = data[k];
          if (data[k] == '"') ++k;
        }
        value = std::string_view(begin, static_cast<std::size_t>(w - begin));
        scratch_used_ += value.size();
      }
      i = close + 1;
      while (i < n && IsBlank(data[i])) ++i;
      if (i < n && data[i] != ',') {
        *problem = {Field::kNone, "text after a closing quote", line.substr(i)};
        return false;
      }
    } else {
      const void* comma = i < n ? std::memchr(data + i, ',', n - i) : nullptr;
      const std::size_t end =
          comma ? static_cast<std::size_t>(static_cast<const char*>(comma) - data) : n;
      value = TrimRight(line.substr(i, end - i));
      i = end;
    }
    on_field(column, value);
    if (i >= n) return true;
    ++i;  // the comma
  }
}

void CdrReader::Impl::Header(std::string_view line, uint64_t line_no) {
  header_seen_ = true;
  ResetScratch(line.size());
  columns_.clear();
  uint32_t seen = 0;
  std::string duplicate;
  RowProblem problem;
  const bool split = SplitCsv(line, &problem, [&](std::size_t, std::string_view name) {
    const Field f = internal::FieldOf(name);
    columns_.push_back(f);
    if (f == Field::kNone) return;
    const uint32_t bit = 1u << static_cast<unsigned>(f);
    if ((seen & bit) && duplicate.empty()) duplicate = internal::FieldName(f);
    seen |= bit;
  });
  if (!split) {
    Fatal(line_no, "the header: " + Describe(problem));
    return;
  }
  if (!duplicate.empty()) {
    Fatal(line_no, "duplicate column " + duplicate);
    return;
  }
  std::string missing;
  int missing_count = 0;
  for (Field f : {Field::kTime, Field::kCaller, Field::kCallee}) {
    if (seen & (1u << static_cast<unsigned>(f))) continue;
    if (!missing.empty()) missing += ", ";
    missing += internal::FieldName(f);
    ++missing_count;
  }
  if (missing_count == 0) return;
  std::string reason = (missing_count == 1 ? "missing column " : "missing columns ") + missing;
  if (seen == 0) {
    reason +=
        " (the first line that is not blank or a comment is the header, e.g. "
        "time,caller,callee)";
  }
  Fatal(line_no, std::move(reason));
}

void CdrReader::Impl::CsvRow(std::string_view line, uint64_t line_no, std::vector<CallEvent>& out) {
  ResetScratch(line.size());
  row_.Clear();
  const std::size_t header_columns = columns_.size();
  std::size_t fields = 0;
  bool extra = false;  // a non-empty field beyond the header's columns
  RowProblem problem;
  const bool split = SplitCsv(line, &problem, [&](std::size_t column, std::string_view value) {
    fields = column + 1;
    if (column < header_columns) {
      const Field f = columns_[column];
      if (f != Field::kNone) row_.Set(f, value);
    } else if (!value.empty()) {
      extra = true;
    }
  });
  if (!split) {
    Reject(line_no, problem);
    return;
  }
  if (extra) {
    ++stats_.bad;
    if (WantReason()) {
      errors_.push_back({line_no, std::to_string(fields) + " fields, the header has " +
                                      std::to_string(header_columns) +
                                      " (a comma inside a value that is not quoted?)"});
    }
    return;
  }
  Emit(line_no, out);
}

const char* CdrReader::Impl::JsonString(std::string_view line, std::size_t* at,
                                        std::string_view* value) {
  const std::size_t start = *at + 1;
  const std::size_t n = line.size();
  const char* const data = line.data();
  // The first '"' or '\\': strings in CDRs are short, so eight bytes at a
  // time beat two library scans.
  std::size_t i = start;
  for (; std::endian::native == std::endian::little && i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    const uint64_t hits = HasByte(word, '"') | HasByte(word, '\\');
    if (hits != 0) {
      i += static_cast<std::size_t>(std::countr_zero(hits)) / 8;  // little-endian
      break;
    }
  }
  while (i < n && data[i] != '"' && data[i] != '\\') ++i;
  if (i < n && data[i] == '"') {  // no escapes: a view into the line
    *value = line.substr(start, i - start);
    *at = i + 1;
    return nullptr;
  }
  char* const begin = scratch_.data() + scratch_used_;
  char* w = begin;
  std::memcpy(w, line.data() + start, i - start);
  w += i - start;
  while (i < n && line[i] != '"') {
    if (line[i] != '\\') {
      *w++ = line[i++];
      continue;
    }
    if (i + 1 >= n) break;
    const char e = line[i + 1];
    i += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        *w++ = e;
        break;
      case 'b':
        *w++ = '\b';
        break;
      case 'f':
        *w++ = '\f';
        break;
      case 'n':
        *w++ = '\n';
        break;
      case 'r':
        *w++ = '\r';
        break;
      case 't':
        *w++ = '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!Hex4(line, i, &cp)) return "bad \\u escape";
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (i + 1 < n && line[i] == '\\' && line[i + 1] == 'u' && Hex4(line, i + 2, &low) &&
              low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;  // a lone surrogate
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        // A \uXXXX escape is 6 bytes of input and at most 4 of output (a pair:
        // 12 and 4), so the line's length bounds the scratch space.
        PutUtf8(cp, &w);
        break;
      }
      default:
        return "bad escape in a string";
    }
  }
  if (i >= n) return "unterminated string";
  *value = std::string_view(begin, static_cast<std::size_t>(w - begin));
  scratch_used_ += value->size();
  *at = i + 1;
  return nullptr;
}

void CdrReader::Impl::JsonRow(std::string_view line, uint64_t line_no,
                              std::vector<CallEvent>& out) {
  ResetScratch(line.size());
  row_.Clear();
  const std::size_t n = line.size();
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < n && IsJsonSpace(line[i])) ++i;
  };
  skip_space();
  if (i >= n || line[i] != '{') {
    Reject(line_no, {Field::kNone, "not a JSON object (expected '{')", line.substr(i)});
    return;
  }
  ++i;
  skip_space();
  if (i < n && line[i] == '}') {
    ++i;
  } else {
    for (;;) {
      if (i >= n || line[i] != '"') return RejectJson(line_no, i, "expected a key in quotes");
      std::string_view key;
      if (const char* why = JsonString(line, &i, &key)) return RejectJson(line_no, i, why);
      skip_space();
      if (i >= n || line[i] != ':') return RejectJson(line_no, i, "expected ':'");
      ++i;
      skip_space();
      if (i >= n) return RejectJson(line_no, i, "expected a value");
      const Field field = internal::FieldOf(key);
      std::string_view value;
      const char c = line[i];
      if (c == '"') {
        if (const char* why = JsonString(line, &i, &value)) return RejectJson(line_no, i, why);
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        const std::size_t start = i;
        while (i < n && ((line[i] >= '0' && line[i] <= '9') || line[i] == '-' || line[i] == '+' ||
                         line[i] == '.' || line[i] == 'e' || line[i] == 'E')) {
          ++i;
        }
        value = line.substr(start, i - start);
      } else if (line.substr(i, 4) == "true" || line.substr(i, 4) == "null") {
        value = line[i] == 't' ? std::string_view("true") : std::string_view();
        i += 4;
      } else if (line.substr(i, 5) == "false") {
        value = "false";
        i += 5;
      } else if (c == '{' || c == '[') {
        if (field != Field::kNone) {
          Reject(line_no, {field, "expected a string, a number, true, false or null", {}});
          return;
        }
        // The value of a key this format does not use: skip it whole.
        int depth = 0;
        while (i < n) {
          const char d = line[i];
          if (d == '"') {
            std::string_view ignored;
            if (const char* why = JsonString(line, &i, &ignored)) {
              return RejectJson(line_no, i, why);
            }
            continue;
          }
          ++i;
          if (d == '{' || d == '[') ++depth;
          if ((d == '}' || d == ']') && --depth == 0) break;
        }
        if (depth != 0) return RejectJson(line_no, i, "unterminated object or array");
      } else {
        return RejectJson(line_no, i, "expected a value");
      }
      if (field != Field::kNone) row_.Set(field, value);
      skip_space();
      if (i < n && line[i] == ',') {
        ++i;
        skip_space();
        continue;
      }
      if (i < n && line[i] == '}') {
        ++i;
        break;
      }
      return RejectJson(line_no, i, "expected ',' or '}'");
    }
  }
  skip_space();
  if (i != n) return RejectJson(line_no, i, "text after the object (one object per line)");
  Emit(line_no, out);
}

void CdrReader::Impl::Emit(uint64_t line_no, std::vector<CallEvent>& out) {
  CallEvent& event = out.emplace_back();
  RowProblem problem;
  bool invalid_caller = false;
  if (!internal::BuildEvent(row_, plan_, &event, &problem, &invalid_caller)) {
    out.pop_back();
    Reject(line_no, problem);
    return;
  }
  ++stats_.events;
  stats_.invalid_caller += invalid_caller ? 1 : 0;
}

CdrReader::CdrReader(const NumberPlan& plan, CdrFormat format, CdrReaderOptions options)
    : impl_(std::make_unique<Impl>(plan, format, options)) {}
CdrReader::~CdrReader() = default;

void CdrReader::Feed(std::string_view chunk, std::vector<CallEvent>& out) {
  impl_->Feed(chunk, out);
}
void CdrReader::Finish(std::vector<CallEvent>& out) { impl_->Finish(out); }
const CdrStats& CdrReader::stats() const { return impl_->stats_; }
const std::vector<CdrError>& CdrReader::errors() const { return impl_->errors_; }
const Status& CdrReader::status() const { return impl_->status_; }
CdrFormat CdrReader::format() const { return impl_->format_; }

}  // namespace quell::events
