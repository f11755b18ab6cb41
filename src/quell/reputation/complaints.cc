#include "quell/reputation/complaints.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "quell/core/metrics.h"
#include "quell/core/phone_number.h"
#include "quell/events/evidence.h"
#include "quell/notify/notify.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/internal/complaints_schema.h"
#include "quell/store/store.h"

namespace quell::reputation {

static_assert(static_cast<int>(NuisanceKind::kSpoofing) == 7 &&
                  static_cast<int>(ReportKind::kSpoofing) == 7,
              "ReportKind mirrors NuisanceKind, then kOther");

namespace {

constexpr int64_t kDayMs = 86'400'000;
// A call "in the future" by less than this is clock skew between the phone and us.
constexpr int64_t kSkewMs = 5 * 60'000;
constexpr std::size_t kMaxDescription = 2000;
constexpr std::size_t kMaxTranscript = 8000;
constexpr std::size_t kMaxAnswer = 4000;
constexpr std::size_t kMaxNote = 2000;
constexpr std::string_view kRoutingActor = "routing";

constexpr std::array<std::string_view, 2> kChannelNames = {"call", "sms"};
constexpr std::array<std::string_view, 4> kStateNames = {"received", "forwarded", "answered",
                                                         "closed"};
constexpr std::array<std::string_view, 3> kOutcomeNames = {"confirmed", "unfounded", "duplicate"};

template <typename E, std::size_t N>
std::optional<E> ParseIn(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

std::string E164(uint64_t compact) {
  auto n = PhoneNumber::FromCompact(compact);
  return n ? n->E164() : "+" + std::to_string(compact);
}

double Reliability(int64_t confirmed, int64_t unfounded) {
  return static_cast<double>(confirmed + 1) / static_cast<double>(confirmed + unfounded + 2);
}

std::string CategoryText(const std::optional<Category>& c) {
  return c ? std::string(Name(*c)) : std::string();
}

Status CheckOptions(const ComplaintOptions& o) {
  auto days = [](std::string_view name, int v, int lo, int hi) -> Status {
    if (v < lo || v > hi) {
      return InvalidArgument("complaints: " + std::string(name) + " must be " + std::to_string(lo) +
                             ".." + std::to_string(hi) + ", not " + std::to_string(v));
    }
    return Status::Ok();
  };
  QUELL_RETURN_IF_ERROR(days("forward_days", o.forward_days, 1, 365));
  QUELL_RETURN_IF_ERROR(days("answer_days", o.answer_days, 1, 365));
  QUELL_RETURN_IF_ERROR(days("inform_days", o.inform_days, 1, 365));
  QUELL_RETURN_IF_ERROR(days("daily_limit", o.daily_limit, 1, 100000));
  QUELL_RETURN_IF_ERROR(days("retention_days", o.retention_days, 30, 36500));
  QUELL_RETURN_IF_ERROR(days("max_age_days", o.max_age_days, 1, o.retention_days));
  std::set<std::string> prefixes;
  for (std::size_t i = 0; i < o.routing.size(); ++i) {
    const RoutingRule& r = o.routing[i];
    const std::string where = "complaints: routing[" + std::to_string(i) + "]: ";
    const std::string_view p = r.prefix;
    if (p.size() < 2 || p.size() > 16 || p[0] != '+' || p[1] == '0' ||
        !std::all_of(p.begin() + 1, p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return InvalidArgument(where + "prefix '" + r.prefix.substr(0, 40) +
                             "' must be '+' and 1-15 digits, as \"+86134\"");
    }
    if (r.org_id <= 0) return InvalidArgument(where + "org_id must be a positive organisation id");
    if (!prefixes.insert(r.prefix).second) {
      return InvalidArgument(where + "prefix '" + r.prefix + "' is listed twice");
    }
  }
  for (std::size_t i = 0; i < o.webhooks.size(); ++i) {
    const OrgWebhook& w = o.webhooks[i];
    const std::string where = "complaints: webhooks[" + std::to_string(i) + "]: ";
    if (w.org_id <= 0) return InvalidArgument(where + "org_id must be a positive organisation id");
    if (!w.url.starts_with("https://") && !w.url.starts_with("http://")) {
      return InvalidArgument(where + "url must be http(s), not '" + w.url.substr(0, 60) + "'");
    }
  }
  return Status::Ok();
}

Result<Case> FromRow(const store::Row& row) {
  Case c;
  c.id = row.Int(0);
  const std::string id = "complaint_reports row " + std::to_string(c.id);
  c.reporter.principal = row.Text(1);
  c.reporter.on_behalf_of = row.Text(2);
  c.caller = static_cast<uint64_t>(row.Int(3));
  c.callee = static_cast<uint64_t>(row.Int(4));
  auto channel = ParseReportChannel(row.Text(5));
  auto kind = ParseReportKind(row.Text(6));
  auto state = ParseCaseState(row.Text(14));
  if (!channel || !kind || !state) return Internal(id + ": unknown channel, kind or state");
  c.channel = *channel;
  c.kind = *kind;
  c.state = *state;
  c.category = ParseCategory(row.Text(7));
  c.occurred_at_ms = row.Int(8);
  c.description = row.Text(9);
  c.transcript = row.Text(10);
  c.submissions = row.Int(11);
  c.received_at_ms = row.Int(12);
  c.updated_at_ms = row.Int(13);
  c.org_id = row.Int(15);
  c.routed_by = row.Text(16);
  c.forwarded_at_ms = row.Int(17);
  c.answer = row.Text(18);
  c.answered_at_ms = row.Int(19);
  if (const std::string o = row.Text(20); !o.empty()) {
    c.outcome = ParseOutcome(o);
    if (!c.outcome) return Internal(id + ": unknown outcome '" + o + "'");
  }
  c.note = row.Text(21);
  c.closed_at_ms = row.Int(22);
  c.deadline_ms = row.Int(23);
  c.reliability = Reliability(row.Int(24), row.Int(25));
  return c;
}

class ComplaintCentreImpl final : public ComplaintCentre {
 public:
  ComplaintCentreImpl(store::Store& store, Clock& clock, WorkingCalendar calendar,
                      ComplaintOptions options, events::EvidenceSink* evidence,
                      notify::Notifier* notifier)
      : store_(store),
        clock_(clock),
        calendar_(std::move(calendar)),
        options_(std::move(options)),
        evidence_(evidence),
        notifier_(notifier),
        new_(ReportsCounter("new")),
        merged_(ReportsCounter("merged")),
        limited_(ReportsCounter("rate_limited")),
        purged_(metrics::GetCounter("quell_complaints_purged_total",
                                    "Complaint cases deleted past their retention")) {
    // Longest prefix first: the first match is the most specific rule.
    routing_ = options_.routing;
    std::stable_sort(routing_.begin(), routing_.end(), [](const auto& a, const auto& b) {
      return a.prefix.size() > b.prefix.size();
    });
  }

  // Deadlines are stored so that lists can filter overdue cases in SQL; a new
  // calendar (a holiday added to quell.toml) or new clock lengths move them.
  Status RefreshDeadlines() {
    int64_t after = 0;
    for (;;) {
      QUELL_ASSIGN_OR_RETURN(
          auto rows,
          store_.Query("SELECT id, state, received_at, forwarded_at, answered_at, due_at FROM "
                       "complaint_reports WHERE state <> 'closed' AND id > $1 ORDER BY id LIMIT "
                       "1000",
                       {after}));
      if (rows.empty()) return Status::Ok();
      std::vector<std::pair<int64_t, int64_t>> changed;
      for (const auto& row : rows.rows) {
        after = row.Int(0);
        auto state = ParseCaseState(row.Text(1));
        if (!state) continue;
        Case c{.received_at_ms = row.Int(2),
               .state = *state,
               .forwarded_at_ms = row.Int(3),
               .answered_at_ms = row.Int(4)};
        const int64_t due = DueAt(c);
        if (due != row.Int(5)) changed.emplace_back(row.Int(0), due);
      }
      if (changed.empty()) continue;
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      for (const auto& [id, due] : changed) {
        QUELL_RETURN_IF_ERROR(
            tx->Exec("UPDATE complaint_reports SET due_at = $2 WHERE id = $1", {id, due}).status());
      }
      QUELL_RETURN_IF_ERROR(tx->Commit());
      spdlog::info("complaints: {} deadlines moved to the current calendar and clocks",
                   changed.size());
    }
  }

  Result<SubmitResult> Submit(const NewReport& r, std::string_view actor) override {
    const int64_t now = Now();
    QUELL_RETURN_IF_ERROR(Check(r, now));
    const int64_t today = calendar_.LocalDate(now).ToDays();
    const int64_t call_day = calendar_.LocalDate(r.occurred_at_ms).ToDays();
    const RoutingRule* route = RouteOf(r.caller);

    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(
        auto reporter,
        tx->Query("SELECT quota_day, quota_used FROM complaint_reporters WHERE reporter = $1 AND "
                  "reporter_sub = $2",
                  {r.reporter.principal, r.reporter.on_behalf_of}));
    const int64_t used =
        !reporter.empty() && reporter.rows[0].Int(0) == today ? reporter.rows[0].Int(1) : 0;
    if (used >= options_.daily_limit) {
      limited_.Inc();
      return ResourceExhausted("this reporter has filed " + std::to_string(used) +
                               " reports today, the daily limit; try again tomorrow");
    }
    QUELL_RETURN_IF_ERROR(
        tx->Exec("INSERT INTO complaint_reporters (reporter, reporter_sub, confirmed, unfounded, "
                 "quota_day, quota_used) VALUES ($1, $2, 0, 0, $3, 1) ON CONFLICT (reporter, "
                 "reporter_sub) DO UPDATE SET quota_used = CASE WHEN complaint_reporters.quota_day "
                 "= excluded.quota_day THEN complaint_reporters.quota_used + 1 ELSE 1 END, "
                 "quota_day = excluded.quota_day",
                 {r.reporter.principal, r.reporter.on_behalf_of, today})
            .status());

    Case fresh{.received_at_ms = now,
               .state = route ? CaseState::kForwarded : CaseState::kReceived,
               .org_id = route ? route->org_id : 0,
               .forwarded_at_ms = route ? now : 0};
    QUELL_ASSIGN_OR_RETURN(
        auto ins,
        tx->Query(
            "INSERT INTO complaint_reports (reporter, reporter_sub, caller, callee, channel, kind, "
            "category, occurred_at, call_day, description, transcript, submissions, received_at, "
            "updated_at, state, org_id, routed_by, forwarded_at, answer, answered_at, outcome, "
            "note, closed_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, "
            "$12, $12, $13, $14, $15, $16, '', 0, '', '', 0, $17) ON CONFLICT (reporter, "
            "reporter_sub, caller, call_day) DO UPDATE SET submissions = "
            "complaint_reports.submissions + 1, description = CASE WHEN excluded.description <> "
            "'' THEN excluded.description ELSE complaint_reports.description END, transcript = "
            "CASE WHEN excluded.transcript <> '' THEN excluded.transcript ELSE "
            "complaint_reports.transcript END, updated_at = excluded.updated_at RETURNING id, "
            "submissions, state",
            {r.reporter.principal, r.reporter.on_behalf_of, r.caller, r.callee,
             std::string(Name(r.channel)), std::string(Name(r.kind)), CategoryText(r.category),
             r.occurred_at_ms, call_day, r.description, r.transcript, now,
             std::string(Name(fresh.state)), fresh.org_id, route ? route->prefix : std::string(),
             fresh.forwarded_at_ms, DueAt(fresh)}));
    if (ins.empty()) return Internal("complaints: the report insert returned no row");
    const int64_t id = ins.rows[0].Int(0);
    const int64_t submissions = ins.rows[0].Int(1);
    const bool merged = submissions > 1;
    if (merged) {
      auto state = ParseCaseState(ins.rows[0].Text(2)).value_or(CaseState::kReceived);
      QUELL_RETURN_IF_ERROR(Record(*tx, id, now, actor, "merged", state, state, 0,
                                   "submission " + std::to_string(submissions)));
    } else {
      QUELL_RETURN_IF_ERROR(Record(*tx, id, now, actor, "received", CaseState::kReceived,
                                   CaseState::kReceived, 0, ""));
      if (route) {
        QUELL_RETURN_IF_ERROR(Record(*tx, id, now, kRoutingActor, "forwarded", CaseState::kReceived,
                                     CaseState::kForwarded, route->org_id,
                                     "prefix " + route->prefix));
      }
    }
    QUELL_RETURN_IF_ERROR(tx->Commit());
    (merged ? merged_ : new_).Inc();

    QUELL_ASSIGN_OR_RETURN(Case c, Get(id));
    if (!merged) {
      Publish(c, c.reliability);
      if (route) NotifyForwarded(c);
    }
    return SubmitResult{.report = std::move(c), .merged = merged};
  }

  Result<Case> Get(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query(std::string(internal::kCaseSelect) + " WHERE c.id = $1", {id}));
    if (rows.empty()) return NotFound("no complaint case " + std::to_string(id));
    QUELL_ASSIGN_OR_RETURN(Case c, FromRow(rows.rows[0]));
    FillClock(c, Now());
    return c;
  }

  Result<std::vector<CaseEvent>> History(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
    QUELL_ASSIGN_OR_RETURN(auto exists,
                           tx->Query("SELECT id FROM complaint_reports WHERE id = $1", {id}));
    if (exists.empty()) return NotFound("no complaint case " + std::to_string(id));
    QUELL_ASSIGN_OR_RETURN(
        auto rows, tx->Query("SELECT id, at_ms, actor, action, from_state, to_state, org_id, "
                             "detail FROM complaint_history WHERE case_id = $1 ORDER BY id",
                             {id}));
    std::vector<CaseEvent> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
      out.push_back({.id = row.Int(0),
                     .at_ms = row.Int(1),
                     .actor = row.Text(2),
                     .action = row.Text(3),
                     .from = ParseCaseState(row.Text(4)).value_or(CaseState::kReceived),
                     .to = ParseCaseState(row.Text(5)).value_or(CaseState::kReceived),
                     .org_id = row.Int(6),
                     .detail = row.Text(7)});
    }
    return out;
  }

  Result<std::vector<Case>> List(const CaseQuery& q) override {
    if (q.limit < 1 || q.limit > 1000) return InvalidArgument("limit must be 1..1000");
    const int64_t now = Now();
    const int64_t overdue = !q.overdue ? 0 : *q.overdue ? 1 : 2;
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query(
            std::string(internal::kCaseSelect) +
                " WHERE ($1 = '' OR c.state = $1) AND ($2 = 0 OR c.org_id = $2) AND ($3 = '' OR "
                "c.kind = $3) AND ($4 = 0 OR c.caller = $4) AND ($5 = '' OR c.reporter = $5) AND "
                "($6 = '' OR c.reporter_sub = $6) AND ($7 = 0 OR c.received_at >= $7) AND ($8 = 0 "
                "OR c.received_at < $8) AND ($9 = 0 OR c.id < $9) AND ($10 = 0 OR ($10 = 1 AND "
                "c.due_at > 0 AND c.due_at <= $11) OR ($10 = 2 AND (c.due_at = 0 OR c.due_at > "
                "$11))) ORDER BY c.id DESC LIMIT $12",
            {q.state ? std::string(Name(*q.state)) : std::string(), q.org_id,
             q.kind ? std::string(Name(*q.kind)) : std::string(), q.caller, q.reporter,
             q.reporter.empty() ? std::string() : q.on_behalf_of, q.since_ms, q.until_ms,
             q.before_id, overdue, now, q.limit}));
    std::vector<Case> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
      QUELL_ASSIGN_OR_RETURN(Case c, FromRow(row));
      FillClock(c, now);
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<Case> Forward(int64_t id, int64_t org_id, std::string_view actor) override {
    if (org_id <= 0)
      return InvalidArgument("forward to an organisation id, not " + std::to_string(org_id));
    const int64_t now = Now();
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(Case c, Load(*tx, id));
    if (c.state == CaseState::kAnswered || c.state == CaseState::kClosed) {
      return FailedPrecondition("case " + std::to_string(id) + " is " + std::string(Name(c.state)) +
                                ": it can no longer be forwarded");
    }
    if (c.state == CaseState::kForwarded && c.org_id == org_id) {
      return FailedPrecondition("case " + std::to_string(id) + " is already with organisation " +
                                std::to_string(org_id));
    }
    const CaseState from = c.state;
    c.state = CaseState::kForwarded;
    c.org_id = org_id;
    c.forwarded_at_ms = now;
    c.routed_by.clear();
    c.updated_at_ms = now;
    QUELL_RETURN_IF_ERROR(
        tx->Exec("UPDATE complaint_reports SET state = 'forwarded', org_id = $2, forwarded_at = "
                 "$3, routed_by = '', due_at = $4, updated_at = $3 WHERE id = $1",
                 {id, org_id, now, DueAt(c)})
            .status());
    QUELL_RETURN_IF_ERROR(Record(*tx, id, now, actor, "forwarded", from, c.state, org_id, ""));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    FillClock(c, now);
    NotifyForwarded(c);
    return c;
  }

  Result<Case> Answer(int64_t id, int64_t org_id, std::string_view text,
                      std::string_view actor) override {
    if (text.empty() || text.size() > kMaxAnswer) {
      return InvalidArgument("the answer must be 1.." + std::to_string(kMaxAnswer) + " bytes");
    }
    const int64_t now = Now();
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(Case c, Load(*tx, id));
    if (c.org_id != org_id || c.state == CaseState::kReceived) {
      return NotFound("no complaint case " + std::to_string(id) + " for your organisation");
    }
    if (c.state != CaseState::kForwarded) {
      return FailedPrecondition("case " + std::to_string(id) + " is " + std::string(Name(c.state)) +
                                " already");
    }
    c.state = CaseState::kAnswered;
    c.answer = std::string(text);
    c.answered_at_ms = now;
    c.updated_at_ms = now;
    QUELL_RETURN_IF_ERROR(
        tx->Exec("UPDATE complaint_reports SET state = 'answered', answer = $2, answered_at = $3, "
                 "due_at = $4, updated_at = $3 WHERE id = $1",
                 {id, c.answer, now, DueAt(c)})
            .status());
    QUELL_RETURN_IF_ERROR(
        Record(*tx, id, now, actor, "answered", CaseState::kForwarded, c.state, org_id, ""));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    FillClock(c, now);
    return c;
  }

  Result<Case> Close(int64_t id, Outcome outcome, std::string_view note,
                     std::string_view actor) override {
    if (note.size() > kMaxNote) {
      return InvalidArgument("the note must be at most " + std::to_string(kMaxNote) + " bytes");
    }
    const int64_t now = Now();
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(Case c, Load(*tx, id));
    if (c.state == CaseState::kClosed) {
      return FailedPrecondition("case " + std::to_string(id) + " is closed already (" +
                                std::string(c.outcome ? Name(*c.outcome) : "") + ")");
    }
    const CaseState from = c.state;
    c.state = CaseState::kClosed;
    c.outcome = outcome;
    c.note = std::string(note);
    c.closed_at_ms = now;
    c.updated_at_ms = now;
    QUELL_RETURN_IF_ERROR(
        tx->Exec("UPDATE complaint_reports SET state = 'closed', outcome = $2, note = $3, "
                 "closed_at = $4, due_at = 0, updated_at = $4 WHERE id = $1",
                 {id, std::string(Name(outcome)), c.note, now})
            .status());
    if (outcome != Outcome::kDuplicate) {
      const bool confirmed = outcome == Outcome::kConfirmed;
      QUELL_RETURN_IF_ERROR(
          tx->Exec("INSERT INTO complaint_reporters (reporter, reporter_sub, confirmed, "
                   "unfounded, quota_day, quota_used) VALUES ($1, $2, $3, $4, 0, 0) ON CONFLICT "
                   "(reporter, reporter_sub) DO UPDATE SET confirmed = "
                   "complaint_reporters.confirmed + excluded.confirmed, unfounded = "
                   "complaint_reporters.unfounded + excluded.unfounded",
                   {c.reporter.principal, c.reporter.on_behalf_of, confirmed ? 1 : 0,
                    confirmed ? 0 : 1})
              .status());
    }
    QUELL_RETURN_IF_ERROR(
        Record(*tx, id, now, actor, "closed", from, c.state, 0, std::string(Name(outcome))));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    if (outcome == Outcome::kConfirmed) {
      // Confirmed by an analyst: the report counts fully, whoever filed it
      // (reputation keeps the larger strength under the same ref).
      Publish(c, 1.0);
    }
    QUELL_ASSIGN_OR_RETURN(ReporterStanding s, StandingOf(c.reporter));
    c.reliability = s.reliability;
    FillClock(c, now);
    return c;
  }

  Result<ReporterStanding> StandingOf(const Reporter& reporter) override {
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query("SELECT confirmed, unfounded, quota_day, quota_used FROM "
                                "complaint_reporters WHERE reporter = $1 AND reporter_sub = $2",
                                {reporter.principal, reporter.on_behalf_of}));
    ReporterStanding s;
    if (!rows.empty()) {
      const store::Row& row = rows.rows[0];
      s.confirmed = row.Int(0);
      s.unfounded = row.Int(1);
      if (row.Int(2) == calendar_.LocalDate(Now()).ToDays()) {
        s.reports_today = static_cast<int>(row.Int(3));
      }
    }
    s.reliability = Reliability(s.confirmed, s.unfounded);
    return s;
  }

