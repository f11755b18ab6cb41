#include "quell/sip/server.h"

#include <array>
#include <charconv>

#include <spdlog/spdlog.h>

#include "quell/core/metrics.h"
#include "quell/screen/pipeline.h"
#include "quell/sip/internal/transaction_cache.h"
#include "quell/sip/message.h"
#include "quell/sip/response.h"

namespace quell::sip {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, OPTIONS";

uint64_t Fnv(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// RFC 3261 §17.2.3: the top Via's branch and sent-by identify the transaction;
// Call-ID and CSeq number make keys of non-compliant (branch-less) clients unique.
// ACK and CANCEL of an INVITE share its key (the method is left out).
uint64_t TransactionKey(const Message& m) {
  uint64_t h = Fnv(m.top_via.branch);
  h = Fnv(m.top_via.host, h);
  h = (h ^ m.top_via.port) * 1099511628211ULL;
  h = Fnv(m.call_id, h);
  return (h ^ m.cseq.number) * 1099511628211ULL;
}

// A To tag stable for a transaction, so that retransmissions match.
void ToTag(uint64_t key, char (&buf)[17]) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) buf[i] = kHex[(key >> (i * 4)) & 15];
  buf[16] = '\0';
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "urn:service:sos" and its sub-services ("urn:service:sos.police"), any case.
bool IsSosUrn(std::string_view uri) {
  constexpr std::string_view kSos = "urn:service:sos";
  if (uri.size() < kSos.size() || !EqualsIgnoreCase(uri.substr(0, kSos.size()), kSos)) {
    return false;
  }
  return uri.size() == kSos.size() || uri[kSos.size()] == '.';
}

// The calling number: the first P-Asserted-Identity (the network's assertion),
// else the From URI's user part.
std::string_view CallerOf(const Message& m) {
  for (const NameAddr& pai : m.asserted_identity_values()) {
    if (!pai.uri.user.empty()) return pai.uri.user;
  }
  return m.from.uri.user;
}

// The histogram's buckets, in seconds: 10 µs to 50 ms.
const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> b = {10e-6, 25e-6, 50e-6, 100e-6, 200e-6, 500e-6,
                                        1e-3,  2e-3,  5e-3,  10e-3,  20e-3,  50e-3};
  return b;
}

class Counters {
 public:
  Counters()
      : retransmissions_(metrics::GetCounter("quell_sip_retransmissions_total",
                                             "INVITE retransmissions answered from the cache", {})),
        overload_(metrics::GetCounter("quell_sip_overload_total",
                                      "Requests answered 503 because the server was behind", {})),
        latency_(metrics::GetHistogram("quell_sip_response_seconds",
                                       "From a request's arrival to its answer", LatencyBuckets(),
                                       {})) {
    for (std::string_view m : {"INVITE", "ACK", "CANCEL", "OPTIONS", "other"}) {
      requests_.push_back(metrics::GetCounter("quell_sip_requests_total", "SIP requests received",
                                              {{"method", std::string(m)}}));
    }
    for (int code : kCodes) {
      responses_.push_back(metrics::GetCounter("quell_sip_responses_total", "SIP responses sent",
                                               {{"code", std::to_string(code)}}));
    }
    responses_.push_back(metrics::GetCounter("quell_sip_responses_total", "SIP responses sent",
                                             {{"code", "other"}}));
    for (std::string_view r : {"garbage", "response", "ack"}) {
      dropped_.push_back(metrics::GetCounter("quell_sip_dropped_total",
                                             "Messages dropped without an answer",
                                             {{"reason", std::string(r)}}));
    }
  }
  void Request(Method m) {
    switch (m) {
      case Method::kInvite:
        requests_[0].Inc();
        break;
      case Method::kAck:
        requests_[1].Inc();
        break;
      case Method::kCancel:
        requests_[2].Inc();
        break;
      case Method::kOptions:
        requests_[3].Inc();
        break;
      default:
        requests_[4].Inc();
        break;
    }
  }
  void Response(int code) {
    for (std::size_t i = 0; i < std::size(kCodes); ++i) {
      if (kCodes[i] == code) {
        responses_[i].Inc();
        return;
      }
    }
    responses_.back().Inc();
  }
  void Dropped(int reason) { dropped_[static_cast<std::size_t>(reason)].Inc(); }
  metrics::Counter retransmissions_;
  metrics::Counter overload_;
  metrics::Histogram latency_;

