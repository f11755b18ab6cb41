#include "quell/enforce/traceback.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "quell/enforce/internal/traceback_internal.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/sanctions.h"
#include "quell/enforce/scorecard.h"
#include "quell/events/call_event.h"
#include "quell/notify/notify.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using Json = nlohmann::json;
using internal::CarrierDirectory;

constexpr std::array<std::string_view, 4> kRoleNames = {"originating", "gateway", "transit",
                                                        "terminating"};
constexpr std::array<std::string_view, 3> kAuthNames = {"none", "partial", "full"};
constexpr std::array<std::string_view, 5> kCaseStates = {"open", "origin_found", "foreign_entry",
                                                         "not_found", "non_responsive"};
constexpr std::array<std::string_view, 4> kSources = {"none", "complaint", "finding", "violation"};
constexpr std::array<std::string_view, 4> kAnswers = {"upstream", "origin", "foreign", "not_found"};
constexpr std::array<std::string_view, 3> kHopStates = {"waiting", "answered", "missed"};

constexpr uint64_t kMaxE164 = 999'999'999'999'999ULL;
constexpr std::size_t kMaxText = 2000;
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxTrunk = 31;  // CallEvent::trunk keeps 31 bytes

template <std::size_t N>
std::optional<std::size_t> IndexOf(const std::array<std::string_view, N>& names,
                                   std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return i;
  return std::nullopt;
}

std::string E164Text(uint64_t n) { return "+" + std::to_string(n); }

constexpr std::string_view kCarrierCols =
    "org_id, name, roles, contacts, webhook_url, auth, spcs, cert_subject, country, aliases, "
    "created_at, updated_at";

constexpr std::string_view kCaseCols =
    "c.id, c.source, c.source_id, c.caller, c.callee, c.call_time, c.campaign, c.terminating_org, "
    "c.terminating_name, c.origid, c.pp_spc, c.pp_cert, c.start_note, c.state, c.outcome_text, "
    "c.opened_by, c.opened_at, c.closed_at, c.ledger_seq";

constexpr std::string_view kHopCols =
    "h.id, h.case_id, h.idx, h.org_id, h.org_name, h.state, h.requested_at, h.deadline, "
    "h.answered_at, h.answer, h.upstream_org, h.upstream_name, h.customer_name, h.customer_code, "
    "h.customer_account, h.foreign_carrier, h.foreign_country, h.note, h.answered_by, h.cdr_id, "
    "h.notice_id";
constexpr std::size_t kHopColCount = 21;

std::string S(std::string_view a, std::string_view b = "", std::string_view c = "",
              std::string_view d = "") {
  std::string out;
  out.reserve(a.size() + b.size() + c.size() + d.size());
  out.append(a).append(b).append(c).append(d);
  return out;
}

Json StringsJson(const std::vector<std::string>& v) { return Json(v); }

std::vector<std::string> StringsFrom(const std::string& text) {
  std::vector<std::string> out;
  try {
    Json j = Json::parse(text);
    for (const Json& e : j)
      if (e.is_string()) out.push_back(e.get<std::string>());
  } catch (const Json::exception&) {
  }
  return out;
}

Json ContactsJson(const std::vector<CarrierContact>& contacts) {
  Json out = Json::array();
  for (const auto& c : contacts)
    out.push_back({{"name", c.name}, {"email", c.email}, {"phone", c.phone}});
  return out;
}

std::vector<CarrierContact> ContactsFrom(const std::string& text) {
  std::vector<CarrierContact> out;
  try {
    Json j = Json::parse(text);
    for (const Json& e : j) {
      out.push_back({.name = e.value("name", ""),
                     .email = e.value("email", ""),
                     .phone = e.value("phone", "")});
    }
  } catch (const Json::exception&) {
  }
  return out;
}

Carrier CarrierFromRow(const store::Row& r) {
  Carrier c;
  c.org_id = r.Int(0);
  c.name = r.Text(1);
  c.roles = static_cast<uint8_t>(r.Int(2));
  c.contacts = ContactsFrom(r.Text(3));
  c.webhook_url = r.Text(4);
  c.auth = ParseAuthStatus(r.Text(5)).value_or(AuthStatus::kNone);
  c.spcs = StringsFrom(r.Text(6));
  c.cert_subject = r.Text(7);
  c.country = r.Text(8);
  c.trunk_aliases = StringsFrom(r.Text(9));
  c.created_at = FromUnixMillis(r.Int(10));
  c.updated_at = FromUnixMillis(r.Int(11));
  return c;
}

Case CaseFromRow(const store::Row& r) {
  Case c;
  c.id = r.Int(0);
  c.source = ParseSourceKind(r.Text(1)).value_or(SourceKind::kNone);
  c.source_id = r.Int(2);
  c.caller = static_cast<uint64_t>(r.Int(3));
  c.callee = static_cast<uint64_t>(r.Int(4));
  c.call_time = FromUnixMillis(r.Int(5));
  c.campaign = r.Text(6);
  c.terminating_org_id = r.Int(7);
  c.terminating_name = r.Text(8);
  c.passport_origid = r.Text(9);
  c.passport_spc = r.Text(10);
  c.passport_cert_name = r.Text(11);
  c.start_note = r.Text(12);
  c.state = ParseCaseState(r.Text(13)).value_or(CaseState::kOpen);
  c.outcome_text = r.Text(14);
  c.opened_by = r.Text(15);
  c.opened_at = FromUnixMillis(r.Int(16));
  if (!r.IsNull(17)) c.closed_at = FromUnixMillis(r.Int(17));
  c.ledger_seq = static_cast<uint64_t>(r.Int(18));
  return c;
}

