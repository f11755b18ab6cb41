// `quell ledger ...`: keys, signing, verification and replicas of the
// enforcement ledger (docs/formats/ledger.md), and [ledger] for `quell serve`.
#include "quell/cli/ledger.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/progress.h"
#include "quell/notify/curl_transport.h"

namespace quell::cli {
namespace {

using nlohmann::json;

int Fail(const Status& s) {
  PrintError(s);
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             Clock::Real().Now().time_since_epoch())
      .count();
}

Result<std::string> ReadAll(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound("cannot open " + path);
    ss << in.rdbuf();
  }
  return ss.str();
}

// The primary's pages over HTTP(S), with an API key.
enforce::Follower::Fetch HttpFetch(std::string base, std::string token) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::shared_ptr<notify::Transport> transport = notify::NewCurlTransport();
  return [=](const std::string& path) -> Result<std::string> {
    return transport->Get(base + path, token, std::chrono::seconds(30), 256u << 20);
  };
}

// --- keygen ---

struct KeygenFlags {
  std::string key_id;
  std::string out;
};

int Keygen(const KeygenFlags& f) {
  auto existing = enforce::SigningKey::Load(f.out);
  if (existing.has_value()) return Fail(AlreadyExists(f.out + " already holds a key"));
  auto key = enforce::SigningKey::FromSeed(f.key_id, std::string(32, '\0'));
  if (!key) return Fail(key.status());  // checks the key id's syntax
  enforce::SigningKey k = enforce::SigningKey::Generate(f.key_id);
  if (Status s = k.Save(f.out); !s.ok()) return Fail(s);
  std::cout << "key id:      " << k.key_id() << "\n"
            << "public key:  " << enforce::EncodeKey(k.public_key()) << "\n"
            << "secret seed: " << f.out << " (mode 0600; keep it off the server)\n\n"
            << "Give the public key to the ledger's operator, who adds it with\n"
            << "  POST /api/v1/ledger/keys {\"key_id\":\"" << k.key_id()
            << "\",\"organisation\":\"...\",\"public_key\":\"" << enforce::EncodeKey(k.public_key())
            << "\"}\n";
  return kExitOk;
}

// --- sign ---

struct SignFlags {
  std::string key;
  std::string kind;
  std::string payload = "-";
};

int Sign(const SignFlags& f) {
  auto key = enforce::SigningKey::Load(f.key);
  if (!key) return Fail(key.status());
  auto text = ReadAll(f.payload);
  if (!text) return Fail(text.status());
  // Compact, so what is signed is what is sent.
  json p = json::parse(*text, nullptr, false);
  if (p.is_discarded() || !p.is_object())
    return Fail(InvalidArgument("the payload must be a JSON object"));
  enforce::LedgerEntry e = key->Sign(f.kind, p.dump(), NowMs());
  if (Status s = enforce::CheckEntry(e); !s.ok()) return Fail(s);
  json out = {{"kind", e.kind},
              {"key_id", e.key_id},
              {"signed_ms", e.signed_ms},
              {"payload", e.payload},
              {"signature", enforce::EncodeSignature(e.signature)}};
  std::cout << out.dump() << "\n";
  return kExitOk;
}

// --- verify ---

struct VerifyFlags {
  CommonFlags common;
  std::string file;
  bool no_signatures = false;
  int threads = 0;
  std::string operator_key;
};

