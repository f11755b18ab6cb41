#include "quell/reputation/reputation.h"

#include <spdlog/spdlog.h>

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

#include <openssl/sha.h>

#include "quell/core/metrics.h"
#include "quell/store/store.h"

namespace quell::reputation {
namespace {

constexpr std::string_view kSchemaModule = "reputation";

constexpr std::string_view kV1 = R"sql(
CREATE TABLE rep_marks (
  number INTEGER NOT NULL,
  app_org_id INTEGER NOT NULL,
  app_user TEXT NOT NULL,
  label TEXT NOT NULL,
  category TEXT NOT NULL,
  weight REAL NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (number, app_org_id, app_user)
);
CREATE INDEX rep_marks_by_user ON rep_marks (app_org_id, app_user, at_ms);
CREATE TABLE rep_users (
  app_org_id INTEGER NOT NULL,
  app_user TEXT NOT NULL,
  agree INTEGER NOT NULL,
  disagree INTEGER NOT NULL,
  PRIMARY KEY (app_org_id, app_user)
);
CREATE TABLE rep_evidence (
  source TEXT NOT NULL,
  ref TEXT NOT NULL,
  number INTEGER NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  strength REAL NOT NULL,
  at_ms INTEGER NOT NULL,
  detail TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (source, ref)
);
CREATE INDEX rep_evidence_by_number ON rep_evidence (number, at_ms);
CREATE TABLE rep_numbers (
  number INTEGER PRIMARY KEY,
  reassigned_at INTEGER NOT NULL
);
)sql";

constexpr std::string_view kV1Postgres = R"sql(
CREATE TABLE rep_marks (
  number BIGINT NOT NULL,
  app_org_id BIGINT NOT NULL,
  app_user TEXT NOT NULL,
  label TEXT NOT NULL,
  category TEXT NOT NULL,
  weight DOUBLE PRECISION NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (number, app_org_id, app_user)
);
CREATE INDEX rep_marks_by_user ON rep_marks (app_org_id, app_user, at_ms);
CREATE TABLE rep_users (
  app_org_id BIGINT NOT NULL,
  app_user TEXT NOT NULL,
  agree BIGINT NOT NULL,
  disagree BIGINT NOT NULL,
  PRIMARY KEY (app_org_id, app_user)
);
CREATE TABLE rep_evidence (
  source TEXT NOT NULL,
  ref TEXT NOT NULL,
  number BIGINT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  strength DOUBLE PRECISION NOT NULL,
  at_ms BIGINT NOT NULL,
  detail TEXT NOT NULL,
  recorded_at BIGINT NOT NULL,
  PRIMARY KEY (source, ref)
);
CREATE INDEX rep_evidence_by_number ON rep_evidence (number, at_ms);
CREATE TABLE rep_numbers (
  number BIGINT PRIMARY KEY,
  reassigned_at BIGINT NOT NULL
);
)sql";

constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "reputation: marks, app users, evidence, reassignments", kV1, kV1Postgres},
}};

constexpr double kZ = 1.96;
constexpr std::size_t kBatch = 512;
constexpr int64_t kDayMs = 86'400'000;

std::string CategoryText(const std::optional<Category>& c) {
  return c ? std::string(Name(*c)) : std::string();
}

// One row per source and ref: an update keeps the stronger strength and the
// later time, and takes the newer detail.
Status StoreEvidence(store::Transaction& tx, const std::vector<events::Evidence>& batch,
                     int64_t now_ms) {
  for (const events::Evidence& e : batch) {
    QUELL_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO rep_evidence (source, ref, number, kind, category, strength, "
                "at_ms, detail, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON "
                "CONFLICT (source, ref) DO UPDATE SET strength = CASE WHEN excluded.strength "
                "> rep_evidence.strength THEN excluded.strength ELSE rep_evidence.strength "
                "END, at_ms = CASE WHEN excluded.at_ms > rep_evidence.at_ms THEN "
                "excluded.at_ms ELSE rep_evidence.at_ms END, detail = excluded.detail",
                {std::string(events::Name(e.source)), e.ref, e.number, std::string(Name(e.kind)),
                 CategoryText(e.category), std::max(0.0, e.strength), e.time_us / 1000,
                 e.detail.substr(0, 500), now_ms})
            .status());
  }
  return Status::Ok();
}

