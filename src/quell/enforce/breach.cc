#include "quell/enforce/breach.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "quell/core/metrics.h"
#include "quell/core/phone_number.h"
#include "quell/enforce/ledger.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using nlohmann::json;

constexpr int64_t kSkewMs = 5 * 60'000;  // a discovery "in the future" by less is clock skew
constexpr std::size_t kMaxText = 8000;
constexpr std::size_t kMaxNote = 4000;
constexpr std::size_t kMaxNumbers = 10000;
constexpr int64_t kMaxPeople = 10'000'000'000;
// Complaint counts are looked up for at most this many numbers of one notice.
constexpr std::size_t kMaxComplaintLookups = 500;

constexpr std::array<std::string_view, 4> kGradeNames = {"general", "major", "serious",
                                                         "especially_serious"};
constexpr std::array<std::string_view, 4> kGradeZh = {"一般", "较大", "重大", "特别重大"};
constexpr std::array<std::string_view, 9> kCategoryNames = {
    "identity",  "contact",        "location",    "financial", "health",
    "biometric", "communications", "credentials", "minors"};
constexpr std::array<std::string_view, 4> kStateNames = {"filed", "under_review", "info_requested",
                                                         "closed"};
constexpr std::array<std::string_view, 2> kRoleNames = {"affected", "used"};

template <typename E, std::size_t N>
std::optional<E> ParseIn(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE breach_notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL,
  org_name TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  description TEXT NOT NULL,
  measures TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  discovered_at INTEGER NOT NULL,
  filed_at INTEGER NOT NULL,
  people_affected INTEGER NOT NULL,
  categories TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  grade TEXT NOT NULL,
  clock_minutes INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  late INTEGER NOT NULL,
  late_by INTEGER NOT NULL,
  escalated INTEGER NOT NULL,
  escalations TEXT NOT NULL,
  escalated_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  info_request TEXT NOT NULL,
  info_requested_at INTEGER NOT NULL,
  info_due INTEGER NOT NULL,
  followup_escalated INTEGER NOT NULL,
  supplement TEXT NOT NULL,
  supplemented_at INTEGER NOT NULL,
  closing_note TEXT NOT NULL,
  closed_by TEXT NOT NULL,
  closed_at INTEGER NOT NULL,
  notified INTEGER NOT NULL,
  notified_at INTEGER NOT NULL,
  ledger_seq INTEGER NOT NULL,
  numbers_count INTEGER NOT NULL,
  numbers_purged INTEGER NOT NULL
);
CREATE INDEX breach_notices_org ON breach_notices (org_id, id);
CREATE INDEX breach_notices_state ON breach_notices (state, id);
CREATE TABLE breach_numbers (
  notice_id INTEGER NOT NULL REFERENCES breach_notices (id),
  number INTEGER NOT NULL,
  role TEXT NOT NULL,
  notified INTEGER NOT NULL,
  PRIMARY KEY (notice_id, number)
);
CREATE TABLE breach_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id INTEGER NOT NULL REFERENCES breach_notices (id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX breach_history_notice ON breach_history (notice_id, id);
)sql";

constexpr std::array<store::Migration, 1> kMigrations = {
    store::Migration{.version = 1, .description = "breach notices", .sql = kSchemaV1}};

constexpr std::string_view kColumns =
    "id, org_id, org_name, filed_by, description, measures, occurred_at, discovered_at, "
    "filed_at, people_affected, categories, entity_type, grade, clock_minutes, deadline, late, "
    "late_by, escalated, escalations, escalated_at, state, updated_at, reviewer, info_request, "
    "info_requested_at, info_due, supplement, supplemented_at, closing_note, closed_by, "
    "closed_at, notified, notified_at, ledger_seq, numbers_count, numbers_purged";

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

std::string CategoriesText(const std::vector<DataCategory>& cs) {
  std::vector<std::string> names;
  for (DataCategory c : cs) names.emplace_back(Name(c));
  return Join(names);
}

std::string Iso(int64_t ms) { return ms == 0 ? std::string() : FormatRfc3339(FromUnixMillis(ms)); }

std::string E164(uint64_t compact) {
  auto n = PhoneNumber::FromCompact(compact);
  return n ? n->E164() : "+" + std::to_string(compact);
}

