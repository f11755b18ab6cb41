#include "quell/shaken/checker.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace quell::shaken {
namespace {

constexpr char kStaleDate[] = "Stale Date";
constexpr char kUseIdentityHeader[] = "Use Identity Header";
constexpr char kUnsupportedCredential[] = "Unsupported Credential";
constexpr char kInvalidIdentityHeader[] = "Invalid Identity Header";
constexpr char kBadIdentityInfo[] = "Bad Identity Info";

CheckResult Fail(int code, std::string reason, std::string detail,
                 std::optional<Passport> passport = std::nullopt) {
  return CheckResult{.verstat = Verstat::kFailed,
                     .sip_code = code,
                     .sip_reason = std::move(reason),
                     .detail = std::move(detail),
                     .passport = std::move(passport)};
}

CheckResult ParseFailure(IdentityError error, std::string detail) {
  switch (error) {
    case IdentityError::kBadInfo:
      return Fail(436, kBadIdentityInfo, std::move(detail));
    case IdentityError::kUnsupportedAlg:
      return Fail(437, kUnsupportedCredential, std::move(detail));
    default:
      return Fail(438, kInvalidIdentityHeader, std::move(detail));
  }
}

// 128 bits of SHA-256: a collision among 2^20 live entries has odds of ~2^-88.
struct ReplayKey {
  uint64_t hi = 0;
  uint64_t lo = 0;
  friend bool operator==(const ReplayKey&, const ReplayKey&) = default;
};

struct ReplayKeyHash {
  std::size_t operator()(const ReplayKey& k) const { return static_cast<std::size_t>(k.lo); }
};

// The signing input plus R: ECDSA's (R, n - S) is a second valid signature of the
// same token, so hashing all of the signature would let a replay through.
ReplayKey MakeReplayKey(const DecodedPassport& d) {
  std::string material = d.signing_input;
  material.append(d.signature, 0, std::min<std::size_t>(d.signature.size(), 32));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  ReplayKey k;
  std::memcpy(&k.hi, digest, sizeof k.hi);
  std::memcpy(&k.lo, digest + sizeof k.hi, sizeof k.lo);
  return k;
}

std::string JoinTns(const std::vector<std::string>& tns) {
  std::string out;
  for (const auto& tn : tns) {
    if (!out.empty()) out += ", ";
    out += tn;
  }
  return out;
}

}  // namespace

std::string_view VerstatName(Verstat v) {
  switch (v) {
    case Verstat::kPassed:
      return "TN-Validation-Passed";
    case Verstat::kFailed:
      return "TN-Validation-Failed";
    case Verstat::kNoValidation:
      return "No-TN-Validation";
  }
  return "No-TN-Validation";
}

// Insertion-ordered entries with an expiry each. Eviction pops from the front:
// expired entries, then, when full, the oldest. An entry expired in the middle
// waits for its turn; the queue (and so the map) never exceeds capacity.
class PassportChecker::ReplayCache {
 public:
  explicit ReplayCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // True if `key` is live at `now` (a replay); otherwise records it until `expiry`.
  bool SeenOrInsert(const ReplayKey& key, int64_t now, int64_t expiry) {
    std::lock_guard lock(mu_);
    if (auto it = live_.find(key); it != live_.end() && it->second.expiry >= now) return true;
    while (!order_.empty() && (order_.front().expiry < now || order_.size() >= capacity_)) {
      PopFront();
    }
    const uint64_t seq = next_seq_++;
    live_.insert_or_assign(key, Slot{.expiry = expiry, .seq = seq});
    order_.push_back(Entry{.key = key, .expiry = expiry, .seq = seq});
    return false;
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return live_.size();
  }

 private:
  struct Entry {
    ReplayKey key;
    int64_t expiry;  // unix seconds; live while expiry >= now
    uint64_t seq;    // insertion number: ties a map entry to its newest deque record
  };
  struct Slot {
    int64_t expiry;
    uint64_t seq;
  };

  void PopFront() {
    const Entry& e = order_.front();
    // A key re-recorded after expiring has an older record still queued; that
    // record must not remove the newer entry.
    if (auto it = live_.find(e.key); it != live_.end() && it->second.seq == e.seq) live_.erase(it);
    order_.pop_front();
  }