  Result<ComplaintStats> Statistics(int64_t from_ms, int64_t to_ms) override {
    if (from_ms >= to_ms) return InvalidArgument("the range must start before it ends");
    ComplaintStats st{.from_ms = from_ms, .to_ms = to_ms};
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
    constexpr std::string_view kRange =
        " FROM complaint_reports WHERE received_at >= $1 AND "
        "received_at < $2";
    auto group = [&](std::string_view expr) -> Result<store::QueryResult> {
      return tx->Query("SELECT " + std::string(expr) + ", COUNT(*)" + std::string(kRange) +
                           " GROUP BY 1 ORDER BY 1",
                       {from_ms, to_ms});
    };
    QUELL_ASSIGN_OR_RETURN(auto total, tx->Query("SELECT COUNT(*), COALESCE(SUM(submissions), 0)" +
                                                     std::string(kRange),
                                                 {from_ms, to_ms}));
    st.reports = total.rows[0].Int(0);
    st.submissions = total.rows[0].Int(1);
    QUELL_ASSIGN_OR_RETURN(auto kinds, group("kind"));
    for (const auto& row : kinds.rows) {
      if (auto k = ParseReportKind(row.Text(0))) st.by_kind.emplace_back(*k, row.Int(1));
    }
    QUELL_ASSIGN_OR_RETURN(auto categories, group("category"));
    for (const auto& row : categories.rows) {
      st.by_category.emplace_back(ParseCategory(row.Text(0)), row.Int(1));
    }
    QUELL_ASSIGN_OR_RETURN(auto channels, group("channel"));
    for (const auto& row : channels.rows) {
      if (auto c = ParseReportChannel(row.Text(0))) st.by_channel.emplace_back(*c, row.Int(1));
    }
    // Local days (receipt times are long past 1970, so the division floors);
    // the offset is the calendar's, not user input.
    const int64_t offset_ms = int64_t{calendar_.utc_offset_minutes()} * 60'000;
    QUELL_ASSIGN_OR_RETURN(auto days, group("(received_at + " + std::to_string(offset_ms) + ") / " +
                                            std::to_string(kDayMs)));
    for (const auto& row : days.rows) st.by_day.emplace_back(row.Int(0), row.Int(1));
    QUELL_ASSIGN_OR_RETURN(auto carriers, group("org_id"));
    for (const auto& row : carriers.rows) st.by_carrier.emplace_back(row.Int(0), row.Int(1));
    QUELL_ASSIGN_OR_RETURN(auto states, group("state"));
    for (const auto& row : states.rows) {
      if (auto s = ParseCaseState(row.Text(0))) st.by_state.emplace_back(*s, row.Int(1));
    }
    QUELL_ASSIGN_OR_RETURN(auto outcomes,
                           tx->Query("SELECT outcome, COUNT(*)" + std::string(kRange) +
                                         " AND outcome <> '' GROUP BY 1 ORDER BY 1",
                                     {from_ms, to_ms}));
    for (const auto& row : outcomes.rows) {
      if (auto o = ParseOutcome(row.Text(0))) st.by_outcome.emplace_back(*o, row.Int(1));
    }
    QUELL_ASSIGN_OR_RETURN(auto overdue, tx->Query("SELECT COUNT(*)" + std::string(kRange) +
                                                       " AND due_at > 0 AND due_at <= $3",
                                                   {from_ms, to_ms, Now()}));
    st.overdue = overdue.rows[0].Int(0);
    // Enum order, as the lists promise, rather than the names' alphabetical order.
    std::sort(st.by_kind.begin(), st.by_kind.end());
    std::sort(st.by_channel.begin(), st.by_channel.end());
    std::sort(st.by_state.begin(), st.by_state.end());
    std::sort(st.by_outcome.begin(), st.by_outcome.end());
    std::sort(st.by_category.begin(), st.by_category.end(), [](const auto& a, const auto& b) {
      // Categories in vocabulary order, "none given" last.
      const int ka = a.first ? static_cast<int>(*a.first) : 1000;
      const int kb = b.first ? static_cast<int>(*b.first) : 1000;
      return ka < kb;
    });
    return st;
  }

