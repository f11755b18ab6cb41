// What the subcommands share: loading quell.toml and opening the data directory.
#pragma once

#include <memory>
#include <string>

#include "quell/access/access.h"
#include "quell/core/config.h"
#include "quell/core/status.h"
#include "quell/net/http_server.h"
#include "quell/store/store.h"

namespace CLI {
class App;
}

namespace quell {
class NumberPlan;
}

namespace quell::cli {

// Exit codes scripts rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Flags every subcommand that touches the data directory accepts.
struct CommonFlags {
  std::string config_path;  // --config; "" = ./quell.toml if present
  std::string data_dir;     // --data; "" = config data_dir or ./var
};

// The loaded configuration and where data lives.
struct Environment {
  Config config;
  std::string data_dir;
  std::string region;  // default region for phone numbers
};

Result<Environment> LoadEnvironment(const CommonFlags& flags);

// The store in the data directory (created if missing), with its [store] options.
Result<std::unique_ptr<store::Store>> OpenStore(const Environment& env);

// Access options from [access].
Result<access::Options> AccessOptions(const Config& config);

// "HOST:PORT" (IPv6 hosts in brackets); InvalidArgument naming `what` otherwise.
Status SplitHostPort(std::string_view text, std::string_view what, std::string* host,
                     uint16_t* port);

// "+08:00", "-05:30", "Z" -> minutes east of UTC (the utc_offset of [dnc] and
// [detect]); InvalidArgument otherwise.
Result<int> ParseUtcOffset(std::string_view text);

// HTTP server options from [http]; a non-empty `listen_flag` (--http) wins.
Result<net::HttpServerOptions> HttpOptions(const Environment& env, std::string_view listen_flag);

// Prints "quell: <message>" to standard error.
void PrintError(const Status& status);

// What subcommands that change accounts or data open: the environment, the
// store and the accounts on it.
struct Opened {
  Environment env;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<access::Accounts> accounts;
};
Result<Opened> Open(const CommonFlags& flags);

// A command that parses many numbers starts its numbering plan from the data
// directory's cache (numbering-plan.cache; NumberPlan::LoadCache) and leaves
// it there for the next run. Neither fails the command: a cache is only a cache.
// Such commands give their plan kBulkPlanSlots cache slots (8 MiB): lists carry
// many short garbage numbers, each cached apart, next to the plan's blocks.
inline constexpr std::size_t kBulkPlanSlots = std::size_t{1} << 20;
void WarmPlan(NumberPlan& plan, const Environment& env);
void KeepPlan(const NumberPlan& plan, const Environment& env);

// Adds --config and --data to a subcommand.
void AddCommon(CLI::App* sub, CommonFlags* flags);

// Audit entries for changes made from the shell name the operator's login.
access::Principal ShellActor();

}  // namespace quell::cli