Hop HopFromRow(const store::Row& r, std::size_t o = 0) {
  Hop h;
  h.id = r.Int(o + 0);
  h.case_id = r.Int(o + 1);
  h.index = static_cast<int>(r.Int(o + 2));
  h.org_id = r.Int(o + 3);
  h.org_name = r.Text(o + 4);
  const auto st = IndexOf(kHopStates, r.Text(o + 5));
  h.state = static_cast<HopState>(st.value_or(0));
  h.requested_at = FromUnixMillis(r.Int(o + 6));
  h.deadline = FromUnixMillis(r.Int(o + 7));
  if (!r.IsNull(o + 8)) h.answered_at = FromUnixMillis(r.Int(o + 8));
  if (auto kind = ParseAnswerKind(r.Text(o + 9))) {
    HopAnswer a;
    a.kind = *kind;
    a.upstream_org_id = r.Int(o + 10);
    a.customer_name = r.Text(o + 12);
    a.customer_credit_code = r.Text(o + 13);
    a.customer_account = r.Text(o + 14);
    a.foreign_carrier = r.Text(o + 15);
    a.foreign_country = r.Text(o + 16);
    a.note = r.Text(o + 17);
    a.answered_by = r.Text(o + 18);
    h.answer = std::move(a);
  }
  h.upstream_name = r.Text(o + 11);
  h.cdr_id = r.Int(o + 19);
  h.notice_id = r.Int(o + 20);
  return h;
}

template <typename Q>
Result<std::optional<Case>> LoadCase(Q& q, int64_t id) {
  QUELL_ASSIGN_OR_RETURN(
      auto rows, q.Query(S("SELECT ", kCaseCols, " FROM tb_cases c WHERE c.id = $1"), {id}));
  if (rows.rows.empty()) return std::optional<Case>();
  Case c = CaseFromRow(rows.rows[0]);
  QUELL_ASSIGN_OR_RETURN(
      auto hops,
      q.Query(S("SELECT ", kHopCols, " FROM tb_hops h WHERE h.case_id = $1 ORDER BY h.idx"), {id}));
  for (const auto& r : hops.rows) c.hops.push_back(HopFromRow(r));
  return std::optional<Case>(std::move(c));
}

template <typename Q>
Result<std::optional<Hop>> LoadHop(Q& q, int64_t id) {
  QUELL_ASSIGN_OR_RETURN(auto rows,
                         q.Query(S("SELECT ", kHopCols, " FROM tb_hops h WHERE h.id = $1"), {id}));
  if (rows.rows.empty()) return std::optional<Hop>();
  return std::optional<Hop>(HopFromRow(rows.rows[0]));
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  // Nearest rank.
  const std::size_t rank =
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - (p > 0 ? 1 : 0);
  return v[std::min(rank, v.size() - 1)];
}

bool IsHttpUrl(std::string_view u) {
  if (u.size() > 2000) return false;
  for (char c : u)
    if (c == ' ' || c < 0x21 || c == 0x7f) return false;
  return (u.starts_with("https://") && u.size() > 8) || (u.starts_with("http://") && u.size() > 7);
}

Status CheckContacts(const std::vector<CarrierContact>& contacts, const std::string& webhook) {
  if (contacts.size() > 10) return InvalidArgument("contacts: at most 10");
  for (const auto& c : contacts) {
    if (c.name.empty() || c.name.size() > kMaxName)
      return InvalidArgument("contacts: each needs a name of 1-200 bytes");
    if (c.email.size() > kMaxName || (!c.email.empty() && c.email.find('@') == std::string::npos))
      return InvalidArgument("contacts: '" + c.email.substr(0, 60) + "' is not an email address");
    if (c.phone.size() > 40) return InvalidArgument("contacts: phone is at most 40 bytes");
  }
  if (!webhook.empty() && !IsHttpUrl(webhook)) {
    return InvalidArgument("webhook_url: '" + webhook.substr(0, 80) + "' is not an http(s) URL");
  }
  return Status::Ok();
}

Status CheckText(std::string_view field, const std::string& text, std::size_t max) {
  if (text.size() > max)
    return InvalidArgument(S(field, ": at most ", std::to_string(max), " bytes"));
  return Status::Ok();
}

class TracebackImpl final : public Traceback {
 public:
  TracebackImpl(store::Store& store, Clock& clock, TracebackOptions options,
                notify::Notifier* notifier, LedgerAppender* ledger)
      : store_(store),
        clock_(clock),
        options_(std::move(options)),
        notifier_(notifier),
        ledger_(ledger) {}