  Result<int64_t> Purge() override {
    const int64_t cutoff = Now() - int64_t{options_.retention_days} * kDayMs;
    constexpr std::string_view kExpired =
        "(closed_at > 0 AND closed_at < $1) OR (closed_at = 0 AND received_at < $1)";
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_RETURN_IF_ERROR(tx->Exec("DELETE FROM complaint_history WHERE case_id IN (SELECT id FROM "
                                   "complaint_reports WHERE " +
                                       std::string(kExpired) + ")",
                                   {cutoff})
                              .status());
    QUELL_ASSIGN_OR_RETURN(
        int64_t n,
        tx->Exec("DELETE FROM complaint_reports WHERE " + std::string(kExpired), {cutoff}));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    if (n > 0) {
      purged_.Inc(static_cast<double>(n));
      spdlog::info("complaints: purged {} cases past their retention", n);
    }
    return n;
  }

  const WorkingCalendar& calendar() const override { return calendar_; }
  const ComplaintOptions& options() const override { return options_; }

 private:
  static metrics::Counter ReportsCounter(std::string_view result) {
    return metrics::GetCounter("quell_complaints_reports_total",
                               "Complaint reports submitted, by what became of them",
                               {{"result", std::string(result)}});
  }

  int64_t Now() const { return ToUnixMillis(clock_.Now()); }

