// `quell dnc ...`: the Do-Not-Call register from the shell — importing an
// existing register, scrubbing a call list, and the operator's single-number
// commands. Safe while the server runs: the server applies what these write on
// its next housekeeping pass (a few seconds).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>

#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/cli/dnc_config.h"
#include "quell/cli/progress.h"
#include "quell/core/number_plan.h"
#include "quell/registry/list_reader.h"
#include "quell/registry/registry.h"
#include "quell/registry/scrub.h"

namespace quell::cli {
namespace {

int Fail(const Status& s) {
  PrintError(s);
  return s.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

// The business organisation named `name`.
Result<access::Organisation> BusinessOrg(access::Accounts& accounts, const std::string& name) {
  QUELL_ASSIGN_OR_RETURN(access::Organisation org, accounts.FindOrganisation(name));
  if (org.kind != OrgKind::kBusiness) {
    return InvalidArgument("organisation '" + name + "' is a " + std::string(Name(org.kind)) +
                           ", not a business");
  }
  return org;
}

Result<PhoneNumber> NumberFlag(const std::string& text, const Environment& env) {
  return PhoneNumber::Parse(text, env.region);
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size() && !s.empty()) {
    const auto comma = s.find(',', at);
    out.push_back(s.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

struct ImportFlags {
  CommonFlags common;
  std::string file;
  bool dry_run = false;
};

int Import(const ImportFlags& f) {
  auto o = Open(f.common);
  if (!o) return Fail(o.status());
  auto registry = OpenRegistry(o->env, *o->store, Clock::Real());
  if (!registry) return Fail(registry.status());
  std::ifstream file;
  std::istream* in = &std::cin;
  uint64_t size = 0;
  if (f.file != "-") {
    file.open(f.file, std::ios::binary);
    if (!file) return Fail(NotFound("cannot open " + f.file));
    size = FileSize(file);
    in = &file;
  }
  const std::string name = f.file == "-" ? "stdin" : f.file;
  NumberPlan plan(o->env.region, kBulkPlanSlots);
  WarmPlan(plan, o->env);
  registry::ListReader reader;
  std::vector<registry::RegisterRequest> batch;
  std::vector<int64_t> batch_lines;
  int64_t good = 0, bad = 0, unchanged = 0;
  Status failed;
  const std::string actor = ShellActor().name;
  const TimePoint now = Clock::Real().Now();
  auto flush = [&]() {
    if (batch.empty() || !failed.ok()) return;
    if (f.dry_run) {
      good += static_cast<int64_t>(batch.size());
    } else {
      auto results = (*registry)->RegisterMany(batch);
      if (!results) {
        failed = results.status();
        return;
      }
      for (std::size_t i = 0; i < results->size(); ++i) {
        if ((*results)[i]) {
          ++good;
          if ((*results)[i]->unchanged) ++unchanged;
        } else {
          ++bad;
          std::cerr << name << ":" << batch_lines[i] << ": " << (*results)[i].error().message()
                    << "\n";
        }
      }
    }
    batch.clear();
    batch_lines.clear();
  };
  auto on_row = [&](const registry::ListRow& row) {
    auto r = registry::ParseImportRow(row, plan);
    if (r && r->registered_at > now) {
      r = InvalidArgument("registration time " + FormatRfc3339(r->registered_at) +
                          " is in the future");
    }
    if (!r) {
      ++bad;
      std::cerr << name << ":" << row.line << ": " << r.error().message() << "\n";
      return;
    }
    batch.push_back({.number = *PhoneNumber::FromCompact(r->number),
                     .channel = registry::Channel::kImport,
                     .verification = "import",
                     .actor = actor,
                     .preferences = r->preferences,
                     .registered_at = r->registered_at});
    batch_lines.push_back(row.line);
  };
  Progress progress("import " + name, size);
  std::string buf(1 << 20, '\0');
  uint64_t read = 0;
  while (failed.ok() && *in) {
    in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in->gcount());
    if (n == 0) break;
    read += n;
    reader.Feed(std::string_view(buf.data(), n), on_row);
    if (batch.size() >= 10'000) flush();
    progress.Update(read, good + bad);
  }
  reader.Finish(on_row);
  flush();
  if (!failed.ok()) return Fail(failed.WithContext("importing " + name));
  progress.Done(good + bad);
  KeepPlan(plan, o->env);
  std::cout << (f.dry_run ? "checked " : "imported ") << good << " registrations"
            << (unchanged > 0 ? " (" + std::to_string(unchanged) + " already registered)" : "")
            << ", " << bad << " bad rows\n";
  if (good == 0) {
    PrintError(InvalidArgument(name + " has no good row"));
    return kExitFailure;
  }
  return kExitOk;
}

struct ScrubFlags {
  CommonFlags common;
  std::string org, in, out;
};

int Scrub(const ScrubFlags& f) {
  auto o = Open(f.common);
  if (!o) return Fail(o.status());
  auto org = BusinessOrg(*o->accounts, f.org);
  if (!org) return Fail(org.status());
  auto registry = OpenRegistry(o->env, *o->store, Clock::Real());
  if (!registry) return Fail(registry.status());
  std::ifstream in(f.in, std::ios::binary);
  if (!in) return Fail(NotFound("cannot open " + f.in));
  std::ofstream out(f.out, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(InvalidArgument("cannot write " + f.out));
  const uint64_t size = FileSize(in);
  NumberPlan plan(o->env.region, kBulkPlanSlots);
  WarmPlan(plan, o->env);
  // Every core: the list is the command's only work.
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  registry::Scrubber scrubber(**registry, plan, org->id, Clock::Real().Now(), threads);
  Progress progress("scrub " + f.in, size);
  std::string buf(1 << 20, '\0'), result, writing;
  // Results are written by a second thread while the list goes on being scrubbed.
  std::future<bool> written;
  const auto write = [&](std::string& rows) {
    if (written.valid() && !written.get()) return false;
    writing.swap(rows);
    rows.clear();
    written = std::async(std::launch::async, [&out, &writing] {
      out.write(writing.data(), static_cast<std::streamsize>(writing.size()));
      return static_cast<bool>(out);
    });
    return true;
  };
  uint64_t read = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    read += n;
    if (Status s = scrubber.Feed(std::string_view(buf.data(), n), &result); !s.ok()) return Fail(s);
    if (!result.empty() && !write(result)) return Fail(Internal("cannot write " + f.out));
    progress.Update(read, scrubber.counts().total);
  }
  if (Status s = scrubber.Finish(&result); !s.ok()) return Fail(s);
  if (!write(result) || !written.get()) return Fail(Internal("cannot write " + f.out));
  out.close();
  if (!out) return Fail(Internal("cannot write " + f.out));
  progress.Done(scrubber.counts().total);
  KeepPlan(plan, o->env);
  auto receipt = scrubber.Record(ShellActor().name);
  if (!receipt) return Fail(receipt.status());
  const registry::ScrubCounts& c = receipt->counts;
  std::cout << "scrubbed " << c.total << " numbers for " << org->name << ": " << c.callable
            << " callable, " << c.protected_numbers << " protected, " << c.exempt << " exempt, "
            << c.invalid << " invalid\n"
            << "receipt " << receipt->id << "  list sha256 " << receipt->list_sha256 << "\n";
  return kExitOk;
}

struct NumberFlags {
  CommonFlags common;
  std::string number, categories, bands;
};

void PrintRegistration(const registry::Registration& r) {
  std::cout << r.number.E164() << "  " << (r.registered ? "registered" : "removed") << "\n"
            << "  registered " << FormatRfc3339(r.registered_at) << " via "
            << registry::Name(r.channel) << " (" << r.verification << ")\n"
            << "  protected from " << FormatRfc3339(r.protected_from) << "\n"
            << "  refuses " << r.preferences.Describe() << "\n";
  if (r.removed_at) std::cout << "  removed " << FormatRfc3339(*r.removed_at) << "\n";
}

int NumberCommand(const NumberFlags& f, const std::string& verb) {
  auto o = Open(f.common);
  if (!o) return Fail(o.status());
  auto number = NumberFlag(f.number, o->env);
  if (!number) return Fail(number.status());
  auto registry = OpenRegistry(o->env, *o->store, Clock::Real());
  if (!registry) return Fail(registry.status());
  const std::string actor = ShellActor().name;
  if (verb == "register") {
    auto prefs = registry::ParsePreferences(SplitCommas(f.categories), SplitCommas(f.bands));
    if (!prefs) return Fail(prefs.status());
    auto c = (*registry)->Register({.number = *number,
                                    .channel = registry::Channel::kAdmin,
                                    .verification = "operator",
                                    .actor = actor,
                                    .preferences = *prefs});
    if (!c) return Fail(c.status());
  } else if (verb == "remove") {
    auto c = (*registry)->Remove(*number, registry::Channel::kAdmin, actor);
    if (!c) return Fail(c.status());
  }
  auto r = (*registry)->Get(*number);
  if (!r) return Fail(r.status());
  PrintRegistration(*r);
  return kExitOk;
}

struct DeclareFlags {
  CommonFlags common;
  std::string org, first, last, categories, purpose = "marketing";
};

int Declare(const DeclareFlags& f) {
  auto o = Open(f.common);
  if (!o) return Fail(o.status());
  auto org = BusinessOrg(*o->accounts, f.org);
  if (!org) return Fail(org.status());
  auto first = NumberFlag(f.first, o->env);
  if (!first) return Fail(first.status());
  auto last = NumberFlag(f.last.empty() ? f.first : f.last, o->env);
  if (!last) return Fail(last.status());
  auto purpose = registry::ParsePurpose(f.purpose);
  if (!purpose) return Fail(InvalidArgument("--purpose is marketing or service"));
  auto prefs = registry::ParsePreferences(SplitCommas(f.categories), {});
  if (!prefs || prefs->categories == 0) {
    return Fail(InvalidArgument("--categories names the categories called from the range"));
  }
  registry::DeclaredRange range{
      .first = *first, .last = *last, .purpose = *purpose, .categories = prefs->categories};
  auto registry = OpenRegistry(o->env, *o->store, Clock::Real());
  if (!registry) return Fail(registry.status());
  auto added = (*registry)->DeclareRanges(org->id, {&range, 1});
  if (!added) return Fail(added.status());
  std::cout << "declared " << first->E164() << (f.last.empty() ? "" : ".." + last->E164())
            << " for " << org->name << " (" << f.purpose << ": " << f.categories << ")\n";
  return kExitOk;
}

}  // namespace

void AddDncCommands(CLI::App& app, Action* action) {
  CLI::App* dnc = app.add_subcommand("dnc", "The Do-Not-Call register: import, scrub, numbers");
  dnc->require_subcommand(1);
  {
    auto f = std::make_shared<ImportFlags>();
    CLI::App* sub = dnc->add_subcommand(
        "import", "Load an existing register (CSV: number,registered_at[,categories[,bands]])");
    AddCommon(sub, &f->common);
    sub->add_option("file", f->file, "CSV file, or - for standard input")->required();
    sub->add_flag("--dry-run", f->dry_run, "Check every row, register nothing");
    sub->final_callback([=] { *action = [=] { return Import(*f); }; });
  }
  {
    auto f = std::make_shared<ScrubFlags>();
    CLI::App* sub = dnc->add_subcommand(
        "scrub", "Check a call list against the register (result: number,status,detail)");
    AddCommon(sub, &f->common);
    sub->add_option("--org", f->org, "The business organisation placing the calls")->required();
    sub->add_option("--in", f->in, "The list: one number per line (first CSV field)")->required();
    sub->add_option("--out", f->out, "Where the result CSV goes")->required();
    sub->final_callback([=] { *action = [=] { return Scrub(*f); }; });
  }
  for (const auto& [verb, help] :
       {std::pair{"register", "Register a number (operator; no ownership check)"},
        std::pair{"remove", "Remove a number from the register (operator)"},
        std::pair{"status", "Show a number's registration"}}) {
    auto f = std::make_shared<NumberFlags>();
    CLI::App* sub = dnc->add_subcommand(verb, help);
    AddCommon(sub, &f->common);
    sub->add_option("number", f->number, "The number (E.164 or national)")->required();
    if (std::string(verb) == "register") {
      sub->add_option("--categories", f->categories, "Refused categories, comma-separated (all)");
      sub->add_option("--bands", f->bands, "Hours marketing is accepted anyway, e.g. 18-21");
    }
    const std::string v = verb;
    sub->final_callback([=] { *action = [=] { return NumberCommand(*f, v); }; });
  }
  {
    auto f = std::make_shared<DeclareFlags>();
    CLI::App* sub = dnc->add_subcommand("declare", "Declare a business's calling number or range");
    AddCommon(sub, &f->common);
    sub->add_option("--org", f->org, "The business organisation")->required();
    sub->add_option("--first", f->first, "The number, or the first of the range")->required();
    sub->add_option("--last", f->last, "The last number of the range");
    sub->add_option("--categories", f->categories, "Categories called, comma-separated")
        ->required();
    sub->add_option("--purpose", f->purpose, "marketing (default) or service");
    sub->final_callback([=] { *action = [=] { return Declare(*f); }; });
  }
}

}  // namespace quell::cli