  Status Init() {
    QUELL_RETURN_IF_ERROR(
        store_.Migrate(internal::kTracebackModule, internal::kTracebackMigrations));
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           store_.Query(S("SELECT ", kCarrierCols, " FROM tb_carriers")));
    for (const auto& r : rows.rows) directory_.Put(CarrierFromRow(r));
    QUELL_ASSIGN_OR_RETURN(scorecards_,
                           internal::MakeScorecards(store_, clock_, directory_, *this, options_));
    return Status::Ok();
  }

  ~TracebackImpl() override {
    if (scorecards_) {
      Status s = scorecards_->Flush();
      if (!s.ok()) spdlog::warn("traceback: scorecard counts not flushed: {}", s.ToString());
    }
  }

  // ---------------------------------------------------------------- registry

  Result<Carrier> RegisterCarrier(const Carrier& in) override {
    std::lock_guard lock(registry_mu_);
    if (directory_.Get(in.org_id)) {
      return AlreadyExists("carrier: organisation " + std::to_string(in.org_id) +
                           " is already registered");
    }
    QUELL_ASSIGN_OR_RETURN(Carrier c, Checked(in));
    c.created_at = c.updated_at = clock_.Now();
    QUELL_RETURN_IF_ERROR(Write(c, true));
    directory_.Put(c);
    return c;
  }

  Result<Carrier> UpdateCarrier(const Carrier& in) override {
    std::lock_guard lock(registry_mu_);
    auto old = directory_.Get(in.org_id);
    if (!old) return NotFound("no registered carrier " + std::to_string(in.org_id));
    QUELL_ASSIGN_OR_RETURN(Carrier c, Checked(in));
    c.created_at = old->created_at;
    c.updated_at = clock_.Now();
    QUELL_RETURN_IF_ERROR(Write(c, false));
    directory_.Put(c);
    return c;
  }

  Result<Carrier> UpdateContacts(int64_t org_id, const std::vector<CarrierContact>& contacts,
                                 const std::string& webhook_url) override {
    std::lock_guard lock(registry_mu_);
    auto c = directory_.Get(org_id);
    if (!c) return NotFound("no registered carrier " + std::to_string(org_id));
    QUELL_RETURN_IF_ERROR(CheckContacts(contacts, webhook_url));
    c->contacts = contacts;
    c->webhook_url = webhook_url;
    c->updated_at = clock_.Now();
    QUELL_RETURN_IF_ERROR(Write(*c, false));
    directory_.Put(*c);
    return *c;
  }

  Status RemoveCarrier(int64_t org_id) override {
    std::lock_guard lock(registry_mu_);
    if (!directory_.Get(org_id)) return NotFound("no registered carrier " + std::to_string(org_id));
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(
        auto waiting,
        tx->Query("SELECT COUNT(*) FROM tb_hops WHERE org_id = $1 AND state = 'waiting'",
                  {org_id}));
    if (waiting.rows[0].Int(0) > 0) {
      return FailedPrecondition("the carrier has " + std::to_string(waiting.rows[0].Int(0)) +
                                " traceback request(s) waiting; they must be answered or missed "
                                "before it leaves the registry");
    }
    QUELL_RETURN_IF_ERROR(tx->Exec("DELETE FROM tb_carriers WHERE org_id = $1", {org_id}).status());
    QUELL_RETURN_IF_ERROR(tx->Commit());
    directory_.Remove(org_id);
    return Status::Ok();
  }

  std::optional<Carrier> GetCarrier(int64_t org_id) const override {
    return directory_.Get(org_id);
  }

  std::vector<Carrier> ListCarriers() const override {
    auto list = directory_.List();
    std::sort(list.begin(), list.end(),
              [](const Carrier& a, const Carrier& b) { return a.name < b.name; });
    return list;
  }

  int64_t ResolveIngress(std::string_view ingress) const override {
    return directory_.Resolve(ingress);
  }

  // ------------------------------------------------------------------- cases

  Result<Case> OpenCase(const NewCase& in) override {
    const TimePoint now = clock_.Now();
    if (in.caller == 0 || in.caller > kMaxE164)
      return InvalidArgument("caller: a phone number is required");
    if (in.callee == 0 || in.callee > kMaxE164)
      return InvalidArgument("callee: a phone number is required");
    if (in.call_time > now + std::chrono::minutes(5))
      return InvalidArgument("call_time: " + FormatRfc3339(in.call_time) + " is in the future");
    if (in.call_time.time_since_epoch().count() <= 0) return InvalidArgument("call_time: required");
    QUELL_RETURN_IF_ERROR(CheckText("campaign", in.campaign, kMaxText));
    QUELL_RETURN_IF_ERROR(CheckText("origid", in.passport_origid, 200));
    QUELL_RETURN_IF_ERROR(CheckText("passport spc", in.passport_spc, 64));
    QUELL_RETURN_IF_ERROR(CheckText("passport cert_name", in.passport_cert_name, 500));
    if ((in.source == SourceKind::kNone) != (in.source_id == 0)) {
      return InvalidArgument(
          "source: give a source kind (complaint, finding, violation) with its id, or neither");
    }
    auto terminating = directory_.Get(in.terminating_org_id);
    if (!terminating) {
      return InvalidArgument("terminating carrier: organisation " +
                             std::to_string(in.terminating_org_id) +
                             " is not a registered carrier");
    }
    // The signer of a verified PASSporT, when registered, is where the path is
    // known to begin being honest about the call: ask it first.
    int64_t first = terminating->org_id;
    std::string note;
    const int64_t signer = directory_.FindSigner(in.passport_spc, in.passport_cert_name);
    if (signer != 0 && signer != terminating->org_id) {
      const auto s = directory_.Get(signer);
      first = signer;
      note = "started at " + s->name + ", which signed the call's PASSporT (" +
             (in.passport_spc.empty() ? "certificate " + in.passport_cert_name
                                      : "SPC " + in.passport_spc) +
             (in.passport_origid.empty() ? "" : ", origid " + in.passport_origid) +
             "); the hops between " + terminating->name + " and " + s->name + " were skipped";
    } else if (signer != 0) {
      note = "the terminating carrier " + terminating->name + " signed the call's PASSporT itself";
    }

    std::vector<Hop> to_notify;
    int64_t id = 0;
    {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(
          auto rows,
          tx->Query(
              "INSERT INTO tb_cases (source, source_id, caller, callee, call_time, campaign, "
              "terminating_org, terminating_name, origid, pp_spc, pp_cert, start_note, "
              "state, outcome_text, opened_by, opened_at, closed_at, ledger_seq) VALUES ($1, "
              "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', '', $13, $14, NULL, 0) "
              "RETURNING id",
              {Name(in.source), in.source_id, in.caller, in.callee, ToUnixMillis(in.call_time),
               in.campaign, terminating->org_id, terminating->name, in.passport_origid,
               in.passport_spc, in.passport_cert_name, note, in.opened_by, ToUnixMillis(now)}));
      id = rows.rows[0].Int(0);
      QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(*tx, id));
      QUELL_RETURN_IF_ERROR(Advance(*tx, *c, first, now, to_notify));
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    Notify(to_notify);
    QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(store_, id));
    return std::move(*c);
  }

  Result<std::optional<Case>> GetCase(int64_t id) override { return LoadCase(store_, id); }

  Result<std::vector<Case>> ListCases(const CaseQuery& q) override {
    if (q.limit < 1 || q.limit > 1000) return InvalidArgument("limit: 1..1000");
    std::string sql = S("SELECT ", kCaseCols, " FROM tb_cases c WHERE 1 = 1");
    store::Params params;
    auto add = [&](std::string_view cond, store::Value v) {
      params.push_back(std::move(v));
      sql += S(" AND ", cond, "$", std::to_string(params.size()));
    };
    if (q.state) add("c.state = ", Name(*q.state));
    if (q.source) add("c.source = ", Name(*q.source));
    if (q.source_id > 0) add("c.source_id = ", q.source_id);
    if (q.before_id > 0) add("c.id < ", q.before_id);
    if (q.org_id > 0) {
      params.push_back(q.org_id);
      sql += " AND EXISTS (SELECT 1 FROM tb_hops h WHERE h.case_id = c.id AND h.org_id = $" +
             std::to_string(params.size()) + ")";
    }
    params.push_back(q.limit);
    sql += " ORDER BY c.id DESC LIMIT $" + std::to_string(params.size());
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
    QUELL_ASSIGN_OR_RETURN(auto rows, tx->Query(sql, params));
    std::vector<Case> out;
    for (const auto& r : rows.rows) {
      Case c = CaseFromRow(r);
      QUELL_ASSIGN_OR_RETURN(
          auto hops,
          tx->Query(S("SELECT ", kHopCols, " FROM tb_hops h WHERE h.case_id = $1 ORDER BY h.idx"),
                    {c.id}));
      for (const auto& h : hops.rows) c.hops.push_back(HopFromRow(h));
      out.push_back(std::move(c));
    }
    return out;
  }

  // ---------------------------------------------------------------- requests

  Result<std::vector<Request>> ListRequests(int64_t org_id, bool open_only, int limit) override {
    if (limit < 1 || limit > 1000) return InvalidArgument("limit: 1..1000");
    const std::string sql =
        S("SELECT ", kHopCols,
          ", c.caller, c.callee, c.call_time, c.campaign, c.origid FROM tb_hops h JOIN tb_cases c "
          "ON c.id = h.case_id WHERE h.org_id = $1",
          open_only ? " AND h.state = 'waiting' ORDER BY h.id" : " ORDER BY h.id DESC") +
        " LIMIT $2";
    QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query(sql, {org_id, limit}));
    std::vector<Request> out;
    for (const auto& r : rows.rows) out.push_back(RequestFromRow(r));
    return out;
  }

  Result<std::optional<Request>> GetRequest(int64_t hop_id) override {
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query(S("SELECT ", kHopCols,
                       ", c.caller, c.callee, c.call_time, c.campaign, c.origid FROM tb_hops h "
                       "JOIN tb_cases c ON c.id = h.case_id WHERE h.id = $1"),
                     {hop_id}));
    if (rows.rows.empty()) return std::optional<Request>();
    return std::optional<Request>(RequestFromRow(rows.rows[0]));
  }

  Result<Case> Answer(int64_t hop_id, int64_t org_id, const HopAnswer& in) override {
    QUELL_RETURN_IF_ERROR(CheckAnswer(in));
    const TimePoint now = clock_.Now();
    std::vector<Hop> to_notify;
    int64_t case_id = 0;
    {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(auto hop, LoadHop(*tx, hop_id));
      if (!hop || (org_id != 0 && hop->org_id != org_id)) {
        return NotFound("no traceback request " + std::to_string(hop_id) +
                        (org_id != 0 ? " for your organisation" : ""));
      }
      if (hop->state != HopState::kWaiting) {
        return FailedPrecondition("traceback request " + std::to_string(hop_id) + " was already " +
                                  std::string(Name(hop->state)));
      }
      case_id = hop->case_id;
      QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(*tx, case_id));
      std::string upstream_name;
      if (in.kind == AnswerKind::kUpstream) {
        auto up = directory_.Get(in.upstream_org_id);
        if (!up) {
          return InvalidArgument("upstream: organisation " + std::to_string(in.upstream_org_id) +
                                 " is not a registered carrier");
        }
        for (const Hop& h : c->hops) {
          if (h.org_id == up->org_id) {
            return InvalidArgument("upstream: loop — " + up->name +
                                   " is already on the path of case " + std::to_string(c->id) +
                                   " (hop " + std::to_string(h.index) + ")");
          }
        }
        upstream_name = up->name;
      }
      QUELL_RETURN_IF_ERROR(RecordAnswer(*tx, *hop, in, upstream_name, 0, now));
      for (Hop& h : c->hops) {
        if (h.id == hop->id) {
          h.state = HopState::kAnswered;
          h.answered_at = now;
          h.answer = in;
          h.upstream_name = upstream_name;
        }
      }
      switch (in.kind) {
        case AnswerKind::kUpstream:
          QUELL_RETURN_IF_ERROR(Advance(*tx, *c, in.upstream_org_id, now, to_notify));
          break;
        case AnswerKind::kOrigin:
          QUELL_RETURN_IF_ERROR(
              End(*tx, *c, CaseState::kOriginFound,
                  "origin found at " + hop->org_name + ": customer " + in.customer_name, now));
          break;
        case AnswerKind::kForeign:
          QUELL_RETURN_IF_ERROR(
              End(*tx, *c, CaseState::kForeignEntry,
                  "foreign entry at " + hop->org_name + " from " + in.foreign_carrier, now));
          break;
        case AnswerKind::kNotFound:
          QUELL_RETURN_IF_ERROR(
              End(*tx, *c, CaseState::kNotFound, "not found at carrier " + hop->org_name, now));
          break;
      }
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    Notify(to_notify);
    QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(store_, case_id));
    return std::move(*c);
  }

  Result<int> Sweep() override {
    const TimePoint now = clock_.Now();
    QUELL_ASSIGN_OR_RETURN(
        auto due,
        store_.Query(
            "SELECT id FROM tb_hops WHERE state = 'waiting' AND deadline <= $1 ORDER BY id",
            {ToUnixMillis(now)}));
    int marked = 0;
    for (const auto& r : due.rows) {
      auto done = MarkMissed(r.Int(0), now);
      if (!done) {
        spdlog::warn("traceback: request {} past its deadline not marked missed: {}", r.Int(0),
                     done.error().ToString());
        continue;
      }
      marked += *done ? 1 : 0;
    }
    return marked;
  }

  // -------------------------------------------------------------------- CDRs

  Result<CdrIngest> AddCdrs(int64_t org_id, std::span<const events::CallEvent> events) override {
    if (!directory_.Get(org_id)) {
      return NotFound("organisation " + std::to_string(org_id) + " is not a registered carrier");
    }
    CdrIngest out;
    const int64_t now_ms = ToUnixMillis(clock_.Now());
    {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      for (const events::CallEvent& e : events) {
        if (e.caller == 0 || e.callee == 0 || e.trunk.empty()) {
          ++out.skipped;
          continue;
        }
        QUELL_RETURN_IF_ERROR(
            tx->Exec("INSERT INTO tb_cdrs (org_id, caller, callee, time_ms, ingress, received_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     {org_id, e.caller, e.callee, e.time_us / 1000, e.trunk.view(), now_ms})
                .status());
        ++out.stored;
      }
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    if (out.stored == 0) return out;
    // Requests already waiting at this carrier may now be answerable.
    QUELL_ASSIGN_OR_RETURN(
        auto waiting,
        store_.Query("SELECT id FROM tb_hops WHERE org_id = $1 AND state = 'waiting' ORDER BY id",
                     {org_id}));
    for (const auto& r : waiting.rows) {
      auto answered = RetryAuto(r.Int(0));
      if (!answered) return answered.error();
      out.auto_answered += *answered ? 1 : 0;
    }
    return out;
  }

  Result<int64_t> PurgeCdrs() override {
    const TimePoint cutoff = clock_.Now() - options_.cdr_retention;
    return store_.Exec("DELETE FROM tb_cdrs WHERE time_ms < $1", {ToUnixMillis(cutoff)});
  }

  // --------------------------------------------------------------- statistics

  Result<TracebackStats> Stats(std::optional<TimePoint> since) override {
    const int64_t from = since ? ToUnixMillis(*since) : INT64_MIN;
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
    QUELL_ASSIGN_OR_RETURN(
        auto cases, tx->Query("SELECT id, state FROM tb_cases WHERE opened_at >= $1", {from}));
    QUELL_ASSIGN_OR_RETURN(
        auto hops,
        tx->Query("SELECT h.case_id, h.org_id, h.org_name, h.state, h.requested_at, "
                  "h.answered_at, h.cdr_id, c.state FROM tb_hops h JOIN tb_cases c ON c.id = "
                  "h.case_id WHERE c.opened_at >= $1 ORDER BY h.case_id, h.idx",
                  {from}));
    TracebackStats s;
    s.cases = static_cast<int64_t>(cases.rows.size());
    for (const auto& r : cases.rows) {
      if (auto st = ParseCaseState(r.Text(1))) ++s.by_state[static_cast<std::size_t>(*st)];
    }
    std::map<int64_t, int> per_case;
    std::map<int64_t, CarrierMisses> misses;
    std::vector<double> seconds;
    for (const auto& r : hops.rows) {
      ++per_case[r.Int(0)];
      ++s.requests;
      const std::string state = r.Text(3);
      if (state == "waiting") {
        ++s.waiting;
      } else if (state == "missed") {
        ++s.missed;
        CarrierMisses& m = misses[r.Int(1)];
        m.org_id = r.Int(1);
        m.name = r.Text(2);
        ++m.missed;
        if (r.Text(7) == "non_responsive") ++m.non_responsive;
      } else {
        ++s.answered;
        if (r.Int(6) != 0) ++s.auto_answered;
        seconds.push_back(static_cast<double>(r.Int(5) - r.Int(4)) / 1000.0);
      }
    }
    for (const auto& [id, n] : per_case) s.max_hops = std::max(s.max_hops, n);
    if (s.cases > 0)
      s.hops_per_case = static_cast<double>(s.requests) / static_cast<double>(s.cases);
    if (!seconds.empty()) {
      s.median_answer_seconds = Percentile(seconds, 0.5);
      s.p90_answer_seconds = Percentile(seconds, 0.9);
    }
    for (auto& [id, m] : misses) s.non_responsive.push_back(std::move(m));
    std::sort(s.non_responsive.begin(), s.non_responsive.end(),
              [](const CarrierMisses& a, const CarrierMisses& b) {
                return a.missed != b.missed ? a.missed > b.missed : a.name < b.name;
              });
    return s;
  }

  Result<std::vector<ResponseFigures>> ResponseTimes() override {
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query("SELECT org_id, state, requested_at, deadline, answered_at, "
                                "cdr_id FROM tb_hops WHERE state <> 'waiting' ORDER BY org_id"));
    std::map<int64_t, std::pair<ResponseFigures, std::vector<double>>> by_org;
    for (const auto& r : rows.rows) {
      auto& [f, secs] = by_org[r.Int(0)];
      f.org_id = r.Int(0);
      ++f.requests;
      if (r.Text(1) == "missed") {
        ++f.missed;
        continue;
      }
      ++f.answered;
      if (r.Int(4) <= r.Int(3)) ++f.answered_in_time;
      if (r.Int(5) != 0) ++f.auto_answered;
      secs.push_back(static_cast<double>(r.Int(4) - r.Int(2)) / 1000.0);
    }
    std::vector<ResponseFigures> out;
    for (auto& [id, p] : by_org) {
      if (!p.second.empty()) p.first.median_answer_seconds = Percentile(p.second, 0.5);
      out.push_back(p.first);
    }
    return out;
  }

  Scorecards& scorecard() override { return *scorecards_; }
  const TracebackOptions& options() const override { return options_; }

 private:
  // Validates a registration and normalises it.
  Result<Carrier> Checked(const Carrier& in) const {
    Carrier c = in;
    if (c.org_id <= 0) return InvalidArgument("org_id: an organisation id");
    if (c.name.empty() || c.name.size() > kMaxName)
      return InvalidArgument("name: 1-200 bytes (the organisation's name)");
    if (c.roles == 0 || c.roles > 15)
      return InvalidArgument("roles: one or more of originating, gateway, transit, terminating");
    QUELL_RETURN_IF_ERROR(CheckContacts(c.contacts, c.webhook_url));
    if (c.spcs.size() > 20) return InvalidArgument("spcs: at most 20");
    for (std::string& s : c.spcs) {
      for (char& ch : s)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      if (s.empty() || s.size() > 16 ||
          s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != std::string::npos) {
        return InvalidArgument("spcs: '" + s.substr(0, 40) +
                               "' is not an SPC/OCN (1-16 letters and digits)");
      }
    }
    QUELL_RETURN_IF_ERROR(CheckText("cert_subject", c.cert_subject, 500));
    for (char& ch : c.country)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (c.country.size() != 2 ||
        c.country.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      return InvalidArgument("country: an ISO 3166-1 alpha-2 code (\"CN\")");
    }
    if (c.trunk_aliases.size() > 50) return InvalidArgument("trunk_aliases: at most 50");
    for (const std::string& a : c.trunk_aliases) {
      const std::string key = internal::AliasKeyString(a);
      if (key.empty() || key.size() > kMaxTrunk) {
        return InvalidArgument("trunk_aliases: '" + a.substr(0, 40) +
                               "' must be 1-31 bytes (CDR trunk fields keep 31)");
      }
      const int64_t owner = directory_.OwnerOfKey(key);
      if (owner != 0 && owner != c.org_id) {
        return AlreadyExists("trunk_aliases: '" + a + "' already names carrier " +
                             directory_.Get(owner)->name);
      }
    }
    const int64_t name_owner = directory_.OwnerOfKey(internal::AliasKeyString(c.name));
    if (name_owner != 0 && name_owner != c.org_id) {
      return AlreadyExists("name: '" + c.name + "' already names another carrier's trunk");
    }
    for (const Carrier& other : directory_.List()) {
      if (other.org_id == c.org_id) continue;
      for (const std::string& s : c.spcs) {
        if (std::find(other.spcs.begin(), other.spcs.end(), s) != other.spcs.end())
          return AlreadyExists("spcs: " + s + " is registered to " + other.name);
      }
    }
    return c;
  }

  Status Write(const Carrier& c, bool insert) {
    const store::Params p = {c.org_id,
                             c.name,
                             static_cast<int64_t>(c.roles),
                             ContactsJson(c.contacts).dump(),
                             c.webhook_url,
                             Name(c.auth),
                             StringsJson(c.spcs).dump(),
                             c.cert_subject,
                             c.country,
                             StringsJson(c.trunk_aliases).dump(),
                             ToUnixMillis(c.created_at),
                             ToUnixMillis(c.updated_at)};
    if (insert) {
      return store_
          .Exec(S("INSERT INTO tb_carriers (", kCarrierCols,
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"),
                p)
          .status();
    }
    return store_
        .Exec(
            "UPDATE tb_carriers SET name = $2, roles = $3, contacts = $4, webhook_url = $5, "
            "auth = $6, spcs = $7, cert_subject = $8, country = $9, aliases = $10, "
            "created_at = $11, updated_at = $12 WHERE org_id = $1",
            p)
        .status();
  }

  static Status CheckAnswer(const HopAnswer& a) {
    QUELL_RETURN_IF_ERROR(CheckText("note", a.note, kMaxText));
    QUELL_RETURN_IF_ERROR(CheckText("customer.account", a.customer_account, kMaxName));
    QUELL_RETURN_IF_ERROR(CheckText("foreign_country", a.foreign_country, 2));
    switch (a.kind) {
      case AnswerKind::kUpstream:
        if (a.upstream_org_id <= 0)
          return InvalidArgument("upstream: name the registered carrier that handed you the call");
        break;
      case AnswerKind::kOrigin:
        if (a.customer_name.empty() || a.customer_name.size() > kMaxName)
          return InvalidArgument("customer.name: 1-200 bytes (who placed the call)");
        if (!a.customer_credit_code.empty()) {
          const std::string code = NormaliseCreditCode(a.customer_credit_code);
          QUELL_RETURN_IF_ERROR(CheckCreditCode(code).WithContext("customer.credit_code"));
        }
        break;
      case AnswerKind::kForeign:
        if (a.foreign_carrier.empty() || a.foreign_carrier.size() > kMaxName)
          return InvalidArgument("foreign_carrier: 1-200 bytes (the carrier abroad)");
        break;
      case AnswerKind::kNotFound:
        break;
    }
    return Status::Ok();
  }

  static Request RequestFromRow(const store::Row& r) {
    Request q;
    q.hop = HopFromRow(r);
    q.caller = static_cast<uint64_t>(r.Int(kHopColCount));
    q.callee = static_cast<uint64_t>(r.Int(kHopColCount + 1));
    q.call_time = FromUnixMillis(r.Int(kHopColCount + 2));
    q.campaign = r.Text(kHopColCount + 3);
    q.passport_origid = r.Text(kHopColCount + 4);
    return q;
  }

  Status RecordAnswer(store::Transaction& tx, const Hop& hop, const HopAnswer& a,
                      const std::string& upstream_name, int64_t cdr_id, TimePoint now) {
    std::string code =
        a.customer_credit_code.empty() ? "" : NormaliseCreditCode(a.customer_credit_code);
    std::string country = a.foreign_country;
    for (char& ch : country)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    return tx
        .Exec(
            "UPDATE tb_hops SET state = 'answered', answered_at = $2, answer = $3, "
            "upstream_org = $4, upstream_name = $5, customer_name = $6, customer_code = $7, "
            "customer_account = $8, foreign_carrier = $9, foreign_country = $10, note = $11, "
            "answered_by = $12, cdr_id = $13 WHERE id = $1",
            {hop.id, ToUnixMillis(now), Name(a.kind),
             a.kind == AnswerKind::kUpstream ? a.upstream_org_id : 0, upstream_name,
             a.customer_name, code, a.customer_account, a.foreign_carrier, country, a.note,
             a.answered_by, cdr_id})
        .status();
  }

  // Asks `org_id` next: a new hop, answered from its CDRs when they allow (and
  // then the carrier they name, and so on). The last, waiting hop goes to
  // `to_notify`.
  Status Advance(store::Transaction& tx, Case& c, int64_t org_id, TimePoint now,
                 std::vector<Hop>& to_notify) {
    for (;;) {
      auto carrier = directory_.Get(org_id);
      if (!carrier)
        return InvalidArgument("carrier " + std::to_string(org_id) + " is not registered");
      Hop h;
      h.case_id = c.id;
      h.index = static_cast<int>(c.hops.size()) + 1;
      h.org_id = org_id;
      h.org_name = carrier->name;
      h.requested_at = now;
      h.deadline = now + options_.answer_within;
      QUELL_ASSIGN_OR_RETURN(
          auto rows,
          tx.Query(
              "INSERT INTO tb_hops (case_id, idx, org_id, org_name, state, requested_at, "
              "deadline, answered_at, answer, upstream_org, upstream_name, customer_name, "
              "customer_code, customer_account, foreign_carrier, foreign_country, note, "
              "answered_by, cdr_id, notice_id) VALUES ($1, $2, $3, $4, 'waiting', $5, $6, "
              "NULL, '', 0, '', '', '', '', '', '', '', '', 0, 0) RETURNING id",
              {c.id, h.index, org_id, h.org_name, ToUnixMillis(now), ToUnixMillis(h.deadline)}));
      h.id = rows.rows[0].Int(0);
      c.hops.push_back(h);
      QUELL_ASSIGN_OR_RETURN(int64_t next, AutoAnswer(tx, c, c.hops.back(), now));
      if (next == 0) {
        to_notify.push_back(c.hops.back());
        return Status::Ok();
      }
      org_id = next;
    }
  }

  // Answers `hop` from its carrier's CDRs when one matches and names a
  // registered carrier not on the path. Returns that carrier, 0 when not.
  Result<int64_t> AutoAnswer(store::Transaction& tx, Case& c, Hop& hop, TimePoint now) {
    const int64_t t = ToUnixMillis(c.call_time);
    const int64_t w =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.match_window).count();
    QUELL_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT id, ingress FROM tb_cdrs WHERE org_id = $1 AND caller = $2 AND "
                            "callee = $3 AND time_ms >= $4 AND time_ms <= $5 ORDER BY "
                            "ABS(time_ms - $6), id LIMIT 1",
                            {hop.org_id, c.caller, c.callee, t - w, t + w, t}));
    if (rows.rows.empty()) return int64_t{0};
    const int64_t cdr_id = rows.rows[0].Int(0);
    const std::string ingress = rows.rows[0].Text(1);
    const int64_t up = directory_.Resolve(ingress);
    if (up == 0) return int64_t{0};  // unknown ingress: a person answers
    for (const Hop& h : c.hops)
      if (h.org_id == up) return int64_t{0};  // would loop: a person answers
    auto carrier = directory_.Get(up);
    HopAnswer a{.kind = AnswerKind::kUpstream,
                .upstream_org_id = up,
                .note = "ingress '" + ingress + "'",
                .answered_by = "automatically from CDR " + std::to_string(cdr_id)};
    QUELL_RETURN_IF_ERROR(RecordAnswer(tx, hop, a, carrier->name, cdr_id, now));
    hop.state = HopState::kAnswered;
    hop.answered_at = now;
    hop.answer = a;
    hop.upstream_name = carrier->name;
    hop.cdr_id = cdr_id;
    return up;
  }

  // A waiting request, tried again against CDRs that arrived after it.
  Result<bool> RetryAuto(int64_t hop_id) {
    const TimePoint now = clock_.Now();
    std::vector<Hop> to_notify;
    {
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(auto hop, LoadHop(*tx, hop_id));
      if (!hop || hop->state != HopState::kWaiting) return false;
      QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(*tx, hop->case_id));
      Hop& last = c->hops.back();
      if (last.id != hop_id) return false;
      QUELL_ASSIGN_OR_RETURN(int64_t next, AutoAnswer(*tx, *c, last, now));
      if (next == 0) return false;
      QUELL_RETURN_IF_ERROR(Advance(*tx, *c, next, now, to_notify));
      QUELL_RETURN_IF_ERROR(tx->Commit());
    }
    Notify(to_notify);
    return true;
  }

  Result<bool> MarkMissed(int64_t hop_id, TimePoint now) {
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(auto hop, LoadHop(*tx, hop_id));
    if (!hop || hop->state != HopState::kWaiting || hop->deadline > now) return false;
    QUELL_RETURN_IF_ERROR(
        tx->Exec("UPDATE tb_hops SET state = 'missed', answered_at = $2 WHERE id = $1",
                 {hop_id, ToUnixMillis(hop->deadline)})
            .status());
    QUELL_ASSIGN_OR_RETURN(auto c, LoadCase(*tx, hop->case_id));
    QUELL_RETURN_IF_ERROR(
        End(*tx, *c, CaseState::kNonResponsive, "non-responsive carrier " + hop->org_name, now));
    QUELL_RETURN_IF_ERROR(tx->Commit());
    return true;
  }

  // Ends the case and appends its ledger record in the same transaction.
  Status End(store::Transaction& tx, Case& c, CaseState state, const std::string& text,
             TimePoint now) {
    c.state = state;
    c.outcome_text = text;
    c.closed_at = now;
    uint64_t seq = 0;
    if (ledger_ != nullptr) {
      QUELL_ASSIGN_OR_RETURN(seq, ledger_->AppendOwn("traceback", LedgerPayload(c)));
    }
    c.ledger_seq = seq;
    return tx
        .Exec(
            "UPDATE tb_cases SET state = $2, outcome_text = $3, closed_at = $4, ledger_seq = $5 "
            "WHERE id = $1",
            {c.id, Name(state), text, ToUnixMillis(now), static_cast<int64_t>(seq)})
        .status();
  }

  // Names carriers, never numbers: those only as the ledger's salted hashes.
  std::string LedgerPayload(const Case& c) const {
    Json path = Json::array();
    Json durations = Json::array();
    int automatic = 0;
    for (const Hop& h : c.hops) {
      path.push_back(h.org_name);
      const TimePoint end = h.answered_at ? *h.answered_at : *c.closed_at;
      durations.push_back(
          std::chrono::duration_cast<std::chrono::milliseconds>(end - h.requested_at).count());
      if (h.cdr_id != 0) ++automatic;
    }
    Json p = {
        {"v", 1},
        {"case_id", c.id},
        {"outcome", std::string(Name(c.state))},
        {"path", std::move(path)},
        {"hop_count", c.hops.size()},
        {"auto_answered_hops", automatic},
        {"hop_durations_ms", std::move(durations)},
        {"duration_ms",
         std::chrono::duration_cast<std::chrono::milliseconds>(*c.closed_at - c.opened_at).count()},
        {"opened_ms", ToUnixMillis(c.opened_at)},
        {"closed_ms", ToUnixMillis(*c.closed_at)},
        {"call_time_ms", ToUnixMillis(c.call_time)},
        {"caller_hash", ledger_->HashNumber(E164Text(c.caller))},
        {"callee_hash", ledger_->HashNumber(E164Text(c.callee))},
        {"source", std::string(Name(c.source))},
        {"source_id", c.source_id},
        {"started_at_signer", !c.start_note.empty() && c.start_note.starts_with("started")}};
    if (!c.hops.empty()) {
      const Hop& last = c.hops.back();
      p["last_carrier"] = last.org_name;
      if (last.answer && last.answer->kind == AnswerKind::kOrigin &&
          !last.answer->customer_credit_code.empty()) {
        p["origin_customer_credit_code"] = NormaliseCreditCode(last.answer->customer_credit_code);
      }
      if (last.answer && last.answer->kind == AnswerKind::kForeign) {
        p["foreign_carrier"] = last.answer->foreign_carrier;
        if (!last.answer->foreign_country.empty())
          p["foreign_country"] = last.answer->foreign_country;
      }
    }
    return p.dump();
  }

  // Sends each waiting request to its carrier's webhook (after the commit: the
  // notifier writes its outbox in a transaction of its own).
  void Notify(const std::vector<Hop>& hops) {
    if (notifier_ == nullptr) return;
    for (const Hop& h : hops) {
      auto carrier = directory_.Get(h.org_id);
      if (!carrier || carrier->webhook_url.empty()) continue;
      auto c = LoadCase(store_, h.case_id);
      if (!c || !*c) continue;
      const std::string path = "/api/v1/traceback/requests/" + std::to_string(h.id) + "/answer";
      std::string base = options_.public_base_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      Json body = {{"type", "traceback.request"},
                   {"case_id", h.case_id},
                   {"request_id", h.id},
                   {"hop", h.index},
                   {"caller", E164Text((*c)->caller)},
                   {"callee", E164Text((*c)->callee)},
                   {"call_time", FormatRfc3339((*c)->call_time)},
                   {"deadline", FormatRfc3339(h.deadline)},
                   {"campaign", (*c)->campaign},
                   {"answer_url", base + path}};
      if (!(*c)->passport_origid.empty()) body["origid"] = (*c)->passport_origid;
      auto n =
          notifier_->Enqueue(notify::Channel::kWebhook, carrier->webhook_url,
                             "traceback request " + std::to_string(h.id), body.dump(), "traceback");
      if (!n) {
        spdlog::warn("traceback: request {} to {} not queued for its webhook: {}", h.id,
                     carrier->name, n.error().ToString());
        continue;
      }
      auto s = store_.Exec("UPDATE tb_hops SET notice_id = $2 WHERE id = $1", {h.id, n->id});
      if (!s)
        spdlog::warn("traceback: notice of request {} not recorded: {}", h.id,
                     s.error().ToString());
    }
  }

  store::Store& store_;
  Clock& clock_;
  const TracebackOptions options_;
  notify::Notifier* const notifier_;
  LedgerAppender* const ledger_;
  std::mutex registry_mu_;  // serialises registry changes (checks then writes)
  CarrierDirectory directory_;
  std::unique_ptr<Scorecards> scorecards_;
};

}  // namespace