  Status Check(const NewReport& r, int64_t now) const {
    if (r.reporter.principal.empty() || r.reporter.principal.size() > 64) {
      return InvalidArgument("a report needs its reporter (1..64 bytes)");
    }
    if (r.reporter.on_behalf_of.size() > 128) {
      return InvalidArgument("on_behalf_of must be at most 128 bytes");
    }
    if (r.caller == 0) return InvalidArgument("number: the number that called is required");
    if (r.callee == 0) return InvalidArgument("callee: the number called is required");
    if (r.occurred_at_ms > now + kSkewMs) {
      return InvalidArgument("time: " + FormatRfc3339(FromUnixMillis(r.occurred_at_ms)) +
                             " is in the future");
    }
    if (r.occurred_at_ms < now - int64_t{options_.max_age_days} * kDayMs) {
      return InvalidArgument("time: calls more than " + std::to_string(options_.max_age_days) +
                             " days old cannot be reported");
    }
    if (r.description.size() > kMaxDescription) {
      return InvalidArgument("description: at most " + std::to_string(kMaxDescription) + " bytes");
    }
    if (r.transcript.size() > kMaxTranscript) {
      return InvalidArgument("transcript: at most " + std::to_string(kMaxTranscript) + " bytes");
    }
    return Status::Ok();
  }

