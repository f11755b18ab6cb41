#include "quell/registry/scrub.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <future>
#include <span>
#include <thread>

#include "quell/core/ids.h"
#include "quell/core/number_plan.h"
#include "quell/registry/list_reader.h"
#include "quell/registry/number_set.h"

namespace quell::registry {
namespace {

// Lines checked against the register at once: long enough that the register's
// containers are loaded once for many of the list's numbers (NumberSet::ContainsMany).
constexpr std::size_t kBatch = 1 << 19;

class Sha256Stream {
 public:
  Sha256Stream() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256Stream() { EVP_MD_CTX_free(ctx_); }
  void Update(std::string_view s) { EVP_DigestUpdate(ctx_, s.data(), s.size()); }
  std::string HexDigest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
  }

 private:
  EVP_MD_CTX* ctx_;
};

// The local date (at the register's UTC offset) of `t`.
std::string Date(TimePoint t, int utc_offset_minutes) {
  const std::time_t s =
      std::chrono::system_clock::to_time_t(t + std::chrono::minutes(utc_offset_minutes));
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Appends `field` as one CSV field (quoted when it needs to be).
void AppendCsv(std::string* out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c == '\r' || c == '\n' ? ' ' : c);
  }
  out->push_back('"');
}

struct Entry {
  uint32_t text_at = 0, text_len = 0;  // the number as written, in Impl::texts
  uint64_t number = 0;                 // 0: invalid
  const char* why = nullptr;           // invalid: the reason
};

}  // namespace

struct Scrubber::Impl {
  Registry& registry;
  const NumberPlan& plan;
  int64_t org_id;
  TimePoint at;
  uint16_t categories;
  ScrubCounts counts;
  Sha256Stream list_hash, result_hash;
  ListReader reader;
  ListReader::RowFn on_row = [this](const ListRow& row) { Row(row); };
  bool started = false, finished = false;
  std::string texts;
  std::vector<Entry> entries;
  std::vector<uint64_t> numbers;
  std::vector<ListAnswer> answers;
  std::vector<std::pair<uint64_t, TimePoint>> since;  // of this batch's protected numbers
  std::size_t threads;
  struct Part {
    std::string rows;
    ScrubCounts counts;
  };
  std::vector<Part> parts;
  std::vector<ListScratch> scratch;  // a part's working memory, kept between batches
  // Parts of fewer entries than this are not worth a thread.
  static constexpr std::size_t kMinPart = 1 << 14;

  Impl(Registry& r, const NumberPlan& p, int64_t org, TimePoint t, int threads_wanted)
      : registry(r),
        plan(p),
        org_id(org),
        at(t),
        categories(r.MarketingCategoriesOf(org)),
        threads(static_cast<std::size_t>(std::clamp(threads_wanted, 1, 64))) {}

  void Row(const ListRow& row) {
    Entry e;
    std::string_view field = row.fields.empty() ? std::string_view() : row.fields[0];
    if (row.too_long) e.why = "line too long";
    e.text_at = static_cast<uint32_t>(texts.size());
    e.text_len = static_cast<uint32_t>(std::min<std::size_t>(field.size(), 64));
    texts.append(field.substr(0, e.text_len));
    if (e.why == nullptr && field.empty()) e.why = "empty";
    entries.push_back(e);
  }

  // The numbers of entries [begin, end), as the plan reads them.
  void Parse(std::size_t begin, std::size_t end) {
    const std::string_view all(texts);
    constexpr std::size_t kAhead = 8;  // the plan's cache lines, loaded this many numbers ahead
    for (std::size_t i = begin; i < end; ++i) {
      if (i + kAhead < end) {
        const Entry& next = entries[i + kAhead];
        plan.PrefetchText(all.substr(next.text_at, next.text_len));
      }
      Entry& e = entries[i];
      if (e.why != nullptr) continue;
      if ((e.number = plan.ToCompact(all.substr(e.text_at, e.text_len))) == 0) {
        e.why = "not a phone number";
      } else if (!plan.Classify(e.number).valid) {
        e.why = "not valid in the numbering plan";
        e.number = 0;
      }
    }
  }

