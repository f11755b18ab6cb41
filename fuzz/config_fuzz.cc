// Config::Parse and typed lookups on arbitrary TOML: errors, never crashes.
#include <string_view>

#include "quell/core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = quell::Config::Parse(text, "fuzz.toml");
  if (!c) return 0;
  (void)c->GetString("region", "CN");
  (void)c->GetInt("http.threads", 0);
  (void)c->GetDuration("http.request_timeout", std::chrono::milliseconds(1));
  (void)c->GetStringList("notify.allowed_webhook_hosts");
  (void)c->GetTableArray("policy.rule");
  (void)c->CheckKnownKeys({"region", "http.*"});
  if (auto t = c->GetTable("http")) (void)t->GetBool("access_log", true);
  return 0;
}
