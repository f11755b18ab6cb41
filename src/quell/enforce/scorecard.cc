#include "quell/enforce/scorecard.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "quell/enforce/internal/traceback_internal.h"
#include "quell/enforce/sanctions.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using internal::CarrierDirectory;
using internal::Tally;

class ScorecardsImpl final : public Scorecards {
 public:
  ScorecardsImpl(store::Store& store, Clock& clock, const CarrierDirectory& directory,
                 Traceback& traceback, const TracebackOptions& options)
      : store_(store),
        clock_(clock),
        directory_(directory),
        traceback_(traceback),
        options_(options) {}

  Status Load() {
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query(
            "SELECT org_id, calls, attest_a, attest_b, attest_c FROM tb_scorecard_counts"));
    std::lock_guard lock(mu_);
    for (const auto& r : rows.rows) {
      stored_[r.Int(0)] = {static_cast<uint64_t>(r.Int(1)), static_cast<uint64_t>(r.Int(2)),
                           static_cast<uint64_t>(r.Int(3)), static_cast<uint64_t>(r.Int(4))};
    }
    return Status::Ok();
  }

  void Publish(const events::CallEvent& e) override {
    if (e.kind != events::EventKind::kAttempt) return;  // a CDR of a call already counted
    Tally* t = directory_.TallyForTrunk(e.trunk.view());
    if (t == nullptr) {
      unattributed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    t->calls.fetch_add(1, std::memory_order_relaxed);
    switch (e.attest) {
      case events::Attest::kA:
        t->attest_a.fetch_add(1, std::memory_order_relaxed);
        break;
      case events::Attest::kB:
        t->attest_b.fetch_add(1, std::memory_order_relaxed);
        break;
      case events::Attest::kC:
        t->attest_c.fetch_add(1, std::memory_order_relaxed);
        break;
      case events::Attest::kNone:
        break;
    }
  }

  Status AddCounts(int64_t org_id, const ScorecardCounts& c) override {
    std::lock_guard lock(mu_);
    QUELL_RETURN_IF_ERROR(Upsert(org_id, c));
    ScorecardCounts& s = stored_[org_id];
    s.calls += c.calls;
    s.attest_a += c.attest_a;
    s.attest_b += c.attest_b;
    s.attest_c += c.attest_c;
    return Status::Ok();
  }

  Status Flush() override {
    std::lock_guard lock(mu_);
    Status first;
    for (auto [org_id, t] : directory_.Tallies()) {
      ScorecardCounts d{t->calls.exchange(0), t->attest_a.exchange(0), t->attest_b.exchange(0),
                        t->attest_c.exchange(0)};
      if (d.calls == 0 && d.attest_a == 0 && d.attest_b == 0 && d.attest_c == 0) continue;
      Status s = Upsert(org_id, d);
      if (!s.ok()) {  // keep them for the next flush
        t->calls += d.calls;
        t->attest_a += d.attest_a;
        t->attest_b += d.attest_b;
        t->attest_c += d.attest_c;
        if (first.ok()) first = s;
        continue;
      }
      ScorecardCounts& st = stored_[org_id];
      st.calls += d.calls;
      st.attest_a += d.attest_a;
      st.attest_b += d.attest_b;
      st.attest_c += d.attest_c;
    }
    return first;
  }

  ScorecardCounts CountsOf(int64_t org_id) const override {
    ScorecardCounts c;
    {
      std::lock_guard lock(mu_);
      auto it = stored_.find(org_id);
      if (it != stored_.end()) c = it->second;
    }
    if (Tally* t = directory_.TallyOf(org_id)) {
      c.calls += t->calls.load();
      c.attest_a += t->attest_a.load();
      c.attest_b += t->attest_b.load();
      c.attest_c += t->attest_c.load();
    }
    return c;
  }

  uint64_t unattributed() const override { return unattributed_.load(); }

  Result<std::vector<Scorecard>> LeagueTable() override {
    QUELL_ASSIGN_OR_RETURN(auto figures, traceback_.ResponseTimes());
    std::map<int64_t, ResponseFigures> by_org;
    for (const auto& f : figures) by_org[f.org_id] = f;
    std::vector<Scorecard> cards;
    for (const Carrier& c : directory_.List()) {
      Scorecard s;
      s.org_id = c.org_id;
      s.name = c.name;
      s.country = c.country;
      s.auth = c.auth;
      const ScorecardCounts n = CountsOf(c.org_id);
      s.calls = n.calls;
      s.attest_a = n.attest_a;
      s.attest_b = n.attest_b;
      s.attest_c = n.attest_c;
      if (s.calls > 0) s.share_a = static_cast<double>(s.attest_a) / static_cast<double>(s.calls);
      if (options_.complaints_for_carrier) {
        s.complaints = options_.complaints_for_carrier(c.org_id);
        if (s.calls > 0) {
          s.complaints_per_million =
              static_cast<double>(*s.complaints) * 1e6 / static_cast<double>(s.calls);
        }
      }
      if (auto it = by_org.find(c.org_id); it != by_org.end()) s.traceback = it->second;
      s.traceback.org_id = c.org_id;
      if (s.traceback.requests > 0) {
        s.share_answered_in_time = static_cast<double>(s.traceback.answered_in_time) /
                                   static_cast<double>(s.traceback.requests);
      }
      if (options_.sanctions_for_carrier) s.sanctions = options_.sanctions_for_carrier(c.org_id);
      s.score = ScoreOf(s, options_.complaints_ceiling_per_million);
      cards.push_back(std::move(s));
    }
    const uint64_t min_calls = static_cast<uint64_t>(options_.scorecard_min_calls);
    std::sort(cards.begin(), cards.end(), [&](const Scorecard& a, const Scorecard& b) {
      const bool ra = a.calls >= min_calls;
      const bool rb = b.calls >= min_calls;
      if (ra != rb) return ra;
      if (ra) {
        if (a.score != b.score) return a.score > b.score;
        if (a.calls != b.calls) return a.calls > b.calls;
      }
      return a.name < b.name;
    });
    int rank = 0;
    for (Scorecard& s : cards) {
      if (s.calls >= min_calls) s.rank = ++rank;
    }
    return cards;
  }

 private:
  Status Upsert(int64_t org_id, const ScorecardCounts& d) {
    return store_
        .Exec(
            "INSERT INTO tb_scorecard_counts (org_id, calls, attest_a, attest_b, attest_c, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET "
            "calls = tb_scorecard_counts.calls + excluded.calls, attest_a = "
            "tb_scorecard_counts.attest_a + excluded.attest_a, attest_b = "
            "tb_scorecard_counts.attest_b + excluded.attest_b, attest_c = "
            "tb_scorecard_counts.attest_c + excluded.attest_c, updated_at = excluded.updated_at",
            {org_id, d.calls, d.attest_a, d.attest_b, d.attest_c, ToUnixMillis(clock_.Now())})
        .status();
  }

  store::Store& store_;
  Clock& clock_;
  const CarrierDirectory& directory_;
  Traceback& traceback_;
  const TracebackOptions& options_;
  mutable std::mutex mu_;  // stored_, and one flush at a time
  std::map<int64_t, ScorecardCounts> stored_;
  std::atomic<uint64_t> unattributed_{0};
};

}  // namespace

