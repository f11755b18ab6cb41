#include "quell/enforce/sanctions.h"

#include <algorithm>
#include <array>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "quell/enforce/internal/sanctions_index.h"
#include "quell/enforce/internal/sanctions_schema.h"
#include "quell/enforce/ledger.h"
#include "quell/events/evidence.h"
#include "quell/store/store.h"

namespace quell::enforce {
namespace {

using Json = nlohmann::json;
using internal::kMaxRangeDigits;
using internal::kMinRangeDigits;
using internal::kNoEnd;
using IndexEntry = internal::SanctionIndex::Entry;

using internal::kMigrations;
using internal::kSchemaModule;

constexpr std::string_view kColumns =
    "id, measure, kind, entity_name, credit_code, org_id, start_ms, end_ms, legal_basis, "
    "is_public, reason, created_by, created_at, ledger_seq, lifted_at, lifted_by, lift_reason, "
    "lift_ledger_seq";

constexpr std::size_t kMaxNumbers = 10000;
constexpr std::size_t kMaxRanges = 1000;
constexpr uint64_t kMaxE164 = 999'999'999'999'999ULL;  // 15 digits

constexpr std::array<Term, 4> kMeasures = {{
    {"warning", "Warning", "警告"},
    {"marketing_suspension", "Marketing suspended", "暂停营销呼叫"},
    {"number_block", "Numbers blocked", "号码封停"},
    {"joint_punishment", "Listed for joint punishment", "列入联合惩戒名单"},
}};

constexpr std::array<std::string_view, 4> kStates = {"scheduled", "active", "expired", "lifted"};

constexpr std::string_view kCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// 3^(i) mod 31, i = 0..16 (GB 32100-2015 §5).
constexpr std::array<int, 17> kCodeWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};

std::string E164Text(uint64_t n) { return "+" + std::to_string(n); }

int Severity(Measure m) { return static_cast<int>(m); }

Result<std::vector<uint64_t>> LoadNumbers(store::Store& store, int64_t id, bool ranges) {
  QUELL_ASSIGN_OR_RETURN(auto rows,
                         store.Query("SELECT number FROM enf_sanction_numbers WHERE sanction_id = "
                                     "$1 AND is_range = $2 ORDER BY number",
                                     {id, ranges ? 1 : 0}));
  std::vector<uint64_t> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.push_back(static_cast<uint64_t>(r.Int(0)));
  return out;
}

Sanction FromRow(const store::Row& r) {
  Sanction s;
  s.id = r.Int(0);
  s.measure = ParseMeasure(r.Text(1)).value_or(Measure::kWarning);
  s.kind = ParseNuisanceKind(r.Text(2)).value_or(DefaultKind(s.measure));
  s.entity_name = r.Text(3);
  s.credit_code = r.Text(4);
  s.org_id = r.Int(5);
  s.start = FromUnixMillis(r.Int(6));
  if (!r.IsNull(7)) s.end = FromUnixMillis(r.Int(7));
  s.legal_basis = r.Text(8);
  s.is_public = r.Int(9) != 0;
  s.reason = r.Text(10);
  s.created_by = r.Text(11);
  s.created_at = FromUnixMillis(r.Int(12));
  s.ledger_seq = static_cast<uint64_t>(r.Int(13));
  if (!r.IsNull(14)) s.lifted_at = FromUnixMillis(r.Int(14));
  s.lifted_by = r.Text(15);
  s.lift_reason = r.Text(16);
  s.lift_ledger_seq = static_cast<uint64_t>(r.Int(17));
  return s;
}

// Replaces UTF-8 sequences of full-width forms people type in Chinese names.
void AppendNormalised(std::string_view in, std::string& out) {
  bool space = false;
  for (std::size_t i = 0; i < in.size();) {
    char c = in[i];
    std::size_t len = 1;
    if (in.substr(i, 3) == "\xEF\xBC\x88") {  // （
      c = '(';
      len = 3;
    } else if (in.substr(i, 3) == "\xEF\xBC\x89") {  // ）
      c = ')';
      len = 3;
    } else if (in.substr(i, 3) == "\xE3\x80\x80") {  // ideographic space
      c = ' ';
      len = 3;
    }
    i += len;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += c;  // other UTF-8 bytes pass through unchanged
  }
}

std::string LikeEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  return out;
}

