// The test PKI files `quell shaken ca|cert|keygen` write, shared with the demo.
#pragma once

#include <cstdint>
#include <string>

#include "quell/core/status.h"
#include "quell/shaken/certificate.h"

namespace quell::cli {

// A root and an intermediate CA in `dir`: root.pem, root.key, intermediate.pem,
// intermediate.key, crl.pem (the intermediate's, empty), revoked.txt, and
// trust/ (root.pem, crl.pem, root-crl.pem) for a verifier's trust_dir. Keys are
// mode 0600; existing files are kept unless `force`.
Status CaInit(const std::string& dir, const std::string& name, const std::string& country,
              int64_t days, bool force);

// A SHAKEN certificate for the key in `key_file` with `list` as TNAuthList,
// issued by the intermediate in `ca_dir`, written to `out` followed by the
// intermediate (the chain an x5u serves).
Status IssueLeaf(const std::string& ca_dir, const std::string& key_file,
                 const shaken::TnAuthList& list, const std::string& organization,
                 const std::string& common_name, int64_t days, const std::string& crl_url,
                 const std::string& out, bool force);

// A fresh P-256 private key (PKCS#8 PEM, mode 0600) at `path`.
Status GenerateKeyFile(const std::string& path, bool force);

}  // namespace quell::cli
