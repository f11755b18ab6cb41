#include "quell/cli/shaken_config.h"

#include <utility>

#include "quell/access/access.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"
#include "quell/shaken/x5u_fetch.h"

namespace quell::cli {
namespace {

Result<std::chrono::seconds> Seconds(const Config& s, std::string_view key,
                                     std::chrono::seconds def, std::chrono::seconds min) {
  QUELL_ASSIGN_OR_RETURN(std::chrono::milliseconds d, s.GetDuration(key, def));
  if (d < min) {
    return InvalidArgument(s.Where(key) + ": 'shaken." + std::string(key) + "' must be at least " +
                           std::to_string(min.count()) + "s");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

Result<std::chrono::milliseconds> Millis(const Config& s, std::string_view key,
                                         std::chrono::milliseconds def) {
  QUELL_ASSIGN_OR_RETURN(std::chrono::milliseconds d, s.GetDuration(key, def));
  if (d < std::chrono::milliseconds(1) || d > std::chrono::minutes(1)) {
    return InvalidArgument(s.Where(key) + ": '" + std::string(key) +
                           "' must be between 1ms and 60s");
  }
  return d;
}

Status ReadX5u(const Config& x, ShakenConfig& c) {
  QUELL_RETURN_IF_ERROR(x.CheckKnownKeys(
      {"allow_http", "allow_private_addresses", "allow_any_port", "allow_hosts", "deny_hosts",
       "tls_ca_file", "connect_timeout", "timeout", "max_bytes", "cache_capacity",
       "default_max_age", "negative_ttl", "fetch_threads", "cold_wait", "max_queued_fetches"}));
  QUELL_ASSIGN_OR_RETURN(c.allow_http, x.GetBool("allow_http", c.allow_http));
  QUELL_ASSIGN_OR_RETURN(c.allow_private_addresses,
                         x.GetBool("allow_private_addresses", c.allow_private_addresses));
  QUELL_ASSIGN_OR_RETURN(c.allow_any_port, x.GetBool("allow_any_port", c.allow_any_port));
  QUELL_ASSIGN_OR_RETURN(c.allow_hosts, x.GetStringList("allow_hosts", {}));
  QUELL_ASSIGN_OR_RETURN(c.deny_hosts, x.GetStringList("deny_hosts", {}));
  QUELL_ASSIGN_OR_RETURN(c.tls_ca_file, x.GetString("tls_ca_file", ""));
  QUELL_ASSIGN_OR_RETURN(c.connect_timeout, Millis(x, "connect_timeout", c.connect_timeout));
  QUELL_ASSIGN_OR_RETURN(c.timeout, Millis(x, "timeout", c.timeout));
  QUELL_ASSIGN_OR_RETURN(c.max_bytes, x.GetInt("max_bytes", c.max_bytes, 1024, 1 << 20));
  QUELL_ASSIGN_OR_RETURN(c.cache_capacity,
                         x.GetInt("cache_capacity", c.cache_capacity, 1, 10'000'000));
  QUELL_ASSIGN_OR_RETURN(c.default_max_age,
                         Seconds(x, "default_max_age", c.default_max_age, std::chrono::seconds(1)));
  QUELL_ASSIGN_OR_RETURN(c.negative_ttl,
                         Seconds(x, "negative_ttl", c.negative_ttl, std::chrono::seconds(1)));
  QUELL_ASSIGN_OR_RETURN(c.fetch_threads, x.GetInt("fetch_threads", c.fetch_threads, 1, 64));
  QUELL_ASSIGN_OR_RETURN(c.cold_wait, Millis(x, "cold_wait", c.cold_wait));
  QUELL_ASSIGN_OR_RETURN(c.max_queued_fetches,
                         x.GetInt("max_queued_fetches", c.max_queued_fetches, 1, 10'000));
  return Status::Ok();
}

}  // namespace

Result<ShakenConfig> ShakenConfigFrom(const Config& config) {
  ShakenConfig c;
  QUELL_ASSIGN_OR_RETURN(Config s, config.GetTable("shaken"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys({"trust_dir", "require_crl", "tn_auth_profile", "max_age",
                                          "max_future", "replay_capacity", "x5u.*", "signers",
                                          "allow_http_x5u", "repository_max_age"}));
  QUELL_ASSIGN_OR_RETURN(c.trust_dir, s.GetString("trust_dir", ""));
  QUELL_ASSIGN_OR_RETURN(c.require_crl, s.GetBool("require_crl", c.require_crl));
  QUELL_ASSIGN_OR_RETURN(c.tn_auth_profile, s.GetString("tn_auth_profile", c.tn_auth_profile));
  if (c.tn_auth_profile != "spc" && c.tn_auth_profile != "tn") {
    return InvalidArgument(s.Where("tn_auth_profile") +
                           ": 'shaken.tn_auth_profile' must be \"spc\" or \"tn\", not \"" +
                           c.tn_auth_profile + "\"");
  }
  QUELL_ASSIGN_OR_RETURN(c.max_age, Seconds(s, "max_age", c.max_age, std::chrono::seconds(1)));
  QUELL_ASSIGN_OR_RETURN(c.max_future,
                         Seconds(s, "max_future", c.max_future, std::chrono::seconds(0)));
  QUELL_ASSIGN_OR_RETURN(c.replay_capacity,
                         s.GetInt("replay_capacity", c.replay_capacity, 1, 100'000'000));
  QUELL_ASSIGN_OR_RETURN(c.allow_http_x5u, s.GetBool("allow_http_x5u", c.allow_http_x5u));
  QUELL_ASSIGN_OR_RETURN(
      c.repository_max_age,
      Seconds(s, "repository_max_age", c.repository_max_age, std::chrono::seconds(0)));
  QUELL_ASSIGN_OR_RETURN(Config x, s.GetTable("x5u"));
  QUELL_RETURN_IF_ERROR(ReadX5u(x, c));
  QUELL_ASSIGN_OR_RETURN(std::vector<Config> signers, s.GetTableArray("signers"));
  for (const Config& t : signers) {
    QUELL_RETURN_IF_ERROR(t.CheckKnownKeys({"name", "org", "key_file", "cert_file", "x5u"}));
    SignerEntry e;
    for (auto [key, target] :
         {std::pair{"name", &e.name}, std::pair{"org", &e.org}, std::pair{"key_file", &e.key_file},
          std::pair{"cert_file", &e.cert_file}, std::pair{"x5u", &e.x5u}}) {
      QUELL_ASSIGN_OR_RETURN(*target, t.GetString(key, ""));
      if (target->empty()) {
        return InvalidArgument(t.source() + ": every [[shaken.signers]] needs '" +
                               std::string(key) + "'");
      }
    }
    for (const SignerEntry& other : c.signers) {
      if (other.name == e.name) {
        return InvalidArgument(t.Where("name") + ": signer name '" + e.name + "' is used twice");
      }
    }
    c.signers.push_back(std::move(e));
  }
  return c;
}

ShakenServices::ShakenServices() = default;
ShakenServices::~ShakenServices() = default;
ShakenServices::ShakenServices(ShakenServices&&) noexcept = default;
ShakenServices& ShakenServices::operator=(ShakenServices&&) noexcept = default;

namespace {

Result<std::vector<shaken::SignerConfig>> SignerConfigs(const ShakenConfig& config,
                                                        access::Accounts& accounts) {
  std::vector<shaken::SignerConfig> out;
  for (const SignerEntry& e : config.signers) {
    auto org = accounts.FindOrganisation(e.org);
    if (!org) {
      return org.status().WithContext("[[shaken.signers]] '" + e.name + "': organisation '" +
                                      e.org + "'");
    }
    out.push_back(shaken::SignerConfig{.name = e.name,
                                       .org_id = std::to_string(org->id),
                                       .key_file = e.key_file,
                                       .cert_file = e.cert_file,
                                       .x5u = e.x5u});
  }
  return out;
}

Result<std::shared_ptr<const shaken::TrustStore>> LoadTrust(const ShakenConfig& config) {
  auto trust = shaken::TrustStore::LoadDirectory(
      config.trust_dir, shaken::TrustOptions{.require_crl = config.require_crl});
  if (!trust) return trust.status().WithContext("shaken.trust_dir");
  return std::move(*trust);
}

shaken::CurlFetcherOptions FetcherOptions(const ShakenConfig& config) {
  shaken::CurlFetcherOptions o;
  o.policy.allow_http = config.allow_http;
  o.policy.allow_private_addresses = config.allow_private_addresses;
  if (config.allow_any_port) o.policy.allowed_ports.clear();
  o.policy.allowed_hosts = config.allow_hosts;
  o.policy.denied_hosts = config.deny_hosts;
  o.connect_timeout = config.connect_timeout;
  o.total_timeout = config.timeout;
  o.max_body_bytes = static_cast<std::size_t>(config.max_bytes);
  o.tls_ca_file = config.tls_ca_file;
  return o;
}

// Our own signers' certificates go into the verifier's cache under their x5u:
// calls between two of a carrier's customers verify without a fetch, and a
// server whose x5u points at itself never waits on its own I/O threads.
Status PreloadOwnCertificates(const ShakenServices& s) {
  if (s.cache == nullptr) return Status::Ok();
  for (const auto& identity : s.signers->Snapshot()->identities()) {
    QUELL_RETURN_IF_ERROR(s.cache->Preload(identity->x5u, identity->certificate_pem)
                              .WithContext("signer '" + identity->name + "'"));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<shaken::Verifier>> OpenVerifier(
    const ShakenConfig& config, Clock& clock, std::unique_ptr<shaken::CredentialCache>* cache) {
  QUELL_ASSIGN_OR_RETURN(std::shared_ptr<const shaken::TrustStore> trust, LoadTrust(config));
  QUELL_ASSIGN_OR_RETURN(std::unique_ptr<shaken::CurlCertificateFetcher> fetcher,
                         shaken::CurlCertificateFetcher::Create(FetcherOptions(config)));
  shaken::CredentialCacheOptions cache_options;
  cache_options.capacity = static_cast<std::size_t>(config.cache_capacity);
  cache_options.default_ttl = config.default_max_age;
  cache_options.negative_ttl = config.negative_ttl;
  cache_options.fetch_threads = static_cast<std::size_t>(config.fetch_threads);
  cache_options.cold_wait = config.cold_wait;
  cache_options.max_queued_fetches = static_cast<std::size_t>(config.max_queued_fetches);
  QUELL_ASSIGN_OR_RETURN(*cache,
                         shaken::CredentialCache::Create(cache_options, std::move(fetcher), clock));
  shaken::VerifierOptions options;
  options.check.max_age = config.max_age;
  options.check.max_future = config.max_future;
  options.check.replay_capacity = static_cast<std::size_t>(config.replay_capacity);
  options.profile =
      config.tn_auth_profile == "tn" ? shaken::TnAuthProfile::kTn : shaken::TnAuthProfile::kSpc;
  return std::make_unique<shaken::Verifier>(clock, **cache, std::move(trust), options);
}

Result<ShakenServices> OpenShaken(const ShakenConfig& config, store::Store& store,
                                  access::Accounts& accounts, Clock& clock) {
  ShakenServices s;
  if (!config.trust_dir.empty()) {
    QUELL_ASSIGN_OR_RETURN(s.verifier, OpenVerifier(config, clock, &s.cache));
  }
  QUELL_ASSIGN_OR_RETURN(s.tn_ownership, shaken::TnOwnership::Open(store, clock));
  s.signers = std::make_unique<shaken::SignerRegistry>(
      shaken::SignerOptions{.allow_http_x5u = config.allow_http_x5u});
  QUELL_ASSIGN_OR_RETURN(std::vector<shaken::SignerConfig> signers,
                         SignerConfigs(config, accounts));
  QUELL_RETURN_IF_ERROR(s.signers->Reload(signers));
  QUELL_RETURN_IF_ERROR(PreloadOwnCertificates(s));
  s.signer = std::make_unique<shaken::Signer>(*s.signers, *s.tn_ownership, clock);
  return s;
}

Status ReloadShaken(const ShakenConfig& config, access::Accounts& accounts,
                    ShakenServices& services) {
  // Everything is read and checked before anything is swapped, so a bad file
  // leaves the running trust store and signers as they were.
  std::shared_ptr<const shaken::TrustStore> trust;
  if (services.verifier != nullptr && !config.trust_dir.empty()) {
    QUELL_ASSIGN_OR_RETURN(trust, LoadTrust(config));
  }
  QUELL_ASSIGN_OR_RETURN(std::vector<shaken::SignerConfig> configs,
                         SignerConfigs(config, accounts));
  std::vector<shaken::SignerIdentity> identities;
  for (const shaken::SignerConfig& c : configs) {
    QUELL_ASSIGN_OR_RETURN(
        shaken::SignerIdentity identity,
        shaken::SignerIdentity::Load(c, {.allow_http_x5u = config.allow_http_x5u}));
    identities.push_back(std::move(identity));
  }
  // The index swaps itself only on success; reading it again changes nothing else.
  QUELL_RETURN_IF_ERROR(services.tn_ownership->Reload());
  std::vector<std::string> old_x5us;
  for (const auto& identity : services.signers->Snapshot()->identities()) {
    old_x5us.push_back(identity->x5u);
  }
  QUELL_RETURN_IF_ERROR(services.signers->Replace(std::move(identities)));
  if (trust != nullptr) services.verifier->SetTrustStore(std::move(trust));
  if (services.cache != nullptr) {
    // A retired signer's certificate must not keep verifying from the preload.
    for (const std::string& x5u : old_x5us) services.cache->Invalidate(x5u);
  }
  return PreloadOwnCertificates(services).WithContext(
      "the new signers are in force, but caching their certificates failed");
}

}  // namespace quell::cli