std::string_view RoleName(CarrierRole r) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i)
    if (r == (1 << i)) return kRoleNames[i];
  return "";
}
std::optional<CarrierRole> ParseCarrierRole(std::string_view name) {
  auto i = IndexOf(kRoleNames, name);
  if (!i) return std::nullopt;
  return static_cast<CarrierRole>(1 << *i);
}
std::string_view Name(AuthStatus a) { return kAuthNames[static_cast<std::size_t>(a)]; }
std::optional<AuthStatus> ParseAuthStatus(std::string_view name) {
  auto i = IndexOf(kAuthNames, name);
  if (!i) return std::nullopt;
  return static_cast<AuthStatus>(*i);
}
std::string_view Name(CaseState s) { return kCaseStates[static_cast<std::size_t>(s)]; }
std::optional<CaseState> ParseCaseState(std::string_view name) {
  auto i = IndexOf(kCaseStates, name);
  if (!i) return std::nullopt;
  return static_cast<CaseState>(*i);
}
std::string_view Name(SourceKind s) { return kSources[static_cast<std::size_t>(s)]; }
std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  auto i = IndexOf(kSources, name);
  if (!i) return std::nullopt;
  return static_cast<SourceKind>(*i);
}
std::string_view Name(AnswerKind a) { return kAnswers[static_cast<std::size_t>(a)]; }
std::optional<AnswerKind> ParseAnswerKind(std::string_view name) {
  auto i = IndexOf(kAnswers, name);
  if (!i) return std::nullopt;
  return static_cast<AnswerKind>(*i);
}
std::string_view Name(HopState s) { return kHopStates[static_cast<std::size_t>(s)]; }

Result<std::unique_ptr<Traceback>> Traceback::Open(store::Store& store, Clock& clock,
                                                   TracebackOptions options,
                                                   notify::Notifier* notifier,
                                                   LedgerAppender* ledger) {
  if (options.answer_within < std::chrono::minutes(1))
    return InvalidArgument("answer_within: at least a minute");
  if (options.match_window < std::chrono::seconds(0) ||
      options.match_window > std::chrono::hours(1))
    return InvalidArgument("match_window: 0 s .. 1 h");
  if (options.cdr_retention < std::chrono::hours(24))
    return InvalidArgument("cdr_retention: at least a day");
  if (options.scorecard_min_calls < 0) return InvalidArgument("scorecard_min_calls: 0 or more");
  if (!(options.complaints_ceiling_per_million > 0))
    return InvalidArgument("complaints_ceiling_per_million: more than 0");
  auto impl = std::make_unique<TracebackImpl>(store, clock, std::move(options), notifier, ledger);
  QUELL_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Traceback>(std::move(impl));
}

}  // namespace quell::enforce
