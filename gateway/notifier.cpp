#include "gateway/notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "gateway/notification_json.h"

namespace wm::gateway {
namespace {

bool is_2xx(int status) { return status >= 200 && status < 300; }

std::string describe_failure(const Result<int>& result) {
  if (result.ok()) return "HTTP " + std::to_string(*result);
  return result.error().code + ": " + result.error().message;
}

}  // namespace

std::chrono::milliseconds webhook_backoff(const NotifierOptions& options, int failures) {
  const auto cap = std::max(options.max_backoff, options.first_backoff);
  auto delay = options.first_backoff;
  for (int i = 1; i < failures && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Notifier::Notifier(Publish publish, WebhookOf webhook_of, WebhookPoster& poster, Metrics& metrics,
                   NotifierOptions options)
    : publish_(std::move(publish)),
      webhook_of_(std::move(webhook_of)),
      poster_(poster),
      metrics_(metrics),
      options_(options) {}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void Notifier::stop() {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = !stopping_;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  if (first && queued_ > 0) {
    spdlog::warn("notifier stopped with {} webhook deliveries unsent", queued_);
  }
}

void Notifier::notify(const tickets::Notification& n) {
  metrics_.notification();
  std::string body = notification_json(n);
  try {
    publish_(notify_topic(n.org), body);
  } catch (const std::exception& e) {
    metrics_.notification_publish_error();
    spdlog::warn("notification for org {} not published on MQTT: {}", n.org, e.what());
  }

  std::optional<std::string> url = webhook_of_(n.org);
  if (!url || url->empty()) return;
  Delivery delivery;
  delivery.url = std::move(*url);
  delivery.body = std::move(body);
  delivery.what =
      std::string(tickets::to_string(n.event)) + " notification of ticket " + n.ticket_id;

  std::lock_guard lock(mu_);
  if (options_.max_queued == 0) {
    metrics_.webhook_delivery(WebhookResult::kOverflow);
    return;
  }
  if (queued_ >= options_.max_queued) drop_oldest_locked();
  delivery.seq = next_seq_++;
  const auto [it, created] = orgs_.try_emplace(n.org);
  OrgQueue& org = it->second;
  org.pending.push_back(std::move(delivery));
  ++queued_;
  if (created) {
    // A new org is due at once; an org already present is in schedule_ or in flight, and
    // its new delivery waits behind the ones before it.
    org.due = std::chrono::steady_clock::now();
    schedule_.emplace(org.due, n.org);
    cv_.notify_one();
  }
  update_depth_locked();
}

std::size_t Notifier::queued() const {
  std::lock_guard lock(mu_);
  return queued_;
}

void Notifier::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (schedule_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = schedule_.begin();
    if (next->first > std::chrono::steady_clock::now()) {
      // Woken early by notify() (perhaps a sooner org) or stop(); either way look again.
      cv_.wait_until(lock, next->first);
      continue;
    }
    std::string org_id = next->second;
    schedule_.erase(next);
    OrgQueue& org = orgs_.at(org_id);
    Delivery delivery = std::move(org.pending.front());
    org.pending.pop_front();
    org.in_flight = true;
    --queued_;
    update_depth_locked();

    lock.unlock();
    const Result<int> result = post(delivery);
    lock.lock();
    finish_locked(org_id, std::move(delivery), result);
  }
}

Result<int> Notifier::post(const Delivery& delivery) {
  try {
    return poster_.post(delivery.url, delivery.body);
  } catch (const std::exception& e) {
    return make_error("webhook_unreachable", delivery.url, e.what());
  }
}

void Notifier::finish_locked(const std::string& org_id, Delivery delivery,
                             const Result<int>& result) {
  // In flight, so never erased meanwhile; it stays marked in flight until the end, so
  // that drop_oldest_locked() below cannot erase it either.
  OrgQueue& org = orgs_.at(org_id);
  const auto now = std::chrono::steady_clock::now();
  org.due = now;
  if (result.ok() && is_2xx(*result)) {
    metrics_.webhook_delivery(WebhookResult::kDelivered);
  } else if (++delivery.failures >= options_.max_attempts) {
    metrics_.webhook_delivery(WebhookResult::kDropped);
    spdlog::warn("webhook of org {} failed {} times, last with {}; dropped the {}", org_id,
                 delivery.failures, describe_failure(result), delivery.what);
  } else {
    metrics_.webhook_delivery(WebhookResult::kRetried);
    const auto delay = webhook_backoff(options_, delivery.failures);
    spdlog::debug("webhook of org {} failed with {}; retrying the {} in {} ms", org_id,
                  describe_failure(result), delivery.what, delay.count());
    org.due = now + delay;
    org.pending.push_front(std::move(delivery));
    ++queued_;
    // The queue may have filled while the POST was out; the oldest then goes, and that
    // may be this very delivery.
    if (queued_ > options_.max_queued) drop_oldest_locked();
  }
  org.in_flight = false;
  if (org.pending.empty()) {
    orgs_.erase(org_id);
  } else {
    schedule_.emplace(org.due, org_id);
  }
  update_depth_locked();
}

void Notifier::drop_oldest_locked() {
  // Linear in the number of orgs with deliveries queued: few, and this runs only when
  // the queue is full.
  auto oldest = orgs_.end();
  for (auto it = orgs_.begin(); it != orgs_.end(); ++it) {
    if (it->second.pending.empty()) continue;
    if (oldest == orgs_.end() ||
        it->second.pending.front().seq < oldest->second.pending.front().seq) {
      oldest = it;
    }
  }
  if (oldest == orgs_.end()) return;
  OrgQueue& org = oldest->second;
  const Delivery dropped = std::move(org.pending.front());
  org.pending.pop_front();
  --queued_;
  metrics_.webhook_delivery(WebhookResult::kOverflow);
  // One line per thousand: a receiver down for hours must not flood the log.
  if (overflowed_++ % 1000 == 0) {
    spdlog::warn("webhook queue full ({} deliveries): dropped the {} for org {} ({} so far)",
                 options_.max_queued, dropped.what, oldest->first, overflowed_);
  }
  if (org.pending.empty() && !org.in_flight) {
    schedule_.erase({org.due, oldest->first});
    orgs_.erase(oldest);
  }
}

void Notifier::update_depth_locked() {
  metrics_.set_webhook_queue_depth(static_cast<std::int64_t>(queued_));
}

}  // namespace wm::gateway
