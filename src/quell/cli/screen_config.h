// The [screen] section of quell.toml (the call decision pipeline and its policy)
// and the pipeline `quell serve` builds from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "quell/core/clock.h"
#include "quell/core/config.h"
#include "quell/core/status.h"

namespace quell {
class NumberPlan;
}
namespace quell::access {
class Accounts;
}
namespace quell::registry {
class Registry;
}
namespace quell::events {
class CallEventSink;
}
namespace quell::detect {
class Engine;
}
namespace quell::reputation {
class Reputation;
}
namespace quell::screen {
class NumberingProvider;
class Pipeline;
class Policy;
struct PipelineOptions;
}  // namespace quell::screen

namespace quell::enforce {
class Sanctions;
}

namespace quell::cli {

struct ShakenServices;

struct ScreenConfig {
  ScreenConfig();
  ~ScreenConfig();
  ScreenConfig(const ScreenConfig&);
  ScreenConfig& operator=(const ScreenConfig&);

  std::string region = "CN";  // the top-level `region`: home of national numbers
  std::unique_ptr<screen::PipelineOptions> pipeline;  // emergency numbers and callers
  std::string do_not_originate_file;                  // empty: none
  std::string signing_org;  // organisation whose signer signs originating calls; empty: none
  std::shared_ptr<const screen::Policy> policy;  // [[screen.rule]], or the defaults
};

// Reads and checks [screen]: unknown keys, numbers, every rule (errors name the
// line). The do-not-originate file is read by OpenScreen / ReloadScreen.
Result<ScreenConfig> ScreenConfigFrom(const Config& config);

struct ScreenServices {
  ScreenServices();
  ~ScreenServices();
  ScreenServices(ScreenServices&&) noexcept;
  ScreenServices& operator=(ScreenServices&&) noexcept;

  std::unique_ptr<NumberPlan> plan;
  screen::NumberingProvider* numbering = nullptr;  // owned by the pipeline
  std::unique_ptr<screen::Pipeline> pipeline;
  std::string region, signing_org;        // as opened: these need a restart to change
  std::optional<int64_t> signing_org_id;  // signing_org's id, when set
};

// The pipeline with its providers: numbering (with the do-not-originate list),
// STIR/SHAKEN (verification when `shaken` verifies, signing for signing_org) and
// sanctions (`sanctions`), the Do-Not-Call register (when `dnc` is given), live
// behaviour (`detector`) and number reputation (`reputation`). Providers of modules not built yet
// contribute nothing.
Result<ScreenServices> OpenScreen(const ScreenConfig& config, ShakenServices& shaken,
                                  access::Accounts& accounts, const registry::Registry* dnc,
                                  Clock& clock, events::CallEventSink* sink,
                                  const detect::Engine* detector,
                                  const reputation::Reputation* reputation,
                                  const enforce::Sanctions* sanctions);

// SIGHUP / admin API: swaps in the new policy, do-not-originate list and
// emergency numbers, callers and trunks, or leaves them all as they are and says
// why. A changed region or signing_org is logged as needing a restart.
Status ReloadScreen(const ScreenConfig& config, ScreenServices& services);

}  // namespace quell::cli
