// The [shaken] section of quell.toml, and the STIR/SHAKEN services built from it
// for `quell serve` and `quell shaken verify`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/config.h"
#include "quell/core/status.h"

namespace quell::store {
class Store;
}
namespace quell::access {
class Accounts;
}
namespace quell::shaken {
class CredentialCache;
class Signer;
class SignerRegistry;
class TnOwnership;
class Verifier;
}  // namespace quell::shaken

namespace quell::cli {

struct SignerEntry {
  std::string name;  // served as /sti-cr/<name>.pem
  std::string org;   // organisation name, as `quell admin create-org --name` took it
  std::string key_file;
  std::string cert_file;
  std::string x5u;
};

struct ShakenConfig {
  // Verification (STI-VS); off unless trust_dir is set.
  std::string trust_dir;
  bool require_crl = false;
  std::string tn_auth_profile = "spc";  // "spc" or "tn"
  std::chrono::seconds max_age{60};
  std::chrono::seconds max_future{60};
  int64_t replay_capacity = 1 << 20;
  // [shaken.x5u]: fetching signers' certificates.
  bool allow_http = false;
  bool allow_private_addresses = false;
  bool allow_any_port = false;  // default: only 443 and 8443 (ATIS-1000074 practice)
  std::vector<std::string> allow_hosts;
  std::vector<std::string> deny_hosts;
  std::string tls_ca_file;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{2000};
  int64_t max_bytes = 16384;
  int64_t cache_capacity = 10000;
  std::chrono::seconds default_max_age{24 * 3600};
  std::chrono::seconds negative_ttl{30};
  // Background fetching: a cold verification waits at most cold_wait.
  int64_t fetch_threads = 2;
  std::chrono::milliseconds cold_wait{500};
  int64_t max_queued_fetches = 16;
  // Signing (STI-AS) and the certificate repository.
  std::vector<SignerEntry> signers;
  bool allow_http_x5u = false;  // signers may name an http:// x5u (tests only)
  std::chrono::seconds repository_max_age{3600};
};

// Reads and checks [shaken] (unknown keys, ranges, the profile name). Files are
// not opened here.
Result<ShakenConfig> ShakenConfigFrom(const Config& config);

// The running STIR/SHAKEN services. Members are null when not configured.
struct ShakenServices {
  ShakenServices();
  ~ShakenServices();
  ShakenServices(ShakenServices&&) noexcept;
  ShakenServices& operator=(ShakenServices&&) noexcept;

  std::unique_ptr<shaken::CredentialCache> cache;  // owns the x5u fetcher
  std::unique_ptr<shaken::Verifier> verifier;
  std::unique_ptr<shaken::TnOwnership> tn_ownership;
  std::unique_ptr<shaken::SignerRegistry> signers;
  std::unique_ptr<shaken::Signer> signer;
};

// Builds what `config` asks for: the verifier (trust store loaded from
// trust_dir), the TN-ownership table (always, it lives in the store), the
// signers (organisation names resolved through `accounts`) and the signer.
// Errors name the file or key at fault.
Result<ShakenServices> OpenShaken(const ShakenConfig& config, store::Store& store,
                                  access::Accounts& accounts, Clock& clock);

// The verifier alone (for `quell shaken verify`): trust store from trust_dir,
// certificate cache and fetcher in *cache, which must outlive the verifier.
Result<std::unique_ptr<shaken::Verifier>> OpenVerifier(
    const ShakenConfig& config, Clock& clock, std::unique_ptr<shaken::CredentialCache>* cache);

// SIGHUP: reloads the trust store (roots, CRLs) and the signers' keys and
// certificates (rotation). On an error the old ones stay in force.
Status ReloadShaken(const ShakenConfig& config, access::Accounts& accounts,
                    ShakenServices& services);

}  // namespace quell::cli
