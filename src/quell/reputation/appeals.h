// Appeals: the fair way out for a number wrongly labelled. Whoever holds the
// number — proven by a one-time code sent to it (the API checks the proof
// before filing) — appeals its label with a reason; an analyst reviews it with
// the evidence in view and decides: the label is upheld, or the number is
// cleared (everything said about it before the decision stops counting, as
// after a reassignment). Every appeal keeps the number's standing when it was
// filed and the decision with who made it, when and why (docs/reputation.md
// "Appeals").
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/reputation/table.h"

namespace quell::store {
class Store;
}

namespace quell::reputation {

class Reputation;

enum class AppealState : uint8_t { kOpen, kUpheld, kCleared };
std::string_view Name(AppealState s);  // "open", "upheld", "cleared"

struct Appeal {
  int64_t id = 0;
  uint64_t number = 0;    // compact E.164
  int64_t org_id = 0;     // the appellant's organisation (0: a person)
  std::string appellant;  // who filed it (user or key name)
  std::string reason;     // the appellant's words
  std::string contact;    // how to reach them (optional)
  Standing at_filing;     // the number's standing when filed
  AppealState state = AppealState::kOpen;
  TimePoint filed_at;
  std::optional<TimePoint> decided_at;
  std::string decided_by;
  std::string decision_note;
};

struct AppealQuery {
  std::optional<AppealState> state;
  int64_t org_id = 0;     // 0: any
  uint64_t number = 0;    // 0: any
  int64_t before_id = 0;  // paging: ids below this
  int limit = 100;        // 1..1000
};

class Appeals {
 public:
  // Migrates the schema. `store`, `clock` and `reputation` must outlive it.
  static Result<std::unique_ptr<Appeals>> Open(store::Store& store, Clock& clock,
                                               Reputation& reputation);
  virtual ~Appeals() = default;

  // Files an appeal for `number`, whose holding the caller has proven.
  // FailedPrecondition when the number carries no label to appeal, or already
  // has an open appeal; InvalidArgument for an empty or over-long reason.
  virtual Result<Appeal> File(uint64_t number, int64_t org_id, const std::string& appellant,
                              const std::string& reason, const std::string& contact) = 0;
  virtual Result<std::vector<Appeal>> List(const AppealQuery& query) = 0;
  virtual Result<std::optional<Appeal>> Get(int64_t id) = 0;
  // Decides an open appeal (`state` upheld or cleared); clearing rescores the
  // number at once. FailedPrecondition when it is already decided; NotFound.
  virtual Result<Appeal> Decide(int64_t id, AppealState state, const std::string& analyst,
                                const std::string& note) = 0;
};

}  // namespace quell::reputation