Status CheckNumbers(const std::vector<uint64_t>& numbers, const std::vector<uint64_t>& ranges) {
  if (numbers.size() > kMaxNumbers) {
    return InvalidArgument("numbers: at most " + std::to_string(kMaxNumbers));
  }
  if (ranges.size() > kMaxRanges) {
    return InvalidArgument("ranges: at most " + std::to_string(kMaxRanges));
  }
  for (uint64_t n : numbers) {
    if (n == 0 || n > kMaxE164) {
      return InvalidArgument("numbers: " + std::to_string(n) + " is not an E.164 number");
    }
  }
  for (uint64_t r : ranges) {
    const int d = DigitCount(r);
    if (r == 0 || d < kMinRangeDigits || d > kMaxRangeDigits) {
      return InvalidArgument("ranges: '+" + std::to_string(r) + "' must be a prefix of " +
                             std::to_string(kMinRangeDigits) + ".." +
                             std::to_string(kMaxRangeDigits) + " E.164 digits");
    }
  }
  return Status::Ok();
}

std::vector<uint64_t> SortedUnique(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

std::string_view Name(Measure m) { return kMeasures[static_cast<std::size_t>(m)].name; }
const Term& TermOf(Measure m) { return kMeasures[static_cast<std::size_t>(m)]; }

std::optional<Measure> ParseMeasure(std::string_view name) {
  for (std::size_t i = 0; i < kMeasures.size(); ++i) {
    if (kMeasures[i].name == name) return static_cast<Measure>(i);
  }
  return std::nullopt;
}

bool BlocksCalls(Measure m) { return m == Measure::kNumberBlock || m == Measure::kJointPunishment; }

NuisanceKind DefaultKind(Measure m) {
  return BlocksCalls(m) ? NuisanceKind::kFraud : NuisanceKind::kMarketing;
}

std::string_view Name(SanctionState s) { return kStates[static_cast<std::size_t>(s)]; }

std::optional<SanctionState> ParseSanctionState(std::string_view name) {
  for (std::size_t i = 0; i < kStates.size(); ++i) {
    if (kStates[i] == name) return static_cast<SanctionState>(i);
  }
  return std::nullopt;
}

std::optional<char> CreditCodeCheckChar(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const std::size_t v = kCodeChars.find(first17[i]);
    if (v == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(v) * kCodeWeights[i];
  }
  return kCodeChars[(31 - sum % 31) % 31];
}

Status CheckCreditCode(std::string_view code) {
  if (code.size() != 18) {
    return InvalidArgument("credit_code: a unified social credit code has 18 characters, not " +
                           std::to_string(code.size()));
  }
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (kCodeChars.find(code[i]) == std::string_view::npos) {
      return InvalidArgument("credit_code: character " + std::to_string(i + 1) + " ('" +
                             std::string(1, code[i]) +
                             "') is not one of 0-9 and A-Y without I, O, S, V, Z");
    }
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return InvalidArgument(
          "credit_code: characters 3-8 are the administrative division code (digits)");
    }
  }
  const char want = *CreditCodeCheckChar(code.substr(0, 17));
  if (code[17] != want) {
    return InvalidArgument("credit_code: check character is '" + std::string(1, code[17]) +
                           "', expected '" + std::string(1, want) + "' (GB 32100-2015)");
  }
  return Status::Ok();
}

std::string NormaliseCreditCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out += c;
  }
  return out;
}

std::string NormaliseEntityName(std::string_view name) {
  std::string out;
  AppendNormalised(name, out);
  return out;
}

SanctionState Sanction::StateAt(TimePoint now) const {
  if (lifted_at) return SanctionState::kLifted;
  if (now < start) return SanctionState::kScheduled;
  if (end && now >= *end) return SanctionState::kExpired;
  return SanctionState::kActive;
}