  const std::size_t capacity_;
  mutable std::mutex mu_;
  uint64_t next_seq_ = 0;                                    // guarded by mu_
  std::unordered_map<ReplayKey, Slot, ReplayKeyHash> live_;  // guarded by mu_
  std::deque<Entry> order_;  // guarded by mu_; insertion order, size <= capacity_
};

PassportChecker::PassportChecker(Clock& clock, CheckOptions options)
    : clock_(clock),
      options_(options),
      replay_(std::make_unique<ReplayCache>(options.replay_capacity)) {}

PassportChecker::~PassportChecker() = default;

CheckResult PassportChecker::CheckMissing() const {
  return CheckResult{.verstat = Verstat::kNoValidation,
                     .sip_code = 428,
                     .sip_reason = kUseIdentityHeader,
                     .detail = "no Identity header in the request",
                     .passport = std::nullopt};
}

std::size_t PassportChecker::replay_cache_size() const { return replay_->size(); }

CheckResult PassportChecker::Check(std::string_view identity_header_value, std::string_view from_tn,
                                   std::string_view to_tn, const EcKey& public_key) {
  FixedKeySource source(public_key);
  return Check(identity_header_value, from_tn, to_tn, source);
}

CheckResult PassportChecker::Check(std::string_view identity_header_value, std::string_view from_tn,
                                   std::string_view to_tn, CredentialSource& credentials) {
  IdentityError error = IdentityError::kNone;
  auto header = ParseIdentityHeader(identity_header_value, &error);
  if (!header) return ParseFailure(error, header.status().message());
  if (header->ppt != "shaken") {
    return Fail(438, kInvalidIdentityHeader,
                "Identity: ppt " + header->ppt + " where a shaken PASSporT is required");
  }
  return CheckParsed(*header, from_tn, to_tn, credentials);
}

CheckResult PassportChecker::CheckAll(std::span<const std::string_view> values,
                                      std::string_view from_tn, std::string_view to_tn,
                                      CredentialSource& credentials) {
  if (values.empty()) return CheckMissing();
  // One shaken PASSporT and its div PASSporTs: anything beyond would only let a
  // caller make the verifier check (and fetch) more than a call can need.
  if (values.size() > 1 + kMaxDiversions) {
    return Fail(438, kInvalidIdentityHeader,
                std::to_string(values.size()) + " Identity headers; at most " +
                    std::to_string(1 + kMaxDiversions) + " (shaken plus diversions) are read");
  }
  std::vector<IdentityHeader> shaken;
  std::vector<IdentityHeader> divs;
  std::optional<CheckResult> first_parse_failure;
  for (std::string_view v : values) {
    IdentityError error = IdentityError::kNone;
    auto h = ParseIdentityHeader(v, &error);
    if (!h) {
      if (!first_parse_failure) first_parse_failure = ParseFailure(error, h.status().message());
      continue;
    }
    (h->ppt == "shaken" ? shaken : divs).push_back(std::move(*h));
  }
  if (shaken.empty()) {
    if (first_parse_failure) return std::move(*first_parse_failure);
    return Fail(438, kInvalidIdentityHeader,
                "no shaken PASSporT among " + std::to_string(values.size()) +
                    " Identity headers (a div PASSporT needs the shaken one it extends)");
  }

  // Walk retargetings back from the request's To (see the header).
  std::string called(to_tn);
  std::vector<std::string> diverted_from;
  std::vector<bool> used(divs.size(), false);
  for (int hop = 0; hop < kMaxDiversions && diverted_from.size() < divs.size(); ++hop) {
    bool advanced = false;
    for (std::size_t i = 0; i < divs.size() && !advanced; ++i) {
      if (used[i]) continue;
      CheckResult r = CheckParsed(divs[i], from_tn, called, credentials);
      if (r.verstat != Verstat::kPassed) continue;
      used[i] = true;
      called = r.passport->claims.div_tn;
      diverted_from.push_back(called);
      advanced = true;
    }
    if (!advanced) break;
  }

  std::optional<CheckResult> first_failure;
  for (const IdentityHeader& h : shaken) {
    CheckResult r = CheckParsed(h, from_tn, called, credentials);
    if (r.verstat == Verstat::kPassed) {
      r.diverted_from = std::move(diverted_from);
      return r;
    }
    if (!first_failure) first_failure = std::move(r);
  }
  return std::move(*first_failure);
}