double SourceWeight(const Weights& w, events::EvidenceSource s) {
  switch (s) {
    case events::EvidenceSource::kFinding:
      return w.finding;
    case events::EvidenceSource::kDncViolation:
      return w.dnc_violation;
    case events::EvidenceSource::kShakenFailure:
      return w.shaken_failure;
    case events::EvidenceSource::kSanction:
      return w.sanction;
    case events::EvidenceSource::kReport:
      return w.report;
  }
  return 0;
}

// A number's evidence as read from the store.
struct Loaded {
  std::vector<ScoredItem> items;
  int marks = 0;
  int reports = 0;
  int machine = 0;
  int64_t latest_s = 0;
};

std::array<uint8_t, 32> Sha256Of(uint64_t number) {
  const std::string e164 = "+" + std::to_string(number);
  std::array<uint8_t, 32> d;
  SHA256(reinterpret_cast<const unsigned char*>(e164.data()), e164.size(), d.data());
  return d;
}

std::string Hex(const std::array<uint8_t, 32>& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHex[d[i] >> 4];
    out[2 * i + 1] = kHex[d[i] & 15];
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string NumberHash(uint64_t number) { return Hex(Sha256Of(number)); }

double WilsonLower(double k, double n) {
  if (n <= 0) return 0;
  const double p = std::clamp(k / n, 0.0, 1.0);
  const double z2 = kZ * kZ;
  const double centre = p + z2 / (2 * n);
  const double spread = kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return std::max(0.0, (centre - spread) / (1 + z2 / n));
}

Score ComputeScore(const std::vector<ScoredItem>& items, int64_t now_s,
                   const ReputationOptions& options) {
  Score out;
  std::array<double, kLabelCount> by_label{};
  std::array<double, 16> by_category{};
  const double half_life_s = std::max(1.0, options.half_life_days * 86400.0);
  for (const ScoredItem& it : items) {
    const double age = static_cast<double>(std::max<int64_t>(0, now_s - it.at_s));
    const double w = it.weight * std::exp2(-age / half_life_s);
    if (w <= 0) continue;
    if (it.legit) {
      out.legit += w;
    } else {
      out.spam += w;
      if (it.category && it.label == Label::kMarketing) {
        by_category[static_cast<int>(*it.category)] += w;
      }
    }
    by_label[static_cast<int>(it.label)] += w;
  }
  const double n = out.spam + out.legit;
  const double spam_bound = WilsonLower(out.spam, n);
  const double legit_bound = WilsonLower(out.legit, n);
  out.score = static_cast<int>(std::lround(100 * spam_bound));
  out.confidence = static_cast<int>(std::lround(100 * std::max(spam_bound, legit_bound)));
  auto heaviest = [&](Label from, Label to) {
    Label best = Label::kNone;
    double best_w = 0;
    for (int l = static_cast<int>(from); l <= static_cast<int>(to); ++l) {
      if (by_label[l] > best_w) {
        best_w = by_label[l];
        best = static_cast<Label>(l);
      }
    }
    return best;
  };
  const double threshold = options.label_score / 100.0;
  if (spam_bound >= threshold) {
    out.label = heaviest(Label::kMarketing, Label::kSpoofing);
    if (out.label == Label::kMarketing) {
      const auto it = std::max_element(by_category.begin(), by_category.end());
      if (*it > 0) out.category = static_cast<Category>(it - by_category.begin());
    }
  } else if (legit_bound >= threshold) {
    out.label = heaviest(Label::kDelivery, Label::kCustomerService);
  }
  return out;
}

namespace {

class ReputationImpl final : public Reputation {
 public:
  ReputationImpl(store::Store& store, Clock& clock, ReputationOptions options)
      : store_(store),
        clock_(clock),
        options_(options),
        table_(options.ranges),
        evidence_total_(metrics::GetCounter("quell_reputation_evidence_total",
                                            "Evidence records received from other domains")),
        dropped_(metrics::GetCounter("quell_reputation_evidence_dropped_total",
                                     "Evidence records dropped because the writer fell behind")),
        marks_total_(metrics::GetCounter("quell_reputation_marks_total", "App marks accepted")) {}

  ~ReputationImpl() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  void Start() {
    writer_ = std::thread([this] { Run(); });
  }

  void Publish(const events::Evidence& evidence) override {
    if (evidence.number == 0) return;
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= kQueueCapacity) {
        dropped_.Inc();
        ++dropped_n_;
        return;
      }
      queue_.push_back(evidence);
    }
    evidence_total_.Inc();
    ++evidence_n_;
    wake_.notify_one();
  }

  Status Flush() override {
    std::unique_lock lock(mu_);
    const uint64_t target = taken_total_ + queue_.size();
    done_.wait(lock, [&] { return applied_total_ >= target || stopping_; });
    return last_error_;
  }

  Result<MarkResult> AddMark(const Mark& mark) override {
    if (mark.number == 0) return InvalidArgument("number: not a phone number");
    if (mark.user.empty() || mark.user.size() > 128) {
      return InvalidArgument("user: the app's user id must be 1..128 bytes");
    }
    const ReputationOptions options = Options();
    const int64_t at = ToUnixMillis(mark.at);
    const bool legit = !IsSpam(mark.label);
    const std::optional<Standing> before = table_.Get(mark.number);

    MarkResult result;
    {
      std::lock_guard write(write_mu_);  // one mark at a time: the checks below hold
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(auto today,
                             tx->Query("SELECT COUNT(*) FROM rep_marks WHERE app_org_id = $1 AND "
                                       "app_user = $2 AND at_ms > $3",
                                       {mark.app_org_id, mark.user, at - kDayMs}));
      if (today.rows[0].Int(0) >= options.marks_per_user_per_day) {
        return ResourceExhausted("user " + mark.user + " has made " +
                                 std::to_string(options.marks_per_user_per_day) +
                                 " marks in the last 24 hours: try again later");
      }
      QUELL_ASSIGN_OR_RETURN(
          auto previous, tx->Query("SELECT 1 FROM rep_marks WHERE number = $1 AND app_org_id = $2 "
                                   "AND app_user = $3",
                                   {mark.number, mark.app_org_id, mark.user}));
      result.replaced = !previous.empty();
      QUELL_ASSIGN_OR_RETURN(auto user,
                             tx->Query("SELECT agree, disagree FROM rep_users WHERE app_org_id = "
                                       "$1 AND app_user = $2",
                                       {mark.app_org_id, mark.user}));
      int64_t agree = user.empty() ? 0 : user.rows[0].Int(0);
      int64_t disagree = user.empty() ? 0 : user.rows[0].Int(1);
      result.weight = UserWeight(agree, disagree, options);
      // A first mark on a number with a clear consensus teaches us about the user.
      if (!result.replaced && before) {
        const bool spam_consensus = before->score >= options.label_score;
        const bool legit_consensus = !spam_consensus && before->confidence >= options.label_score;
        if (spam_consensus || legit_consensus) {
          (spam_consensus == !legit ? agree : disagree) += 1;
          QUELL_RETURN_IF_ERROR(
              tx->Exec("INSERT INTO rep_users (app_org_id, app_user, agree, disagree) VALUES ($1, "
                       "$2, $3, $4) ON CONFLICT (app_org_id, app_user) DO UPDATE SET agree = "
                       "excluded.agree, disagree = excluded.disagree",
                       {mark.app_org_id, mark.user, agree, disagree})
                  .status());
        }
      }
      QUELL_RETURN_IF_ERROR(
          tx->Exec("INSERT INTO rep_marks (number, app_org_id, app_user, label, category, weight, "
                   "at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (number, app_org_id, "
                   "app_user) DO UPDATE SET label = excluded.label, category = excluded.category, "
                   "weight = excluded.weight, at_ms = excluded.at_ms",
                   {mark.number, mark.app_org_id, mark.user,
                    std::string(mark.label == Label::kNone ? "not_spam" : Name(mark.label)),
                    CategoryText(mark.category), result.weight, at})
              .status());
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    marks_total_.Inc();
    ++marks_n_;
    QUELL_ASSIGN_OR_RETURN(auto standing, Rescore(mark.number));
    result.standing = standing.value_or(Standing{.number = mark.number});
    return result;
  }

  Lookup Find(uint64_t number) const override {
    return {.own = table_.Get(number), .range = table_.Range(number)};
  }

  Result<std::vector<HashMatch>> ByHashPrefix(std::string_view hex) const override {
    if (hex.size() < 4 || hex.size() > 5) {
      return InvalidArgument("the hash prefix must be 4 or 5 hex digits");
    }
    uint32_t bits = 0;
    for (char c : hex) {
      const int d = HexDigit(c);
      if (d < 0) return InvalidArgument("the hash prefix must be 4 or 5 hex digits");
      bits = bits << 4 | static_cast<uint32_t>(d);
    }
    const uint32_t bucket = hex.size() == 4 ? bits : bits >> 4;
    std::vector<uint64_t> numbers;
    {
      std::lock_guard lock(index_mu_);
      numbers = buckets_[bucket];
    }
    std::vector<HashMatch> out;
    for (uint64_t n : numbers) {
      const auto d = Sha256Of(n);
      if (hex.size() == 5 && (d[2] >> 4) != (bits & 15)) continue;
      auto st = table_.Get(n);
      if (!st || st->label == Label::kNone) continue;
      out.push_back({Hex(d), *st});
    }
    return out;
  }

  Result<std::vector<EvidenceItem>> EvidenceOf(uint64_t number, int limit) override {
    if (limit < 1 || limit > 1000) return InvalidArgument("limit must be 1..1000");
    const ReputationOptions options = Options();
    const int64_t now_s = ToUnixMillis(clock_.Now()) / 1000;
    QUELL_ASSIGN_OR_RETURN(int64_t since, ReassignedAt(number));
    std::vector<EvidenceItem> out;
    QUELL_ASSIGN_OR_RETURN(
        auto marks, store_.Query("SELECT label, category, weight, at_ms, app_org_id FROM rep_marks "
                                 "WHERE number = $1 AND at_ms > $2 ORDER BY at_ms DESC LIMIT $3",
                                 {number, since, limit}));
    for (const auto& row : marks.rows) {
      const ScoredItem s = MarkItem(row.Text(0), row.Text(1), row.Double(2), row.Int(3), options);
      out.push_back(
          {.source = "mark",
           .label = s.label,
           .category = s.category,
           .legit = s.legit,
           .weight = Decayed(s, now_s, options),
           .at = FromUnixMillis(row.Int(3)),
           .ref = "app:" + std::to_string(row.Int(4)),
           .detail = s.legit ? "marked as not spam by an app user" : "marked by an app user"});
    }
    QUELL_ASSIGN_OR_RETURN(
        auto ev, store_.Query("SELECT source, ref, kind, category, strength, at_ms, detail FROM "
                              "rep_evidence WHERE number = $1 AND at_ms > $2 ORDER BY at_ms DESC "
                              "LIMIT $3",
                              {number, since, limit}));
    for (const auto& row : ev.rows) {
      auto item = EvidenceRowItem(row.Text(0), row.Text(2), row.Text(3), row.Double(4), row.Int(5),
                                  options);
      if (!item) continue;
      out.push_back({.source = row.Text(0),
                     .label = item->label,
                     .category = item->category,
                     .legit = false,
                     .weight = Decayed(*item, now_s, options),
                     .at = FromUnixMillis(row.Int(5)),
                     .ref = row.Text(1),
                     .detail = row.Text(6)});
    }
    std::sort(out.begin(), out.end(),
              [](const EvidenceItem& a, const EvidenceItem& b) { return a.at > b.at; });
    if (out.size() > static_cast<std::size_t>(limit)) out.resize(limit);
    return out;
  }

  Result<std::optional<Standing>> Reassign(uint64_t number, TimePoint at) override {
    if (number == 0) return InvalidArgument("number: not a phone number");
    QUELL_RETURN_IF_ERROR(
        store_
            .Query("INSERT INTO rep_numbers (number, reassigned_at) VALUES ($1, $2) ON CONFLICT "
                   "(number) DO UPDATE SET reassigned_at = CASE WHEN excluded.reassigned_at > "
                   "rep_numbers.reassigned_at THEN excluded.reassigned_at ELSE "
                   "rep_numbers.reassigned_at END RETURNING reassigned_at",
                   {number, ToUnixMillis(at)})
            .status());
    return Rescore(number);
  }

  Result<int64_t> RescoreAll() override {
    // Pages of numbers: [lo, hi] where hi is the number about kPage rows on in
    // either table, so no page holds more than about 2 × kPage rows.
    constexpr int64_t kPage = 20000;
    // (A number leaves the table only through Rescore, when nothing of it
    // counts any more: Reassign does that at once.)
    int64_t lo = 0, done = 0;
    for (;;) {
      int64_t hi = std::numeric_limits<int64_t>::max();
      for (std::string_view t : {"rep_marks", "rep_evidence"}) {
        QUELL_ASSIGN_OR_RETURN(auto r, store_.Query("SELECT number FROM " + std::string(t) +
                                                        " WHERE number > $1 ORDER BY number "
                                                        "LIMIT 1 OFFSET $2",
                                                    {lo, kPage}));
        if (!r.empty()) hi = std::min(hi, r.rows[0].Int(0));
      }
      QUELL_ASSIGN_OR_RETURN(auto numbers, LoadRange(lo, hi));
      const int64_t now_s = ToUnixMillis(clock_.Now()) / 1000;
      const ReputationOptions options = Options();
      for (auto& [number, loaded] : numbers) {
        PutStanding(StandingOf(number, loaded, now_s, options));
        ++done;
      }
      if (hi == std::numeric_limits<int64_t>::max()) break;
      lo = hi;
    }
    return done;
  }

  const ReputationTable& table() const override { return table_; }

  void Reconfigure(const ReputationOptions& options) override {
    table_.SetRules(options.ranges);
    std::lock_guard lock(options_mu_);
    options_ = options;
  }

  ReputationStats stats() const override {
    ReputationStats s;
    s.numbers = table_.size();
    s.memory_bytes = table_.MemoryBytes();
    s.evidence = evidence_n_.load();
    s.evidence_dropped = dropped_n_.load();
    s.marks = marks_n_.load();
    return s;
  }

 private:
  static constexpr std::size_t kQueueCapacity = 65536;

  ReputationOptions Options() const {
    std::lock_guard lock(options_mu_);
    return options_;
  }

  static double UserWeight(int64_t agree, int64_t disagree, const ReputationOptions& o) {
    const double r = static_cast<double>(agree + 1) / static_cast<double>(agree + disagree + 2);
    return std::clamp(2 * r, o.min_user_weight, 1.0);
  }

  static double Decayed(const ScoredItem& s, int64_t now_s, const ReputationOptions& o) {
    const double age = static_cast<double>(std::max<int64_t>(0, now_s - s.at_s));
    return s.weight * std::exp2(-age / std::max(1.0, o.half_life_days * 86400.0));
  }

  static ScoredItem MarkItem(const std::string& label, const std::string& category, double weight,
                             int64_t at_ms, const ReputationOptions& o) {
    ScoredItem s;
    s.label = ParseLabel(label).value_or(Label::kNone);  // "not_spam" -> kNone
    s.category = ParseCategory(category);
    s.legit = !IsSpam(s.label);
    s.weight = weight * o.weights.mark * (s.legit ? o.legit_weight : 1.0);
    s.at_s = at_ms / 1000;
    return s;
  }

  static std::optional<ScoredItem> EvidenceRowItem(const std::string& source,
                                                   const std::string& kind,
                                                   const std::string& category, double strength,
                                                   int64_t at_ms, const ReputationOptions& o) {
    auto src = events::ParseEvidenceSource(source);
    auto k = ParseNuisanceKind(kind);
    if (!src || !k) return std::nullopt;
    ScoredItem s;
    s.label = LabelOf(*k);
    s.category = ParseCategory(category);
    s.weight = SourceWeight(o.weights, *src) * std::max(0.0, strength);
    s.at_s = at_ms / 1000;
    return s;
  }

  Result<int64_t> ReassignedAt(uint64_t number) {
    QUELL_ASSIGN_OR_RETURN(
        auto r, store_.Query("SELECT reassigned_at FROM rep_numbers WHERE number = $1", {number}));
    return r.empty() ? int64_t{0} : r.rows[0].Int(0);
  }

  // Every number with marks or evidence in (lo, hi], with what counts.
  Result<absl::flat_hash_map<uint64_t, Loaded>> LoadRange(int64_t lo, int64_t hi) {
    const ReputationOptions options = Options();
    absl::flat_hash_map<uint64_t, Loaded> out;
    absl::flat_hash_map<uint64_t, int64_t> since;
    QUELL_ASSIGN_OR_RETURN(auto re, store_.Query("SELECT number, reassigned_at FROM rep_numbers "
                                                 "WHERE number > $1 AND number <= $2",
                                                 {lo, hi}));
    for (const auto& row : re.rows) since[static_cast<uint64_t>(row.Int(0))] = row.Int(1);
    auto counts = [&](uint64_t number, int64_t at_ms) {
      auto it = since.find(number);
      return it == since.end() || at_ms > it->second;
    };
    QUELL_ASSIGN_OR_RETURN(auto marks,
                           store_.Query("SELECT number, label, category, weight, at_ms FROM "
                                        "rep_marks WHERE number > $1 AND number <= $2",
                                        {lo, hi}));
    for (const auto& row : marks.rows) {
      const auto number = static_cast<uint64_t>(row.Int(0));
      if (!counts(number, row.Int(4))) continue;
      Loaded& l = out[number];
      l.items.push_back(MarkItem(row.Text(1), row.Text(2), row.Double(3), row.Int(4), options));
      ++l.marks;
      l.latest_s = std::max(l.latest_s, row.Int(4) / 1000);
    }
    QUELL_ASSIGN_OR_RETURN(auto ev, store_.Query("SELECT number, source, kind, category, "
                                                 "strength, at_ms FROM rep_evidence WHERE "
                                                 "number > $1 AND number <= $2",
                                                 {lo, hi}));
    for (const auto& row : ev.rows) {
      const auto number = static_cast<uint64_t>(row.Int(0));
      if (!counts(number, row.Int(5))) continue;
      auto item = EvidenceRowItem(row.Text(1), row.Text(2), row.Text(3), row.Double(4), row.Int(5),
                                  options);
      if (!item) continue;
      Loaded& l = out[number];
      l.items.push_back(*item);
      ++(row.Text(1) == events::Name(events::EvidenceSource::kReport) ? l.reports : l.machine);
      l.latest_s = std::max(l.latest_s, row.Int(5) / 1000);
    }
    return out;
  }

  static Standing StandingOf(uint64_t number, const Loaded& l, int64_t now_s,
                             const ReputationOptions& options) {
    const Score sc = ComputeScore(l.items, now_s, options);
    Standing s;
    s.number = number;
    s.label = sc.label;
    s.category = sc.category;
    s.score = sc.score;
    s.confidence = sc.confidence;
    s.marks = l.marks;
    s.reports = l.reports;
    s.machine = l.machine;
    s.updated_s = l.latest_s;
    return s;
  }

  // Puts a standing in the table (an empty one erases) and keeps the hash
  // index of labelled numbers in step.
  void PutStanding(const Standing& s) {
    const auto before = table_.Get(s.number);
    const bool was = before && before->label != Label::kNone;
    table_.Put(s);
    const bool is = s.label != Label::kNone;
    if (was == is) return;
    const auto d = Sha256Of(s.number);
    std::vector<uint64_t>& b = buckets_[uint32_t{d[0]} << 8 | d[1]];
    std::lock_guard lock(index_mu_);
    if (is) {
      b.push_back(s.number);
    } else {
      b.erase(std::remove(b.begin(), b.end(), s.number), b.end());
    }
  }

  // Recomputes one number from the store and puts it in the table.
  Result<std::optional<Standing>> Rescore(uint64_t number) {
    const auto n = static_cast<int64_t>(number);
    QUELL_ASSIGN_OR_RETURN(auto loaded, LoadRange(n - 1, n));
    auto it = loaded.find(number);
    if (it == loaded.end()) {
      PutStanding(Standing{.number = number});
      return std::optional<Standing>();
    }
    PutStanding(StandingOf(number, it->second, ToUnixMillis(clock_.Now()) / 1000, Options()));
    return std::optional<Standing>(table_.Get(number));
  }

  void Run() {
    std::vector<events::Evidence> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && batch.size() < kBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        taken_total_ += batch.size();
      }
      Status s = Apply(batch);
      if (!s.ok()) spdlog::error("reputation: evidence not applied: {}", s.message());
      {
        std::lock_guard lock(mu_);
        applied_total_ += batch.size();
        last_error_ = s;
      }
      done_.notify_all();
      batch.clear();
    }
  }

  Status Apply(const std::vector<events::Evidence>& batch) {
    std::vector<uint64_t> numbers;
    {
      std::lock_guard write(write_mu_);
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      const int64_t now = ToUnixMillis(clock_.Now());
      QUELL_RETURN_IF_ERROR(StoreEvidence(*tx, batch, now));
      for (const events::Evidence& e : batch) numbers.push_back(e.number);
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    for (uint64_t n : numbers) QUELL_RETURN_IF_ERROR(Rescore(n).status());
    return Status::Ok();
  }

  store::Store& store_;
  Clock& clock_;
  mutable std::mutex options_mu_;
  ReputationOptions options_;
  ReputationTable table_;
  mutable std::mutex index_mu_;
  std::vector<std::vector<uint64_t>> buckets_ = std::vector<std::vector<uint64_t>>(65536);
  metrics::Counter evidence_total_, dropped_, marks_total_;
  std::atomic<int64_t> evidence_n_{0}, dropped_n_{0}, marks_n_{0};
  std::mutex write_mu_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::deque<events::Evidence> queue_;
  bool stopping_ = false;
  uint64_t taken_total_ = 0, applied_total_ = 0;
  Status last_error_;
  std::thread writer_;
};