  const RoutingRule* RouteOf(uint64_t caller) const {
    const std::string digits = "+" + std::to_string(caller);
    for (const RoutingRule& r : routing_) {
      if (digits.starts_with(r.prefix)) return &r;
    }
    return nullptr;
  }

  // The deadline of the clock running in `c`'s state; 0 once closed.
  // The clock running in `c`'s state: when it started and how many working
  // days it allows; nullopt once closed.
  std::optional<std::pair<int64_t, int>> ClockOf(const Case& c) const {
    switch (c.state) {
      case CaseState::kReceived:
        return std::pair(c.received_at_ms, options_.forward_days);
      case CaseState::kForwarded:
        return std::pair(c.forwarded_at_ms, options_.answer_days);
      case CaseState::kAnswered:
        return std::pair(c.answered_at_ms, options_.inform_days);
      case CaseState::kClosed:
        break;
    }
    return std::nullopt;
  }

  // The deadline of `c`'s running clock (0 once closed), as stored.
  int64_t DueAt(const Case& c) {
    const auto clock = ClockOf(c);
    if (!clock) return 0;
    const int64_t due = calendar_.AddWorkingDays(clock->first, clock->second);
    WarnIfNotCovered(calendar_.LocalDate(due - 1).year);
    return due;
  }

  // The calendar counts a year it has no holidays for as weekends only.
  void WarnIfNotCovered(int year) {
    if (calendar_.Covers(year)) return;
    std::lock_guard lock(warn_mu_);
    if (!warned_years_.insert(year).second) return;
    spdlog::warn(
        "complaints: a service deadline falls in {}, for which the working-day calendar has no "
        "public holidays (counted as weekends only); add the year's days to "
        "[complaints.calendar] (docs/calendar.md)",
        year);
  }

