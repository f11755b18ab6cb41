// `quell shaken ...`: stand up a STIR/SHAKEN test PKI, sign and verify from the
// shell, and manage the TN-ownership table that decides attestation.
//
//   quell shaken keygen --out sp.key
//   quell shaken ca init --dir ca
//   quell shaken cert issue --ca ca --key sp.key --spc 1234 --out sp.pem
//   quell shaken sign --key sp.key --x5u https://cr.example/sp.pem --orig 12155550121
//                     --dest 12155550131 --attest A
//   quell shaken verify --identity '...' --from 12155550121 --to 12155550131 --trust-dir ca
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/cli/shaken_config.h"
#include "quell/cli/shaken_pki.h"
#include "quell/core/ids.h"
#include "quell/net/http.h"
#include "quell/shaken/certificate.h"
#include "quell/shaken/credential_cache.h"
#include "quell/shaken/es256.h"
#include "quell/shaken/identity_header.h"
#include "quell/shaken/passport.h"
#include "quell/shaken/pki.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"

namespace quell::cli {
namespace {

int Fail(const Status& s) {
  PrintError(s);
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

Result<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + std::string(what) + " '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `path` (mode 0600 for secrets), refusing to overwrite unless
// `force`: a key overwritten by mistake cannot be recovered.
Status WriteFile(const std::string& path, std::string_view text, bool secret, bool force) {
  if (!force && std::filesystem::exists(path)) {
    return FailedPrecondition("'" + path + "' exists; pass --force to replace it");
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write '" + tmp + "'");
    if (secret) ::chmod(tmp.c_str(), 0600);
    out << text;
    if (!out.flush()) return Unavailable("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
  return Status::Ok();
}

Result<shaken::EcKey> LoadPrivateKey(const std::string& path) {
  QUELL_ASSIGN_OR_RETURN(std::string pem, ReadFile(path, "private key"));
  auto key = shaken::EcKey::FromPrivatePem(pem);
  if (!key) return key.status().WithContext("key '" + path + "'");
  return std::move(*key);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::Real().Now().time_since_epoch())
      .count();
}

void AddKeygen(CLI::App* shaken, Action* action) {
  auto out = std::make_shared<std::string>();
  auto pub = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App* sub =
      shaken->add_subcommand("keygen", "Generate a P-256 signing key (PKCS#8 PEM, mode 0600)");
  sub->add_option("--out", *out, "Private key file to write")->required();
  sub->add_option("--pub", *pub, "Also write the public key (SubjectPublicKeyInfo PEM) here");
  sub->add_flag("--force", *force, "Replace existing files");
  sub->final_callback([=] {
    *action = [=]() -> int {
      auto key = shaken::EcKey::Generate();
      if (!key) return Fail(key.status());
      auto pem = key->PrivatePem();
      if (!pem) return Fail(pem.status());
      if (Status s = WriteFile(*out, *pem, /*secret=*/true, *force); !s.ok()) return Fail(s);
      if (!pub->empty()) {
        auto public_pem = key->PublicPem();
        if (!public_pem) return Fail(public_pem.status());
        if (Status s = WriteFile(*pub, *public_pem, false, *force); !s.ok()) return Fail(s);
      }
      std::cout << *out << "\n";
      return kExitOk;
    };
  });
}

void AddSign(CLI::App* shaken, Action* action) {
  struct Flags {
    std::string key;
    std::string x5u;
    std::string orig;
    std::vector<std::string> dest;
    std::string attest = "A";
    std::string origid;
    int64_t iat = 0;
    std::string div;
    std::string rcd_name;
    std::string call_reason;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = shaken->add_subcommand(
      "sign",
      "Sign a SHAKEN PASSporT with a key file and print the Identity header value "
      "(the attestation is what you pass: the server's /stir/v1/signing decides it from data)");
  sub->add_option("--key", f->key, "Private key (PEM)")->required();
  sub->add_option("--x5u", f->x5u, "HTTPS URL of the certificate (chain) for the key")->required();
  sub->add_option("--orig", f->orig, "Calling number, E.164 digits (e.g. 8613800138000)")
      ->required();
  sub->add_option("--dest", f->dest, "Called number (repeatable)")->required();
  sub->add_option("--attest", f->attest, "Attestation: A, B or C")->capture_default_str();
  sub->add_option("--origid", f->origid, "Origination id (default: a fresh UUID)");
  sub->add_option("--iat", f->iat, "Issued-at, Unix seconds (default: now)");
  sub->add_option("--div", f->div,
                  "Sign a div PASSporT (RFC 8946) instead: the number the call was retargeted "
                  "from; --dest is the new target");
  sub->add_option("--rcd-name", f->rcd_name, "Rich Call Data: caller name to display");
  sub->add_option("--call-reason", f->call_reason, "Rich Call Data: call reason");
  sub->final_callback([=] {
    *action = [=]() -> int {
      auto key = LoadPrivateKey(f->key);
      if (!key) return Fail(key.status());
      shaken::Passport p;
      p.header.x5u = f->x5u;
      p.claims.orig_tn = f->orig;
      p.claims.dest_tn = f->dest;
      p.claims.iat = f->iat != 0 ? f->iat : UnixNow();
      if (!f->div.empty()) {
        p.header.ppt = "div";
        p.claims.div_tn = f->div;
      } else {
        if (f->attest.size() != 1 || f->attest.find_first_not_of("ABC") != std::string::npos) {
          return Fail(InvalidArgument("--attest must be A, B or C, not '" + f->attest + "'"));
        }
        p.claims.attest = static_cast<shaken::Attestation>(f->attest[0]);
        p.claims.origid = f->origid.empty() ? NewId() : f->origid;
        p.claims.rcd.nam = f->rcd_name;
        p.claims.crn = f->call_reason;
      }
      auto input = shaken::EncodeSigningInput(p);
      if (!input) return Fail(input.status());
      auto sig = shaken::SignEs256(*key, *input);
      if (!sig) return Fail(sig.status());
      auto jws = shaken::EncodeCompactJws(p, *sig);
      if (!jws) return Fail(jws.status());
      auto header = shaken::BuildIdentityHeader({.jws = *jws, .info = f->x5u, .ppt = p.header.ppt});
      if (!header) return Fail(header.status());
      std::cout << *header << "\n";
      return kExitOk;
    };
  });
}

// --- the test PKI -------------------------------------------------------------

constexpr int64_t kDay = 86400;

// The files of a CA directory made by `ca init`. trust/ is what a verifier's
// shaken.trust_dir points at: the root and the current CRLs, nothing else (a
// trust store holds only roots; intermediates travel with the x5u chain).
struct CaFiles {
  explicit CaFiles(const std::string& dir)
      : trust_dir(dir + "/trust"),
        root(dir + "/root.pem"),
        root_key(dir + "/root.key"),
        intermediate(dir + "/intermediate.pem"),
        intermediate_key(dir + "/intermediate.key"),
        crl(dir + "/crl.pem"),
        revoked(dir + "/revoked.txt"),
        trust_root(trust_dir + "/root.pem"),
        trust_crl(trust_dir + "/crl.pem"),
        trust_root_crl(trust_dir + "/root-crl.pem") {}
  std::string trust_dir, root, root_key, intermediate, intermediate_key, crl, revoked;
  std::string trust_root, trust_crl, trust_root_crl;
};

struct LoadedCa {
  shaken::Certificate certificate;
  shaken::EcKey key;
};

Result<LoadedCa> LoadCa(const std::string& cert_path, const std::string& key_path) {
  QUELL_ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path, "CA certificate"));
  auto certs = shaken::ParsePemCertificates(pem);
  if (!certs) return certs.status().WithContext("'" + cert_path + "'");
  QUELL_ASSIGN_OR_RETURN(shaken::EcKey key, LoadPrivateKey(key_path));
  return LoadedCa{.certificate = (*certs)[0], .key = std::move(key)};
}

// The revocation list kept beside the CA: "SERIAL UNIX_TIME" per line.
Result<std::vector<shaken::RevokedCertificate>> ReadRevoked(const std::string& path) {
  std::vector<shaken::RevokedCertificate> out;
  std::ifstream in(path);
  std::string serial;
  int64_t at = 0;
  while (in >> serial >> at) out.push_back({.serial_hex = serial, .revoked_at = at});
  return out;
}

// Issues `ca`'s CRL listing `revoked` to each of `paths` (numbered by the list's
// length, so every revocation raises the CRL number).
Status WriteCrl(const LoadedCa& ca, const std::vector<shaken::RevokedCertificate>& revoked,
                const std::vector<std::string>& paths) {
  const int64_t now = UnixNow();
  shaken::CrlOptions options{.this_update = now - 60,
                             .next_update = now + 365 * kDay,
                             .crl_number = revoked.size() + 1,
                             .revoked = revoked};
  QUELL_ASSIGN_OR_RETURN(std::string pem, shaken::IssueCrl(options, {ca.certificate, ca.key}));
  for (const std::string& path : paths) {
    QUELL_RETURN_IF_ERROR(WriteFile(path, pem, false, /*force=*/true));
  }
  return Status::Ok();
}

}  // namespace

Status CaInit(const std::string& dir, const std::string& name, const std::string& country,
              int64_t days, bool force) {
  const CaFiles f(dir);
  std::error_code ec;
  std::filesystem::create_directories(f.trust_dir, ec);
  if (ec) return Unavailable("cannot create '" + f.trust_dir + "': " + ec.message());
  const int64_t now = UnixNow();
  QUELL_ASSIGN_OR_RETURN(shaken::EcKey root_key, shaken::EcKey::Generate());
  QUELL_ASSIGN_OR_RETURN(shaken::EcKey inter_key, shaken::EcKey::Generate());
  QUELL_ASSIGN_OR_RETURN(
      std::string root_pem,
      shaken::IssueRootCa(
          {.subject = {.country = country, .organization = name, .common_name = name + " Root"},
           .not_before = now - 3600,
           .not_after = now + 2 * days * kDay},
          root_key));
  QUELL_ASSIGN_OR_RETURN(auto roots, shaken::ParsePemCertificates(root_pem));
  QUELL_ASSIGN_OR_RETURN(
      std::string inter_pem,
      shaken::IssueIntermediateCa({.subject = {.country = country,
                                               .organization = name,
                                               .common_name = name + " Intermediate"},
                                   .not_before = now - 3600,
                                   .not_after = now + days * kDay,
                                   .path_length = 0},
                                  inter_key, {roots[0], root_key}));
  QUELL_ASSIGN_OR_RETURN(std::string root_key_pem, root_key.PrivatePem());
  QUELL_ASSIGN_OR_RETURN(std::string inter_key_pem, inter_key.PrivatePem());
  QUELL_RETURN_IF_ERROR(WriteFile(f.root_key, root_key_pem, true, force));
  QUELL_RETURN_IF_ERROR(WriteFile(f.intermediate_key, inter_key_pem, true, force));
  QUELL_RETURN_IF_ERROR(WriteFile(f.root, root_pem, false, force));
  QUELL_RETURN_IF_ERROR(WriteFile(f.trust_root, root_pem, false, force));
  QUELL_RETURN_IF_ERROR(WriteFile(f.intermediate, inter_pem, false, force));
  QUELL_RETURN_IF_ERROR(WriteFile(f.revoked, "", false, /*force=*/true));
  QUELL_ASSIGN_OR_RETURN(auto inters, shaken::ParsePemCertificates(inter_pem));
  QUELL_RETURN_IF_ERROR(WriteCrl({roots[0], std::move(root_key)}, {}, {f.trust_root_crl}));
  return WriteCrl({inters[0], std::move(inter_key)}, {}, {f.crl, f.trust_crl});
}

Status IssueLeaf(const std::string& ca_dir, const std::string& key_file,
                 const shaken::TnAuthList& list, const std::string& organization,
                 const std::string& common_name, int64_t days, const std::string& crl_url,
                 const std::string& out, bool force) {
  const CaFiles files(ca_dir);
  QUELL_ASSIGN_OR_RETURN(LoadedCa ca, LoadCa(files.intermediate, files.intermediate_key));
  QUELL_ASSIGN_OR_RETURN(shaken::EcKey key, LoadPrivateKey(key_file));
  const int64_t now = UnixNow();
  QUELL_ASSIGN_OR_RETURN(
      std::string leaf,
      shaken::IssueShakenCertificate(
          {.subject = {.country = "CN", .organization = organization, .common_name = common_name},
           .not_before = now - 3600,
           .not_after = now + days * kDay,
           .tn_auth_list = list,
           .crl_url = crl_url},
          key, {ca.certificate, ca.key}));
  return WriteFile(out, leaf + ca.certificate.ToPem(), false, force);
}

Status GenerateKeyFile(const std::string& path, bool force) {
  QUELL_ASSIGN_OR_RETURN(shaken::EcKey key, shaken::EcKey::Generate());
  QUELL_ASSIGN_OR_RETURN(std::string pem, key.PrivatePem());
  return WriteFile(path, pem, /*secret=*/true, force);
}

namespace {

// "8613800138000-8613800138999" → a TNAuthList range.
Result<shaken::TnRange> ParseRangeFlag(const std::string& text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string::npos) return InvalidArgument("--tn-range must be FIRST-LAST");
  const std::string first = text.substr(0, dash);
  const std::string last = text.substr(dash + 1);
  if (first.size() != last.size() || first.empty() ||
      first.find_first_not_of("0123456789") != std::string::npos ||
      last.find_first_not_of("0123456789") != std::string::npos || last <= first ||
      first.size() > 15) {
    return InvalidArgument("--tn-range '" + text +
                           "' must be two numbers of the same length, first < last");
  }
  return shaken::TnRange{.start = first, .count = std::stoull(last) - std::stoull(first) + 1};
}

void AddCa(CLI::App* shaken, Action* action) {
  CLI::App* ca = shaken->add_subcommand("ca", "A test STI-CA: root, intermediate, CRLs");
  ca->require_subcommand(1);
  {
    auto dir = std::make_shared<std::string>();
    // A short random tag keeps two test CAs apart by name in error messages.
    auto name = std::make_shared<std::string>("Quell Test STI-CA " + RandomToken(3));
    auto country = std::make_shared<std::string>("CN");
    auto days = std::make_shared<int64_t>(3650);
    auto force = std::make_shared<bool>(false);
    CLI::App* sub = ca->add_subcommand(
        "init",
        "Create a root and an intermediate CA in DIR (root.pem, root.key, intermediate.pem, "
        "intermediate.key, crl.pem) and DIR/trust/ for verifiers (root.pem and the CRLs)");
    sub->add_option("--dir", *dir, "Directory to create the CA in")->required();
    sub->add_option("--name", *name, "Organisation name in the CA subjects")->capture_default_str();
    sub->add_option("--country", *country, "Country code in the subjects")->capture_default_str();
    sub->add_option("--days", *days, "Intermediate validity in days (the root: twice that)")
        ->capture_default_str()
        ->check(CLI::Range(1, 36500));
    sub->add_flag("--force", *force, "Replace an existing CA");
    sub->final_callback([=] {
      *action = [=]() -> int {
        if (Status s = CaInit(*dir, *name, *country, *days, *force); !s.ok()) return Fail(s);
        std::cout << *dir << "\n";
        return kExitOk;
      };
    });
  }
  {
    auto dir = std::make_shared<std::string>();
    auto cert = std::make_shared<std::string>();
    CLI::App* sub = ca->add_subcommand("revoke",
                                       "Revoke a certificate the intermediate issued: re-issues "
                                       "DIR/crl.pem and DIR/trust/crl.pem");
    sub->add_option("--ca", *dir, "CA directory (from ca init)")->required();
    sub->add_option("--cert", *cert, "Certificate (or chain, leaf first) to revoke")->required();
    sub->final_callback([=] {
      *action = [=]() -> int {
        const CaFiles f(*dir);
        auto ca = LoadCa(f.intermediate, f.intermediate_key);
        if (!ca) return Fail(ca.status());
        auto pem = ReadFile(*cert, "certificate");
        if (!pem) return Fail(pem.status());
        auto certs = shaken::ParsePemCertificates(*pem);
        if (!certs) return Fail(certs.status());
        auto revoked = ReadRevoked(f.revoked);
        if (!revoked) return Fail(revoked.status());
        const std::string serial = (*certs)[0].serial_hex();
        revoked->push_back({.serial_hex = serial, .revoked_at = UnixNow()});
        std::ofstream(f.revoked, std::ios::app) << serial << " " << UnixNow() << "\n";
        if (Status s = WriteCrl(*ca, *revoked, {f.crl, f.trust_crl}); !s.ok()) return Fail(s);
        std::cout << "revoked " << serial << "; " << f.crl << " lists " << revoked->size()
                  << " certificate(s)\n";
        return kExitOk;
      };
    });
  }
}

void AddCert(CLI::App* shaken, Action* action) {
  CLI::App* cert = shaken->add_subcommand("cert", "SHAKEN certificates");
  cert->require_subcommand(1);
  struct Flags {
    std::string ca;
    std::string key;
    std::string spc;
    std::string tn_range;
    std::vector<std::string> tns;
    std::string out;
    std::string cn;
    std::string org = "Quell Test Carrier";
    std::string crl_url;
    int64_t days = 365;
    bool force = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = cert->add_subcommand(
      "issue",
      "Issue a SHAKEN certificate with TNAuthList for KEY, signed by the CA's intermediate; "
      "writes the leaf then the intermediate (what x5u serves)");
  sub->add_option("--ca", f->ca, "CA directory (from ca init)")->required();
  sub->add_option("--key", f->key, "The carrier's private key (from keygen)")->required();
  auto* spc = sub->add_option("--spc", f->spc, "Service provider code (US SHAKEN profile)");
  auto* range = sub->add_option("--tn-range", f->tn_range, "Numbers FIRST-LAST (RFC 8226)");
  auto* tn = sub->add_option("--tn", f->tns, "A single number (repeatable, RFC 8226)");
  spc->excludes(range)->excludes(tn);
  sub->add_option("--out", f->out, "Chain file to write")->required();
  sub->add_option("--cn", f->cn, "Subject CN (default: \"SHAKEN <SPC>\")");
  sub->add_option("--org", f->org, "Subject O")->capture_default_str();
  sub->add_option("--crl-url", f->crl_url, "CRL distribution point URL");
  sub->add_option("--days", f->days, "Validity in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  sub->add_flag("--force", f->force, "Replace an existing file");
  sub->final_callback([=] {
    *action = [=]() -> int {
      shaken::TnAuthList list;
      if (!f->spc.empty()) list.spcs.push_back(f->spc);
      if (!f->tn_range.empty()) {
        auto r = ParseRangeFlag(f->tn_range);
        if (!r) return Fail(r.status());
        list.ranges.push_back(*r);
      }
      list.tns = f->tns;
      if (list.empty()) return Fail(InvalidArgument("give --spc, --tn-range or --tn"));
      std::string cn = f->cn;
      if (cn.empty()) cn = f->spc.empty() ? "SHAKEN " + f->org : "SHAKEN " + f->spc;
      if (Status s =
              IssueLeaf(f->ca, f->key, list, f->org, cn, f->days, f->crl_url, f->out, f->force);
          !s.ok()) {
        return Fail(s);
      }
      std::cout << f->out << "\n";
      return kExitOk;
    };
  });
}

void AddVerify(CLI::App* shaken, Action* action) {
  struct Flags {
    std::vector<std::string> identities;
    std::string from;
    std::string to;
    std::string trust_dir;
    std::string tls_ca_file;
    bool allow_private = false;
    bool allow_http = false;
    int64_t max_age = 60;
    std::string profile = "spc";
  };
  auto f = std::make_shared<Flags>();
  CLI::App* sub = shaken->add_subcommand(
      "verify",
      "Verify Identity header values as a terminating carrier would (fetching x5u); prints the "
      "result as JSON, exit 0 only when TN-Validation-Passed");
  sub->add_option("--identity", f->identities,
                  "Identity header value (repeatable: shaken plus div PASSporTs)")
      ->required();
  sub->add_option("--from", f->from, "Calling number")->required();
  sub->add_option("--to", f->to, "Called number")->required();
  sub->add_option("--trust-dir", f->trust_dir, "STI-CA roots and CRLs (e.g. DIR/trust of ca init)")
      ->required();
  sub->add_option("--tls-ca-file", f->tls_ca_file, "CA for the HTTPS server hosting x5u");
  sub->add_flag("--allow-private-addresses", f->allow_private,
                "Let x5u point at loopback or private addresses (labs)");
  sub->add_flag("--allow-http", f->allow_http, "Accept http:// x5u (labs)");
  sub->add_option("--max-age", f->max_age, "Freshness window in seconds")->capture_default_str();
  sub->add_option("--profile", f->profile, "TNAuthList profile: spc or tn")->capture_default_str();
  sub->final_callback([=] {
    *action = [=]() -> int {
      ShakenConfig config;
      config.trust_dir = f->trust_dir;
      config.tls_ca_file = f->tls_ca_file;
      config.allow_private_addresses = f->allow_private;
      config.allow_http = f->allow_http;
      config.allow_any_port = f->allow_private || f->allow_http;
      config.max_age = std::chrono::seconds(f->max_age);
      config.max_future = std::chrono::seconds(f->max_age);
      if (f->profile != "spc" && f->profile != "tn") {
        return Fail(InvalidArgument("--profile must be spc or tn"));
      }
      config.tn_auth_profile = f->profile;
      std::unique_ptr<shaken::CredentialCache> cache;
      auto verifier = OpenVerifier(config, Clock::Real(), &cache);
      if (!verifier) return Fail(verifier.status());
      std::vector<std::string_view> values(f->identities.begin(), f->identities.end());
      const shaken::CheckResult r = (*verifier)->Verify(values, f->from, f->to);
      std::string out = "{\"verstat\":\"";
      out += shaken::VerstatName(r.verstat);
      out += "\"";
      auto field = [&out](std::string_view name, std::string_view value) {
        out += ",\"";
        out += name;
        out += "\":\"";
        net::AppendJsonEscaped(out, value);
        out += "\"";
      };
      if (r.verstat != shaken::Verstat::kPassed) {
        out += ",\"reasoncode\":" + std::to_string(r.sip_code);
        field("reasontext", r.sip_reason);
        field("reasondesc", r.detail);
      } else if (r.passport) {
        field("attest", std::string(1, static_cast<char>(r.passport->claims.attest)));
        field("origid", r.passport->claims.origid);
        field("signer", r.signer);
      }
      out += "}";
      std::cout << out << "\n";
      return r.verstat == shaken::Verstat::kPassed ? kExitOk : kExitFailure;
    };
  });
}

// --- TN ownership from the shell ---------------------------------------------

// The carrier organisation's id (the key the TN-ownership table uses), by name.
Result<std::string> CarrierOrgId(access::Accounts& accounts, const std::string& name) {
  auto org = accounts.FindOrganisation(name);
  if (!org) return org.status().WithContext("organisation '" + name + "'");
  if (org->kind != OrgKind::kCarrier) {
    return InvalidArgument("organisation '" + name + "' is not a carrier");
  }
  return std::to_string(org->id);
}

// Runs `fn(opened, ownership, org_id)` on the data directory, for one carrier.
template <typename Fn>
int WithOwnership(const CommonFlags& flags, const std::string& org, Fn fn) {
  auto o = Open(flags);
  if (!o) return Fail(o.status());
  auto org_id = CarrierOrgId(*o->accounts, org);
  if (!org_id) return Fail(org_id.status());
  auto ownership = shaken::TnOwnership::Open(*o->store, Clock::Real());
  if (!ownership) return Fail(ownership.status());
  Status s = fn(*o, **ownership, *org_id);
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

void AddCustomers(CLI::App* shaken, Action* action) {
  CLI::App* cust = shaken->add_subcommand(
      "customer",
      "The carrier's customers and their numbers, which decide attestation (a running server "
      "sees changes after kill -HUP)");
  cust->require_subcommand(1);
  struct Flags {
    CommonFlags common;
    std::string org;
    std::string id;
    std::string name;
    bool gateway = false;
    std::string first;
    std::string last;
    std::string note;
  };
  auto add_org = [](CLI::App* sub, Flags* f) {
    AddCommon(sub, &f->common);
    sub->add_option("--org", f->org, "Carrier organisation name")->required();
  };
  {
    auto f = std::make_shared<Flags>();
    CLI::App* sub = cust->add_subcommand("add", "Add a customer");
    add_org(sub, f.get());
    sub->add_option("--id", f->id, "Customer id, e.g. acme-callcentre")->required();
    sub->add_option("--name", f->name, "Customer name")->required();
    sub->add_flag("--gateway", f->gateway, "Traffic from another network: always attestation C");
    sub->final_callback([=] {
      *action = [=]() -> int {
        return WithOwnership(
            f->common, f->org,
            [&](Opened& o, shaken::TnOwnership& own, const std::string& org_id) -> Status {
              shaken::CustomerSpec spec{.id = f->id,
                                        .name = f->name,
                                        .kind = f->gateway ? shaken::CustomerKind::kGateway
                                                           : shaken::CustomerKind::kCustomer};
              QUELL_RETURN_IF_ERROR(own.CreateCustomer(org_id, spec).status());
              (void)o.accounts->Audit(ShellActor(), "shaken.customer.create",
                                      "shaken_customer:" + f->id, f->org, "local");
              std::cout << f->id << "\n";
              return Status::Ok();
            });
      };
    });
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* sub = cust->add_subcommand("remove", "Remove a customer and its numbers");
    add_org(sub, f.get());
    sub->add_option("--id", f->id, "Customer id")->required();
    sub->final_callback([=] {
      *action = [=]() -> int {
        return WithOwnership(
            f->common, f->org,
            [&](Opened& o, shaken::TnOwnership& own, const std::string& org_id) -> Status {
              QUELL_RETURN_IF_ERROR(own.DeleteCustomer(org_id, f->id));
              (void)o.accounts->Audit(ShellActor(), "shaken.customer.delete",
                                      "shaken_customer:" + f->id, f->org, "local");
              return Status::Ok();
            });
      };
    });
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* sub = cust->add_subcommand("list", "List customers and their numbers");
    add_org(sub, f.get());
    sub->final_callback([=] {
      *action = [=]() -> int {
        return WithOwnership(
            f->common, f->org,
            [&](Opened&, shaken::TnOwnership& own, const std::string& org_id) -> Status {
              shaken::ListOptions page{.page_size = shaken::kMaxPageSize};
              do {
                QUELL_ASSIGN_OR_RETURN(shaken::CustomerPage customers,
                                       own.ListCustomers(org_id, page));
                for (const shaken::Customer& c : customers.customers) {
                  std::cout << c.id << "\t" << shaken::CustomerKindName(c.kind) << "\t" << c.name
                            << "\n";
                  shaken::ListOptions rpage{.page_size = shaken::kMaxPageSize};
                  do {
                    QUELL_ASSIGN_OR_RETURN(shaken::RangePage ranges,
                                           own.ListRanges(org_id, c.id, rpage));
                    for (const auto& r : ranges.ranges) {
                      std::cout << "  " << r.first << "-" << r.last << "\t" << r.size() << "\t"
                                << r.note << "\n";
                    }
                    rpage.page_token = ranges.next_page_token;
                  } while (!rpage.page_token.empty());
                }
                page.page_token = customers.next_page_token;
              } while (!page.page_token.empty());
              return Status::Ok();
            });
      };
    });
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* sub =
        cust->add_subcommand("add-range", "Give a customer a number or a range of numbers");
    add_org(sub, f.get());
    sub->add_option("--id", f->id, "Customer id")->required();
    sub->add_option("--first", f->first, "First number, E.164")->required();
    sub->add_option("--last", f->last, "Last number (default: just --first)");
    sub->add_option("--note", f->note, "What the numbers are for");
    sub->final_callback([=] {
      *action = [=]() -> int {
        return WithOwnership(
            f->common, f->org,
            [&](Opened& o, shaken::TnOwnership& own, const std::string& org_id) -> Status {
              QUELL_ASSIGN_OR_RETURN(
                  shaken::NumberRange r,
                  own.AddRange(org_id, f->id,
                               {.first = f->first, .last = f->last, .note = f->note}));
              (void)o.accounts->Audit(ShellActor(), "shaken.range.add", "shaken_customer:" + f->id,
                                      r.first + "-" + r.last, "local");
              std::cout << r.first << "-" << r.last << "\n";
              return Status::Ok();
            });
      };
    });
  }
  {
    auto f = std::make_shared<Flags>();
    CLI::App* sub = cust->add_subcommand("remove-range", "Take a whole range from a customer");
    add_org(sub, f.get());
    sub->add_option("--id", f->id, "Customer id")->required();
    sub->add_option("--first", f->first, "First number of the range")->required();
    sub->add_option("--last", f->last, "Last number of the range (default: --first)");
    sub->final_callback([=] {
      *action = [=]() -> int {
        return WithOwnership(
            f->common, f->org,
            [&](Opened& o, shaken::TnOwnership& own, const std::string& org_id) -> Status {
              QUELL_RETURN_IF_ERROR(own.RemoveRange(org_id, f->id, f->first, f->last));
              (void)o.accounts->Audit(ShellActor(), "shaken.range.remove",
                                      "shaken_customer:" + f->id, f->first, "local");
              return Status::Ok();
            });
      };
    });
  }
}

}  // namespace

void AddShakenCommands(CLI::App& app, Action* action) {
  CLI::App* shaken =
      app.add_subcommand("shaken", "STIR/SHAKEN: test PKI, signing and verification, TN ownership");
  shaken->require_subcommand(1);
  AddKeygen(shaken, action);
  AddCa(shaken, action);
  AddCert(shaken, action);
  AddSign(shaken, action);
  AddVerify(shaken, action);
  AddCustomers(shaken, action);
}

}  // namespace quell::cli