 private:
  static constexpr int kCodes[] = {200, 302, 400, 403, 405, 416, 481, 483, 503, 505, 603, 607, 608};
  std::vector<metrics::Counter> requests_;
  std::vector<metrics::Counter> responses_;
  std::vector<metrics::Counter> dropped_;
};

// Per-thread scratch: nothing here is allocated per request once warm.
struct Scratch {
  Message msg;
  screen::Verdict verdict;
  std::string contact, pai, label, label_text, reason;
  std::array<HeaderField, 8> extra;
};

class SipServerImpl final : public SipServer {
 public:
  SipServerImpl(SipServerOptions options, screen::Pipeline& pipeline, Clock& clock)
      : options_(std::move(options)),
        pipeline_(pipeline),
        clock_(clock),
        cache_(options_.transaction_capacity, options_.transaction_ttl.count()),
        retry_after_(std::to_string(options_.retry_after_seconds)) {}

  Status Init() {
    auto server = net::MessageServer::Create(
        options_.transport,
        [this](std::string_view message, const net::MessageContext& ctx, std::string& reply) {
          Handle(message, ctx, reply);
        },
        [max = options_.transport.max_message_bytes](std::string_view buffered) {
          auto frame = FrameMessage(buffered, max);
          if (!frame) return net::Frame::Error("unframeable SIP stream");
          // CRLFCRLF is a keep-alive ping, owed a CRLF pong (RFC 5626 §3.5.1).
          if (frame->skip > 0) return net::Frame::Skip(frame->skip, frame->skip >= 4 ? "\r\n" : "");
          if (frame->length == 0) return net::Frame::NeedMore();
          return net::Frame::Message(frame->length);
        });
    if (!server) return server.status();
    server_ = std::move(*server);
    return Status::Ok();
  }

  Status Start() override { return server_->Start(); }
  uint16_t udp_port() const override { return server_->udp_port(); }
  uint16_t tcp_port() const override { return server_->tcp_port(); }
  void Shutdown() override { server_->Shutdown(); }

  void Handle(std::string_view message, const net::MessageContext& ctx,
              std::string& reply) override {
    const auto start = std::chrono::steady_clock::now();
    thread_local Scratch s;
    reply.clear();
    ParseErrorKind kind = ParseErrorKind::kNone;
    const Status parsed = ParseMessage(message, s.msg, &kind);
    if (!parsed.ok()) {
      if (kind == ParseErrorKind::kGarbage || s.msg.method == Method::kAck) {
        counters_.Dropped(0);
        return;
      }
      counters_.Request(s.msg.method);
      const int code = kind == ParseErrorKind::kVersionNotSupported ? 505 : 400;
      // The reason phrase says what is wrong (control characters are replaced);
      // a To tag and Server as on every other answer.
      char tag[17];
      ToTag(TransactionKey(s.msg), tag);
      const HeaderField h[] = {{"Server", options_.server_name}};
      BuildResponse(s.msg, code, code == 400 ? std::string_view(parsed.message()) : "", tag, h,
                    reply);
      counters_.Response(code);
      ObserveLatency(start, ctx);
      return;
    }
    if (!s.msg.is_request) {
      counters_.Dropped(1);
      return;
    }
    counters_.Request(s.msg.method);
    switch (s.msg.method) {
      case Method::kAck:
        counters_.Dropped(2);
        return;
      case Method::kOptions: {
        const HeaderField h[] = {{"Allow", kAllow}, {"Accept", "application/sdp"}};
        Respond(s, 200, h, reply);
        break;
      }
      case Method::kCancel: {
        const bool answered = cache_.Contains(TransactionKey(s.msg), NowMs());
        Respond(s, answered ? 200 : 481, {}, reply);
        break;
      }
      case Method::kInvite:
        Invite(s, ctx, reply);
        break;
      default: {
        const HeaderField h[] = {{"Allow", kAllow}};
        Respond(s, 405, h, reply);
        break;
      }
    }
    ObserveLatency(start, ctx);
  }

