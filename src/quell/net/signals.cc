// Termination signals are taken synchronously with sigwait() by one thread
// (main), so no async-signal-safety constraints leak into the rest of Quell.
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

#include "quell/net/http_server.h"

namespace quell::net {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForSignal(std::chrono::milliseconds timeout) {
  const sigset_t set = TerminationSignals();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec ts{.tv_sec = static_cast<time_t>(secs.count()),
                    .tv_nsec = static_cast<long>((timeout - secs).count() * 1'000'000)};
  while (true) {
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return sig;
    if (errno == EAGAIN) return 0;  // timed out; EINTR: wait again
  }
}

}  // namespace quell::net