// The recorder of offline tools: evidence rows only, in batches. A finding is
// published again each time it grows (a campaign's finding hundreds of times in
// a day's file), always under one (source, ref); the recorder merges them in
// memory as StoreEvidence's upsert would (strength and time the highest, the
// latest detail), so a row is written once per batch instead of once per update.
class EvidenceRecorderImpl final : public EvidenceRecorder {
 public:
  EvidenceRecorderImpl(store::Store& store, Clock& clock) : store_(store), clock_(clock) {}
  ~EvidenceRecorderImpl() override { (void)Flush(); }

  void Publish(const events::Evidence& evidence) override {
    std::lock_guard lock(mu_);
    auto [it, added] = index_.try_emplace(Key(evidence), pending_.size());
    if (added) {
      pending_.push_back(evidence);
    } else {
      events::Evidence& merged = pending_[it->second];
      const double strength = std::max(merged.strength, evidence.strength);
      const int64_t time_us = std::max(merged.time_us, evidence.time_us);
      merged = evidence;
      merged.strength = strength;
      merged.time_us = time_us;
    }
    if (pending_.size() >= kRecorderBatch) WriteLocked();
  }

  Status Flush() override {
    std::lock_guard lock(mu_);
    WriteLocked();
    return last_error_;
  }

  int64_t written() const override {
    std::lock_guard lock(mu_);
    return written_;
  }

