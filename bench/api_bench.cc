// The per-request cost of the REST front door without the network: routing,
// Bearer key check with its token bucket, and the JSON answer.
#include <stdlib.h>

#include <filesystem>

#include <benchmark/benchmark.h>

#include "quell/access/access.h"
#include "quell/api/app.h"
#include "quell/api/router.h"
#include "quell/store/store.h"

namespace {

void BM_RouterFind(benchmark::State& state) {
  quell::api::Router r;
  r.Add("GET", "/healthz", 0);
  r.Add("GET", "/api/v1/whoami", 1);
  r.Add("GET", "/api/v1/admin/keys", 2);
  r.Add("DELETE", "/api/v1/admin/keys/{id}", 3);
  std::size_t id;
  quell::api::PathParams params;
  std::string allowed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(r.Find("DELETE", "/api/v1/admin/keys/42", &id, &params, &allowed));
  }
}
BENCHMARK(BM_RouterFind);

void BM_WhoamiWithKey(benchmark::State& state) {
  char tmpl[] = "/tmp/quell-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto opened = quell::store::Store::Open({.path = dir + "/quell.db"});
  if (!opened) return state.SkipWithError(opened.status().ToString().c_str());
  auto store = std::move(*opened);
  auto accounts_or = quell::access::Accounts::Open(*store, quell::Clock::Real());
  if (!accounts_or) return state.SkipWithError(accounts_or.status().ToString().c_str());
  auto accounts = std::move(*accounts_or);
  (void)accounts->CreateOrganisation("Bench Telecom", quell::OrgKind::kCarrier);
  auto created =
      accounts->CreateApiKey(quell::Role::kCarrier, "Bench Telecom", "bench", 1e6, 1'000'000'000);
  if (!created) return state.SkipWithError(created.status().ToString().c_str());
  const auto key = *created;
  quell::api::App app({}, {.store = *store, .accounts = *accounts, .clock = quell::Clock::Real()});
  quell::net::HttpRequest req;
  req.method = "GET";
  req.path = req.target = "/api/v1/whoami";
  req.headers = {{"host", "127.0.0.1"}, {"authorization", "Bearer " + key.key}};
  req.remote_ip = "127.0.0.1";
  for (auto _ : state) {
    quell::net::HttpResponse res;
    app.Handle(req, res);
    if (res.status != 200) state.SkipWithError("not 200");
    benchmark::DoNotOptimize(res);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WhoamiWithKey);

}  // namespace