  // Runs f(part) for part in [0, parts) at once (this thread takes part 0).
  template <typename F>
  void RunParts(std::size_t parts, F&& f) {
    std::vector<std::thread> helpers;
    helpers.reserve(parts - 1);
    for (std::size_t p = 1; p < parts; ++p) helpers.emplace_back([&f, p] { f(p); });
    f(0);
    for (std::thread& t : helpers) t.join();
  }

  // Runs f(begin, end, part) over [0, n) in `threads` parts at once (this thread
  // takes the first); parts of fewer than kMinPart entries are not worth a thread.
  template <typename F>
  void InParts(std::size_t n, F&& f) {
    const std::size_t parts = std::clamp<std::size_t>(n / kMinPart, 1, threads);
    if (parts == 1) return f(std::size_t{0}, n, std::size_t{0});
    RunParts(parts, [&f, n, parts](std::size_t p) { f(n * p / parts, n * (p + 1) / parts, p); });
  }

  Status Flush(std::string* out) {
    if (!started) {
      started = true;
      const std::string_view header = "number,status,detail\n";
      out->append(header);
      result_hash.Update(header);
    }
    if (entries.empty()) return Status::Ok();
    InParts(entries.size(), [this](std::size_t b, std::size_t e, std::size_t) { Parse(b, e); });
    numbers.clear();
    for (const Entry& e : entries) {
      if (e.number != 0) numbers.push_back(e.number);
    }
    answers.resize(numbers.size());
    scratch.resize(threads);
    InParts(numbers.size(), [this](std::size_t b, std::size_t e, std::size_t p) {
      registry.CheckList(org_id, categories, std::span(numbers).subspan(b, e - b), at,
                         answers.data() + b, &scratch[p]);
    });
    // Since-dates of the protected numbers come from the store, in one pass.
    std::vector<uint64_t> wanted;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      if (answers[i].kind == ListAnswer::Kind::kProtected) wanted.push_back(numbers[i]);
    }
    since.clear();
    if (!wanted.empty()) {
      QUELL_ASSIGN_OR_RETURN(since, registry.ProtectedSince(wanted));
      std::sort(since.begin(), since.end());
    }
    // Each part writes its rows into its own buffer; a part's first valid entry
    // is answered by answers[valid entries before the part].
    parts.resize(threads);
    InParts(entries.size(), [this](std::size_t b, std::size_t e, std::size_t p) {
      const auto k = static_cast<std::size_t>(std::count_if(
          entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(b),
          [](const Entry& x) { return x.number != 0; }));
      parts[p].counts = ScrubCounts();
      parts[p].rows.clear();
      Format(b, e, k, &parts[p]);
    });
    const std::size_t mark = out->size();
    for (Part& part : parts) {
      out->append(part.rows);
      part.rows.clear();
      counts.total += part.counts.total;
      counts.callable += part.counts.callable;
      counts.protected_numbers += part.counts.protected_numbers;
      counts.exempt += part.counts.exempt;
      counts.invalid += part.counts.invalid;
      part.counts = ScrubCounts();
    }
    result_hash.Update(std::string_view(*out).substr(mark));
    entries.clear();
    texts.clear();
    return Status::Ok();
  }

  // The result rows of entries [begin, end), whose first valid entry is answered
  // by answers[k].
  void Format(std::size_t begin, std::size_t end, std::size_t k, Part* part) const {
    std::string* out = &part->rows;
    ScrubCounts& c = part->counts;
    const int offset = registry.options().utc_offset_minutes;
    for (std::size_t i = begin; i < end; ++i) {
      const Entry& e = entries[i];
      ++c.total;
      if (e.number == 0) {
        ++c.invalid;
        AppendCsv(out, std::string_view(texts).substr(e.text_at, e.text_len));
        out->append(",invalid,");
        out->append(e.why);
        out->push_back('\n');
        continue;
      }
      const ListAnswer& a = answers[k++];
      char digits[24];
      digits[0] = '+';
      const auto end_digits = std::to_chars(digits + 1, digits + sizeof digits, e.number).ptr;
      out->append(digits, static_cast<std::size_t>(end_digits - digits));
      switch (a.kind) {
        case ListAnswer::Kind::kNotRegistered:
          ++c.callable;
          out->append(",callable,");
          break;
        case ListAnswer::Kind::kPending:
          ++c.callable;
          out->append(",callable,registered; protected from ");
          out->append(Date(a.protected_from, offset));
          break;
        case ListAnswer::Kind::kAccepts:
          ++c.callable;
          out->append(",callable,");
          AppendCsv(out, "registered; refuses " + a.preferences.Describe());
          break;
        case ListAnswer::Kind::kProtected: {
          ++c.protected_numbers;
          out->append(",protected,");
          std::string detail;
          auto it = std::lower_bound(since.begin(), since.end(),
                                     std::pair<uint64_t, TimePoint>{e.number, TimePoint::min()});
          if (it != since.end() && it->first == e.number)
            detail = "since " + Date(it->second, offset) + "; ";
          detail += "refuses " + a.preferences.Describe();
          AppendCsv(out, detail);
          break;
        }
        case ListAnswer::Kind::kExempt: {
          ++c.exempt;
          out->append(",exempt,");
          auto ex = registry.ExemptionFor(org_id, e.number, at);
          std::string detail = ex ? std::string(Name(ex->basis)) : "exemption";
          if (ex && ex->expires_at) detail += " until " + Date(*ex->expires_at, offset);
          if (ex && !ex->expires_at) detail += " until revoked";
          AppendCsv(out, detail);
          break;
        }
      }
      out->push_back('\n');
    }
  }
};

