#include "quell/cli/common.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "quell/cli/shaken_config.h"
#include "quell/core/number_plan.h"
#include "quell/core/phone_number.h"
#include "quell/notify/notify.h"

namespace quell::cli {

namespace {

// Keys of quell.toml outside module sections; each module checks its own table.
const std::vector<std::string> kTopLevelKeys = {
    "region",       "data_dir", "http.*",      "sip.*",    "store.*",   "access.*",
    "notify.*",     "shaken.*", "screen.*",    "dnc.*",    "detect.*",  "reputation.*",
    "complaints.*", "ledger.*", "traceback.*", "breach.*", "log.level",
};

}  // namespace

Result<Environment> LoadEnvironment(const CommonFlags& flags) {
  Environment env;
  if (!flags.config_path.empty()) {
    QUELL_ASSIGN_OR_RETURN(env.config, Config::LoadFile(flags.config_path));
  } else if (std::filesystem::exists("quell.toml")) {
    QUELL_ASSIGN_OR_RETURN(env.config, Config::LoadFile("quell.toml"));
  }
  QUELL_RETURN_IF_ERROR(env.config.CheckKnownKeys(kTopLevelKeys));
  QUELL_ASSIGN_OR_RETURN(env.region, env.config.GetString("region", "CN"));
  if (!PhoneNumber::IsKnownRegion(env.region)) {
    return InvalidArgument(
        env.config.Where("region") + ": '" + env.region +
        "' is not a region of the numbering plan (ISO 3166 alpha-2, e.g. \"CN\")");
  }
  QUELL_ASSIGN_OR_RETURN(std::string dir, env.config.GetString("data_dir", "./var"));
  env.data_dir = flags.data_dir.empty() ? dir : flags.data_dir;
  std::error_code ec;
  const bool created = std::filesystem::create_directories(env.data_dir, ec);
  if (ec) {
    return Unavailable("cannot create data directory '" + env.data_dir + "': " + ec.message());
  }
  if (created) ::chmod(env.data_dir.c_str(), 0700);  // the store holds personal data
  // Every command checks the whole file, so a mistake is reported by the first
  // command that reads it, not only by the server.
  QUELL_RETURN_IF_ERROR(HttpOptions(env, "").status());
  QUELL_RETURN_IF_ERROR(AccessOptions(env.config).status());
  QUELL_ASSIGN_OR_RETURN(Config notify_section, env.config.GetTable("notify"));
  QUELL_RETURN_IF_ERROR(notify::OptionsFromConfig(notify_section).status());
  QUELL_RETURN_IF_ERROR(ShakenConfigFrom(env.config).status());
  QUELL_ASSIGN_OR_RETURN(std::string level, env.config.GetString("log.level", "info"));
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" &&
      level != "error") {
    return InvalidArgument(env.config.Where("log.level") +
                           ": 'log.level' must be trace, debug, info, warn or error, not '" +
                           level + "'");
  }
  return env;
}

Result<std::unique_ptr<store::Store>> OpenStore(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(Config section, env.config.GetTable("store"));
  QUELL_RETURN_IF_ERROR(
      section.CheckKnownKeys({"synchronous", "busy_timeout", "read_connections"}));
  store::Options options;
  options.path = env.data_dir + "/quell.db";
  QUELL_ASSIGN_OR_RETURN(options.synchronous, section.GetString("synchronous", "full"));
  if (options.synchronous != "full" && options.synchronous != "normal") {
    return InvalidArgument(section.Where("synchronous") +
                           ": 'store.synchronous' must be \"full\" or \"normal\"");
  }
  QUELL_ASSIGN_OR_RETURN(options.busy_timeout,
                         section.GetDuration("busy_timeout", options.busy_timeout));
  QUELL_ASSIGN_OR_RETURN(int64_t readers, section.GetInt("read_connections", 4, 1, 64));
  options.read_connections = static_cast<int>(readers);
  return store::Store::Open(options);
}