bool Sanction::Covers(uint64_t number) const {
  if (std::binary_search(numbers.begin(), numbers.end(), number)) return true;
  const int d = DigitCount(number);
  for (uint64_t r : ranges) {
    const int rd = DigitCount(r);
    if (rd < d && number / Pow10(d - rd) == r) return true;
  }
  return false;
}

namespace {

class SanctionsImpl final : public Sanctions {
 public:
  SanctionsImpl(store::Store& store, Clock& clock, LedgerAppender* ledger,
                events::EvidenceSink* evidence)
      : store_(store), clock_(clock), ledger_(ledger), evidence_(evidence) {}

  Status Rebuild() {
    const int64_t now = ToUnixMillis(clock_.Now());
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::Store::Mode::kRead));
    QUELL_ASSIGN_OR_RETURN(auto heads,
                           tx->Query("SELECT id, measure, start_ms, end_ms FROM enf_sanctions "
                                     "WHERE lifted_at IS NULL AND (end_ms IS NULL OR end_ms > $1)",
                                     {now}));
    std::unordered_map<int64_t, IndexEntry> by_id;
    for (const auto& r : heads.rows) {
      IndexEntry e{.start_ms = r.Int(2),
                   .end_ms = r.IsNull(3) ? kNoEnd : r.Int(3),
                   .id = r.Int(0),
                   .measure = ParseMeasure(r.Text(1)).value_or(Measure::kWarning)};
      by_id.emplace(e.id, e);
    }
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        tx->Query("SELECT n.sanction_id, n.is_range, n.number FROM enf_sanction_numbers n JOIN "
                  "enf_sanctions s ON s.id = n.sanction_id WHERE s.lifted_at IS NULL AND "
                  "(s.end_ms IS NULL OR s.end_ms > $1)",
                  {now}));
    std::unique_lock lock(index_mu_);
    index_.Clear();
    for (const auto& r : rows.rows) {
      auto it = by_id.find(r.Int(0));
      if (it == by_id.end()) continue;  // changed between the two reads: not in force
      index_.Add(static_cast<uint64_t>(r.Int(2)), r.Int(1) != 0, it->second);
    }
    indexed_sanctions_ = by_id.size();
    return Status::Ok();
  }

  Result<Sanction> Create(const NewSanction& in) override {
    Sanction s;
    s.measure = in.measure;
    s.kind = in.kind.value_or(DefaultKind(in.measure));
    s.entity_name = NormaliseSpaces(in.entity_name);
    if (s.entity_name.empty() || s.entity_name.size() > 200) {
      return InvalidArgument("entity_name: name the organisation (1..200 bytes)");
    }
    s.credit_code = NormaliseCreditCode(in.credit_code);
    if (!s.credit_code.empty()) QUELL_RETURN_IF_ERROR(CheckCreditCode(s.credit_code));
    if (in.org_id < 0) return InvalidArgument("org_id: must be positive");
    s.org_id = in.org_id;
    QUELL_RETURN_IF_ERROR(CheckNumbers(in.numbers, in.ranges));
    s.numbers = SortedUnique(in.numbers);
    s.ranges = SortedUnique(in.ranges);
    if (in.measure == Measure::kNumberBlock && s.numbers.empty() && s.ranges.empty()) {
      return InvalidArgument("numbers: a number_block names the numbers or ranges it blocks");
    }
    const TimePoint now = clock_.Now();
    // Whole milliseconds, as stored: what Create returns is what Get reads.
    s.start = FromUnixMillis(ToUnixMillis(in.start.value_or(now)));
    if (in.end) {
      s.end = FromUnixMillis(ToUnixMillis(*in.end));
      if (*s.end <= s.start) return InvalidArgument("end: must be after start");
    }
    if (in.legal_basis.empty() || in.legal_basis.size() > 1000) {
      return InvalidArgument("legal_basis: cite the provision applied (1..1000 bytes)");
    }
    s.legal_basis = in.legal_basis;
    if (in.reason.size() > 2000) return InvalidArgument("reason: at most 2000 bytes");
    s.reason = in.reason;
    s.is_public = in.is_public;
    if (in.created_by.empty()) return InvalidArgument("created_by: who imposes the sanction");
    s.created_by = in.created_by;
    s.created_at = FromUnixMillis(ToUnixMillis(now));

    {
      std::lock_guard write(write_mu_);
      QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
      QUELL_ASSIGN_OR_RETURN(
          auto row,
          tx->Query(
              "INSERT INTO enf_sanctions (measure, kind, entity_name, entity_key, "
              "credit_code, org_id, start_ms, end_ms, legal_basis, is_public, reason, "
              "created_by, created_at, ledger_seq, lifted_by, lift_reason, "
              "lift_ledger_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
              "$13, 0, '', '', 0) RETURNING id",
              {std::string(Name(s.measure)), std::string(Name(s.kind)), s.entity_name,
               NormaliseEntityName(s.entity_name), s.credit_code, s.org_id, ToUnixMillis(s.start),
               s.end ? store::Value(ToUnixMillis(*s.end)) : store::Value(), s.legal_basis,
               s.is_public, s.reason, s.created_by, ToUnixMillis(s.created_at)}));
      s.id = row.rows.at(0).Int(0);
      for (uint64_t n : s.numbers) {
        QUELL_RETURN_IF_ERROR(tx->Exec("INSERT INTO enf_sanction_numbers (sanction_id, is_range, "
                                       "number) VALUES ($1, 0, $2)",
                                       {s.id, n})
                                  .status());
      }
      for (uint64_t r : s.ranges) {
        QUELL_RETURN_IF_ERROR(tx->Exec("INSERT INTO enf_sanction_numbers (sanction_id, is_range, "
                                       "number) VALUES ($1, 1, $2)",
                                       {s.id, r})
                                  .status());
      }
      // The ledger record first, inside the transaction: if the append fails the
      // insert is rolled back and nothing is stored.
      if (ledger_ != nullptr) {
        QUELL_ASSIGN_OR_RETURN(s.ledger_seq, ledger_->AppendOwn("sanction", CreatePayload(s)));
        QUELL_RETURN_IF_ERROR(
            tx->Exec("UPDATE enf_sanctions SET ledger_seq = $1 WHERE id = $2", {s.ledger_seq, s.id})
                .status());
      }
      if (Status c = tx->Commit(); !c.ok()) {
        if (s.ledger_seq != 0) {
          spdlog::error("sanctions: ledger record {} names sanction {}, which was not stored: {}",
                        s.ledger_seq, s.id, c.message());
        }
        return c;
      }
      Index(s);
    }
    if (Status p = PublishDue(); !p.ok()) {
      spdlog::warn("sanctions: evidence of sanction {} not published yet: {}", s.id, p.message());
    }
    return s;
  }

  Result<Sanction> Lift(int64_t id, const std::string& by, const std::string& reason) override {
    if (reason.empty() || reason.size() > 2000) {
      return InvalidArgument("reason: say why the sanction is lifted (1..2000 bytes)");
    }
    if (by.empty()) return InvalidArgument("lifted_by: who lifts it");
    const int64_t now = ToUnixMillis(clock_.Now());
    std::lock_guard write(write_mu_);
    QUELL_ASSIGN_OR_RETURN(auto tx, store_.Begin());
    QUELL_ASSIGN_OR_RETURN(auto rows,
                           tx->Query("UPDATE enf_sanctions SET lifted_at = $1, lifted_by = $2, "
                                     "lift_reason = $3 WHERE id = $4 AND lifted_at IS NULL "
                                     "RETURNING " +
                                         std::string(kColumns),
                                     {now, by, reason, id}));
    if (rows.empty()) {
      QUELL_ASSIGN_OR_RETURN(auto any,
                             tx->Query("SELECT lifted_at FROM enf_sanctions WHERE id = $1", {id}));
      if (any.empty()) return NotFound("no sanction " + std::to_string(id));
      return FailedPrecondition("sanction " + std::to_string(id) + " is already lifted (at " +
                                FormatRfc3339(FromUnixMillis(any.rows[0].Int(0))) + ")");
    }
    Sanction s = FromRow(rows.rows[0]);
    if (ledger_ != nullptr) {
      QUELL_ASSIGN_OR_RETURN(s.lift_ledger_seq, ledger_->AppendOwn("sanction", LiftPayload(s)));
      QUELL_RETURN_IF_ERROR(tx->Exec("UPDATE enf_sanctions SET lift_ledger_seq = $1 WHERE id = $2",
                                     {s.lift_ledger_seq, s.id})
                                .status());
    }
    if (Status c = tx->Commit(); !c.ok()) {
      if (s.lift_ledger_seq != 0) {
        spdlog::error(
            "sanctions: ledger record {} lifts sanction {}, but the lift was not stored: {}",
            s.lift_ledger_seq, s.id, c.message());
      }
      return c;
    }
    tx.reset();
    QUELL_ASSIGN_OR_RETURN(s.numbers, LoadNumbers(store_, s.id, false));
    QUELL_ASSIGN_OR_RETURN(s.ranges, LoadNumbers(store_, s.id, true));
    Unindex(s);
    return s;
  }

  Result<std::optional<Sanction>> Get(int64_t id) override {
    QUELL_ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT " + std::string(kColumns) +
                                                       " FROM enf_sanctions WHERE id = $1",
                                                   {id}));
    if (rows.empty()) return std::optional<Sanction>();
    Sanction s = FromRow(rows.rows[0]);
    QUELL_ASSIGN_OR_RETURN(s.numbers, LoadNumbers(store_, s.id, false));
    QUELL_ASSIGN_OR_RETURN(s.ranges, LoadNumbers(store_, s.id, true));
    return std::optional<Sanction>(std::move(s));
  }

  Result<std::vector<Sanction>> List(const SanctionQuery& q) override {
    if (q.limit < 1 || q.limit > 1000) return InvalidArgument("limit must be 1..1000");
    std::string code = NormaliseCreditCode(q.credit_code);
    const std::string name = NormaliseEntityName(q.name);
    const int64_t now = ToUnixMillis(clock_.Now());
    const std::string state = q.state ? std::string(Name(*q.state)) : std::string();
    std::string sql = "SELECT " + std::string(kColumns) +
                      " FROM enf_sanctions s WHERE ($1 = '' OR measure = $1) AND ($2 = '' OR "
                      "credit_code = $2) AND ($3 = '' OR entity_key LIKE $4 ESCAPE '\\') AND ($5 "
                      "= 0 OR org_id = $5) AND ($6 = 0 OR is_public = 1) AND ($7 = 0 OR id < $7) "
                      "AND ($8 = '' OR ($8 = 'lifted' AND lifted_at IS NOT NULL) OR ($8 = "
                      "'scheduled' AND lifted_at IS NULL AND start_ms > $9) OR ($8 = 'expired' "
                      "AND lifted_at IS NULL AND start_ms <= $9 AND end_ms IS NOT NULL AND "
                      "end_ms <= $9) OR ($8 = 'active' AND lifted_at IS NULL AND start_ms <= $9 "
                      "AND (end_ms IS NULL OR end_ms > $9))) AND ($10 = 0 OR EXISTS (SELECT 1 "
                      "FROM enf_sanction_numbers x WHERE x.sanction_id = s.id AND ((x.is_range = "
                      "0 AND x.number = $10) OR (x.is_range = 1 AND $11 LIKE CAST(x.number AS "
                      "TEXT) || '%')))) ORDER BY id DESC LIMIT $12";
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query(sql, {q.measure ? std::string(Name(*q.measure)) : std::string(), code, name,
                           "%" + LikeEscape(name) + "%", q.org_id, q.public_only ? 1 : 0,
                           q.before_id, state, now, q.number, std::to_string(q.number), q.limit}));
    return Hydrate(rows);
  }

  Result<std::vector<Sanction>> Check(std::string_view credit_code,
                                      std::string_view name) override {
    const std::string code = NormaliseCreditCode(credit_code);
    const std::string key = NormaliseEntityName(name);
    if (code.empty() && key.empty()) return InvalidArgument("name the entity: credit_code or name");
    if (!code.empty()) QUELL_RETURN_IF_ERROR(CheckCreditCode(code));
    const int64_t now = ToUnixMillis(clock_.Now());
    QUELL_ASSIGN_OR_RETURN(
        auto rows,
        store_.Query("SELECT " + std::string(kColumns) +
                         " FROM enf_sanctions WHERE ((credit_code = $1 AND $1 <> '') OR "
                         "(entity_key = $2 AND $2 <> '')) AND lifted_at IS NULL AND (end_ms IS "
                         "NULL OR end_ms > $3) ORDER BY id DESC LIMIT 1000",
                     {code, key, now}));
    return Hydrate(rows);
  }

  Result<std::vector<Sanction>> CheckNumber(uint64_t number) override {
    const int64_t now = ToUnixMillis(clock_.Now());
    std::vector<int64_t> ids;
    {
      std::shared_lock lock(index_mu_);
      index_.Visit(number, [&](const IndexEntry& e) {
        if (e.end_ms > now) ids.push_back(e.id);
      });
    }
    std::sort(ids.begin(), ids.end(), std::greater<>());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Sanction> out;
    for (int64_t id : ids) {
      QUELL_ASSIGN_OR_RETURN(auto s, Get(id));
      if (s && !s->lifted_at) out.push_back(std::move(*s));
    }
    return out;
  }

  std::optional<Listing> Find(uint64_t number, TimePoint now) const override {
    const int64_t ms = ToUnixMillis(now);
    std::optional<Listing> best;
    std::shared_lock lock(index_mu_);
    index_.Visit(number, [&](const IndexEntry& e) {
      if (e.start_ms > ms || e.end_ms <= ms) return;
      if (!best || Severity(e.measure) > Severity(best->measure) ||
          (e.measure == best->measure && e.id < best->sanction_id)) {
        best = Listing{.sanction_id = e.id, .measure = e.measure};
      }
    });
    return best;
  }

  bool IsListed(uint64_t number, TimePoint now) const override {
    const std::optional<Listing> l = Find(number, now);
    return l && BlocksCalls(l->measure);
  }

  Status PublishDue() override {
    if (evidence_ == nullptr) return Status::Ok();
    const int64_t now = ToUnixMillis(clock_.Now());
    std::lock_guard publish(publish_mu_);
    QUELL_ASSIGN_OR_RETURN(
        auto rows, store_.Query("SELECT " + std::string(kColumns) +
                                    " FROM enf_sanctions WHERE evidence_at IS NULL AND lifted_at "
                                    "IS NULL AND measure <> 'warning' AND start_ms <= $1 AND "
                                    "(end_ms IS NULL OR end_ms > $1) ORDER BY id",
                                {now}));
    QUELL_ASSIGN_OR_RETURN(std::vector<Sanction> due, Hydrate(rows));
    for (const Sanction& s : due) {
      // Published before it is marked: a crash in between publishes again, which
      // reputation absorbs (its evidence is keyed by source and ref).
      for (uint64_t n : s.numbers) {
        evidence_->Publish(events::Evidence{.number = n,
                                            .source = events::EvidenceSource::kSanction,
                                            .kind = s.kind,
                                            .strength = 1,
                                            .time_us = ToUnixMillis(s.start) * 1000,
                                            .ref = std::to_string(s.id) + ":" + std::to_string(n),
                                            .detail = std::string(TermOf(s.measure).en) +
                                                      " (sanction " + std::to_string(s.id) +
                                                      "): " + s.entity_name.substr(0, 200)});
      }
      QUELL_RETURN_IF_ERROR(
          store_.Exec("UPDATE enf_sanctions SET evidence_at = $1 WHERE id = $2", {now, s.id})
              .status());
    }
    return Status::Ok();
  }

  SanctionStats stats() const override {
    std::shared_lock lock(index_mu_);
    return {.indexed_sanctions = indexed_sanctions_,
            .indexed_numbers = index_.number_entries(),
            .indexed_ranges = index_.range_entries()};
  }

 private:
  static std::string NormaliseSpaces(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
      --e;
    return std::string(s.substr(b, e - b));
  }

  Result<std::vector<Sanction>> Hydrate(const store::QueryResult& rows) {
    std::vector<Sanction> out;
    out.reserve(rows.rows.size());
    for (const auto& r : rows.rows) {
      Sanction s = FromRow(r);
      QUELL_ASSIGN_OR_RETURN(s.numbers, LoadNumbers(store_, s.id, false));
      QUELL_ASSIGN_OR_RETURN(s.ranges, LoadNumbers(store_, s.id, true));
      out.push_back(std::move(s));
    }
    return out;
  }

  std::string CreatePayload(const Sanction& s) const {
    Json hashes = Json::array();
    for (uint64_t n : s.numbers) hashes.push_back(ledger_->HashNumber(E164Text(n)));
    Json range_hashes = Json::array();
    for (uint64_t r : s.ranges) range_hashes.push_back(ledger_->HashNumber(E164Text(r)));
    Json p = {{"v", 1},
              {"action", "create"},
              {"sanction_id", s.id},
              {"measure", std::string(Name(s.measure))},
              {"kind", std::string(Name(s.kind))},
              {"entity", {{"name", s.entity_name}, {"credit_code", s.credit_code}}},
              {"number_hashes", std::move(hashes)},
              {"range_hashes", std::move(range_hashes)},
              {"start", FormatRfc3339(s.start)},
              {"end", s.end ? Json(FormatRfc3339(*s.end)) : Json(nullptr)},
              {"legal_basis", s.legal_basis},
              {"public", s.is_public}};
    return p.dump();
  }

  std::string LiftPayload(const Sanction& s) const {
    Json p = {{"v", 1},
              {"action", "lift"},
              {"sanction_id", s.id},
              {"created_seq", s.ledger_seq},
              {"lifted_at", FormatRfc3339(*s.lifted_at)}};
    return p.dump();
  }

  void Index(const Sanction& s) {
    if (s.lifted_at) return;
    const IndexEntry e{.start_ms = ToUnixMillis(s.start),
                       .end_ms = s.end ? ToUnixMillis(*s.end) : kNoEnd,
                       .id = s.id,
                       .measure = s.measure};
    if (e.end_ms <= ToUnixMillis(clock_.Now())) return;  // recorded after the fact
    std::unique_lock lock(index_mu_);
    for (uint64_t n : s.numbers) index_.Add(n, false, e);
    for (uint64_t r : s.ranges) index_.Add(r, true, e);
    ++indexed_sanctions_;
  }

  void Unindex(const Sanction& s) {
    std::unique_lock lock(index_mu_);
    bool any = false;
    for (uint64_t n : s.numbers) any |= index_.Remove(n, false, s.id);
    for (uint64_t r : s.ranges) any |= index_.Remove(r, true, s.id);
    if (any && indexed_sanctions_ > 0) --indexed_sanctions_;
  }

  store::Store& store_;
  Clock& clock_;
  LedgerAppender* ledger_;
  events::EvidenceSink* evidence_;
  std::mutex write_mu_;    // one create or lift at a time: the index follows the store's order
  std::mutex publish_mu_;  // one PublishDue at a time: each sanction's evidence once
  mutable std::shared_mutex index_mu_;
  internal::SanctionIndex index_;   // GUARDED_BY(index_mu_)
  uint64_t indexed_sanctions_ = 0;  // GUARDED_BY(index_mu_)
};

}  // namespace

Result<std::unique_ptr<Sanctions>> Sanctions::Open(store::Store& store, Clock& clock,
                                                   LedgerAppender* ledger,
                                                   events::EvidenceSink* evidence) {
  QUELL_RETURN_IF_ERROR(store.Migrate(kSchemaModule, kMigrations));
  auto impl = std::make_unique<SanctionsImpl>(store, clock, ledger, evidence);
  QUELL_RETURN_IF_ERROR(impl->Rebuild());
  if (Status p = impl->PublishDue(); !p.ok()) {
    spdlog::warn("sanctions: evidence of sanctions that started not published yet: {}",
                 p.message());
  }
  return std::unique_ptr<Sanctions>(std::move(impl));
}

}  // namespace quell::enforce
