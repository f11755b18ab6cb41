// UDP: every thread blocks in recvmmsg on the one shared socket, serves the
// batch it got, and sends the replies with one sendmmsg. A shared socket rather
// than one SO_REUSEPORT socket per thread: the kernel spreads reuseport sockets
// by flow hash, and a carrier's proxy sends everything from one address and
// port, which would put its whole load on one thread while the others idle, and
// stall it all behind one slow handler call. Measured on loopback, both cost
// about the same CPU per request at 10k req/s; batching is what pays: a batch
// of 1 cost ~2x the CPU per request of batches of 32 at saturation.
#include "quell/net/internal/datagram_server.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace quell::net::internal {
namespace {

constexpr int kBatch = 32;
// A reply waits for the rest of its batch at most about this long; then the
// replies gathered so far leave before the next message is served.
constexpr int64_t kMaxReplyDelayNs = 200'000;
constexpr std::size_t kMaxDatagramBytes = 65535;
// A receive timestamp and one packet-info message (a dual-stack IPv6 socket
// reports IPv4 packets with IPV6_PKTINFO), with room to spare.
constexpr std::size_t kReceiveControlBytes =
    CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo));
constexpr std::size_t kSendControlBytes =
    CMSG_SPACE(std::max(sizeof(in6_pktinfo), sizeof(in_pktinfo)));

int64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string ErrnoText(int e) { return std::system_category().message(e); }

bool IsWildcard(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr == htonl(INADDR_ANY);
  }
  return addr->sa_family == AF_INET6 &&
         IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
}

// Where a datagram was sent to, from its packet-info control message.
struct Destination {
  int family = 0;  // 0: none reported
  in_addr v4{};
  in_addr v4_source{};  // ipi_spec_dst: the local address to answer from
  in6_addr v6{};
  unsigned v6_ifindex = 0;
};

}  // namespace

// One receive thread's batch: buffers, headers and reply strings, all reused.
class DatagramWorker {
 public:
  explicit DatagramWorker(DatagramServer& server)
      : server_(server),
        metrics_(server.metrics_.udp),
        slot_bytes_(std::min(server.options_.max_message_bytes, kMaxDatagramBytes)),
        buffers_(std::make_unique_for_overwrite<char[]>(slot_bytes_ * kBatch)) {
    for (int i = 0; i < kBatch; ++i) {
      Slot& s = slots_[i];
      s.iov = {buffers_.get() + slot_bytes_ * i, slot_bytes_};
      msghdr& h = received_[i].msg_hdr;
      h.msg_name = &s.peer;
      h.msg_iov = &s.iov;
      h.msg_iovlen = 1;
      h.msg_control = s.control;
      ResetReceive(i);
    }
    ctx_.transport = Transport::kUdp;
    if (!server_.wildcard_) {
      ctx_.local_address = server_.bound_address_.text();
    }
    ctx_.local_port = server_.port_;
  }

  void Run() {
    int used = 0;
    for (;;) {
      for (int i = 0; i < used; ++i) ResetReceive(i);
      const int n = recvmmsg(server_.fd_, received_.data(), kBatch, MSG_WAITFORONE, nullptr);
      // Shutdown() sets the flag, then shuts the socket down, which wakes every
      // thread blocked here (with empty "datagrams").
      if (server_.stopping_.load(std::memory_order_acquire)) return;
      if (n < 0) {
        used = 0;
        OnReceiveError(errno);
        continue;
      }
      used = n;
      batch_ns_ = RealtimeNs();
      metrics_.received.Inc(n);
      for (int i = 0; i < n; ++i) Serve(i);
      Flush();
    }
  }

 private:
  struct Slot {
    sockaddr_storage peer;
    alignas(cmsghdr) unsigned char control[kReceiveControlBytes];
    alignas(cmsghdr) unsigned char reply_control[kSendControlBytes];
    iovec iov;
    iovec reply_iov;
    std::string reply;
  };

  void ResetReceive(int i) {
    msghdr& h = received_[i].msg_hdr;
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_controllen = sizeof(slots_[i].control);
    h.msg_flags = 0;
  }

  void OnReceiveError(int e) {
    if (e == EINTR || e == EAGAIN) return;
    if (LogAllowed()) spdlog::error("message server: UDP receive failed: {}", ErrnoText(e));
    // Whatever it is (ENOMEM, say), do not spin on it.
    timespec pause{0, 1'000'000};
    nanosleep(&pause, nullptr);
  }

