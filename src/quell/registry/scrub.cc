#include "quell/registry/scrub.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "quell/core/ids.h"
#include "quell/core/number_plan.h"
#include "quell/registry/list_reader.h"

namespace quell::registry {
namespace {

// Lines checked against the register at once: long enough that the register's
// containers are loaded once for many of the list's numbers (NumberSet::ContainsMany).
constexpr std::size_t kBatch = 1 << 20;

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

  Impl(Registry& r, const NumberPlan& p, int64_t org, TimePoint t)
      : registry(r), plan(p), org_id(org), at(t), categories(r.MarketingCategoriesOf(org)) {}

  void Row(const ListRow& row) {
    Entry e;
    std::string_view field = row.fields.empty() ? std::string_view() : row.fields[0];
    if (row.too_long) e.why = "line too long";
    e.text_at = static_cast<uint32_t>(texts.size());
    e.text_len = static_cast<uint32_t>(std::min<std::size_t>(field.size(), 64));
    texts.append(field.substr(0, e.text_len));
    if (e.why == nullptr) {
      if (field.empty()) {
        e.why = "empty";
      } else if ((e.number = plan.ToCompact(field)) == 0) {
        e.why = "not a phone number";
      } else if (!plan.Classify(e.number).valid) {
        e.why = "not valid in the numbering plan";
        e.number = 0;
      }
    }
    entries.push_back(e);
  }

  Status Flush(std::string* out) {
    if (!started) {
      started = true;
      const std::string_view header = "number,status,detail\n";
      out->append(header);
      result_hash.Update(header);
    }
    if (entries.empty()) return Status::Ok();
    numbers.clear();
    for (const Entry& e : entries) {
      if (e.number != 0) numbers.push_back(e.number);
    }
    answers.resize(numbers.size());
    registry.CheckList(org_id, categories, numbers, at, answers.data());
    // Since-dates of the protected numbers come from the store, in one pass.
    std::vector<uint64_t> wanted;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      if (answers[i].kind == ListAnswer::Kind::kProtected) wanted.push_back(numbers[i]);
    }
    std::vector<std::pair<uint64_t, TimePoint>> since;
    if (!wanted.empty()) {
      QUELL_ASSIGN_OR_RETURN(since, registry.ProtectedSince(wanted));
      std::sort(since.begin(), since.end());
    }
    const int offset = registry.options().utc_offset_minutes;
    const std::size_t mark = out->size();
    std::size_t k = 0;
    for (const Entry& e : entries) {
      ++counts.total;
      if (e.number == 0) {
        ++counts.invalid;
        AppendCsv(out, std::string_view(texts).substr(e.text_at, e.text_len));
        out->append(",invalid,");
        out->append(e.why);
        out->push_back('\n');
        continue;
      }
      const ListAnswer& a = answers[k++];
      char digits[24];
      digits[0] = '+';
      const auto end = std::to_chars(digits + 1, digits + sizeof digits, e.number).ptr;
      out->append(digits, static_cast<std::size_t>(end - digits));
      switch (a.kind) {
        case ListAnswer::Kind::kNotRegistered:
          ++counts.callable;
          out->append(",callable,");
          break;
        case ListAnswer::Kind::kPending:
          ++counts.callable;
          out->append(",callable,registered; protected from ");
          out->append(Date(a.protected_from, offset));
          break;
        case ListAnswer::Kind::kAccepts:
          ++counts.callable;
          out->append(",callable,");
          AppendCsv(out, "registered; refuses " + a.preferences.Describe());
          break;
        case ListAnswer::Kind::kProtected: {
          ++counts.protected_numbers;
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
          ++counts.exempt;
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
    result_hash.Update(std::string_view(*out).substr(mark));
    entries.clear();
    texts.clear();
    return Status::Ok();
  }
};

Scrubber::Scrubber(Registry& registry, const NumberPlan& plan, int64_t org_id, TimePoint at)
    : impl_(std::make_unique<Impl>(registry, plan, org_id, at)) {}
Scrubber::~Scrubber() = default;

Status Scrubber::Feed(std::string_view bytes, std::string* out) {
  Impl& m = *impl_;
  if (m.finished) return FailedPrecondition("the list was finished");
  m.list_hash.Update(bytes);
  // Large chunks are read in slices so that a batch stays near kBatch rows.
  constexpr std::size_t kSlice = 64 * 1024;
  while (!bytes.empty()) {
    const std::size_t n = std::min(kSlice, bytes.size());
    m.reader.Feed(bytes.substr(0, n), m.on_row);
    bytes.remove_prefix(n);
    if (m.entries.size() >= kBatch) QUELL_RETURN_IF_ERROR(m.Flush(out));
  }
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