double ScoreOf(const Scorecard& card, double ceiling) {
  const double auth = card.share_a.value_or(0);
  double complaints = 1;
  if (card.complaints_per_million) {
    complaints = std::max(0.0, 1.0 - *card.complaints_per_million / ceiling);
  }
  const double traceback = card.share_answered_in_time.value_or(1);
  const double sanctions = card.sanctions == 0 ? 1 : 0;
  return 40 * auth + 25 * complaints + 25 * traceback + 10 * sanctions;
}

std::function<int64_t(int64_t)> CountSanctionsAgainst(Sanctions& sanctions) {
  return [&sanctions](int64_t org_id) -> int64_t {
    auto list = sanctions.List({.org_id = org_id, .limit = 1000});
    if (!list) return 0;
    int64_t n = 0;
    for (const Sanction& s : *list)
      if (!s.lifted_at) ++n;
    return n;
  };
}

namespace internal {

Result<std::unique_ptr<Scorecards>> MakeScorecards(store::Store& store, Clock& clock,
                                                   const CarrierDirectory& directory,
                                                   Traceback& traceback,
                                                   const TracebackOptions& options) {
  auto s = std::make_unique<ScorecardsImpl>(store, clock, directory, traceback, options);
  QUELL_RETURN_IF_ERROR(s->Load());
  return std::unique_ptr<Scorecards>(std::move(s));
}

}  // namespace internal
}  // namespace quell::enforce
