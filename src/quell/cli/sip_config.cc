#include "quell/cli/sip_config.h"

#include "quell/cli/common.h"

namespace quell::cli {

Result<sip::SipServerOptions> SipOptionsFrom(const Config& config, std::string_view listen_flag) {
  QUELL_ASSIGN_OR_RETURN(Config s, config.GetTable("sip"));
  QUELL_RETURN_IF_ERROR(s.CheckKnownKeys(
      {"listen", "udp", "tcp", "threads", "max_message_bytes", "tcp_idle_timeout",
       "max_tcp_connections", "label_header", "label_lang", "direction_header", "default_direction",
       "customer_header", "trunk_header", "international_trunks", "overload_after", "retry_after",
       "transaction_capacity"}));
  sip::SipServerOptions o;
  QUELL_ASSIGN_OR_RETURN(std::string listen, s.GetString("listen", "127.0.0.1:5060"));
  if (!listen_flag.empty()) listen = std::string(listen_flag);
  uint16_t port = 0;
  QUELL_RETURN_IF_ERROR(SplitHostPort(listen, "SIP address", &o.transport.host, &port));
  o.transport.udp_port = port;
  o.transport.tcp_port = port;
  QUELL_ASSIGN_OR_RETURN(o.transport.enable_udp, s.GetBool("udp", true));
  QUELL_ASSIGN_OR_RETURN(o.transport.enable_tcp, s.GetBool("tcp", true));
  QUELL_ASSIGN_OR_RETURN(int64_t threads, s.GetInt("threads", 0, 0, 256));
  o.transport.threads = static_cast<int>(threads);
  QUELL_ASSIGN_OR_RETURN(int64_t max_bytes, s.GetInt("max_message_bytes", 65535, 1024, 1 << 20));
  o.transport.max_message_bytes = static_cast<std::size_t>(max_bytes);
  QUELL_ASSIGN_OR_RETURN(o.transport.tcp_idle_timeout,
                         s.GetDuration("tcp_idle_timeout", o.transport.tcp_idle_timeout));
  QUELL_ASSIGN_OR_RETURN(int64_t conns, s.GetInt("max_tcp_connections", 4096, 1, 1 << 20));
  o.transport.max_tcp_connections = static_cast<std::size_t>(conns);
  QUELL_ASSIGN_OR_RETURN(o.label_header, s.GetString("label_header", o.label_header));
  QUELL_ASSIGN_OR_RETURN(std::string lang, s.GetString("label_lang", "zh"));
  if (lang != "zh" && lang != "en") {
    return InvalidArgument(s.Where("label_lang") + ": 'sip.label_lang' is zh or en");
  }
  o.label_lang = lang == "en" ? Lang::kEn : Lang::kZh;
  QUELL_ASSIGN_OR_RETURN(o.direction_header, s.GetString("direction_header", o.direction_header));
  QUELL_ASSIGN_OR_RETURN(std::string dir, s.GetString("default_direction", "terminating"));
  if (dir != "terminating" && dir != "originating") {
    return InvalidArgument(s.Where("default_direction") +
                           ": 'sip.default_direction' is terminating or originating");
  }
  o.default_direction =
      dir == "originating" ? events::Direction::kOriginating : events::Direction::kTerminating;
  QUELL_ASSIGN_OR_RETURN(o.customer_header, s.GetString("customer_header", o.customer_header));
  QUELL_ASSIGN_OR_RETURN(o.trunk_header, s.GetString("trunk_header", o.trunk_header));
  QUELL_ASSIGN_OR_RETURN(o.international_trunks, s.GetStringList("international_trunks"));
  QUELL_ASSIGN_OR_RETURN(o.overload_after, s.GetDuration("overload_after", o.overload_after));
  if (o.overload_after.count() <= 0) {
    return InvalidArgument(s.Where("overload_after") + ": 'sip.overload_after' must be positive");
  }
  QUELL_ASSIGN_OR_RETURN(int64_t retry, s.GetInt("retry_after", 5, 0, 3600));
  o.retry_after_seconds = static_cast<int>(retry);
  QUELL_ASSIGN_OR_RETURN(int64_t cap, s.GetInt("transaction_capacity", 1 << 17, 16, 1 << 24));
  o.transaction_capacity = static_cast<std::size_t>(cap);
  return o;
}

}  // namespace quell::cli
