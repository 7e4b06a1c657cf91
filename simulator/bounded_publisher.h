// BoundedPublisher: one Paho MQTT async client that publishes for many simulated
// machines, with a cap on the publishes in flight.
//
// Why the cap: Paho's async publish() only queues a message; past the client's
// max_buffered_messages it throws MQTTASYNC_MAX_BUFFERED_MESSAGES (-12), which with the
// default of 100 happens after about 100 quick publishes (TOOLCHAIN trap 6). Here
// publish() blocks while `window` messages are outstanding (handed to Paho but not yet
// written, for QoS 0, or acknowledged, for QoS 1), and the client buffers more than the
// window; should Paho still refuse for a full buffer, publish() waits for completions
// and offers the same message again — a refused publish was not taken, so nothing is
// lost or sent twice. Completions arrive on Paho's thread and only count and notify:
// waiting on a token there would deadlock (trap 8).
//
// Threads: publish(), flush() and disconnect() from one thread; cancel() from any.
#pragma once

#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::sim {

// Publishes in flight by default. Measured with 200k messages from 10k machines
// against a local broker (flood, pinned): 64-256 fastest for QoS 0 and 1; 1024 cost
// QoS 1 about 30%; 4096 cost QoS 0 about 40% (Paho's bookkeeping grows with what it
// holds). 256 leaves room for the round trip of QoS 1 acknowledgements.
inline constexpr std::size_t kDefaultWindow = 256;

struct PublisherOptions {
  std::string server_uri;               // "tcp://127.0.0.1:1883"
  std::string client_id;                // unique on the broker (trap 10)
  std::size_t window = kDefaultWindow;  // publishes outstanding at most
  bool auto_reconnect = false;          // keep going through a broker restart (live fleet)
  // Last will of this connection, published retained at QoS 1 by the broker if the
  // connection dies without a clean disconnect.
  std::optional<std::pair<std::string, std::string>> will;  // topic, payload
};

class BoundedPublisher {
 public:
  // Connects and waits up to `timeout`. Error "connect_failed" says why.
  [[nodiscard]] static Result<std::unique_ptr<BoundedPublisher>> connect(
      const PublisherOptions& options, std::chrono::milliseconds timeout);

  ~BoundedPublisher();
  BoundedPublisher(const BoundedPublisher&) = delete;
  BoundedPublisher& operator=(const BoundedPublisher&) = delete;

  using Deadline = std::chrono::steady_clock::time_point;
  static constexpr Deadline kNoDeadline = Deadline::max();

  // Hands one message to the client, blocking while the window is full. Errors:
  // "cancelled" (cancel() was called), "timeout" (still blocked at `deadline`),
  // "publish_failed" (the client refused it for another reason than a full buffer,
  // e.g. disconnected without auto-reconnect).
  [[nodiscard]] Status publish(const mqtt::string_ref& topic, std::string_view payload, int qos,
                               bool retained, Deadline deadline = kNoDeadline);

  // Waits until every outstanding publish completed; false on timeout or cancel().
  bool flush(std::chrono::milliseconds timeout);

  // Clean MQTT disconnect, letting Paho finish in-flight work for up to `timeout`.
  [[nodiscard]] Status disconnect(std::chrono::milliseconds timeout);

  // Wakes and fails a blocked publish() or flush(), and every later one until
  // resume(); used by signal handling.
  void cancel();
  void resume();

  bool connected() const { return client_->is_connected(); }
  std::uint64_t completed() const { return completed_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::uint64_t buffer_full_retries() const { return buffer_full_retries_; }
  // True once after each automatic reconnection (the caller republishes retained state).
  bool take_reconnected() { return reconnected_.exchange(false); }

 private:
  explicit BoundedPublisher(const PublisherOptions& options);

  // Counts completions; runs on Paho's thread.
  class CompletionCounter : public mqtt::iaction_listener {
   public:
    explicit CompletionCounter(BoundedPublisher& owner) : owner_(owner) {}
    void on_success(const mqtt::token&) override { owner_.complete(true); }
    void on_failure(const mqtt::token&) override { owner_.complete(false); }

   private:
    BoundedPublisher& owner_;
  };

  void complete(bool ok);
  // Waits on changed_ until `ready` or the deadline; false on timeout.
  template <class Predicate>
  bool wait_until(Deadline deadline, Predicate ready);
  void notify_waiters();

  PublisherOptions options_;
  // The fast path (window not full) takes no lock: a lock shared with Paho's callback
  // thread showed up as contention at tens of thousands of messages a second. Waiters
  // announce themselves in waiters_ so that complete() only locks and notifies when
  // someone is waiting; both check outstanding_ under mutex_, so no wake-up is lost.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<std::size_t> outstanding_{0};
  std::atomic<bool> cancelled_{false};
  std::atomic<int> waiters_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<bool> reconnected_{false};
  std::atomic<bool> ever_connected_{false};
  std::uint64_t buffer_full_retries_ = 0;
  CompletionCounter counter_{*this};
  // Declared last: destroyed first, while the listener it calls still exists.
  std::unique_ptr<mqtt::async_client> client_;
};

}  // namespace wm::sim
