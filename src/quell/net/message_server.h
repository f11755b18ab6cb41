// MessageServer: a request/reply message transport over UDP and TCP, for
// protocols where each request gets at most one reply (the SIP screening front:
// INVITE in, 302/603/503 out). It knows nothing of the protocol: it receives
// messages, calls a handler, and sends what the handler wrote back to the sender.
// Boost stays inside net/'s .cc files; this header is light.
//
//   auto server = net::MessageServer::Create(options,
//       [&](std::string_view msg, const net::MessageContext& ctx, std::string& reply) {
//         if (ctx.queued_for > 50ms) return Busy(msg, reply);  // shed load cheaply
//         Answer(msg, reply);
//       },
//       sip::FrameStream);  // message boundaries on TCP
//   QUELL_RETURN_IF_ERROR((*server)->Start());
//   ...
//   (*server)->Shutdown();
//
// UDP: one socket, read by `threads` threads, each blocking in recvmmsg for up to
// 32 datagrams per call; the replies of a batch leave in one sendmmsg (a reply
// is held back at most ~200 µs for its batch-mates). A datagram is one message;
// its reply goes to the datagram's source address and port, from the address it
// was sent to (also when bound to a wildcard address). Datagrams over
// max_message_bytes are dropped and counted, never passed on truncated; empty
// datagrams are ignored.
//
// TCP: `threads` I/O threads, each with its own listening socket (SO_REUSEPORT)
// and connections. The StreamFramer finds message boundaries in what a
// connection has buffered; several messages in one read (pipelining) and a
// message split across reads are both handled, and replies are written in
// order. A connection is closed when the framer reports an error, when a
// message exceeds max_message_bytes, when the peer sends nothing for
// tcp_idle_timeout, or when the server shuts down. Connections beyond
// max_tcp_connections are accepted and closed at once.
//
// The handler runs synchronously on a server thread, concurrently on several
// threads, and must be thread-safe; it should not block (a UDP thread serves a
// whole batch, a TCP thread all its connections). An exception escaping it is
// logged and counted, and the message gets no reply.
//
// Metrics (quell::metrics), label transport="udp"|"tcp":
//   quell_net_messages_received_total{transport}   messages received (dropped ones included)
//   quell_net_messages_dropped_total{transport,reason}  reason: "oversize" (over
//       max_message_bytes), "framing" (the framer failed; the connection closed),
//       "handler_error" (the handler threw), "send_failed" (the reply could not be sent)
//   quell_net_tcp_connections                       open TCP connections (gauge)
//   quell_net_tcp_connections_rejected_total        closed on accept: over max_tcp_connections
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "quell/core/status.h"

namespace quell::net {

enum class Transport { kUdp, kTcp };

// Where a message came from and how long it waited. The string_views point into
// server-owned buffers and are valid only during the handler call.
struct MessageContext {
  Transport transport = Transport::kUdp;
  // The sender: "192.0.2.7" or "2001:db8::7" (IPv4-mapped IPv6 shown as IPv4).
  std::string_view peer_address;
  uint16_t peer_port = 0;
  // The address and port the message was sent to (the actual local address,
  // also when the server is bound to "0.0.0.0" or "::").
  std::string_view local_address;
  uint16_t local_port = 0;
  // How long the message waited before the handler got it: for UDP, from the
  // kernel's receive timestamp (SO_TIMESTAMPNS); for TCP, from when its last
  // bytes were read from the socket. Includes the handler time of messages
  // served before it in the same batch. Never negative. A handler may answer
  // "busy" cheaply when this grows (the server is behind).
  std::chrono::nanoseconds queued_for{0};
  // TCP: identifies the connection (unique for the server's life, never 0).
  // UDP: 0.
  uint64_t connection_id = 0;
};

// Handles one message. `reply` is empty on entry (its capacity is reused
// between calls); whatever the handler leaves in it is sent to the sender, and
// leaving it empty sends nothing. `message` is valid only during the call.
using MessageHandler =
    std::function<void(std::string_view message, const MessageContext& ctx, std::string& reply)>;

// What a StreamFramer found at the start of a TCP connection's buffered bytes.
struct Frame {
  enum Kind {
    kNeedMore,  // no complete message yet: read more (`length` unused)
    kMessage,   // the first `length` bytes are one message: pass them to the handler
    kSkip,      // discard the first `length` bytes (e.g. keep-alive CRLFs), send `reply`
                // if it is not empty (a keep-alive's pong), and look again
    kError,     // the stream cannot be framed: close the connection
  };
  Kind kind = kNeedMore;
  std::size_t length = 0;
  // kError: why, for the server's log ("Content-Length is not a number"). Must
  // stay valid after the framer returns (a string literal, say).
  std::string_view reason;
  // kSkip: bytes to send back (RFC 5626's CRLF pong); same lifetime rule.
  std::string_view reply;