int Verify(const VerifyFlags& f) {
  std::string path = f.file;
  if (path.empty()) {
    auto env = LoadEnvironment(f.common);
    if (!env) return Fail(env.status());
    auto config = LedgerConfigFrom(*env);
    if (!config) return Fail(config.status());
    path = config->ledger.dir + "/ledger.qlg";
  }
  enforce::VerifyOptions o{.signatures = !f.no_signatures, .threads = f.threads};
  if (!f.operator_key.empty()) {
    o.operator_key = enforce::ParsePublicKey(f.operator_key);
    if (!o.operator_key) return Fail(InvalidArgument("--operator-key: not an Ed25519 public key"));
  }
  std::ifstream probe(path, std::ios::binary | std::ios::ate);
  uint64_t size = probe ? static_cast<uint64_t>(probe.tellg()) : 0;
  Progress progress("verifying " + path, size);
  o.progress = [&](uint64_t records, uint64_t bytes) {
    progress.Update(bytes, static_cast<int64_t>(records));
  };
  auto start = std::chrono::steady_clock::now();
  auto report = enforce::VerifyLedgerFile(path, o);
  if (!report) return Fail(report.status());
  progress.Done(static_cast<int64_t>(report->records));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report->ok) {
    std::cout << "BAD: record " << report->first_bad << ": " << report->reason << "\n"
              << "the " << report->records << " records before it are good (head "
              << report->head.seq << " " << enforce::Hex(report->head.hash) << ")\n";
    return kExitFailure;
  }
  std::cout << "ok: " << report->records << " records, " << report->bytes << " bytes, head "
            << report->head.seq << " " << enforce::Hex(report->head.hash) << "\n"
            << "operator key " << enforce::EncodeKey(report->operator_key) << "\n"
            << (report->torn_tail ? "(the file ends in a frame still being written; not checked)\n"
                                  : "")
            << (f.no_signatures ? "framing and chain" : "framing, chain and every signature")
            << " checked in " << secs << " s ("
            << static_cast<uint64_t>(secs > 0 ? report->records / secs : 0) << " records/s)\n";
  return kExitOk;
}

// --- follow ---

struct FollowFlags {
  CommonFlags common;
  std::string url;
  std::string token;
  std::string operator_key;
  bool once = false;
  bool audit = false;
  int interval_s = 5;
};

int Follow(const FollowFlags& f) {
  auto env = LoadEnvironment(f.common);
  if (!env) return Fail(env.status());
  auto config = LedgerConfigFrom(*env);
  if (!config) return Fail(config.status());
  config->ledger.replica = true;
  if (!f.operator_key.empty()) {
    config->ledger.operator_key_pin = enforce::ParsePublicKey(f.operator_key);
    if (!config->ledger.operator_key_pin)
      return Fail(InvalidArgument("--operator-key: not an Ed25519 public key"));
  }
  auto ledger = enforce::Ledger::Open(config->ledger, Clock::Real());
  if (!ledger) return Fail(ledger.status());
  std::string token = !f.token.empty() ? f.token : config->follow_token;
  if (token.empty()) {
    if (const char* t = std::getenv("QUELL_LEDGER_TOKEN")) token = t;
  }
  enforce::Follower follower(**ledger, f.url, HttpFetch(f.url, token), Clock::Real());
  auto report_divergence = [&]() {
    auto st = follower.status();
    std::cout << "DIVERGED at record " << st.diverged->seq << ": " << st.diverged->reason << "\n";
    return kExitFailure;
  };
  for (;;) {
    auto n = follower.Sync();
    if (!n) {
      if (follower.status().diverged) return report_divergence();
      if (f.once) return Fail(n.status());
      spdlog::warn("ledger follow: {}", n.status().message());
    } else {
      auto st = follower.status();
      std::cout << "synced: +" << *n << " records, replica head " << st.replica_head.seq << " "
                << enforce::Hex(st.replica_head.hash) << std::endl;
    }
    if (f.audit || f.once) {
      auto a = follower.Audit();
      if (!a) {
        if (follower.status().diverged) return report_divergence();
        if (f.once) return Fail(a.status());
      } else {
        std::cout << "audited: " << *a << " records match the primary's" << std::endl;
      }
    }
    if (f.once) return kExitOk;
    std::this_thread::sleep_for(std::chrono::seconds(f.interval_s));
  }
}

}  // namespace

