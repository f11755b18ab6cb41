// `quell serve`: the platform's server. Wires the store, accounts, notices,
// STIR/SHAKEN and the REST API onto the HTTP server, then waits for a signal:
// SIGINT / SIGTERM stop it gracefully (in-flight requests finish, exit 0),
// SIGHUP re-reads quell.toml and reloads what can change without a restart (the
// STIR/SHAKEN trust store and signing keys, the screening policy).
#include <charconv>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "quell/api/app.h"
#include "quell/cli/breach_config.h"
#include "quell/cli/commands.h"
#include "quell/cli/common.h"
#include "quell/cli/complaints_config.h"
#include "quell/cli/demo.h"
#include "quell/cli/demo_breach.h"
#include "quell/cli/demo_sanctions.h"
#include "quell/cli/demo_traceback.h"
#include "quell/cli/demo_traffic.h"
#include "quell/cli/detect_config.h"
#include "quell/cli/dnc_config.h"
#include "quell/cli/ledger.h"
#include "quell/cli/reputation_config.h"
#include "quell/cli/screen_config.h"
#include "quell/cli/shaken_config.h"
#include "quell/cli/sip_config.h"
#include "quell/cli/traceback_config.h"
#include "quell/core/ids.h"
#include "quell/core/number_plan.h"
#include "quell/detect/engine.h"
#include "quell/detect/findings.h"
#include "quell/enforce/breach.h"
#include "quell/enforce/sanctions.h"
#include "quell/enforce/scorecard.h"
#include "quell/enforce/traceback.h"
#include "quell/events/evidence.h"
#include "quell/events/fanout.h"
#include "quell/notify/notify.h"
#include "quell/registry/ownership.h"
#include "quell/registry/violations.h"
#include "quell/reputation/appeals.h"
#include "quell/reputation/blocklist_store.h"
#include "quell/reputation/calendar.h"
#include "quell/reputation/complaints.h"
#include "quell/reputation/reputation.h"
#include "quell/screen/shaken_evidence.h"
#include "quell/shaken/signer.h"
#include "quell/shaken/tn_ownership.h"
#include "quell/shaken/verifier.h"