  void FillClock(Case& c, int64_t now) const {
    c.deadline_ms = 0;
    c.overdue = false;
    c.overdue_days = 0;
    const auto clock = ClockOf(c);
    if (!clock) return;
    const auto [start, n] = *clock;
    c.deadline_ms = calendar_.AddWorkingDays(start, n);
    c.overdue = now >= c.deadline_ms;
    if (c.overdue) {
      c.overdue_days = std::max<int64_t>(0, calendar_.WorkingDaysBetween(start, now) - n);
    }
  }

  Result<Case> Load(store::Transaction& tx, int64_t id) {
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           tx.Query(std::string(internal::kCaseSelect) + " WHERE c.id = $1", {id}));
    if (rows.empty()) return NotFound("no complaint case " + std::to_string(id));
    return FromRow(rows.rows[0]);
  }

  static Status Record(store::Transaction& tx, int64_t id, int64_t at, std::string_view actor,
                       std::string_view action, CaseState from, CaseState to, int64_t org_id,
                       const std::string& detail) {
    return tx
        .Exec(
            "INSERT INTO complaint_history (case_id, at_ms, actor, action, from_state, "
            "to_state, org_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {id, at, std::string(actor.substr(0, 128)), std::string(action),
             std::string(Name(from)), std::string(Name(to)), org_id, detail})
        .status();
  }

  // Reports of kind "other" say nothing reputation could label, so they are
  // not evidence.
  void Publish(const Case& c, double strength) {
    const std::optional<NuisanceKind> kind = NuisanceKindOf(c.kind);
    if (evidence_ == nullptr || !kind) return;
    evidence_->Publish({.number = c.caller,
                        .source = events::EvidenceSource::kReport,
                        .kind = *kind,
                        .category = c.category,
                        .strength = strength,
                        .time_us = c.occurred_at_ms * 1000,
                        .ref = std::to_string(c.id),
                        .detail = "complaint " + std::to_string(c.id) + ": " +
                                  std::string(TermOf(*kind).en) +
                                  (c.channel == ReportChannel::kSms ? " by SMS" : " by call")});
  }

  // Tells the organisation a case was forwarded to it, when it has a webhook.
  // The notice carries no personal data beyond the reported number: the
  // organisation reads the case through the API.
  void NotifyForwarded(const Case& c) {
    if (notifier_ == nullptr) return;
    const auto hook = std::find_if(options_.webhooks.begin(), options_.webhooks.end(),
                                   [&](const OrgWebhook& w) { return w.org_id == c.org_id; });
    if (hook == options_.webhooks.end()) return;
    const nlohmann::json body = {{"event", "complaint.forwarded"},
                                 {"case", c.id},
                                 {"number", E164(c.caller)},
                                 {"kind", std::string(Name(c.kind))},
                                 {"channel", std::string(Name(c.channel))},
                                 {"forwarded_at", FormatRfc3339(FromUnixMillis(c.forwarded_at_ms))},
                                 {"answer_due", FormatRfc3339(FromUnixMillis(c.deadline_ms))},
                                 {"href", "/api/v1/reports/" + std::to_string(c.id)}};
    auto n = notifier_->Enqueue(notify::Channel::kWebhook, hook->url,
                                "complaint " + std::to_string(c.id) + " forwarded", body.dump(),
                                "complaints");
    if (!n) {
      spdlog::warn("complaints: organisation {} not told of case {}: {}", c.org_id, c.id,
                   n.error().ToString());
    }
  }

  store::Store& store_;
  Clock& clock_;
  const WorkingCalendar calendar_;
  const ComplaintOptions options_;
  events::EvidenceSink* const evidence_;
  notify::Notifier* const notifier_;
  std::vector<RoutingRule> routing_;
  metrics::Counter new_, merged_, limited_, purged_;
  std::mutex warn_mu_;
  std::set<int> warned_years_;
};

}  // namespace