Scrubber::Scrubber(Registry& registry, const NumberPlan& plan, int64_t org_id, TimePoint at,
                   int threads)
    : impl_(std::make_unique<Impl>(registry, plan, org_id, at, threads)) {}
Scrubber::~Scrubber() = default;

Status Scrubber::Feed(std::string_view bytes, std::string* out) {
  Impl& m = *impl_;
  if (m.finished) return FailedPrecondition("the list was finished");
  // With threads to spare the list is hashed while it is read.
  std::future<void> hashing;
  if (m.threads > 1 && bytes.size() >= (std::size_t{1} << 18)) {
    hashing = std::async(std::launch::async, [&m, bytes] { m.list_hash.Update(bytes); });
  } else {
    m.list_hash.Update(bytes);
  }
  const auto wait = [&hashing] {
    if (hashing.valid()) hashing.get();
  };
  // Large chunks are read in slices so that a batch stays near kBatch rows.
  constexpr std::size_t kSlice = 64 * 1024;
  while (!bytes.empty()) {
    const std::size_t n = std::min(kSlice, bytes.size());
    m.reader.Feed(bytes.substr(0, n), m.on_row);
    bytes.remove_prefix(n);
    if (m.entries.size() >= kBatch) {
      if (Status s = m.Flush(out); !s.ok()) {
        wait();
        return s;
      }
    }
  }
  wait();
  return Status::Ok();
}

Status Scrubber::Finish(std::string* out) {
  Impl& m = *impl_;
  if (m.finished) return FailedPrecondition("the list was finished");
  m.reader.Finish(m.on_row);
  QUELL_RETURN_IF_ERROR(m.Flush(out));
  m.finished = true;
  return Status::Ok();
}

Result<ScrubReceipt> Scrubber::Record(std::string_view actor) {
  Impl& m = *impl_;
  if (!m.finished) return FailedPrecondition("finish the list before its receipt");
  ScrubReceipt r;
  r.id = "scrub_" + NewId();
  r.org_id = m.org_id;
  r.actor = std::string(actor);
  r.at = m.at;
  r.counts = m.counts;
  r.list_sha256 = m.list_hash.HexDigest();
  r.result_sha256 = m.result_hash.HexDigest();
  QUELL_RETURN_IF_ERROR(m.registry.StoreReceipt(r));
  return r;
}

const ScrubCounts& Scrubber::counts() const { return impl_->counts; }

}  // namespace quell::registry
