// SipServer: the SIP screening front (DESIGN.md "Interfaces"): a stateless
// redirect server (RFC 3261 §8.2.7) on UDP and TCP that asks the screening
// pipeline about every INVITE and answers at once:
//
//   allow    302 Moved Temporarily, Contact: <the original Request-URI>
//   label    302 as above plus the label header (default X-Quell-Label)
//   divert   302 with Contact: <the rule's divert_to URI>
//   block    603 / 607 / 608 (the rule's code) with Reason: SIP;cause=..;text=".."
//   emergency 302 at once, nothing screened
//
// Every 302 carries what Quell learned for the proxy to forward: on terminating
// calls P-Asserted-Identity: <tel:+caller;verstat=...> (3GPP TS 24.229
// §7.2A.20) when a verstat was decided; on originating calls the Identity
// header Quell signed. OPTIONS -> 200. ACK -> nothing (a stateless server's
// final responses are absorbed). CANCEL -> 200 if the INVITE was answered
// (nothing left to cancel), else 481. Other methods -> 405 with Allow.
//
// A retransmitted INVITE (same top Via branch and sent-by, Call-ID and CSeq)
// within 32 s gets the very same response from a cache; it is screened and
// counted once. Max-Forwards 0 -> 483; a Request-URI scheme other than sip,
// sips or tel -> 416; a parseable but malformed request -> 400 with the reason;
// SIP/x.y other than 2.0 -> 505; garbage is dropped and counted.
//
// Overload never stops calls: a request that waited longer than overload_after
// before it could be handled is answered 503 with Retry-After without being
// screened, and the proxy routes it normally (docs/sip.md: fail-open).
//
// Metrics: quell_sip_requests_total{method}, quell_sip_responses_total{code},
// quell_sip_retransmissions_total, quell_sip_dropped_total{reason},
// quell_sip_overload_total, and quell_sip_response_seconds (a histogram with
// microsecond buckets from the message's arrival to its answer).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quell/core/clock.h"
#include "quell/core/status.h"
#include "quell/core/vocabulary.h"
#include "quell/events/call_event.h"
#include "quell/net/message_server.h"

namespace quell::screen {
class Pipeline;
}

namespace quell::sip {

struct SipServerOptions {
  net::MessageServerOptions transport;  // address, ports, threads, sizes
  // The header a label rule adds to the 302, and the label's language.
  std::string label_header = "X-Quell-Label";
  Lang label_lang = Lang::kZh;
  // Calls are terminating unless this header says "originating" (the proxy
  // knows which way a call goes; `default_direction` otherwise).
  std::string direction_header = "X-Quell-Direction";
  events::Direction default_direction = events::Direction::kTerminating;
  // Originating calls: the header naming the authenticated customer (attestation).
  std::string customer_header = "X-Quell-Customer";
  // The ingress trunk: this header's value, else the peer's address; calls on
  // the trunks listed are international (a domestic caller there is spoofed).
  std::string trunk_header = "X-Quell-Trunk";
  std::vector<std::string> international_trunks;
  // Answer 503 without screening when a request waited longer than this.
  std::chrono::milliseconds overload_after{100};
  int retry_after_seconds = 5;
  std::size_t transaction_capacity = 1 << 17;
  std::chrono::milliseconds transaction_ttl{32'000};
  std::string server_name = "Quell";
};

class SipServer {
 public:
  virtual ~SipServer() = default;
  // `pipeline` and `clock` must outlive the server. InvalidArgument on bad
  // options (header names that are not tokens, non-positive limits).
  static Result<std::unique_ptr<SipServer>> Create(SipServerOptions options,
                                                   screen::Pipeline& pipeline, Clock& clock);
  // Binds and serves (see net::MessageServer::Start).
  virtual Status Start() = 0;
  virtual uint16_t udp_port() const = 0;
  virtual uint16_t tcp_port() const = 0;
  virtual void Shutdown() = 0;

  // Answers one message as the sockets would (tests, benchmarks). Thread-safe.
  virtual void Handle(std::string_view message, const net::MessageContext& ctx,
                      std::string& reply) = 0;
};

}  // namespace quell::sip
