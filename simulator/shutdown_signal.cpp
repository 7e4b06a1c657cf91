#include "simulator/shutdown_signal.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <ctime>

namespace wm::sim {
namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  const sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] { watch(); });
}

ShutdownSignal::~ShutdownSignal() {
  stopping_ = true;
  watcher_.join();
}

void ShutdownSignal::on_signal(std::function<void(int count)> callback) {
  std::lock_guard<std::mutex> lock(mutex_);
  callback_ = std::move(callback);
}

bool ShutdownSignal::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return taken_.wait_for(lock, timeout, [this] { return requested(); });
}

void ShutdownSignal::watch() {
  const sigset_t set = shutdown_signals();
  // A short timeout lets the destructor stop the thread without sending it a signal.
  const timespec poll{0, 200'000'000};
  while (!stopping_) {
    const int signal = sigtimedwait(&set, nullptr, &poll);
    if (signal != SIGINT && signal != SIGTERM) continue;
    int count = 0;
    {
      // The callback runs before the flag is visible: whoever sees requested() may
      // rely on the callback having run. The lock keeps wait_for() from missing it.
      std::lock_guard<std::mutex> lock(mutex_);
      count = count_.load() + 1;
      if (callback_) callback_(count);
      count_ = count;
    }
    taken_.notify_all();
    spdlog::info("{} received{}", signal == SIGINT ? "SIGINT" : "SIGTERM",
                 count == 1 ? ": shutting down (again to abandon the clean shutdown)" : "");
  }
}

}  // namespace wm::sim