Result<LedgerConfig> LedgerConfigFrom(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("ledger"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys(
      {"dir", "operator_key_id", "operator_organisation", "max_clock_skew", "follow",
       "follow_token", "follow_token_file", "operator_key", "sync_interval", "audit_interval"}));
  LedgerConfig c;
  QUELL_ASSIGN_OR_RETURN(c.ledger.dir, s.GetString("dir", env.data_dir + "/ledger"));
  QUELL_ASSIGN_OR_RETURN(c.ledger.operator_key_id,
                         s.GetString("operator_key_id", c.ledger.operator_key_id));
  QUELL_ASSIGN_OR_RETURN(c.ledger.operator_organisation,
                         s.GetString("operator_organisation", c.ledger.operator_organisation));
  QUELL_ASSIGN_OR_RETURN(c.ledger.max_clock_skew,
                         s.GetDuration("max_clock_skew", c.ledger.max_clock_skew));
  QUELL_ASSIGN_OR_RETURN(c.follow, s.GetString("follow", ""));
  if (!c.follow.empty() && !c.follow.starts_with("http://") && !c.follow.starts_with("https://"))
    return InvalidArgument(s.Where("follow") + ": the primary's URL must be http(s)://");
  c.ledger.replica = !c.follow.empty();
  QUELL_ASSIGN_OR_RETURN(c.follow_token, s.GetString("follow_token", ""));
  QUELL_ASSIGN_OR_RETURN(std::string token_file, s.GetString("follow_token_file", ""));
  if (!token_file.empty()) {
    QUELL_ASSIGN_OR_RETURN(std::string t, ReadAll(token_file));
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    c.follow_token = t;
  }
  QUELL_ASSIGN_OR_RETURN(std::string pin, s.GetString("operator_key", ""));
  if (!pin.empty()) {
    c.ledger.operator_key_pin = enforce::ParsePublicKey(pin);
    if (!c.ledger.operator_key_pin)
      return InvalidArgument(s.Where("operator_key") + ": not an Ed25519 public key (base64url)");
  }
  QUELL_ASSIGN_OR_RETURN(c.sync_interval, s.GetDuration("sync_interval", c.sync_interval));
  QUELL_ASSIGN_OR_RETURN(c.audit_interval, s.GetDuration("audit_interval", c.audit_interval));
  if (c.sync_interval < std::chrono::milliseconds(100))
    return InvalidArgument(s.Where("sync_interval") + ": at least 100ms");
  return c;
}

Result<LedgerServices> OpenLedger(const LedgerConfig& config, Clock& clock) {
  LedgerServices out;
  QUELL_ASSIGN_OR_RETURN(out.ledger, enforce::Ledger::Open(config.ledger, clock));
  if (!config.follow.empty()) {
    out.follower = std::make_unique<enforce::Follower>(
        *out.ledger, config.follow, HttpFetch(config.follow, config.follow_token), clock);
  }
  return out;
}

Status SeedLedgerDemo(enforce::Ledger& ledger, const std::string& data_dir, Clock& clock) {
  constexpr std::string_view kKeyId = "demo-telecom/1";
  for (const enforce::LedgerKey& k : ledger.Keys())
    if (k.key_id == kKeyId) return Status::Ok();
  QUELL_ASSIGN_OR_RETURN(enforce::SigningKey key,
                         enforce::SigningKey::LoadOrCreate(data_dir + "/demo-telecom.ledger.key",
                                                           std::string(kKeyId)));
  QUELL_RETURN_IF_ERROR(ledger.AddKey(kKeyId, "Demo Telecom", key.public_key()).status());
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch()).count();
  const json records[] = {
      {{"type", "dnc_violation"},
       {"caller_hash", ledger.HashNumber("+8615800008888")},
       {"callee_hash", ledger.HashNumber("+8613900139000")},
       {"category", "real_estate"},
       {"at", "2026-11-20T02:14:00Z"},
       {"note", "marketing call to a number on the Do-Not-Call register"}},
      {{"type", "traceback_answer"},
       {"caller_hash", ledger.HashNumber("+8617000000666")},
       {"answer", "origin"},
       {"customer", "Shenzhen Demo Outbound Services Co."},
       {"credit_code", "91440300MA5FDEM01B"}},
  };
  for (const json& r : records) {
    enforce::LedgerEntry e =
        key.Sign(r.contains("answer") ? "traceback" : "violation", r.dump(), now);
    QUELL_RETURN_IF_ERROR(ledger.Append(e, "Demo Telecom").status());
  }
  return Status::Ok();
}