namespace quell::cli {
namespace {

struct ServeFlags {
  CommonFlags common;
  std::string http;  // --http HOST:PORT
  std::string sip;   // --sip HOST:PORT
  bool demo = false;
};

Result<std::string> WebRoot(const Environment& env) {
  QUELL_ASSIGN_OR_RETURN(std::string root, env.config.GetString("http.web_root", ""));
  if (!root.empty()) return root;
  if (std::filesystem::exists("web/index.html")) return std::string("web");
  return std::string(QUELL_DEFAULT_WEB_ROOT);
}

Result<notify::Options> NotifyOptions(const Environment& env, bool demo) {
  QUELL_ASSIGN_OR_RETURN(Config s, env.config.GetTable("notify"));
  QUELL_ASSIGN_OR_RETURN(notify::Options o, notify::OptionsFromConfig(s));
  if (demo) o.mode = notify::Options::Mode::kDemoOutbox;
  return o;
}

// A first start without --demo creates an administrator and prints its
// password once; with --demo the documented demo accounts exist instead.
Status EnsureAdmin(access::Accounts& accounts) {
  QUELL_ASSIGN_OR_RETURN(int64_t users, accounts.CountUsers());
  if (users > 0) return Status::Ok();
  const std::string password = RandomToken(15);
  QUELL_RETURN_IF_ERROR(
      accounts.CreateUser("admin", password, Role::kAdmin, "", "Administrator").status());
  std::cout << "Created the first administrator. Log in as 'admin' with password: " << password
            << "\n(shown once; change it with `quell admin set-password --username admin`)\n"
            << std::flush;
  return Status::Ok();
}

void PrintDemo(const DemoSeed& seed, const std::string& url) {
  std::cout << "\nQuell demo — open " << url << "\n\nDemo accounts (username / password / role):\n";
  for (const auto& a : seed.accounts) {
    std::cout << "  " << a.username
              << std::string(12 - std::min<std::size_t>(a.username.size(), 11), ' ') << a.password
              << std::string(24 - std::min<std::size_t>(a.password.size(), 23), ' ') << a.role
              << "\n";
  }
  std::cout << "\nDemo carrier API key (this start only):\n  " << seed.carrier_api_key
            << "\n  curl -H 'Authorization: Bearer " << seed.carrier_api_key << "' " << url
            << "api/v1/whoami\n"
            << "Demo caller-ID app API key (this start only):\n  " << seed.app_api_key
            << "\n  curl -H 'Authorization: Bearer " << seed.app_api_key << "' " << url
            << "api/v1/numbers/+8617000000666\n\n"
            << std::flush;
}

int Serve(const ServeFlags& flags) {
  // Before any thread starts, so every thread inherits the mask and only
  // WaitForSignal sees SIGINT / SIGTERM / SIGHUP.
  net::BlockTerminationSignals();

  auto env = LoadEnvironment(flags.common);
  if (!env) {
    PrintError(env.status());
    return kExitFailure;
  }
  auto fail = [](const Status& s) {
    PrintError(s);
    return kExitFailure;
  };
  auto level = env->config.GetString("log.level", "info");
  if (!level) return fail(level.status());
  spdlog::set_level(spdlog::level::from_str(*level));
  auto http_options = HttpOptions(*env, flags.http);
  if (!http_options) return fail(http_options.status());
  auto web_root = WebRoot(*env);
  if (!web_root) return fail(web_root.status());
  auto notify_options = NotifyOptions(*env, flags.demo);
  if (!notify_options) return fail(notify_options.status());
  auto access_options = AccessOptions(env->config);
  if (!access_options) return fail(access_options.status());

  auto store = OpenStore(*env);
  if (!store) return fail(store.status());
  auto accounts = access::Accounts::Open(**store, Clock::Real(), *access_options);
  if (!accounts) return fail(accounts.status());
  auto notifier = notify::Notifier::Open(**store, Clock::Real(), *notify_options);
  if (!notifier) return fail(notifier.status());
  auto shaken_config = ShakenConfigFrom(env->config);
  if (!shaken_config) return fail(shaken_config.status());
  auto screen_config = ScreenConfigFrom(env->config);
  if (!screen_config) return fail(screen_config.status());
  auto sip_options = SipOptionsFrom(env->config, flags.sip);
  if (!sip_options) return fail(sip_options.status());

  api::AppOptions app_options;
  app_options.web_root = *web_root;
  auto secure_cookies =
      env->config.GetBool("http.secure_cookies", !http_options->tls_cert_file.empty());
  if (!secure_cookies) return fail(secure_cookies.status());
  app_options.secure_cookies = *secure_cookies;
  auto metrics_public = env->config.GetBool("http.metrics_public", true);
  if (!metrics_public) return fail(metrics_public.status());
  app_options.metrics_public = *metrics_public;
  DemoSeed seed;
  if (flags.demo) {
    // The demo accounts have published passwords: never add them to a store
    // that has real accounts.
    const std::string marker = env->data_dir + "/DEMO";
    auto users = (*accounts)->CountUsers();
    if (!users) return fail(users.status());
    if (*users > 0 && !std::filesystem::exists(marker)) {
      return fail(FailedPrecondition(
          "--demo refuses to add demo accounts (with published "
          "passwords) to the data directory '" +
          env->data_dir + "', which has accounts of its own; use a fresh --data"));
    }
    std::ofstream(marker) << "This data directory holds Quell demo accounts.\n";
    auto s = SeedDemo(**accounts, notifier->get());
    if (!s) return fail(s.status().WithContext("seeding the demo"));
    seed = std::move(*s);
    if (Status p = PrepareShakenDemo(env->data_dir, &*shaken_config); !p.ok()) {
      return fail(p.WithContext("seeding the STIR/SHAKEN demo"));
    }
    app_options.demo = true;
    app_options.demo_accounts = seed.accounts;
  } else if (Status s = EnsureAdmin(**accounts); !s.ok()) {
    return fail(s);
  }

  auto shaken = OpenShaken(*shaken_config, **store, **accounts, Clock::Real());
  if (!shaken) return fail(shaken.status());
  if (flags.demo) {
    if (Status s = SeedShakenCustomers(**accounts, *shaken->tn_ownership); !s.ok()) {
      return fail(s.WithContext("seeding the STIR/SHAKEN demo"));
    }
  }

  // The demo signs its subscribers' originating calls.
  if (flags.demo && screen_config->signing_org.empty()) screen_config->signing_org = "Demo Telecom";
  auto dnc = OpenRegistry(*env, **store, Clock::Real());
  if (!dnc) return fail(dnc.status().WithContext("opening the Do-Not-Call register"));
  if (flags.demo) {
    if (Status s = SeedDnc(**accounts, **dnc, Clock::Real()); !s.ok()) {
      return fail(s.WithContext("seeding the Do-Not-Call demo"));
    }
  }
  auto ownership = registry::Ownership::Open(**store, Clock::Real(), **notifier);
  if (!ownership) return fail(ownership.status());
  // Evidence between domains (events/evidence.h): DNC violations and
  // detection findings become evidence that number reputation weighs.
  auto reputation_options = ReputationOptionsFrom(*env);
  if (!reputation_options) return fail(reputation_options.status());
  auto reputation = reputation::Reputation::Open(**store, Clock::Real(), *reputation_options);
  if (!reputation) return fail(reputation.status().WithContext("opening number reputation"));
  if (flags.demo && (*reputation)->table().size() == 0) {
    if (Status s = SeedReputation(**accounts, **reputation, Clock::Real()); !s.ok()) {
      return fail(s.WithContext("seeding the reputation demo"));
    }
  }
  auto appeals = reputation::Appeals::Open(**store, Clock::Real(), **reputation);
  if (!appeals) return fail(appeals.status());
  auto blocklist_options = BlocklistOptionsFrom(*env);
  if (!blocklist_options) return fail(blocklist_options.status());
  auto blocklists = reputation::BlocklistStore::Open(**store, Clock::Real(), (*reputation)->table(),
                                                     *blocklist_options);
  if (!blocklists) return fail(blocklists.status().WithContext("opening the blocklists"));
  if (auto v = (*blocklists)->Build(); !v) {
    return fail(v.status().WithContext("building the blocklist"));
  }
  events::EvidenceBus evidence;
  evidence.Subscribe(reputation->get());
  // The complaint centre: reports become cases with working-day clocks, and
  // evidence for reputation.
  auto complaints_config = ComplaintsConfigFrom(*env, **accounts);
  if (!complaints_config) return fail(complaints_config.status());
  auto calendar = reputation::WorkingCalendar::Create(complaints_config->calendar);
  if (!calendar) return fail(calendar.status().WithContext("[complaints.calendar]"));
  auto complaints =
      reputation::ComplaintCentre::Open(**store, Clock::Real(), std::move(*calendar),
                                        complaints_config->options, &evidence, notifier->get());
  if (!complaints) return fail(complaints.status().WithContext("[complaints]"));
  if (flags.demo) {
    if (Status s = SeedComplaints(**accounts, **store, (*complaints)->calendar(),
                                  complaints_config->options, &evidence, Clock::Real());
        !s.ok()) {
      return fail(s.WithContext("seeding the complaints demo"));
    }
  }
  // Breach notices: numbers linked to the complaints about them (90 days).
  auto breach_options = BreachOptionsFrom(*env);
  if (!breach_options) return fail(breach_options.status().WithContext("[breach]"));
  breach_options->complaints_about = [centre = complaints->get()](uint64_t number) -> int64_t {
    constexpr int64_t k90DaysMs = 90LL * 86'400'000;
    const int64_t since = ToUnixMillis(Clock::Real().Now()) - k90DaysMs;
    auto list = centre->List({.caller = number, .since_ms = since, .limit = 1000});
    return list ? static_cast<int64_t>(list->size()) : -1;
  };
  // The enforcement ledger: this server's own, or a replica of another's (then
  // sanctions and notices are kept here without ledger records of their own).
  auto ledger_config = LedgerConfigFrom(*env);
  if (!ledger_config) return fail(ledger_config.status());
  if (flags.demo && !env->config.Has("ledger.operator_organisation"))
    ledger_config->ledger.operator_organisation = "Demo Communications Authority";
  auto ledger = OpenLedger(*ledger_config, Clock::Real());
  if (!ledger) return fail(ledger.status().WithContext("opening the ledger"));
  if (flags.demo && !ledger->follower) {
    if (Status s = SeedLedgerDemo(*ledger->ledger, env->data_dir, Clock::Real()); !s.ok())
      return fail(s.WithContext("seeding the ledger demo"));
  }
  enforce::LedgerAppender* own_ledger = ledger->follower ? nullptr : ledger->ledger.get();
  std::optional<FollowLoop> follow_loop;
  if (ledger->follower) {
    follow_loop.emplace(*ledger->follower, ledger_config->sync_interval,
                        ledger_config->audit_interval);
  }
  // Sanctions: numbers of sanctioned entities are screened and become evidence.
  auto sanctions = enforce::Sanctions::Open(**store, Clock::Real(), own_ledger, &evidence);
  if (!sanctions) return fail(sanctions.status().WithContext("opening sanctions"));
  if (flags.demo) {
    if (Status s = SeedSanctions(**sanctions, Clock::Real()); !s.ok()) {
      return fail(s.WithContext("seeding the sanctions demo"));
    }
  }
  enforce::LedgerAppender* breach_ledger = own_ledger;
  auto breaches = enforce::BreachNotices::Open(**store, Clock::Real(), *breach_options,
                                               notifier->get(), breach_ledger);
  if (!breaches) return fail(breaches.status().WithContext("[breach]"));
  if (flags.demo) {
    if (Status s = SeedBreaches(**accounts, **store, *breach_options, notifier->get(),
                                breach_ledger, Clock::Real());
        !s.ok()) {
      return fail(s.WithContext("seeding the breach notices demo"));
    }
  }
  // Every screened call, and every call record posted, goes past the
  // register's violation check and into behavioural detection.
  auto violations =
      registry::ViolationRecorder::Start(**dnc, **store, Clock::Real(), 65536, &evidence);
  if (!violations) return fail(violations.status());
  auto detect_config = DetectConfigFrom(*env);
  if (!detect_config) return fail(detect_config.status());
  if (flags.demo) {
    // Demo Finance's service lines call many customers a minute: a registered
    // business, on the allow-list as a carrier would put it.
    for (uint64_t n : {8613800138001ULL, 8613700137000ULL})
      detect_config->allow_numbers.push_back(n);
  }
  auto findings = detect::FindingStore::Open(**store, Clock::Real(), 65536, &evidence);
  if (!findings) return fail(findings.status());
  // Both numbering plans start from the cache the last run (or a bulk command) left.
  NumberPlan detect_plan(env->region);
  WarmPlan(detect_plan, *env);
  detect::Engine detector(detect_plan, *detect_config, findings->get());
  // Traceback through carriers, and their scorecards from the screened calls.
  auto traceback_options = TracebackOptionsFrom(*env);
  if (!traceback_options) return fail(traceback_options.status());
  traceback_options->sanctions_for_carrier = enforce::CountSanctionsAgainst(**sanctions);
  traceback_options->complaints_for_carrier = [centre = complaints->get()](int64_t org) -> int64_t {
    // Complaint cases forwarded to the carrier, paged.
    int64_t n = 0, before = 0;
    for (int page = 0; page < 100; ++page) {
      auto list = centre->List({.org_id = org, .before_id = before, .limit = 1000});
      if (!list) return -1;
      n += static_cast<int64_t>(list->size());
      if (list->size() < 1000) break;
      before = list->back().id;
    }
    return n;
  };
  if (flags.demo) {
    if (Status s = SeedTraceback(**store, **accounts, Clock::Real(), *traceback_options,
                                 notifier->get(), own_ledger);
        !s.ok()) {
      return fail(s.WithContext("seeding the traceback demo"));
    }
  }
  auto traceback = enforce::Traceback::Open(**store, Clock::Real(), *traceback_options,
                                            notifier->get(), own_ledger);
  if (!traceback) return fail(traceback.status().WithContext("opening traceback"));
  // Calls that failed caller authentication: evidence about the calling number.
  screen::ShakenEvidence shaken_failures(&evidence);
  events::FanOut call_events(
      {violations->get(), &detector, &(*traceback)->scorecard(), &shaken_failures});
  if (flags.demo) {
    // Findings from the start: a few hours of simulated traffic, once per data directory.
    auto any = (*findings)->List({.limit = 1});
    if (!any) return fail(any.status());
    if (any->empty()) {
      if (Status s = SeedDetection(call_events, detect_plan, Clock::Real()); !s.ok()) {
        return fail(s.WithContext("seeding the detection demo"));
      }
      detector.FlushUpdates();
    }
  }
  auto screening = OpenScreen(*screen_config, *shaken, **accounts, dnc->get(), Clock::Real(),
                              &call_events, &detector, reputation->get(), sanctions->get());
  if (!screening) return fail(screening.status());
  WarmPlan(*screening->plan, *env);
  // Re-reads [screen] from the configuration file; the old policy stays on error.
  auto reload_screen = [&flags, &screening]() -> Status {
    QUELL_ASSIGN_OR_RETURN(Environment e, LoadEnvironment(flags.common));
    QUELL_ASSIGN_OR_RETURN(ScreenConfig next, ScreenConfigFrom(e.config));
    return ReloadScreen(next, *screening);
  };

  api::App app(app_options, api::Services{.store = **store,
                                          .accounts = **accounts,
                                          .notifier = notifier->get(),
                                          .clock = Clock::Real(),
                                          .verifier = shaken->verifier.get(),
                                          .signer = shaken->signer.get(),
                                          .signers = shaken->signers.get(),
                                          .repository_max_age = shaken_config->repository_max_age,
                                          .tn_ownership = shaken->tn_ownership.get(),
                                          .pipeline = screening->pipeline.get(),
                                          .registry = dnc->get(),
                                          .ownership = ownership->get(),
                                          .violations = violations->get(),
                                          .plan = screening->plan.get(),
                                          .events = &call_events,
                                          .findings = findings->get(),
                                          .reputation = reputation->get(),
                                          .complaints = complaints->get(),
                                          .blocklists = blocklists->get(),
                                          .appeals = appeals->get(),
                                          .detector = &detector,
                                          .ledger = ledger->ledger.get(),
                                          .ledger_follower = ledger->follower.get(),
                                          .sanctions = sanctions->get(),
                                          .breaches = breaches->get(),
                                          .traceback = traceback->get(),
                                          .screen_signing_org = screening->signing_org_id,
                                          .reload_screen_policy = reload_screen});
  auto server = net::HttpServer::Create(
      *http_options,
      [&app](const net::HttpRequest& req, net::HttpResponse& res) { app.Handle(req, res); });
  if (!server) return fail(server.status());
  if (flags.demo) sip_options->international_trunks.push_back(kDemoInternationalTrunk);
  auto sip_server = sip::SipServer::Create(*sip_options, *screening->pipeline, Clock::Real());
  if (!sip_server) return fail(sip_server.status());
  if (Status s = (*notifier)->Start(); !s.ok()) return fail(s);
  if (Status s = (*server)->Start(); !s.ok()) return fail(s);
  if (Status s = (*sip_server)->Start(); !s.ok()) {
    return fail(s.WithContext("the SIP screening front (set [sip] listen or --sip)"));
  }
  app.SetReady(true);

  const std::string scheme = http_options->tls_cert_file.empty() ? "http" : "https";
  std::string host = http_options->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const std::string url = scheme + "://" + host + ":" + std::to_string((*server)->port()) + "/";
  if (flags.demo) {
    // The demo signer's x5u is this server, known only now that it listens.
    shaken_config->signers.push_back(DemoSigner(env->data_dir, url));
    if (Status s = ReloadShaken(*shaken_config, **accounts, *shaken); !s.ok()) {
      return fail(s.WithContext("loading the demo signer"));
    }
  }
  DemoTraffic demo_traffic;
  if (flags.demo && sip_options->transport.enable_udp) {
    demo_traffic.Start(sip_options->transport.host, (*sip_server)->udp_port());
  }
  if (flags.demo) PrintDemo(seed, url);
  std::cout << "quell sip listening on udp " << sip_options->transport.host << ":"
            << (*sip_server)->udp_port() << " tcp " << sip_options->transport.host << ":"
            << (*sip_server)->tcp_port() << "\n";
  // Scripts wait for this line, so it is printed whatever the log level.
  std::cout << "quell listening on " << url << " (data " << env->data_dir
            << (flags.demo ? ", demo" : "") << ")" << std::endl;

  TimePoint last_rescore = Clock::Real().Now();
  TimePoint last_purge{};
  TimePoint last_scorecard = Clock::Real().Now();
  TimePoint last_blocklist{};  // the first pass builds: evidence from the demo seed arrived since
  while (true) {
    const int sig = net::WaitForSignal(std::chrono::seconds(5));
    if (sig == 0) {
      // Housekeeping off the request paths: key-use counts, expired sessions.
      if (Status s = (*accounts)->Maintain(); !s.ok()) {
        spdlog::warn("housekeeping: {}", s.message());
      }
      // The register: changes made by other processes (the CLI), numbers
      // leaving their grace period, snapshots.
      if (Status s = (*dnc)->Maintain(); !s.ok()) spdlog::warn("dnc: {}", s.message());
      if (Status s = (*ownership)->Purge(); !s.ok()) spdlog::warn("dnc codes: {}", s.message());
      // Offline apps' blocklist: a new version when labels changed.
      if (Clock::Real().Now() - last_blocklist >=
          std::chrono::seconds(blocklist_options->build_interval_s)) {
        last_blocklist = Clock::Real().Now();
        auto v = (*blocklists)->Build();
        if (!v) spdlog::warn("blocklist: {}", v.status().message());
      }
      // Complaint cases past their retention.
      if (Clock::Real().Now() - last_purge >= std::chrono::hours(1)) {
        last_purge = Clock::Real().Now();
        auto n = (*complaints)->Purge();
        if (!n) spdlog::warn("complaints: purge: {}", n.status().message());
        auto tb = (*traceback)->PurgeCdrs();
        if (!tb.has_value()) spdlog::warn("traceback: purge: {}", tb.status().message());
        auto b = (*breaches)->Purge();
        if (!b) spdlog::warn("breach: purge: {}", b.status().message());
      }
      // Scheduled sanctions that began: their evidence.
      if (Status s = (*sanctions)->PublishDue(); !s.ok())
        spdlog::warn("sanctions: {}", s.message());
      // Breach notices whose requested information is overdue: escalated.
      // Traceback requests past their deadline; scorecard counts to the store.
      if (auto n = (*traceback)->Sweep(); !n.has_value())
        spdlog::warn("traceback: sweep: {}", n.status().message());
      if (Clock::Real().Now() - last_scorecard >= std::chrono::minutes(1)) {
        last_scorecard = Clock::Real().Now();
        if (Status s = (*traceback)->scorecard().Flush(); !s.ok())
          spdlog::warn("scorecards: {}", s.message());
      }
      if (auto n = (*breaches)->Sweep(); !n)
        spdlog::warn("breach: sweep: {}", n.status().message());
      // Reputation decays without new evidence: rescore everything daily.
      if (Clock::Real().Now() - last_rescore >= std::chrono::hours(24)) {
        last_rescore = Clock::Real().Now();
        auto n = (*reputation)->RescoreAll();
        if (!n) spdlog::warn("reputation: rescoring: {}", n.status().message());
      }
      continue;
    }
    if (sig == SIGHUP) {
      // STIR/SHAKEN trust (roots, CRLs) and signing keys reload; the rest of the
      // file is checked so an operator learns of mistakes before the next restart.
      auto reread = LoadEnvironment(flags.common);
      Result<ShakenConfig> next =
          reread ? ShakenConfigFrom(reread->config) : Result<ShakenConfig>(reread.status());
      if (next && flags.demo) {
        if (Status s = PrepareShakenDemo(env->data_dir, &*next); !s.ok()) next = s;
        if (next) next->signers.push_back(DemoSigner(env->data_dir, url));
      }
      Status reloaded = next ? ReloadShaken(*next, **accounts, *shaken) : next.status();
      if (reloaded.ok()) {
        spdlog::info("SIGHUP: STIR/SHAKEN trust store, signers and TN ownership reloaded");
      } else {
        spdlog::error("SIGHUP: configuration rejected, the old one stays: {}", reloaded.message());
      }
      auto detect_next =
          reread ? DetectConfigFrom(*reread) : Result<detect::EngineConfig>(reread.status());
      if (Status s = detect_next ? detector.Reconfigure(*detect_next) : detect_next.status();
          s.ok()) {
        spdlog::info("SIGHUP: detection thresholds reloaded");
      } else {
        spdlog::error("SIGHUP: [detect] rejected, the old thresholds stay: {}", s.message());
      }
      auto reputation_next = reread ? ReputationOptionsFrom(*reread)
                                    : Result<reputation::ReputationOptions>(reread.status());
      if (reputation_next) {
        (*reputation)->Reconfigure(*reputation_next);
        spdlog::info("SIGHUP: reputation weights reloaded (scores move at the next rescoring)");
      } else {
        spdlog::error("SIGHUP: [reputation] rejected, the old one stays: {}",
                      reputation_next.status().message());
      }
      if (Status s = reload_screen(); s.ok()) {
        spdlog::info("SIGHUP: screening policy and do-not-originate list reloaded");
      } else {
        spdlog::error("SIGHUP: screening policy rejected, the old one stays: {}", s.message());
      }
      continue;
    }
    spdlog::info("signal {}: shutting down", sig);
    break;
  }
  app.SetReady(false);
  demo_traffic.Stop();
  (*sip_server)->Shutdown();
  (*server)->Shutdown(std::chrono::seconds(10));
  (*notifier)->Stop();
  detector.FlushUpdates();
  if (Status s = (*findings)->Flush(); !s.ok())
    spdlog::warn("findings at shutdown: {}", s.message());
  if (Status s = (*violations)->Flush(); !s.ok())
    spdlog::warn("violations at shutdown: {}", s.message());
  if (Status s = (*reputation)->Flush(); !s.ok())
    spdlog::warn("reputation at shutdown: {}", s.message());
  if (Status s = (*dnc)->Maintain(/*force_snapshot=*/true); !s.ok()) {
    spdlog::warn("dnc: snapshot at shutdown: {}", s.message());
  }
  KeepPlan(*screening->plan, *env);  // the call set-up plan's blocks, for the next start
  spdlog::info("quell stopped");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* sub = app.add_subcommand("serve", "Run the Quell server (REST API, portal, screening)");
  sub->add_option("--config", flags->common.config_path,
                  "Configuration file (default: ./quell.toml if present)");
  sub->add_option("--data", flags->common.data_dir, "Data directory (default: ./var)");
  sub->add_option("--http", flags->http, "HTTP listen address HOST:PORT (default: 127.0.0.1:8080)");
  sub->add_option("--sip", flags->sip, "SIP listen address HOST:PORT (default: 127.0.0.1:5060)");
  sub->add_flag("--demo", flags->demo, "Seed demo accounts and data, keep notices in the outbox");
  sub->final_callback([=] {
    *action = [=]() -> int {
      std::string host;
      uint16_t port = 0;
      for (const auto& [flag, what] :
           {std::pair{&flags->http, "HTTP address"}, std::pair{&flags->sip, "SIP address"}}) {
        if (flag->empty()) continue;
        if (Status s = SplitHostPort(*flag, what, &host, &port); !s.ok()) {
          PrintError(s);
          return kExitUsage;
        }
      }
      return Serve(*flags);
    };
  });
}

}  // namespace quell::cli