  void Serve(int i) {
    const mmsghdr& m = received_[i];
    Slot& s = slots_[i];
    if (m.msg_len == 0) return;  // nothing to serve (and not a protocol's message)
    if ((m.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      metrics_.oversize.Inc();
      if (spdlog::should_log(spdlog::level::debug)) {
        spdlog::debug(
            "message server: dropped a UDP datagram over {} bytes from {}", slot_bytes_,
            FormatEndpoint(reinterpret_cast<const sockaddr*>(&s.peer), m.msg_hdr.msg_namelen));
      }
      return;
    }
    int64_t stamp_ns = batch_ns_;
    Destination dest;
    ReadControl(m.msg_hdr, stamp_ns, dest);
    const int64_t now_ns = RealtimeNs();
    if (pending_ > 0 && now_ns - first_pending_ns_ > kMaxReplyDelayNs) Flush();

    peer_text_.Update(reinterpret_cast<const sockaddr*>(&s.peer), m.msg_hdr.msg_namelen);
    ctx_.peer_address = peer_text_.text();
    ctx_.peer_port = peer_text_.port();
    if (server_.wildcard_) SetLocalAddress(dest);
    ctx_.queued_for = std::chrono::nanoseconds(std::max<int64_t>(0, now_ns - stamp_ns));

    s.reply.clear();
    const std::string_view message(static_cast<const char*>(s.iov.iov_base), m.msg_len);
    CallHandler(server_.handler_, message, ctx_, s.reply, metrics_);
    if (s.reply.empty()) return;
    QueueReply(i, dest, now_ns);
  }

  static void ReadControl(const msghdr& h, int64_t& stamp_ns, Destination& dest) {
    // CMSG_NXTHDR takes a non-const msghdr but only reads it.
    auto* hdr = const_cast<msghdr*>(&h);
    for (cmsghdr* c = CMSG_FIRSTHDR(hdr); c != nullptr; c = CMSG_NXTHDR(hdr, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        stamp_ns = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        dest.family = AF_INET;
        dest.v4 = info.ipi_addr;
        dest.v4_source = info.ipi_spec_dst;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        dest.family = AF_INET6;
        dest.v6 = info.ipi6_addr;
        dest.v6_ifindex = info.ipi6_ifindex;
      }
    }
  }

  void SetLocalAddress(const Destination& dest) {
    sockaddr_storage local{};
    socklen_t len = 0;
    if (dest.family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&local);
      in->sin_family = AF_INET;
      in->sin_port = htons(server_.port_);
      in->sin_addr = dest.v4;
      len = sizeof(sockaddr_in);
    } else if (dest.family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(server_.port_);
      in6->sin6_addr = dest.v6;
      len = sizeof(sockaddr_in6);
    } else {
      ctx_.local_address = server_.bound_address_.text();
      return;
    }
    local_text_.Update(reinterpret_cast<const sockaddr*>(&local), len);
    ctx_.local_address = local_text_.text();
  }

  void QueueReply(int i, const Destination& dest, int64_t now_ns) {
    Slot& s = slots_[i];
    msghdr& h = to_send_[pending_].msg_hdr;
    h.msg_name = &s.peer;
    h.msg_namelen = received_[i].msg_hdr.msg_namelen;
    s.reply_iov = {s.reply.data(), s.reply.size()};
    h.msg_iov = &s.reply_iov;
    h.msg_iovlen = 1;
    h.msg_control = nullptr;
    h.msg_controllen = 0;
    h.msg_flags = 0;
    // Bound to a wildcard address, answer from the address the request was
    // sent to: a peer ignores (or cannot route back to) replies from another.
    if (dest.family == AF_INET) {
      h.msg_control = s.reply_control;
      h.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      info.ipi_spec_dst = dest.v4_source;
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    } else if (dest.family == AF_INET6) {
      h.msg_control = s.reply_control;
      h.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      in6_pktinfo info{};
      info.ipi6_addr = dest.v6;
      // The interface matters only for link-local addresses; elsewhere let
      // routing choose.
      if (IN6_IS_ADDR_LINKLOCAL(&dest.v6)) info.ipi6_ifindex = dest.v6_ifindex;
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    }
    if (pending_++ == 0) first_pending_ns_ = now_ns;
  }

