// quell: the command line. Parses flags and hands over to a subcommand.
// Exit codes: 0 success, 1 failure (reason on standard error), 2 bad usage.
#include <iostream>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Quell: defence against nuisance calls (STIR/SHAKEN, screening, detection, "
      "reputation, Do-Not-Call registry, complaints, enforcement)",
      "quell"};
  app.set_version_flag("--version", std::string("quell ") + QUELL_VERSION);
  app.require_subcommand(1);
  quell::cli::Action action;
  quell::cli::AddServeCommand(app, &action);
  quell::cli::AddAdminCommands(app, &action);
  quell::cli::AddShakenCommands(app, &action);
  quell::cli::AddDncCommands(app, &action);
  quell::cli::AddSimCommands(app, &action);
  quell::cli::AddIngestCommands(app, &action);
  quell::cli::AddLedgerCommands(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // prints help, exit 0
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "quell: " << e.what() << "\nRun with --help for usage.\n";
    return quell::cli::kExitUsage;
  }
  if (!action) {
    std::cerr << app.help();
    return quell::cli::kExitUsage;
  }
  return action();
}
