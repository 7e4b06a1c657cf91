// ShutdownSignal: turns SIGINT and SIGTERM into a flag the main loop can wait on, and
// a callback that can wake threads blocked elsewhere (e.g. on a full publish window).
//
// Construct it before any other thread is started (in particular before the Paho
// client): it blocks the two signals in the constructing thread, threads started later
// inherit the mask, and one watcher thread takes them with sigtimedwait(). So no
// handler ever runs inside Paho or the allocator. One instance per process.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace wm::sim {

class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  // Runs on the watcher thread for every signal taken, before requested() turns true;
  // `count` is 1 for the first. Must not block, and must not call this object.
  void on_signal(std::function<void(int count)> callback);

  bool requested() const { return count_.load() > 0; }
  int count() const { return count_.load(); }

  // Sleeps up to `timeout`, returning early (true) when a signal has been taken.
  bool wait_for(std::chrono::milliseconds timeout);

 private:
  void watch();

  std::atomic<int> count_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable taken_;
  std::function<void(int)> callback_;  // guarded by mutex_
  std::thread watcher_;
};

}  // namespace wm::sim