 private:
  void ObserveLatency(std::chrono::steady_clock::time_point start, const net::MessageContext& ctx) {
    const auto waited = ctx.queued_for + (std::chrono::steady_clock::now() - start);
    counters_.latency_.Observe(std::chrono::duration<double>(waited).count());
  }

  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Steady().time_since_epoch())
        .count();
  }

  void Respond(Scratch& s, int code, std::span<const HeaderField> extra, std::string& reply,
               uint64_t key = 0) {
    char tag[17];
    ToTag(key != 0 ? key : TransactionKey(s.msg), tag);
    std::array<HeaderField, 10> all{};
    std::size_t n = 0;
    for (const HeaderField& h : extra) {
      if (n < all.size() - 1) all[n++] = h;
    }
    all[n++] = {"Server", options_.server_name};
    BuildResponse(s.msg, code, "", tag, std::span<const HeaderField>(all.data(), n), reply);
    counters_.Response(code);
  }

  void Invite(Scratch& s, const net::MessageContext& ctx, std::string& reply) {
    const Message& m = s.msg;
    const uint64_t key = TransactionKey(m);
    const int64_t now = NowMs();
    switch (cache_.LookupOrClaim(key, now, reply)) {
      case internal::TransactionCache::Found::kHit: {
        counters_.retransmissions_.Inc();
        // "SIP/2.0 302 ...": the cached response's code, for the response counts.
        int code = 0;
        if (reply.size() > 11) std::from_chars(reply.data() + 8, reply.data() + 11, code);
        counters_.Response(code);
        return;
      }
      case internal::TransactionCache::Found::kInProgress:
        // A copy that arrived while another thread screens the first one: its
        // answer is on the way (and will be cached for later copies).
        counters_.retransmissions_.Inc();
        reply.clear();
        return;
      case internal::TransactionCache::Found::kClaimed:
        break;
    }
    if (ctx.queued_for > options_.overload_after) {
      cache_.Release(key);
      counters_.overload_.Inc();
      const HeaderField h[] = {{"Retry-After", retry_after_}};
      Respond(s, 503, h, reply, key);
      return;  // not cached: a retransmission may find the server caught up
    }
    if (m.max_forwards == 0) {
      Respond(s, 483, {}, reply, key);
      cache_.Insert(key, now, reply);
      return;
    }
    // A To tag: a re-INVITE inside a dialog, which this server (holding no
    // dialogs) cannot know (RFC 3261 §12.2.2). Never screened as a new call.
    if (!m.to.tag.empty()) {
      Respond(s, 481, {}, reply, key);
      cache_.Insert(key, now, reply);
      return;
    }
    // urn:service:sos (RFC 5031) names an emergency service, not a number: the
    // call is routed unscreened like a call to 110.
    const bool sos = IsSosUrn(m.request_uri_text);
    if (m.request_uri.scheme_id == UriScheme::kOther && !sos) {
      Respond(s, 416, {}, reply, key);
      cache_.Insert(key, now, reply);
      return;
    }
    screen::CallAttempt a;
    a.direction = options_.default_direction;
    if (const auto d = m.Header(options_.direction_header); !d.empty()) {
      if (EqualsIgnoreCase(d, "originating")) a.direction = events::Direction::kOriginating;
      if (EqualsIgnoreCase(d, "terminating")) a.direction = events::Direction::kTerminating;
    }
    a.caller = CallerOf(m);
    a.callee = m.request_uri.user;
    a.identities = m.identity_values();
    a.call_id = m.call_id;
    a.trunk = m.Header(options_.trunk_header);
    if (a.trunk.empty()) a.trunk = ctx.peer_address;
    for (const std::string& t : options_.international_trunks) {
      if (t == a.trunk) a.international_trunk = true;
    }
    a.customer_id = m.Header(options_.customer_header);
    a.emergency_service = sos;
    pipeline_.Screen(a, s.verdict);
    const screen::Verdict& v = s.verdict;

    std::size_t n = 0;
    auto add = [&](std::string_view name, std::string_view value) {
      if (n < s.extra.size()) s.extra[n++] = {name, value};
    };
    if (v.action == screen::Action::kBlock) {
      s.label.clear();
      v.AppendLabel(options_.label_lang, s.label);
      s.reason.clear();
      AppendReasonValue(s.reason, "SIP", v.sip_code, s.label);
      add("Reason", s.reason);
      Respond(s, v.sip_code, std::span<const HeaderField>(s.extra.data(), n), reply, key);
      cache_.Insert(key, now, reply);
      return;
    }
    s.contact.clear();
    if (v.action == screen::Action::kDivert) {
      s.contact.push_back('<');
      s.contact.append(v.divert_uri());
      s.contact.push_back('>');
    } else {
      AppendRedirectContact(s.contact, m);
    }
    add("Contact", s.contact);
    if (!v.signals.identity.empty()) add("Identity", v.signals.identity);
    const screen::SignalValue& verstat = v.signals.Get(screen::SignalId::kShakenVerstat);
    // verstat goes on the P-Asserted-Identity the INVITE carried (3GPP TS
    // 24.229 §5.7.1.20); without one, a PAI is asserted only for a number the
    // PASSporT vouched for — never made up from an unverified From.
    const bool had_pai = !m.asserted_identity_values().empty();
    if (verstat.present && v.signals.caller != 0 && (had_pai || verstat.text == "passed")) {
      s.pai.assign("<tel:+");
      char digits[24];
      const auto r = std::to_chars(digits, digits + sizeof(digits), v.signals.caller);
      s.pai.append(digits, static_cast<std::size_t>(r.ptr - digits));
      s.pai.append(";verstat=");
      s.pai.append(verstat.text == "passed"   ? "TN-Validation-Passed"
                   : verstat.text == "failed" ? "TN-Validation-Failed"
                                              : "No-TN-Validation");
      s.pai.push_back('>');
      add("P-Asserted-Identity", s.pai);
    }
    if (v.action == screen::Action::kLabel) {
      s.label.clear();
      s.label_text.clear();
      v.AppendLabel(options_.label_lang, s.label_text);
      AppendQuoted(s.label, s.label_text);
      s.label.append(";rule=");
      s.label.append(v.rule_name());
      add(options_.label_header, s.label);
    }
    Respond(s, 302, std::span<const HeaderField>(s.extra.data(), n), reply, key);
    cache_.Insert(key, now, reply);
  }

  SipServerOptions options_;
  screen::Pipeline& pipeline_;
  Clock& clock_;
  internal::TransactionCache cache_;
  std::string retry_after_;
  Counters counters_;
  std::unique_ptr<net::MessageServer> server_;
};

}  // namespace

Result<std::unique_ptr<SipServer>> SipServer::Create(SipServerOptions options,
                                                     screen::Pipeline& pipeline, Clock& clock) {
  for (const std::string* h : {&options.label_header, &options.direction_header,
                               &options.customer_header, &options.trunk_header}) {
    if (!IsToken(*h)) return InvalidArgument("'" + *h + "' is not a SIP header name");
  }
  if (options.transaction_capacity == 0 || options.transaction_ttl.count() <= 0 ||
      options.retry_after_seconds < 0 || options.overload_after.count() <= 0) {
    return InvalidArgument("SIP server limits must be positive");
  }
  auto server = std::make_unique<SipServerImpl>(std::move(options), pipeline, clock);
  QUELL_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<SipServer>(std::move(server));
}

}  // namespace quell::sip