bool ValidEntityName(std::string_view n) {
  return !n.empty() && n.size() <= 32 && std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status CheckOptions(const BreachOptions& o) {
  auto rising = [](std::string_view what, const std::array<int64_t, 3>& t) -> Status {
    if (t[0] < 1 || t[0] > t[1] || t[1] > t[2]) {
      return InvalidArgument("breach: " + std::string(what) +
                             " thresholds must be positive and rising (major <= serious <= "
                             "especially_serious)");
    }
    return Status::Ok();
  };
  QUELL_RETURN_IF_ERROR(rising("people", o.grading.people));
  QUELL_RETURN_IF_ERROR(rising("sensitive_people", o.grading.sensitive_people));
  if (o.entity_types.empty()) return InvalidArgument("breach: at least one entity type is needed");
  std::set<std::string> names;
  for (const EntityType& e : o.entity_types) {
    if (!ValidEntityName(e.name)) {
      return InvalidArgument("breach: entity type name '" + e.name.substr(0, 40) +
                             "' must be 1-32 of a-z, 0-9 and _");
    }
    if (!names.insert(e.name).second) {
      return InvalidArgument("breach: entity type '" + e.name + "' is listed twice");
    }
    for (std::size_t g = 0; g < e.clocks.size(); ++g) {
      if (e.clocks[g] < std::chrono::minutes(1) || e.clocks[g] > std::chrono::hours(24 * 30)) {
        return InvalidArgument("breach: entity type '" + e.name + "': the clock of grade " +
                               std::string(kGradeNames[g]) + " must be 1 minute to 30 days");
      }
    }
  }
  if (o.supplement_within < std::chrono::minutes(1)) {
    return InvalidArgument("breach: supplement_within must be at least a minute");
  }
  if (o.number_retention < std::chrono::hours(24)) {
    return InvalidArgument("breach: number_retention must be at least a day");
  }
  if (!o.escalation_webhook.empty() && !o.escalation_webhook.starts_with("https://") &&
      !o.escalation_webhook.starts_with("http://")) {
    return InvalidArgument("breach: escalation_webhook must be an http(s) URL, not '" +
                           o.escalation_webhook.substr(0, 60) + "'");
  }
  if (!o.escalation_sms.empty() && (!o.escalation_sms.starts_with("+") ||
                                    !PhoneNumber::Parse(o.escalation_sms, "CN").has_value())) {
    return InvalidArgument("breach: escalation_sms '" + o.escalation_sms.substr(0, 40) +
                           "' is not an E.164 number (\"+8610...\")");
  }
  if (o.affected_sms_text.empty() || o.affected_sms_text.size() > 500) {
    return InvalidArgument("breach: affected_sms_text must be 1..500 bytes");
  }
  return Status::Ok();
}

Status CheckText(std::string_view field, std::string_view text, std::size_t max, bool required) {
  if (required && text.empty()) return InvalidArgument(std::string(field) + " is required");
  if (text.size() > max) {
    return InvalidArgument(std::string(field) + " is longer than " + std::to_string(max) +
                           " bytes");
  }
  return Status::Ok();
}

void Replace(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

Result<Breach> FromRow(const store::Row& row) {
  Breach b;
  b.id = row.Int(0);
  const std::string where = "breach_notices row " + std::to_string(b.id);
  b.org_id = row.Int(1);
  b.org_name = row.Text(2);
  b.filed_by = row.Text(3);
  b.description = row.Text(4);
  b.measures = row.Text(5);
  b.occurred_at_ms = row.Int(6);
  b.discovered_at_ms = row.Int(7);
  b.filed_at_ms = row.Int(8);
  b.people_affected = row.Int(9);
  for (const std::string& c : Split(row.Text(10))) {
    auto cat = ParseDataCategory(c);
    if (!cat) return Internal(where + ": unknown category '" + c + "'");
    b.categories.push_back(*cat);
  }
  b.entity_type = row.Text(11);
  auto grade = ParseBreachGrade(row.Text(12));
  auto state = ParseBreachState(row.Text(20));
  if (!grade || !state) return Internal(where + ": unknown grade or state");
  b.grade = *grade;
  b.state = *state;
  b.clock_minutes = row.Int(13);
  b.deadline_ms = row.Int(14);
  b.late = row.Int(15) != 0;
  b.late_by_ms = row.Int(16);
  b.escalated = row.Int(17) != 0;
  b.escalations = Split(row.Text(18));
  b.escalated_at_ms = row.Int(19);
  b.updated_at_ms = row.Int(21);
  b.reviewer = row.Text(22);
  b.info_request = row.Text(23);
  b.info_requested_at_ms = row.Int(24);
  b.info_due_ms = row.Int(25);
  b.supplement = row.Text(26);
  b.supplemented_at_ms = row.Int(27);
  b.closing_note = row.Text(28);
  b.closed_by = row.Text(29);
  b.closed_at_ms = row.Int(30);
  b.notified = row.Int(31);
  b.notified_at_ms = row.Int(32);
  b.ledger_seq = static_cast<uint64_t>(row.Int(33));
  b.numbers_count = row.Int(34);
  b.numbers_purged = row.Int(35) != 0;
  return b;
}

class BreachNoticesImpl final : public BreachNotices {
 public:
  BreachNoticesImpl(store::Store& store, Clock& clock, BreachOptions options,
                    notify::Notifier* notifier, LedgerAppender* ledger)
      : store_(store),
        clock_(clock),
        options_(std::move(options)),
        notifier_(notifier),
        ledger_(ledger),
        escalations_(metrics::GetCounter("quell_breach_escalations_total",
                                         "Breach notices escalated to the regulator")) {}

  Result<Breach> File(const NewBreach& n, std::string_view actor) override {
    const int64_t now = Now();
    if (n.org_id <= 0) return InvalidArgument("a notice is filed for an organisation");
    QUELL_RETURN_IF_ERROR(CheckText("description", n.description, kMaxText, true));
    QUELL_RETURN_IF_ERROR(CheckText("measures", n.measures, kMaxText, false));
    if (n.discovered_at_ms <= 0) return InvalidArgument("discovered_at is required");
    if (n.discovered_at_ms > now + kSkewMs) {
      return InvalidArgument("discovered_at " + Iso(n.discovered_at_ms) + " is in the future");
    }
    if (n.occurred_at_ms < 0 || n.occurred_at_ms > n.discovered_at_ms) {
      return InvalidArgument("occurred_at must not be after discovered_at");
    }
    if (n.people_affected < 0 || n.people_affected > kMaxPeople) {
      return InvalidArgument("people_affected must be 0.." + std::to_string(kMaxPeople));
    }
    if (n.categories.empty()) return InvalidArgument("categories: name at least one category");
    std::vector<DataCategory> categories = n.categories;
    std::sort(categories.begin(), categories.end());
    categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
    if (n.numbers.size() > kMaxNumbers) {
      return InvalidArgument("numbers: at most " + std::to_string(kMaxNumbers) + " per notice");
    }
    std::set<uint64_t> seen;
    for (const BreachNumber& bn : n.numbers) {
      if (bn.number == 0 || bn.number >= 1'000'000'000'000'000ULL) {
        return InvalidArgument("numbers: " + std::to_string(bn.number) + " is not an E.164 number");
      }
      if (!seen.insert(bn.number).second) {
        return InvalidArgument("numbers: " + E164(bn.number) + " is listed twice");
      }
    }
    auto clock =
        ClockFor(GradeBreach(options_.grading, n.people_affected, categories), n.entity_type);
    if (!clock) {
      return InvalidArgument("entity_type: '" + n.entity_type.substr(0, 40) + "' is not one of " +
                             EntityTypeNames());
    }

    Breach b;
    b.org_id = n.org_id;
    b.org_name = n.org_name;
    b.filed_by = std::string(actor);
    b.description = n.description;
    b.measures = n.measures;
    b.occurred_at_ms = n.occurred_at_ms;
    b.discovered_at_ms = n.discovered_at_ms;
    b.filed_at_ms = now;
    b.people_affected = n.people_affected;
    b.categories = categories;
    b.entity_type = n.entity_type;
    b.grade = GradeBreach(options_.grading, n.people_affected, categories);
    b.clock_minutes = clock->count();
    b.deadline_ms = n.discovered_at_ms + b.clock_minutes * 60'000;
    // Filed exactly at the deadline is on time.
    b.late = now > b.deadline_ms;
    b.late_by_ms = b.late ? now - b.deadline_ms : 0;
    if (b.late) {
      b.escalated = true;
      b.escalations = {"late"};
      b.escalated_at_ms = now;
    }
    b.updated_at_ms = now;
    b.numbers_count = static_cast<int64_t>(n.numbers.size());

    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        tx->Query(
            "INSERT INTO breach_notices (org_id, org_name, filed_by, description, measures, "
            "occurred_at, discovered_at, filed_at, people_affected, categories, entity_type, "
            "grade, clock_minutes, deadline, late, late_by, escalated, escalations, escalated_at, "
            "state, updated_at, reviewer, info_request, info_requested_at, info_due, "
            "followup_escalated, supplement, supplemented_at, closing_note, closed_by, closed_at, "
            "notified, notified_at, ledger_seq, numbers_count, numbers_purged) VALUES ($1, $2, "
            "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
            "'filed', $20, '', '', 0, 0, 0, '', 0, '', '', 0, 0, 0, 0, $21, 0) RETURNING id",
            {b.org_id,
             b.org_name,
             b.filed_by,
             b.description,
             b.measures,
             b.occurred_at_ms,
             b.discovered_at_ms,
             b.filed_at_ms,
             b.people_affected,
             CategoriesText(b.categories),
             b.entity_type,
             std::string(Name(b.grade)),
             b.clock_minutes,
             b.deadline_ms,
             b.late,
             b.late_by_ms,
             b.escalated,
             Join(b.escalations),
             b.escalated_at_ms,
             b.updated_at_ms,
             b.numbers_count}));
    if (rows.empty()) return Internal("breach: INSERT returned no id");
    b.id = rows.rows[0].Int(0);
    for (const BreachNumber& bn : n.numbers) {
      QUELL_RETURN_IF_ERROR(tx->Exec("INSERT INTO breach_numbers (notice_id, number, role, "
                                     "notified) VALUES ($1, $2, $3, 0)",
                                     {b.id, bn.number, std::string(Name(bn.role))})
                                .status());
    }
    QUELL_RETURN_IF_ERROR(AddHistory(*tx, b.id, now, actor, "filed", BreachState::kFiled,
                                     BreachState::kFiled,
                                     std::string(Name(b.grade)) + ", " + b.entity_type));
    if (b.late) {
      QUELL_RETURN_IF_ERROR(AddHistory(*tx, b.id, now, "system", "escalated", BreachState::kFiled,
                                       BreachState::kFiled, "late"));
    }
    QUELL_RETURN_IF_ERROR(tx->Commit());
    metrics::GetCounter("quell_breach_notices_total", "Breach notices filed",
                        {{"grade", std::string(Name(b.grade))}})
        .Inc();
    if (b.late) SendEscalation(b, "late");
    return b;
  }

  Result<Breach> Get(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(Breach b, Load(store_, id));
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query("SELECT number, role, notified FROM breach_numbers WHERE notice_id = $1 "
                     "ORDER BY role, number",
                     {id}));
    for (const auto& row : rows.rows) {
      BreachNumber bn;
      bn.number = static_cast<uint64_t>(row.Int(0));
      bn.role = ParseNumberRole(row.Text(1)).value_or(NumberRole::kAffected);
      bn.notified = row.Int(2) != 0;
      if (options_.complaints_about && b.numbers.size() < kMaxComplaintLookups) {
        bn.complaints = options_.complaints_about(bn.number);
      }
      b.numbers.push_back(bn);
    }
    return b;
  }

  Result<std::vector<BreachEvent>> History(int64_t id) override {
    QUELL_RETURN_IF_ERROR(Load(store_, id).status());
    QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT at, actor, action, from_state, "
                                                   "to_state, note FROM breach_history WHERE "
                                                   "notice_id = $1 ORDER BY id",
                                                   {id}));
    std::vector<BreachEvent> out;
    for (const auto& row : rows.rows) {
      out.push_back({.at_ms = row.Int(0),
                     .actor = row.Text(1),
                     .action = row.Text(2),
                     .from = ParseBreachState(row.Text(3)).value_or(BreachState::kFiled),
                     .to = ParseBreachState(row.Text(4)).value_or(BreachState::kFiled),
                     .note = row.Text(5)});
    }
    return out;
  }

  Result<std::vector<Breach>> List(const BreachQuery& q) override {
    if (q.limit < 1 || q.limit > 1000) return InvalidArgument("limit must be 1..1000");
    std::string sql = "SELECT " + std::string(kColumns) + " FROM breach_notices WHERE 1 = 1";
    store::Params params;
    auto add = [&](std::string_view cond, store::Value v) {
      params.push_back(std::move(v));
      sql += " AND " + std::string(cond) + " $" + std::to_string(params.size());
    };
    if (q.org_id != 0) add("org_id =", q.org_id);
    if (q.state) add("state =", std::string(Name(*q.state)));
    if (q.grade) add("grade =", std::string(Name(*q.grade)));
    if (q.late) add("late =", *q.late);
    if (q.escalated) add("escalated =", *q.escalated);
    if (q.before_id > 0) add("id <", q.before_id);
    params.push_back(q.limit);
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
    QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query(sql, params));
    std::vector<Breach> out;
    const int64_t now = Now();
    for (const auto& row : rows.rows) {
      QUELL_ASSIGN_OR_RETURN(Breach b, FromRow(row));
      Derive(b, now);
      out.push_back(std::move(b));
    }
    return out;
  }

  Result<Breach> Review(int64_t id, std::string_view actor, std::string_view note) override {
    QUELL_RETURN_IF_ERROR(CheckText("note", note, kMaxNote, false));
    return Transition(id, actor, "review", note, [&](Breach& b, store::Transaction& tx) -> Status {
      if (b.state != BreachState::kFiled) {
        return FailedPrecondition("notice " + std::to_string(id) + " is " +
                                  std::string(Name(b.state)) + ", not filed");
      }
      b.state = BreachState::kUnderReview;
      b.reviewer = std::string(actor);
      return tx
          .Exec(
              "UPDATE breach_notices SET state = $2, reviewer = $3, updated_at = $4 WHERE id = $1",
              {id, std::string(Name(b.state)), b.reviewer, Now()})
          .status();
    });
  }

  Result<Breach> RequestInfo(int64_t id, std::string_view actor,
                             std::string_view question) override {
    QUELL_RETURN_IF_ERROR(CheckText("question", question, kMaxNote, true));
    return Transition(
        id, actor, "info_requested", question, [&](Breach& b, store::Transaction& tx) -> Status {
          if (b.state != BreachState::kFiled && b.state != BreachState::kUnderReview) {
            return FailedPrecondition("notice " + std::to_string(id) + " is " +
                                      std::string(Name(b.state)) +
                                      "; information is requested of filed notices or those "
                                      "under review");
          }
          const int64_t now = Now();
          b.state = BreachState::kInfoRequested;
          b.info_request = std::string(question);
          b.info_requested_at_ms = now;
          b.info_due_ms = now + std::chrono::duration_cast<std::chrono::milliseconds>(
                                    options_.supplement_within)
                                    .count();
          if (b.reviewer.empty()) b.reviewer = std::string(actor);
          return tx
              .Exec(
                  "UPDATE breach_notices SET state = $2, info_request = $3, "
                  "info_requested_at = $4, info_due = $5, followup_escalated = 0, "
                  "reviewer = $6, updated_at = $4 WHERE id = $1",
                  {id, std::string(Name(b.state)), b.info_request, now, b.info_due_ms, b.reviewer})
              .status();
        });
  }

  Result<Breach> Supplement(int64_t id, int64_t org_id, std::string_view actor,
                            std::string_view text, std::string_view measures) override {
    QUELL_RETURN_IF_ERROR(CheckText("text", text, kMaxText, true));
    QUELL_RETURN_IF_ERROR(CheckText("measures", measures, kMaxText, false));
    return Transition(
        id, actor, "supplemented", text, [&](Breach& b, store::Transaction& tx) -> Status {
          if (b.org_id != org_id) return NotFound("no breach notice " + std::to_string(id));
          if (b.state != BreachState::kInfoRequested) {
            return FailedPrecondition("notice " + std::to_string(id) + " is " +
                                      std::string(Name(b.state)) +
                                      "; no information was requested");
          }
          const int64_t now = Now();
          b.state = BreachState::kUnderReview;
          b.supplement = std::string(text);
          b.supplemented_at_ms = now;
          b.info_due_ms = 0;
          if (!measures.empty()) {
            b.measures += (b.measures.empty() ? "" : "\n\n") + std::string(measures);
            if (b.measures.size() > 2 * kMaxText) {
              return InvalidArgument("measures: the notice's measures would exceed " +
                                     std::to_string(2 * kMaxText) + " bytes");
            }
          }
          return tx
              .Exec(
                  "UPDATE breach_notices SET state = $2, supplement = $3, supplemented_at = $4, "
                  "info_due = 0, measures = $5, updated_at = $4 WHERE id = $1",
                  {id, std::string(Name(b.state)), b.supplement, now, b.measures})
              .status();
        });
  }

  Result<Breach> Close(int64_t id, std::string_view actor, std::string_view note) override {
    QUELL_RETURN_IF_ERROR(CheckText("note", note, kMaxNote, false));
    return Transition(id, actor, "closed", note, [&](Breach& b, store::Transaction& tx) -> Status {
      if (b.state == BreachState::kClosed) {
        return FailedPrecondition("notice " + std::to_string(id) + " is closed already");
      }
      const int64_t now = Now();
      b.state = BreachState::kClosed;
      b.closing_note = std::string(note);
      b.closed_by = std::string(actor);
      b.closed_at_ms = now;
      b.info_due_ms = 0;
      // The ledger first: when it fails the transaction rolls back and the
      // notice stays open, rather than closed without its record.
      if (ledger_ != nullptr) {
        auto seq = ledger_->AppendOwn("breach", LedgerPayload(b));
        if (!seq) {
          return Status(seq.error().code(),
                        "the ledger did not take the notice's record: " + seq.error().message());
        }
        b.ledger_seq = *seq;
      }
      return tx
          .Exec(
              "UPDATE breach_notices SET state = $2, closing_note = $3, closed_by = $4, "
              "closed_at = $5, info_due = 0, ledger_seq = $6, updated_at = $5 WHERE id = $1",
              {id, std::string(Name(b.state)), b.closing_note, b.closed_by, now, b.ledger_seq})
          .status();
    });
  }

  Result<NotifyOutcome> NotifyAffected(int64_t id, std::string_view actor) override {
    if (notifier_ == nullptr) return Unavailable("no notifier is configured to send SMS");
    QUELL_ASSIGN_OR_RETURN(Breach b, Load(store_, id));
    if (b.numbers_purged) {
      return FailedPrecondition("notice " + std::to_string(id) +
                                ": its numbers were deleted after the retention period");
    }
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           store_.Query("SELECT number, notified FROM breach_numbers WHERE "
                                        "notice_id = $1 AND role = 'affected' ORDER BY number",
                                        {id}));
    if (rows.empty()) {
      return FailedPrecondition("notice " + std::to_string(id) + " lists no affected numbers");
    }
    std::string text = options_.affected_sms_text;
    Replace(text, "{org}", b.org_name);
    Replace(text, "{id}", std::to_string(id));
    NotifyOutcome out;
    std::vector<uint64_t> told;
    for (const auto& row : rows.rows) {
      if (row.Int(1) != 0) {
        ++out.already;
        continue;
      }
      const uint64_t number = static_cast<uint64_t>(row.Int(0));
      auto n = notifier_->Enqueue(notify::Channel::kSms, E164(number),
                                  "breach notice " + std::to_string(id), text, "breach");
      if (!n) {
        ++out.failed;
        spdlog::warn("breach: notice {}: an affected number was not told: {}", id,
                     n.error().ToString());
        continue;
      }
      told.push_back(number);
    }
    out.enqueued = static_cast<int64_t>(told.size());
    const int64_t now = Now();
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    for (uint64_t number : told) {
      QUELL_RETURN_IF_ERROR(tx->Exec("UPDATE breach_numbers SET notified = 1 WHERE notice_id = $1 "
                                     "AND number = $2",
                                     {id, number})
                                .status());
    }
    QUELL_RETURN_IF_ERROR(tx->Exec("UPDATE breach_notices SET notified = notified + $2, "
                                   "notified_at = $3, updated_at = $3 WHERE id = $1",
                                   {id, out.enqueued, now})
                              .status());
    QUELL_RETURN_IF_ERROR(AddHistory(*tx, id, now, actor, "notified", b.state, b.state,
                                     std::to_string(out.enqueued) + " told, " +
                                         std::to_string(out.failed) + " failed, " +
                                         std::to_string(out.already) + " told before"));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return out;
  }

  Result<int64_t> Sweep() override {
    const int64_t now = Now();
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query("SELECT id FROM breach_notices WHERE state = 'info_requested' AND "
                                "info_due > 0 AND info_due < $1 AND followup_escalated = 0",
                                {now}));
    int64_t n = 0;
    for (const auto& row : rows.rows) {
      const int64_t id = row.Int(0);
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(Breach b, Load(*tx, id));
      if (b.state != BreachState::kInfoRequested) continue;  // answered meanwhile
      b.escalated = true;
      if (std::find(b.escalations.begin(), b.escalations.end(), "follow_up_overdue") ==
          b.escalations.end()) {
        b.escalations.push_back("follow_up_overdue");
      }
      b.escalated_at_ms = now;
      QUELL_RETURN_IF_ERROR(tx->Exec("UPDATE breach_notices SET escalated = 1, escalations = $2, "
                                     "escalated_at = $3, followup_escalated = 1, updated_at = $3 "
                                     "WHERE id = $1 AND followup_escalated = 0",
                                     {id, Join(b.escalations), now})
                                .status());
      QUELL_RETURN_IF_ERROR(
          AddHistory(*tx, id, now, "system", "escalated", b.state, b.state, "follow_up_overdue"));
      QUELL_RETURN_IF_ERROR(tx->Commit());
      Derive(b, now);
      SendEscalation(b, "follow_up_overdue");
      ++n;
    }
    return n;
  }

  Result<int64_t> Purge() override {
    const int64_t now = Now();
    const int64_t cutoff =
        now -
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.number_retention).count();
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           tx->Query("SELECT id FROM breach_notices WHERE state = 'closed' AND "
                                     "closed_at < $1 AND numbers_purged = 0 AND numbers_count > 0",
                                     {cutoff}));
    for (const auto& row : rows.rows) {
      const int64_t id = row.Int(0);
      QUELL_RETURN_IF_ERROR(
          tx->Exec("DELETE FROM breach_numbers WHERE notice_id = $1", {id}).status());
      QUELL_RETURN_IF_ERROR(
          tx->Exec("UPDATE breach_notices SET numbers_purged = 1 WHERE id = $1", {id}).status());
      QUELL_RETURN_IF_ERROR(AddHistory(*tx, id, now, "system", "numbers_purged",
                                       BreachState::kClosed, BreachState::kClosed, "retention"));
    }
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return static_cast<int64_t>(rows.rows.size());
  }

  Result<std::chrono::minutes> ClockFor(BreachGrade grade,
                                        std::string_view entity_type) const override {
    for (const EntityType& e : options_.entity_types) {
      if (e.name == entity_type) return e.clocks[static_cast<std::size_t>(grade)];
    }
    return NotFound("no entity type '" + std::string(entity_type.substr(0, 40)) + "'");
  }

  const BreachOptions& options() const override { return options_; }

 private:
  int64_t Now() const { return ToUnixMillis(clock_.Now()); }

  std::string EntityTypeNames() const {
    std::vector<std::string> names;
    for (const EntityType& e : options_.entity_types) names.push_back(e.name);
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
  }

  void Derive(Breach& b, int64_t now) const {
    b.follow_up_overdue =
        b.state == BreachState::kInfoRequested && b.info_due_ms > 0 && now > b.info_due_ms;
  }

  template <typename Q>
  Result<Breach> Load(Q& q, int64_t id) {
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        q.Query("SELECT " + std::string(kColumns) + " FROM breach_notices WHERE id = $1", {id}));
    if (rows.empty()) return NotFound("no breach notice " + std::to_string(id));
    QUELL_ASSIGN_OR_RETURN(Breach b, FromRow(rows.rows[0]));
    Derive(b, Now());
    return b;
  }

  static Status AddHistory(store::Transaction& tx, int64_t id, int64_t at, std::string_view actor,
                           std::string_view action, BreachState from, BreachState to,
                           std::string_view note) {
    return tx
        .Exec(
            "INSERT INTO breach_history (notice_id, at, actor, action, from_state, to_state, "
            "note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {id, at, actor, action, std::string(Name(from)), std::string(Name(to)), note})
        .status();
  }

  // Runs `change` on notice `id` in a write transaction, records the event and
  // returns the notice as changed.
  template <typename F>
  Result<Breach> Transition(int64_t id, std::string_view actor, std::string_view action,
                            std::string_view note, F change) {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(Breach b, Load(*tx, id));
    const BreachState from = b.state;
    QUELL_RETURN_IF_ERROR(change(b, *tx));
    b.updated_at_ms = Now();
    QUELL_RETURN_IF_ERROR(AddHistory(*tx, id, b.updated_at_ms, actor, action, from, b.state, note));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    Derive(b, Now());
    return b;
  }

  // What the ledger keeps of a closed notice: no personal numbers, no free
  // text (it may name people); dates as text.
  static std::string LedgerPayload(const Breach& b) {
    json cats = json::array();
    for (DataCategory c : b.categories) cats.push_back(std::string(Name(c)));
    json j = {{"v", 1},
              {"type", "breach_notice"},
              {"notice", b.id},
              {"organisation", b.org_name},
              {"org_id", b.org_id},
              {"entity_type", b.entity_type},
              {"grade", std::string(Name(b.grade))},
              {"people_affected", b.people_affected},
              {"categories", std::move(cats)},
              {"occurred_at", b.occurred_at_ms ? json(Iso(b.occurred_at_ms)) : json(nullptr)},
              {"discovered_at", Iso(b.discovered_at_ms)},
              {"filed_at", Iso(b.filed_at_ms)},
              {"closed_at", Iso(b.closed_at_ms)},
              {"clock_minutes", b.clock_minutes},
              {"late", b.late},
              {"late_by_minutes", b.late_by_ms / 60'000},
              {"escalated", b.escalated},
              {"numbers", b.numbers_count},
              {"notified", b.notified}};
    return j.dump();
  }

  // Tells the regulator; the notice's escalation is recorded whether or not
  // anyone could be told.
  void SendEscalation(const Breach& b, std::string_view reason) {
    escalations_.Inc();
    spdlog::warn("breach: notice {} from {} ({}) escalated: {}", b.id, b.org_name, Name(b.grade),
                 reason);
    if (notifier_ == nullptr) return;
    if (!options_.escalation_webhook.empty()) {
      const json body = {{"event", "breach.escalated"},
                         {"notice", b.id},
                         {"reason", std::string(reason)},
                         {"organisation", b.org_name},
                         {"grade", std::string(Name(b.grade))},
                         {"entity_type", b.entity_type},
                         {"people_affected", b.people_affected},
                         {"discovered_at", Iso(b.discovered_at_ms)},
                         {"deadline", Iso(b.deadline_ms)},
                         {"filed_at", Iso(b.filed_at_ms)},
                         {"late_by_minutes", b.late_by_ms / 60'000},
                         {"info_due", b.info_due_ms ? json(Iso(b.info_due_ms)) : json(nullptr)},
                         {"href", "/api/v1/breaches/" + std::to_string(b.id)}};
      auto n = notifier_->Enqueue(notify::Channel::kWebhook, options_.escalation_webhook,
                                  "breach notice " + std::to_string(b.id) + " escalated",
                                  body.dump(), "breach");
      if (!n) spdlog::warn("breach: escalation webhook not queued: {}", n.error().ToString());
    }
    if (!options_.escalation_sms.empty()) {
      const std::string text = "Quell: breach notice " + std::to_string(b.id) + " from " +
                               b.org_name + " (" + std::string(ChineseName(b.grade)) + " " +
                               std::string(Name(b.grade)) + ") escalated: " + std::string(reason);
      auto n = notifier_->Enqueue(notify::Channel::kSms, options_.escalation_sms,
                                  "breach notice " + std::to_string(b.id) + " escalated", text,
                                  "breach");
      if (!n) spdlog::warn("breach: escalation SMS not queued: {}", n.error().ToString());
    }
  }

  store::Store& store_;
  Clock& clock_;
  const BreachOptions options_;
  notify::Notifier* const notifier_;
  LedgerAppender* const ledger_;
  metrics::Counter escalations_;
};

}  // namespace

std::string_view Name(BreachGrade g) { return kGradeNames[static_cast<std::size_t>(g)]; }
std::string_view Name(DataCategory c) { return kCategoryNames[static_cast<std::size_t>(c)]; }
std::string_view Name(BreachState s) { return kStateNames[static_cast<std::size_t>(s)]; }
std::string_view Name(NumberRole r) { return kRoleNames[static_cast<std::size_t>(r)]; }
std::string_view ChineseName(BreachGrade g) { return kGradeZh[static_cast<std::size_t>(g)]; }
std::optional<BreachGrade> ParseBreachGrade(std::string_view name) {
  return ParseIn<BreachGrade>(kGradeNames, name);
}
std::optional<DataCategory> ParseDataCategory(std::string_view name) {
  return ParseIn<DataCategory>(kCategoryNames, name);
}
std::optional<BreachState> ParseBreachState(std::string_view name) {
  return ParseIn<BreachState>(kStateNames, name);
}
std::optional<NumberRole> ParseNumberRole(std::string_view name) {
  return ParseIn<NumberRole>(kRoleNames, name);
}

BreachGrade GradeBreach(const GradingRules& rules, int64_t people,
                        const std::vector<DataCategory>& categories) {
  const bool sensitive = std::any_of(categories.begin(), categories.end(), [&](DataCategory c) {
    return std::find(rules.sensitive.begin(), rules.sensitive.end(), c) != rules.sensitive.end();
  });
  const auto& t = sensitive ? rules.sensitive_people : rules.people;
  if (people >= t[2]) return BreachGrade::kEspeciallySerious;
  if (people >= t[1]) return BreachGrade::kSerious;
  if (people >= t[0]) return BreachGrade::kMajor;
  return BreachGrade::kGeneral;
}

std::vector<EntityType> DefaultEntityTypes() {
  using std::chrono::hours;
  using std::chrono::minutes;
  return {
      EntityType{
          .name = "cii",
          .clocks = {minutes(hours(4)), minutes(hours(1)), minutes(hours(1)), minutes(hours(1))}},
      EntityType{
          .name = "processor",
          .clocks = {minutes(hours(24)), minutes(hours(4)), minutes(hours(2)), minutes(hours(1))}},
  };
}

Result<std::unique_ptr<BreachNotices>> BreachNotices::Open(store::Store& store, Clock& clock,
                                                           BreachOptions options,
                                                           notify::Notifier* notifier,
                                                           LedgerAppender* ledger) {
  QUELL_RETURN_IF_ERROR(CheckOptions(options));
  QUELL_RETURN_IF_ERROR(store.Migrate("breach", kMigrations));
  return std::unique_ptr<BreachNotices>(
      new BreachNoticesImpl(store, clock, std::move(options), notifier, ledger));
}

}  // namespace quell::enforce
