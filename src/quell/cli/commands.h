// The subcommands of `quell`. Each Add*Command registers its flags on `app` and,
// when its subcommand is chosen, sets *action to the function that runs it and
// returns the process exit code.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace quell::cli {

using Action = std::function<int()>;

void AddServeCommand(CLI::App& app, Action* action);
void AddAdminCommands(CLI::App& app, Action* action);
void AddShakenCommands(CLI::App& app, Action* action);
void AddDncCommands(CLI::App& app, Action* action);
void AddSimCommands(CLI::App& app, Action* action);     // simulate, eval
void AddIngestCommands(CLI::App& app, Action* action);  // ingest
void AddLedgerCommands(CLI::App& app, Action* action);  // ledger keygen|sign|verify|follow

}  // namespace quell::cli
