#include "quell/registry/violations.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "quell/core/metrics.h"
#include "quell/events/evidence.h"
#include "quell/registry/registry.h"
#include "quell/store/store.h"

namespace quell::registry {
namespace {

constexpr std::size_t kBatch = 512;

struct Pending {
  events::CallEvent event;
  int64_t org_id;
  Category category;
};

class RecorderImpl final : public ViolationRecorder {
 public:
  RecorderImpl(Registry& registry, store::Store& store, Clock& clock, std::size_t capacity,
               events::EvidenceSink* evidence)
      : registry_(registry),
        store_(store),
        clock_(clock),
        capacity_(capacity),
        evidence_(evidence),
        recorded_(metrics::GetCounter("quell_dnc_violations_total",
                                      "Marketing calls to protected numbers recorded")),
        dropped_(metrics::GetCounter("quell_dnc_violations_dropped_total",
                                     "Violations dropped because the writer fell behind")) {
    writer_ = std::thread([this] { Run(); });
  }

  ~RecorderImpl() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
  }

  void Publish(const events::CallEvent& e) override {
    if (e.caller == 0 || e.callee == 0) return;
    const TimePoint at{std::chrono::microseconds(e.time_us)};
    const CallCheck check = registry_.CheckCall(e.caller, e.callee, at);
    if (!check.protected_callee) return;
    {
      std::lock_guard lock(mu_);
      if (queue_.size() >= capacity_) {
        dropped_.Inc();
        return;
      }
      queue_.push_back({e, check.caller.org_id, check.caller.primary_category()});
    }
    wake_.notify_one();
  }

  Status Flush() override {
    std::unique_lock lock(mu_);
    const uint64_t target = enqueued_total_ + queue_.size();
    done_.wait(lock, [&] { return written_total_ >= target || stopping_; });
    return last_error_;
  }

  Result<std::vector<Violation>> List(int64_t org_id, int limit, int64_t before_id) override {
    if (limit < 1 || limit > 1000) return InvalidArgument("limit must be 1..1000");
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query("SELECT id, org_id, caller, callee, at, category, seen, blocked, answered, "
                     "talk_ms, call_id, trunk, recorded_at FROM dnc_violations WHERE ($1 = 0 OR "
                     "org_id = $1) AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3",
                     {org_id, before_id, limit}));
    std::vector<Violation> out;
    for (const auto& row : rows.rows) {
      Violation v;
      v.id = row.Int(0);
      v.org_id = row.Int(1);
      QUELL_ASSIGN_OR_RETURN(v.caller, PhoneNumber::FromCompact(static_cast<uint64_t>(row.Int(2))));
      QUELL_ASSIGN_OR_RETURN(v.callee, PhoneNumber::FromCompact(static_cast<uint64_t>(row.Int(3))));
      v.at = FromUnixMillis(row.Int(4));
      v.category = ParseCategory(row.Text(5)).value_or(Category::kOther);
      v.seen = row.Text(6);
      v.blocked = row.Int(7) != 0;
      v.answered = row.Int(8) != 0;
      v.talk_ms = row.Int(9);
      v.call_id = row.Text(10);
      v.trunk = row.Text(11);
      v.recorded_at = FromUnixMillis(row.Int(12));
      out.push_back(std::move(v));
    }
    return out;
  }

 private:
  void Run() {
    std::vector<Pending> batch;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() && batch.size() < kBatch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
        enqueued_total_ += batch.size();
      }
      Status s = Write(batch);
      if (!s.ok()) spdlog::error("dnc: violations not recorded: {}", s.message());
      {
        std::lock_guard lock(mu_);
        written_total_ += batch.size();
        last_error_ = s;
      }
      done_.notify_all();
      batch.clear();
    }
  }

  Status Write(const std::vector<Pending>& batch) {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    const int64_t now = ToUnixMillis(clock_.Now());
    std::vector<int64_t> ids;
    ids.reserve(batch.size());
    for (const Pending& p : batch) {
      const events::CallEvent& e = p.event;
      const bool completed = e.kind == events::EventKind::kCompleted;
      const std::string call_id(e.call_id.view());
      const store::Params params = {p.org_id,
                                    e.caller,
                                    e.callee,
                                    e.time_us / 1000,
                                    Name(p.category),
                                    completed ? "completed" : "attempt",
                                    !completed && e.release_cause == 21,
                                    e.answered,
                                    static_cast<int64_t>(e.talk_ms),
                                    call_id,
                                    std::string(e.trunk.view()),
                                    now};
      Result<store::QueryResult> row;
      if (call_id.empty()) {
        row = tx->Query(std::string(kInsert) + " RETURNING id", params);
      } else {
        // One call, one record: a CDR completes its attempt's record.
        row = tx->Query(
            std::string(kInsert) +
                " ON CONFLICT (org_id, call_id) WHERE call_id <> '' DO UPDATE SET "
                "seen = CASE WHEN excluded.seen = 'completed' THEN 'completed' ELSE "
                "dnc_violations.seen END, answered = CASE WHEN excluded.answered = 1 THEN 1 "
                "ELSE dnc_violations.answered END, talk_ms = CASE WHEN excluded.talk_ms > "
                "dnc_violations.talk_ms THEN excluded.talk_ms ELSE "
                "dnc_violations.talk_ms END RETURNING id",
            params);
      }
      QUELL_RETURN_IF_ERROR(row.status());
      ids.push_back(row->empty() ? 0 : row->rows[0].Int(0));
      recorded_.Inc();
    }
    QUELL_RETURN_IF_ERROR(tx->Commit());
    if (evidence_ != nullptr) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        const events::CallEvent& e = batch[i].event;
        events::Evidence ev;
        ev.number = e.caller;
        ev.source = events::EvidenceSource::kDncViolation;
        ev.kind = NuisanceKind::kMarketing;
        ev.category = batch[i].category;
        ev.time_us = e.time_us;
        ev.ref = std::to_string(ids[i]);
        ev.detail = std::string(Name(batch[i].category)) +
                    " marketing call to a number on the "
                    "Do-Not-Call register";
        evidence_->Publish(ev);
      }
    }
    return Status::Ok();
  }

  static constexpr const char* kInsert =
      "INSERT INTO dnc_violations (org_id, caller, callee, at, category, seen, blocked, answered, "
      "talk_ms, call_id, trunk, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11, $12)";

  Registry& registry_;
  store::Store& store_;
  Clock& clock_;
  const std::size_t capacity_;
  events::EvidenceSink* const evidence_;
  metrics::Counter recorded_;
  metrics::Counter dropped_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t enqueued_total_ = 0, written_total_ = 0;
  Status last_error_;
  std::thread writer_;
};

}  // namespace

Result<std::unique_ptr<ViolationRecorder>> ViolationRecorder::Start(
    Registry& registry, store::Store& store, Clock& clock, std::size_t queue_capacity,
    events::EvidenceSink* evidence) {
  QUELL_ASSIGN_OR_RETURN(int version, store.SchemaVersion(kSchemaModule));
  if (version < 4) return FailedPrecondition("open the Registry first: it migrates the schema");
  return std::unique_ptr<ViolationRecorder>(
      std::make_unique<RecorderImpl>(registry, store, clock, queue_capacity, evidence));
}

}  // namespace quell::registry
