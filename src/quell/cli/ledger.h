// [ledger] in quell.toml and opening the ledger for `quell serve`: the primary
// (this server keeps the ledger) or a replica that follows another's.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "quell/cli/common.h"
#include "quell/core/status.h"
#include "quell/enforce/ledger.h"
#include "quell/enforce/replica.h"

namespace quell::cli {

struct LedgerConfig {
  enforce::Ledger::Options ledger;  // dir defaults to <data_dir>/ledger
  std::string follow;               // the primary's base URL: this server is a replica
  std::string follow_token;         // API key presented to the primary
  std::chrono::milliseconds sync_interval{5000};
  std::chrono::milliseconds audit_interval{std::chrono::hours(1)};
};

// Reads [ledger]: dir, operator_key_id, operator_organisation, max_clock_skew,
// follow, follow_token (or follow_token_file), operator_key (the primary's, pinned),
// sync_interval, audit_interval. Errors name the line.
Result<LedgerConfig> LedgerConfigFrom(const Environment& env);

struct LedgerServices {
  std::unique_ptr<enforce::Ledger> ledger;
  std::unique_ptr<enforce::Follower> follower;  // replicas only
};
Result<LedgerServices> OpenLedger(const LedgerConfig& config, Clock& clock);

// The demo: Demo Telecom's key (its seed kept in the data directory) and a few
// records it signed, once per ledger.
Status SeedLedgerDemo(enforce::Ledger& ledger, const std::string& data_dir, Clock& clock);

// A replica's background pulls: Sync every sync_interval, Audit every
// audit_interval; stops (joins) on destruction.
class FollowLoop {
 public:
  FollowLoop(enforce::Follower& follower, std::chrono::milliseconds sync_interval,
             std::chrono::milliseconds audit_interval);

 private:
  std::jthread thread_;
};

}  // namespace quell::cli
