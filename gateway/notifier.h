// Performs the desk's notifications: each one is published on MQTT at once
// (wm/v1/notify/{org}) and, when the org has a webhook, POSTed to it from the notifier's
// own thread. notify() never blocks its caller (the ticket worker, HTTP threads): the MQTT
// publish does not block and the POST is only queued.
//
// Deliveries are queued per org, in the order they were notified, and each org has its
// own due time: a failed POST (an error or any status outside 2xx) is retried after
// first_backoff, doubling up to max_backoff, and after max_attempts failures it is
// dropped, counted and logged. While one org's webhook is failing, only that org waits:
// its later deliveries stay behind the failing one (so a receiver sees them in order),
// and it costs the thread one attempt per back-off, however many deliveries it has queued;
// the other orgs are posted as soon as they are due. The queue holds at most max_queued
// deliveries over all orgs; beyond that the oldest one is dropped and counted.
//
// Metrics: wm_notifications_total, wm_webhook_deliveries_total{result=...},
// wm_webhook_queue_depth (see Metrics). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "gateway/metrics.h"
#include "gateway/webhook_poster.h"
#include "tickets/desk_types.h"

namespace wm::gateway {

struct NotifierOptions {
  std::size_t max_queued = 10000;  // webhook deliveries waiting, over all orgs
  int max_attempts = 8;            // POSTs of one delivery before it is dropped
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
};

// The wait before the next attempt of a delivery that has failed `failures` times (>= 1):
// first_backoff * 2^(failures-1), at most max_backoff. No jitter: deliveries of one org
// are sequential, so a failing org never sends a burst that jitter would spread.
std::chrono::milliseconds webhook_backoff(const NotifierOptions& options, int failures);

class Notifier {
 public:
  // Publishes on MQTT; must not block (the Paho client queues). May throw: the error is
  // logged and counted, and the webhook delivery still goes ahead.
  using Publish = std::function<void(const std::string& topic, const std::string& payload)>;
  // The org's webhook URL in the current inventory, nullopt (or empty) when it has none.
  // Called on notify()'s caller's thread, once per notification; must be quick.
  using WebhookOf = std::function<std::optional<std::string>(const std::string& org)>;

  // `poster` and `metrics` must outlive the Notifier.
  Notifier(Publish publish, WebhookOf webhook_of, WebhookPoster& poster, Metrics& metrics,
           NotifierOptions options = {});
  ~Notifier();  // stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Starts the delivery thread. Deliveries notified before start() wait for it.
  void start();
  // Sends nothing further: waits for a POST in flight (at most the poster's timeout),
  // joins the thread and leaves what is still queued unsent (logged). Idempotent.
  void stop();

  // Publishes `n` as notification_json() on notify_topic(n.org) and queues its webhook
  // delivery when the org has one. Never blocks; a full queue drops its oldest delivery.
  void notify(const tickets::Notification& n);

  // Webhook deliveries waiting, including those waiting out a back-off; not the one
  // being posted.
  [[nodiscard]] std::size_t queued() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Delivery {
    std::uint64_t seq = 0;  // notify() order over all orgs: the smallest is the oldest
    std::string url;
    std::string body;
    std::string what;  // for the log: "escalated notification of ticket T-42"
    int failures = 0;
  };

  // One org's deliveries. An org is either in schedule_ (its front is waiting for `due`),
  // in flight (its front is being posted and is not in `pending`), or absent (nothing
  // queued, and orgs_ has no entry for it).
  struct OrgQueue {
    std::deque<Delivery> pending;
    TimePoint due;
    bool in_flight = false;
  };

  void run();
  // Posts one delivery, unlocked; exceptions from the poster count as errors.
  Result<int> post(const Delivery& delivery);
  void finish_locked(const std::string& org, Delivery delivery, const Result<int>& result);
  void drop_oldest_locked();
  void update_depth_locked();

  Publish publish_;
  WebhookOf webhook_of_;
  WebhookPoster& poster_;
  Metrics& metrics_;
  NotifierOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, OrgQueue> orgs_;
  std::set<std::pair<TimePoint, std::string>> schedule_;  // (due, org), soonest first
  std::size_t queued_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t overflowed_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wm::gateway