 private:
  void WriteLocked() {
    if (pending_.empty()) return;
    Status s = [&]() -> Status {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_RETURN_IF_ERROR(StoreEvidence(*tx, pending_, ToUnixMillis(clock_.Now())));
      return tx->Commit();
    }();
    if (s.ok()) {
      written_ += static_cast<int64_t>(pending_.size());
    } else {
      if (last_error_.ok()) last_error_ = s;
    }
    pending_.clear();
    index_.clear();
  }

  static std::string Key(const events::Evidence& e) {
    return std::string(events::Name(e.source)) + '\n' + e.ref;
  }

  // Distinct rows held before a write (one transaction).
  static constexpr std::size_t kRecorderBatch = 8192;

  store::Store& store_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::vector<events::Evidence> pending_;
  absl::flat_hash_map<std::string, std::size_t> index_;  // Key -> position in pending_
  int64_t written_ = 0;
  Status last_error_;
};

}  // namespace

Result<std::unique_ptr<EvidenceRecorder>> EvidenceRecorder::Open(store::Store& store,
                                                                 Clock& clock) {
  QUELL_RETURN_IF_ERROR(store.Migrate(kSchemaModule, kMigrations));
  return std::unique_ptr<EvidenceRecorder>(std::make_unique<EvidenceRecorderImpl>(store, clock));
}

Result<std::unique_ptr<Reputation>> Reputation::Open(store::Store& store, Clock& clock,
                                                     ReputationOptions options) {
  QUELL_RETURN_IF_ERROR(store.Migrate(kSchemaModule, kMigrations));
  auto impl = std::make_unique<ReputationImpl>(store, clock, options);
  QUELL_ASSIGN_OR_RETURN(int64_t loaded, impl->RescoreAll());
  if (loaded > 0) spdlog::info("reputation: {} numbers loaded", loaded);
  impl->Start();
  return std::unique_ptr<Reputation>(std::move(impl));
}

}  // namespace quell::reputation