namespace {

// A duration option counted in whole seconds: below one second is a mistake,
// not something to round to zero.
Result<std::chrono::seconds> SecondsOption(const Config& section, std::string_view key,
                                           std::chrono::seconds def) {
  QUELL_ASSIGN_OR_RETURN(std::chrono::milliseconds d, section.GetDuration(key, def));
  if (d < std::chrono::seconds(1)) {
    return InvalidArgument(section.Where(key) + ": '" + std::string(key) + "' must be at least 1s");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

}  // namespace

Result<access::Options> AccessOptions(const Config& config) {
  QUELL_ASSIGN_OR_RETURN(Config s, config.GetTable("access"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys({"session_ttl", "login_max_failures", "login_window",
                                          "key_rate_per_second", "key_burst", "key_cache_ttl"}));
  access::Options o;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  QUELL_ASSIGN_OR_RETURN(o.session_ttl, SecondsOption(s, "session_ttl", o.session_ttl));
  QUELL_ASSIGN_OR_RETURN(int64_t failures,
                         s.GetInt("login_max_failures", o.login_max_failures, 1, 1000));
  o.login_max_failures = static_cast<int>(failures);
  QUELL_ASSIGN_OR_RETURN(o.login_window, SecondsOption(s, "login_window", o.login_window));
  QUELL_ASSIGN_OR_RETURN(o.key_rate_per_second,
                         s.GetDouble("key_rate_per_second", o.key_rate_per_second));
  QUELL_ASSIGN_OR_RETURN(o.key_burst, s.GetInt("key_burst", o.key_burst, 1, 1'000'000'000));
  QUELL_ASSIGN_OR_RETURN(o.key_cache_ttl, SecondsOption(s, "key_cache_ttl", o.key_cache_ttl));
  return o;
}

Status SplitHostPort(std::string_view text, std::string_view what, std::string* host,
                     uint16_t* port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument(std::string(what) + " '" + std::string(text) + "' must be HOST:PORT");
  }
  std::string_view h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const std::string_view p = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    return InvalidArgument(std::string(what) + " '" + std::string(text) + "' has a bad port");
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::Ok();
}

Result<int> ParseUtcOffset(std::string_view s) {
  if (s == "Z" || s == "+00:00") return 0;
  int h = 0, m = 0;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
      std::from_chars(s.data() + 1, s.data() + 3, h).ptr != s.data() + 3 ||
      std::from_chars(s.data() + 4, s.data() + 6, m).ptr != s.data() + 6 || h > 14 || m > 59) {
    return InvalidArgument("'" + std::string(s) + "' is not a UTC offset like +08:00");
  }
  return (s[0] == '-' ? -1 : 1) * (h * 60 + m);
}

Result<net::HttpServerOptions> HttpOptions(const Environment& env, std::string_view listen_flag) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("http"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys({"listen", "threads", "max_body_bytes", "max_scrub_bytes",
                                          "max_events_bytes", "max_header_bytes", "request_timeout",
                                          "idle_timeout", "tls_cert", "tls_key", "access_log",
                                          "web_root", "secure_cookies", "metrics_public"}));
  net::HttpServerOptions o;
  QUELL_ASSIGN_OR_RETURN(std::string listen, s.GetString("listen", "127.0.0.1:8080"));
  if (!listen_flag.empty()) listen = std::string(listen_flag);
  QUELL_RETURN_IF_ERROR(SplitHostPort(listen, "HTTP address", &o.host, &o.port));
  QUELL_ASSIGN_OR_RETURN(int64_t threads, s.GetInt("threads", 0, 0, 256));
  o.threads = static_cast<int>(threads);
  QUELL_ASSIGN_OR_RETURN(int64_t body, s.GetInt("max_body_bytes", 1 << 20, 1, 1LL << 30));
  QUELL_ASSIGN_OR_RETURN(int64_t header, s.GetInt("max_header_bytes", 16 << 10, 1, 1 << 20));
  o.max_body_bytes = static_cast<std::size_t>(body);
  // A DNC scrub list of 10 million numbers is ~150 MB.
  QUELL_ASSIGN_OR_RETURN(int64_t scrub,
                         s.GetInt("max_scrub_bytes", int64_t{256} << 20, 1, int64_t{4} << 30));
  o.large_body_paths.emplace_back("/api/v1/dnc/scrub", static_cast<std::size_t>(scrub));
  // A batch of call records: ~100 bytes a row, 64 MiB is over half a million.
  QUELL_ASSIGN_OR_RETURN(int64_t events,
                         s.GetInt("max_events_bytes", int64_t{64} << 20, 1, int64_t{1} << 30));
  o.large_body_paths.emplace_back("/api/v1/events", static_cast<std::size_t>(events));
  o.max_header_bytes = static_cast<std::size_t>(header);
  QUELL_ASSIGN_OR_RETURN(o.request_timeout, s.GetDuration("request_timeout", o.request_timeout));
  QUELL_ASSIGN_OR_RETURN(o.idle_timeout, s.GetDuration("idle_timeout", o.idle_timeout));
  QUELL_ASSIGN_OR_RETURN(o.tls_cert_file, s.GetString("tls_cert", ""));
  QUELL_ASSIGN_OR_RETURN(o.tls_key_file, s.GetString("tls_key", ""));
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return InvalidArgument(s.Where(o.tls_cert_file.empty() ? "tls_key" : "tls_cert") +
                           ": HTTPS needs both http.tls_cert and http.tls_key");
  }
  QUELL_ASSIGN_OR_RETURN(bool access_log, s.GetBool("access_log", true));
  if (access_log) o.access_log_path = env.data_dir + "/access.log";
  return o;
}

Result<Opened> Open(const CommonFlags& flags) {
  Opened o;
  QUELL_ASSIGN_OR_RETURN(o.env, LoadEnvironment(flags));
  QUELL_ASSIGN_OR_RETURN(o.store, OpenStore(o.env));
  QUELL_ASSIGN_OR_RETURN(access::Options options, AccessOptions(o.env.config));
  QUELL_ASSIGN_OR_RETURN(o.accounts, access::Accounts::Open(*o.store, Clock::Real(), options));
  return o;
}

void AddCommon(CLI::App* sub, CommonFlags* flags) {
  sub->add_option("--config", flags->config_path,
                  "Configuration file (default: ./quell.toml if present)");
  sub->add_option("--data", flags->data_dir, "Data directory (default: ./var)");
}

access::Principal ShellActor() {
  const char* user = std::getenv("USER");
  return access::Principal{.name = std::string("cli:") + (user ? user : "unknown")};
}

void PrintError(const Status& status) { std::cerr << "quell: " << status.message() << "\n"; }

namespace {
std::string PlanCachePath(const Environment& env) {
  return (std::filesystem::path(env.data_dir) / "numbering-plan.cache").string();
}
}  // namespace

void WarmPlan(NumberPlan& plan, const Environment& env) {
  auto loaded = plan.LoadCache(PlanCachePath(env));
  if (loaded && *loaded > 0) spdlog::debug("numbering plan: {} blocks from the cache", *loaded);
}

void KeepPlan(const NumberPlan& plan, const Environment& env) {
  if (Status s = plan.SaveCache(PlanCachePath(env)); !s.ok()) {
    spdlog::warn("numbering plan cache not kept: {}", s.message());
  }
}

}  // namespace quell::cli