FollowLoop::FollowLoop(enforce::Follower& follower, std::chrono::milliseconds sync_interval,
                       std::chrono::milliseconds audit_interval) {
  thread_ = std::jthread([&follower, sync_interval, audit_interval](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    auto last_audit = std::chrono::steady_clock::now() - audit_interval;
    while (!stop.stop_requested()) {
      if (!follower.status().diverged) {
        auto n = follower.Sync();
        if (!n && !follower.status().diverged)
          spdlog::warn("ledger replica: {}", n.status().message());
        if (n && std::chrono::steady_clock::now() - last_audit >= audit_interval) {
          last_audit = std::chrono::steady_clock::now();
          auto a = follower.Audit();
          if (!a && !follower.status().diverged)
            spdlog::warn("ledger replica audit: {}", a.status().message());
        }
      }
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, sync_interval, [] { return false; });
    }
  });
}

void AddLedgerCommands(CLI::App& app, Action* action) {
  CLI::App* ledger =
      app.add_subcommand("ledger", "The enforcement ledger: keys, signing, verification, replicas");
  ledger->require_subcommand(1);
  {
    auto f = std::make_shared<KeygenFlags>();
    CLI::App* sub = ledger->add_subcommand("keygen", "Make an organisation's Ed25519 signing key");
    sub->add_option("--key-id", f->key_id, "The key's id: <organisation>/<n>")->required();
    sub->add_option("--out", f->out, "Where the secret seed goes (mode 0600)")->required();
    sub->final_callback([=] { *action = [=] { return Keygen(*f); }; });
  }
  {
    auto f = std::make_shared<SignFlags>();
    CLI::App* sub =
        ledger->add_subcommand("sign", "Sign a record (prints the body for POST /api/v1/ledger)");
    sub->add_option("--key", f->key, "The signing key file (quell ledger keygen)")->required();
    sub->add_option("--kind", f->kind,
                    "violation, traceback, sanction, appeal, breach or complaint")
        ->required();
    sub->add_option("--payload", f->payload, "A JSON object file, or - for standard input");
    sub->final_callback([=] { *action = [=] { return Sign(*f); }; });
  }
  {
    auto f = std::make_shared<VerifyFlags>();
    CLI::App* sub = ledger->add_subcommand(
        "verify", "Check a ledger: framing, hash chain, keys and every signature");
    AddCommon(sub, &f->common);
    sub->add_option("--file", f->file, "A ledger file (default: the data directory's)");
    sub->add_flag("--no-signatures", f->no_signatures, "Framing and chain only");
    sub->add_option("--threads", f->threads, "Signature threads (default: all cores)");
    sub->add_option("--operator-key", f->operator_key, "Pin the genesis key (base64url)");
    sub->final_callback([=] { *action = [=] { return Verify(*f); }; });
  }
  {
    auto f = std::make_shared<FollowFlags>();
    CLI::App* sub = ledger->add_subcommand(
        "follow", "Keep a replica of another server's ledger in the data directory");
    AddCommon(sub, &f->common);
    sub->add_option("url", f->url, "The primary's base URL (https://...)")->required();
    sub->add_option("--token", f->token, "API key for the primary (or QUELL_LEDGER_TOKEN)");
    sub->add_option("--operator-key", f->operator_key, "Pin the primary's genesis key");
    sub->add_flag("--once", f->once, "Sync and audit once, then exit");
    sub->add_flag("--audit", f->audit, "Compare every held record with the primary's each round");
    sub->add_option("--interval", f->interval_s, "Seconds between rounds (5)");
    sub->final_callback([=] { *action = [=] { return Follow(*f); }; });
  }
}

}  // namespace quell::cli