  static Frame NeedMore() { return {kNeedMore, 0, {}, {}}; }
  static Frame Message(std::size_t length) { return {kMessage, length, {}, {}}; }
  static Frame Skip(std::size_t length, std::string_view reply = {}) {
    return {kSkip, length, {}, reply};
  }
  static Frame Error(std::string_view reason) { return {kError, 0, reason, {}}; }
};

// Frames a TCP byte stream. Called with every byte buffered on a connection and
// not yet consumed (`buffered` starts where the previous message ended, never
// empty), once per read and again after each kMessage/kSkip. For kMessage and
// kSkip, `length` must be in [1, buffered.size()]; anything else counts as a
// framing error. Called on I/O threads concurrently, so it must be thread-safe
// (a pure function is best). The server closes a connection whose buffered,
// unframed bytes exceed max_message_bytes, so the framer's scanning per read is
// bounded by that.
using StreamFramer = std::function<Frame(std::string_view buffered)>;

struct MessageServerOptions {
  // Address to bind both transports to: an IPv4 or IPv6 literal or a host name.
  // "0.0.0.0" or "::" listen on every address ("::" also takes IPv4 peers).
  std::string host = "127.0.0.1";
  bool enable_udp = true;
  bool enable_tcp = true;
  uint16_t udp_port = 5060;  // 0 picks a free port (see MessageServer::udp_port)
  uint16_t tcp_port = 5060;  // 0 picks a free port (independently of udp_port)
  // UDP receive threads, and also TCP I/O threads; 0 = one per core.
  int threads = 0;
  // Largest message accepted, in bytes. Larger UDP datagrams are dropped; a TCP
  // connection whose next message is larger (or whose unframed bytes grow past
  // this) is closed. Both are counted as reason="oversize".
  std::size_t max_message_bytes = 65535;
  // A TCP connection the peer has sent nothing on for this long is closed.
  std::chrono::milliseconds tcp_idle_timeout{120'000};
  std::size_t max_tcp_connections = 4096;
  // SO_RCVBUF for the UDP socket, so bursts queue in the kernel rather than
  // being lost; 0 keeps the system default. Above net.core.rmem_max it is capped
  // (unless the process has CAP_NET_ADMIN), and a warning is logged.
  int udp_receive_buffer_bytes = 4 << 20;
};

class MessageServer {
 public:
  virtual ~MessageServer() = default;

  // Validates the options: InvalidArgument on a null handler, a null framer
  // with TCP enabled, neither transport enabled, negative threads, or a zero
  // max_message_bytes, tcp_idle_timeout or max_tcp_connections. Does not bind.
  static Result<std::unique_ptr<MessageServer>> Create(MessageServerOptions options,
                                                       MessageHandler handler, StreamFramer framer);

  // Binds the enabled transports and starts serving on background threads;
  // returns once both are bound. Unavailable if the host cannot be resolved or
  // a port cannot be bound (say, another socket holds it), with nothing left
  // bound; FailedPrecondition if called twice or after Shutdown().
  virtual Status Start() = 0;

  // The bound ports (useful with port 0); 0 for a disabled transport or before
  // Start(). Thread-safe.
  virtual uint16_t udp_port() const = 0;
  virtual uint16_t tcp_port() const = 0;

  // Stops serving: closes the sockets and every TCP connection (replies not yet
  // written are lost; SIP retransmits) and joins the threads, after each
  // finishes the handler call it is in. Thread-safe and idempotent; blocks
  // until done. Must not be called from the handler. The destructor calls it.
  virtual void Shutdown() = 0;
};

}  // namespace quell::net