  void Flush() {
    int sent = 0;
    while (sent < pending_) {
      const int n = sendmmsg(server_.fd_, &to_send_[sent], pending_ - sent, 0);
      if (n > 0) {
        sent += n;
        continue;
      }
      const int e = errno;
      if (n < 0 && e == EINTR) continue;
      // The message at `sent` failed (EMSGSIZE, EPERM from a firewall,
      // ENETUNREACH...): count it and go on with the rest.
      metrics_.send_failed.Inc();
      if (LogAllowed()) {
        const auto* peer = static_cast<const sockaddr*>(to_send_[sent].msg_hdr.msg_name);
        spdlog::warn("message server: UDP reply of {} bytes to {} not sent: {}",
                     to_send_[sent].msg_hdr.msg_iov->iov_len,
                     FormatEndpoint(peer, to_send_[sent].msg_hdr.msg_namelen), ErrnoText(e));
      }
      ++sent;
    }
    pending_ = 0;
  }

  DatagramServer& server_;
  TransportMetrics& metrics_;
  const std::size_t slot_bytes_;
  std::unique_ptr<char[]> buffers_;
  std::array<Slot, kBatch> slots_;
  std::array<mmsghdr, kBatch> received_{};
  std::array<mmsghdr, kBatch> to_send_{};
  int pending_ = 0;
  int64_t first_pending_ns_ = 0;
  int64_t batch_ns_ = 0;
  AddressText peer_text_;
  AddressText local_text_;
  MessageContext ctx_;
};

DatagramServer::DatagramServer(const MessageServerOptions& options, const MessageHandler& handler,
                               MessageMetrics& metrics)
    : options_(options), handler_(handler), metrics_(metrics) {}

DatagramServer::~DatagramServer() { Stop(); }

Status DatagramServer::Bind(const sockaddr* addr, socklen_t len) {
  const std::string where = "UDP " + FormatEndpoint(addr, len);
  family_ = addr->sa_family;
  fd_ = socket(family_, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Unavailable("cannot create a socket for " + where + ": " + ErrnoText(errno));
  auto fail = [&](const std::string& what) {
    const int e = errno;
    close(fd_);
    fd_ = -1;
    return Unavailable(what + " " + where + ": " + ErrnoText(e));
  };
  const int one = 1;
  if (setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) != 0) {
    // queued_for then counts from when the thread read the batch.
    spdlog::warn("message server: no kernel receive timestamps on {}: {}", where, ErrnoText(errno));
  }
  wildcard_ = IsWildcard(addr);
  if (wildcard_) {
    const bool ok = family_ == AF_INET
                        ? setsockopt(fd_, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) == 0
                        : setsockopt(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) == 0;
    if (!ok) return fail("cannot ask for packet info on");
  }
  if (const int want = options_.udp_receive_buffer_bytes; want > 0) {
    // SO_RCVBUFFORCE passes net.core.rmem_max when we have CAP_NET_ADMIN.
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) != 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
    }
    int got = 0;
    socklen_t got_len = sizeof(got);
    getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &got, &got_len);
    // The kernel reports twice what it granted (it counts its bookkeeping).
    if (got / 2 < want) {
      spdlog::warn(
          "message server: UDP receive buffer on {} is {} bytes, not the {} configured; raise "
          "net.core.rmem_max to absorb bursts",
          where, got / 2, want);
    }
  }
  if (bind(fd_, addr, len) != 0) return fail("cannot bind");
  sockaddr_storage local{};
  socklen_t local_len = sizeof(local);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    return fail("cannot read the address of");
  }
  bound_address_.Set(reinterpret_cast<const sockaddr*>(&local), local_len);
  port_ = bound_address_.port();
  return Status::Ok();
}

Status DatagramServer::Start(int threads) {
  try {
    for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<DatagramWorker>(*this));
    for (auto& w : workers_) threads_.emplace_back([worker = w.get()] { worker->Run(); });
  } catch (const std::exception& e) {
    Stop();
    return Internal(std::string("cannot start UDP receive threads: ") + e.what());
  }
  return Status::Ok();
}

void DatagramServer::Stop() {
  stopping_.store(true, std::memory_order_release);
  // On Linux this wakes every thread blocked in recvmmsg, even on an
  // unconnected UDP socket (where it also returns ENOTCONN).
  if (fd_ >= 0) shutdown(fd_, SHUT_RD);
  for (auto& t : threads_) t.join();
  threads_.clear();
  workers_.clear();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace quell::net::internal