std::string_view Name(ReportKind k) {
  if (auto n = NuisanceKindOf(k)) return Name(*n);
  return "other";
}
std::string_view Name(ReportChannel c) { return kChannelNames[static_cast<std::size_t>(c)]; }
std::string_view Name(CaseState s) { return kStateNames[static_cast<std::size_t>(s)]; }
std::string_view Name(Outcome o) { return kOutcomeNames[static_cast<std::size_t>(o)]; }

std::optional<ReportKind> ParseReportKind(std::string_view name) {
  if (name == "other") return ReportKind::kOther;
  if (auto k = ParseNuisanceKind(name)) return static_cast<ReportKind>(*k);
  return std::nullopt;
}
std::optional<ReportChannel> ParseReportChannel(std::string_view name) {
  return ParseIn<ReportChannel>(kChannelNames, name);
}
std::optional<CaseState> ParseCaseState(std::string_view name) {
  return ParseIn<CaseState>(kStateNames, name);
}
std::optional<Outcome> ParseOutcome(std::string_view name) {
  return ParseIn<Outcome>(kOutcomeNames, name);
}
std::optional<NuisanceKind> NuisanceKindOf(ReportKind k) {
  if (k == ReportKind::kOther) return std::nullopt;
  return static_cast<NuisanceKind>(k);
}

Result<std::unique_ptr<ComplaintCentre>> ComplaintCentre::Open(store::Store& store, Clock& clock,
                                                               WorkingCalendar calendar,
                                                               ComplaintOptions options,
                                                               events::EvidenceSink* evidence,
                                                               notify::Notifier* notifier) {
  QUELL_RETURN_IF_ERROR(CheckOptions(options));
  QUELL_RETURN_IF_ERROR(
      store.Migrate(internal::kComplaintsModule, internal::kComplaintsMigrations));
  auto centre = std::make_unique<ComplaintCentreImpl>(store, clock, std::move(calendar),
                                                      std::move(options), evidence, notifier);
  QUELL_RETURN_IF_ERROR(centre->RefreshDeadlines());
  return std::unique_ptr<ComplaintCentre>(std::move(centre));
}

}  // namespace quell::reputation