CheckResult PassportChecker::CheckParsed(const IdentityHeader& header, std::string_view from_tn,
                                         std::string_view to_tn, CredentialSource& credentials) {
  const bool is_div = header.ppt == "div";
  auto decoded = DecodeCompactJws(header.jws);
  if (!decoded) return Fail(438, kInvalidIdentityHeader, decoded.status().message());
  const Passport& p = decoded->passport;
  if (p.header.alg != "ES256") {
    return Fail(437, kUnsupportedCredential,
                "PASSporT alg \"" + p.header.alg + "\" is not supported; SHAKEN uses ES256", p);
  }
  if (p.header.typ != "passport") {
    return Fail(437, kUnsupportedCredential,
                "PASSporT typ \"" + p.header.typ + "\" is not \"passport\"", p);
  }
  // ATIS-1000082 E10, before freshness: a token whose info and x5u disagree is
  // malformed however old it is.
  if (header.info != p.header.x5u) {
    return Fail(436, kBadIdentityInfo,
                "Identity info <" + header.info + "> differs from the PASSporT x5u " + p.header.x5u,
                p);
  }
  if (p.header.ppt != header.ppt) {
    return Fail(438, kInvalidIdentityHeader,
                "PASSporT ppt \"" + p.header.ppt + "\" differs from the Identity ppt " + header.ppt,
                p);
  }
  if (Status s = is_div ? ValidateDiv(p) : ValidateShaken(p); !s.ok()) {
    return Fail(438, kInvalidIdentityHeader, s.message(), p);
  }

  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  const int64_t iat = p.claims.iat;
  if (now - iat > options_.max_age.count()) {
    return Fail(403, kStaleDate,
                "iat " + std::to_string(iat) + " is " + std::to_string(now - iat) +
                    " s old; at most " + std::to_string(options_.max_age.count()) +
                    " s is accepted",
                p);
  }
  if (iat - now > options_.max_future.count()) {
    return Fail(403, kStaleDate,
                "iat " + std::to_string(iat) + " is " + std::to_string(iat - now) +
                    " s in the future; at most " + std::to_string(options_.max_future.count()) +
                    " s is accepted",
                p);
  }

  auto from = CanonicalizeTn(from_tn);
  if (!from) {
    return Fail(
        438, kInvalidIdentityHeader,
        "orig mismatch: calling number is not a telephone number: " + from.status().message(), p);
  }
  if (*from != p.claims.orig_tn) {
    return Fail(438, kInvalidIdentityHeader,
                "orig mismatch: PASSporT orig.tn " + p.claims.orig_tn +
                    " differs from the calling number " + *from,
                p);
  }
  auto to = CanonicalizeTn(to_tn);
  if (!to) {
    return Fail(438, kInvalidIdentityHeader,
                "dest mismatch: called number is not a telephone number: " + to.status().message(),
                p);
  }
  if (std::find(p.claims.dest_tn.begin(), p.claims.dest_tn.end(), *to) == p.claims.dest_tn.end()) {
    return Fail(438, kInvalidIdentityHeader,
                "dest mismatch: called number " + *to + " is not among PASSporT dest.tn [" +
                    JoinTns(p.claims.dest_tn) + "]",
                p);
  }

  Credential credential = credentials.Resolve(header, p);
  if (credential.key == nullptr) {
    CheckResult r = Fail(credential.sip_code, std::move(credential.sip_reason),
                         std::move(credential.detail), p);
    r.signer = std::move(credential.signer);
    return r;
  }
  if (Status s = VerifyEs256(*credential.key, decoded->signing_input, decoded->signature);
      !s.ok()) {
    CheckResult r =
        Fail(438, kInvalidIdentityHeader, "signature validation failed: " + s.message(), p);
    r.signer = std::move(credential.signer);
    return r;
  }

  // Recorded only after the signature verified, so forged tokens cannot fill the cache.
  if (replay_->SeenOrInsert(MakeReplayKey(*decoded), now, iat + options_.max_age.count())) {
    return Fail(438, kInvalidIdentityHeader,
                "replayed: this PASSporT (iat " + std::to_string(iat) +
                    ") was already accepted within the freshness window",
                p);
  }

  return CheckResult{.verstat = Verstat::kPassed,
                     .sip_code = 0,
                     .sip_reason = {},
                     .detail = {},
                     .passport = std::move(decoded->passport),
                     .signer = std::move(credential.signer),
                     .diverted_from = {}};
}

}  // namespace quell::shaken
