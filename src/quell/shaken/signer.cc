#include "quell/shaken/signer.h"

#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <system_error>
#include <utility>

#include "quell/core/ids.h"
#include "quell/core/metrics.h"
#include "quell/shaken/base64url.h"
#include "quell/shaken/identity_header.h"
#include "quell/shaken/internal/quote.h"

namespace quell::shaken {
namespace {

// Signatures by attestation level.
metrics::Counter& SignatureCounter(Attestation level) {
  static metrics::Counter* counters = [] {
    constexpr char kName[] = "quell_shaken_signatures_total";
    constexpr char kHelp[] = "STIR/SHAKEN PASSporTs signed, by attestation";
    return new metrics::Counter[3]{metrics::GetCounter(kName, kHelp, {{"attest", "A"}}),
                                   metrics::GetCounter(kName, kHelp, {{"attest", "B"}}),
                                   metrics::GetCounter(kName, kHelp, {{"attest", "C"}})};
  }();
  return counters[level == Attestation::kFull ? 0 : level == Attestation::kPartial ? 1 : 2];
}

constexpr std::size_t kMaxX5uBytes = 2048;
constexpr std::size_t kMaxLabelBytes = 200;

std::string Quote(std::string_view s) { return internal::QuoteUntrusted(s, 120); }

bool IsPrintable(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

Status CheckLabel(std::string_view what, std::string_view value) {
  if (value.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (value.size() > kMaxLabelBytes || !IsPrintable(value)) {
    return InvalidArgument(std::string(what) + " " + Quote(value) +
                           " must be at most 200 bytes without control characters");
  }
  return Status::Ok();
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// The x5u goes into the PASSporT header and, in <>, into the Identity header's
// info parameter, and verifiers fetch it: an absolute https URL with a host.
Status CheckX5u(std::string_view x5u, const SignerOptions& options) {
  if (x5u.empty()) return InvalidArgument("x5u must not be empty");
  if (x5u.size() > kMaxX5uBytes) return InvalidArgument("x5u is longer than 2048 bytes");
  for (char c : x5u) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"') {
      return InvalidArgument("x5u " + Quote(x5u) +
                             " holds white space, a control or non-ASCII character, '<', '>' or "
                             "'\"'");
    }
  }
  std::size_t rest = 0;
  if (StartsWithNoCase(x5u, "https://")) {
    rest = 8;
  } else if (StartsWithNoCase(x5u, "http://")) {
    if (!options.allow_http_x5u) {
      return InvalidArgument("x5u " + Quote(x5u) +
                             " must be an https URL: verifiers fetch certificates over https "
                             "only (ATIS-1000074)");
    }
    rest = 7;
  } else {
    return InvalidArgument("x5u " + Quote(x5u) + " must be an https URL, e.g. " +
                           "https://cert.example.org/sp.pem");
  }
  const std::size_t host_end = x5u.find_first_of("/:?#", rest);
  if (host_end == rest || rest == x5u.size()) {
    return InvalidArgument("x5u " + Quote(x5u) + " has no host");
  }
  return Status::Ok();
}

// What the PEM text is, in error messages: "key_file '/etc/quell/sp.key'" or
// "the private key" when it did not come from a file.
struct Sources {
  std::string key;
  std::string cert;
};

Result<SignerIdentity> Build(std::string_view name, std::string_view org_id,
                             std::string_view key_pem, std::string_view cert_pem,
                             std::string_view x5u, const SignerOptions& options,
                             const Sources& from) {
  QUELL_RETURN_IF_ERROR(CheckLabel("signer name", name));
  QUELL_RETURN_IF_ERROR(CheckLabel("org_id", org_id));
  QUELL_RETURN_IF_ERROR(CheckX5u(x5u, options));

  Result<EcKey> key = EcKey::FromPrivatePem(key_pem);
  if (!key) {
    return InvalidArgument(from.key +
                           " holds no usable P-256 private key: " + key.error().message());
  }
  if (!key->has_private_key()) return InvalidArgument(from.key + " holds no private key");

  // The certificate text is published at x5u: it must start with the signer's
  // certificate and must never carry a key.
  if (cert_pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    return InvalidArgument(from.cert +
                           " holds a private key; it is published at the x5u URL, so it must "
                           "hold only certificates");
  }
  const std::size_t first_block = cert_pem.find("-----BEGIN ");
  if (first_block == std::string_view::npos ||
      cert_pem.substr(first_block).rfind("-----BEGIN CERTIFICATE-----", 0) != 0) {
    return InvalidArgument(from.cert +
                           " must start with a PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  Result<EcKey> cert_key = EcKey::FromPublicPem(cert_pem);
  if (!cert_key) {
    return InvalidArgument(from.cert + ": the first certificate has no usable P-256 key: " +
                           cert_key.error().message());
  }
  Result<std::string> key_public = key->PublicPem();
  Result<std::string> cert_public = cert_key->PublicPem();
  if (!key_public || !cert_public) {
    return Internal("cannot export public keys to compare " + from.key + " and " + from.cert);
  }
  if (*key_public != *cert_public) {
    return InvalidArgument("the private key in " + from.key +
                           " does not match the public key of the certificate in " + from.cert);
  }

  PassportHeader header;
  header.x5u = std::string(x5u);
  QUELL_ASSIGN_OR_RETURN(std::string header_json, EncodeHeaderJson(header));
  // The Identity header's parameters are the same for every call: build them once
  // with the helper (which also checks x5u as an info URI) around a stand-in JWS.
  constexpr std::string_view kStandIn = "a.b.c";
  IdentityHeader shape;
  shape.jws = std::string(kStandIn);
  shape.info = header.x5u;
  Result<std::string> built = BuildIdentityHeader(shape);
  if (!built) return InvalidArgument("x5u " + Quote(x5u) + ": " + built.error().message());

  SignerIdentity identity{.name = std::string(name),
                          .org_id = std::string(org_id),
                          .key = std::move(*key),
                          .x5u = std::string(x5u),
                          .certificate_pem = std::string(cert_pem),
                          .header_segment = Base64UrlEncode(header_json),
                          .identity_params = built->substr(kStandIn.size())};
  return identity;
}

// Random bytes for origids, drawn from the kernel (core's RandomBytes) 32 UUIDs
// at a time: one getrandom(2) per call cost ~6% of a whole signature (OpenSSL's
// RAND_bytes, ~8%, is no cheaper). The buffer is per thread and is dropped in a
// forked child, so a parent and its child never hand out the same bytes.
struct OrigidRandom {
  unsigned char bytes[512];
  std::size_t used = sizeof bytes;
};
thread_local OrigidRandom t_origid_random;

void DropOrigidRandomInChild() { t_origid_random.used = sizeof t_origid_random.bytes; }

// A version-4 UUID (RFC 4122), as NewId() makes.
std::string NewOrigid() {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, &DropOrigidRandomInChild); });
  OrigidRandom& r = t_origid_random;
  if (r.used + 16 > sizeof r.bytes) {
    RandomBytes(r.bytes, sizeof r.bytes);
    r.used = 0;
  }
  unsigned char* b = r.bytes + r.used;
  r.used += 16;
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t o = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;  // skip the '-'
    out[o++] = kHex[b[i] >> 4];
    out[o++] = kHex[b[i] & 0x0f];
  }
  return out;
}

Result<std::string> ReadPemFile(std::string_view what, const std::string& path) {
  const std::string shown = std::string(what) + " " + Quote(path);
  if (path.empty()) return InvalidArgument(std::string(what) + " is not set");
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return NotFound(shown + " does not exist");
  }
  if (ec) return InvalidArgument("cannot read " + shown + ": " + ec.message());
  if (status.type() != std::filesystem::file_type::regular) {
    return InvalidArgument(shown + " is not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgument("cannot read " + shown + ": " + ec.message());
  if (size > kMaxPemFileBytes) {
    return InvalidArgument(shown + " is larger than " + std::to_string(kMaxPemFileBytes) +
                           " bytes; it should hold a few PEM blocks");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + shown + ": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgument("cannot read " + shown + ": read error");
  return text;
}

}  // namespace

// --- SignerIdentity ---------------------------------------------------------

Result<SignerIdentity> SignerIdentity::FromPem(std::string_view name, std::string_view org_id,
                                               std::string_view key_pem, std::string_view cert_pem,
                                               std::string_view x5u, const SignerOptions& options) {
  return Build(name, org_id, key_pem, cert_pem, x5u, options,
               Sources{"the private key PEM", "the certificate PEM"});
}

Result<SignerIdentity> SignerIdentity::Load(const SignerConfig& config,
                                            const SignerOptions& options) {
  const std::string context = "signer " + Quote(config.name);
  auto in_context = [&](const Status& s) { return s.WithContext(context); };
  if (config.name.empty()) return InvalidArgument("a signer has no name");
  Result<std::string> key_pem = ReadPemFile("key_file", config.key_file);
  if (!key_pem) return in_context(key_pem.status());
  Result<std::string> cert_pem = ReadPemFile("cert_file", config.cert_file);
  if (!cert_pem) return in_context(cert_pem.status());
  Result<SignerIdentity> identity =
      Build(config.name, config.org_id, *key_pem, *cert_pem, config.x5u, options,
            Sources{"key_file " + Quote(config.key_file), "cert_file " + Quote(config.cert_file)});
  if (!identity) return in_context(identity.status());
  return identity;
}

// --- SignerSet --------------------------------------------------------------

Result<std::shared_ptr<const SignerSet>> SignerSet::Create(std::vector<SignerIdentity> identities) {
  std::shared_ptr<SignerSet> set(new SignerSet());
  set->identities_.reserve(identities.size());
  for (SignerIdentity& identity : identities) {
    auto shared = std::make_shared<const SignerIdentity>(std::move(identity));
    if (auto it = set->by_name_.find(shared->name); it != set->by_name_.end()) {
      return InvalidArgument("two signers are named " + Quote(shared->name));
    }
    if (auto it = set->by_org_.find(shared->org_id); it != set->by_org_.end()) {
      return InvalidArgument("signers " + Quote(it->second->name) + " and " + Quote(shared->name) +
                             " both sign for org " + Quote(shared->org_id) +
                             "; an organisation has one signing identity");
    }
    set->by_name_.emplace(shared->name, shared.get());
    set->by_org_.emplace(shared->org_id, shared.get());
    set->identities_.push_back(std::move(shared));
  }
  return std::shared_ptr<const SignerSet>(std::move(set));
}

const SignerIdentity* SignerSet::FindByOrg(std::string_view org_id) const {
  auto it = by_org_.find(org_id);
  return it == by_org_.end() ? nullptr : it->second;
}

const SignerIdentity* SignerSet::FindByName(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

// --- SignerRegistry ---------------------------------------------------------

SignerRegistry::SignerRegistry(SignerOptions options) : options_(options) {
  auto empty = SignerSet::Create({});
  set_.store(*empty);
}

Status SignerRegistry::Reload(const std::vector<SignerConfig>& configs) {
  std::vector<SignerIdentity> identities;
  identities.reserve(configs.size());
  for (const SignerConfig& config : configs) {
    QUELL_ASSIGN_OR_RETURN(SignerIdentity identity, SignerIdentity::Load(config, options_));
    identities.push_back(std::move(identity));
  }
  return Replace(std::move(identities));
}

Status SignerRegistry::Replace(std::vector<SignerIdentity> identities) {
  QUELL_ASSIGN_OR_RETURN(std::shared_ptr<const SignerSet> set,
                         SignerSet::Create(std::move(identities)));
  set_.store(std::move(set), std::memory_order_release);
  return Status::Ok();
}

std::shared_ptr<const SignerSet> SignerRegistry::Snapshot() const {
  return set_.load(std::memory_order_acquire);
}

Result<std::string> SignerRegistry::CertificatePem(std::string_view name) const {
  std::shared_ptr<const SignerSet> set = Snapshot();
  const SignerIdentity* identity = set->FindByName(name);
  if (identity == nullptr) return NotFound("no signing identity named " + Quote(name));
  return identity->certificate_pem;
}

// --- Signer -----------------------------------------------------------------

Signer::Signer(const SignerRegistry& registry, const TnOwnership& ownership, Clock& clock)
    : registry_(registry), ownership_(ownership), clock_(clock) {}

Result<SignResult> Signer::Sign(std::string_view org_id, const SignRequest& request) const {
  // Validate the request before anything else, so a bad one costs no signature.
  Result<std::string> orig = CanonicalizeTn(request.orig_tn);
  if (!orig) return orig.status().WithContext("orig_tn");
  if (request.dest_tns.empty()) {
    return InvalidArgument("dest_tns: at least one called number is required");
  }
  if (request.dest_tns.size() > kMaxDestTns) {
    return InvalidArgument("dest_tns: " + std::to_string(request.dest_tns.size()) +
                           " called numbers; at most " + std::to_string(kMaxDestTns));
  }
  Passport passport;
  passport.claims.dest_tn.reserve(request.dest_tns.size());
  for (std::size_t i = 0; i < request.dest_tns.size(); ++i) {
    Result<std::string> dest = CanonicalizeTn(request.dest_tns[i]);
    if (!dest) return dest.status().WithContext("dest_tns[" + std::to_string(i) + "]");
    passport.claims.dest_tn.push_back(std::move(*dest));
  }
  if (!request.origid.empty() && !IsUuid(request.origid)) {
    return InvalidArgument("origid " + Quote(request.origid) +
                           " is not a UUID (RFC 8588: e.g. 123e4567-e89b-12d3-a456-426655440000); "
                           "leave it empty to have one generated");
  }
  const int64_t iat =
      request.iat
          ? *request.iat
          : std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
                .count();
  if (iat < 1 || iat > kMaxIat) {
    return InvalidArgument("iat " + std::to_string(iat) + " is outside 1.." +
                           std::to_string(kMaxIat));
  }

  std::shared_ptr<const SignerSet> set = registry_.Snapshot();
  const SignerIdentity* identity = set->FindByOrg(org_id);
  if (identity == nullptr) {
    return FailedPrecondition("no signing identity is configured for org " + Quote(org_id));
  }

  SignResult result;
  result.attestation = ownership_.Attest(org_id, request.customer_id, *orig, request.attest);
  passport.header.x5u = identity->x5u;
  passport.claims.attest = result.attestation.level;
  passport.claims.iat = iat;
  passport.claims.orig_tn = std::move(*orig);
  passport.claims.origid = request.origid.empty() ? NewOrigid() : request.origid;
  passport.claims.rcd = request.rcd;
  passport.claims.crn = request.crn;

  QUELL_ASSIGN_OR_RETURN(std::string claims_json,
                         EncodeClaimsJson(passport.claims, passport.header.ppt));
  // Built in place: header "." claims is the signing input, then "." signature
  // and the parameters make the Identity value (identity_header.h's form).
  const std::string claims_segment = Base64UrlEncode(claims_json);
  std::string& out = result.identity;
  out.reserve(identity->header_segment.size() + claims_segment.size() + 2 + 86 +
              identity->identity_params.size());
  out += identity->header_segment;
  out += '.';
  out += claims_segment;
  QUELL_ASSIGN_OR_RETURN(std::string signature, SignEs256(identity->key, out));
  out += '.';
  out += Base64UrlEncode(signature);
  out += identity->identity_params;
  result.passport = std::move(passport);
  result.signer_name = identity->name;
  SignatureCounter(result.attestation.level).Inc();
  return result;
}

}  // namespace quell::shaken
