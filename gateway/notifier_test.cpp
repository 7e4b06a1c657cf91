// The Notifier with a scripted fake poster: MQTT at once, webhook retries with back-off,
// one failing org not holding up the others, a full queue, stop with retries pending.
// Back-offs are milliseconds (or an hour, where a test needs "not again"); the tests wait
// on conditions with a deadline and never sleep.
#include "gateway/notifier.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/notification_json.h"

namespace wm::gateway {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr auto kDeadline = 10s;

// Answers each POST by the script of its URL (default: 200) and records it.
class FakePoster final : public WebhookPoster {
 public:
  struct Call {
    std::string url;
    std::string ticket_id;
    Steady::time_point at;
  };
  // Gets the 0-based number of the call to this URL.
  using Script = std::function<Result<int>(int call)>;

  void script(const std::string& url, Script s) {
    std::lock_guard lock(mu_);
    scripts_[url] = std::move(s);
  }

  // While closed, post() waits (a slow receiver).
  void close_gate() {
    std::lock_guard lock(mu_);
    gate_open_ = false;
  }
  void open_gate() {
    {
      std::lock_guard lock(mu_);
      gate_open_ = true;
    }
    cv_.notify_all();
  }

  Result<int> post(const std::string& url, const std::string& json_body) override {
    std::unique_lock lock(mu_);
    calls_.push_back({url, nlohmann::json::parse(json_body).at("ticket_id"), Steady::now()});
    const int n = per_url_[url]++;
    cv_.notify_all();
    cv_.wait(lock, [this] { return gate_open_; });
    const auto it = scripts_.find(url);
    return it == scripts_.end() ? Result<int>(200) : it->second(n);
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Ticket ids posted to `url`, in order.
  std::vector<std::string> tickets_to(const std::string& url) const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const Call& c : calls_) {
      if (c.url == url) out.push_back(c.ticket_id);
    }
    return out;
  }
  bool wait_for_calls(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kDeadline, [&] { return calls_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Script> scripts_;
  std::map<std::string, int> per_url_;
  std::vector<Call> calls_;
  bool gate_open_ = true;
};

// Waits until `done` holds, polling the notifier's effects (counters live in Metrics,
// which has no condition variable of its own). Returns false at the deadline.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = Steady::now() + kDeadline;
  while (!done()) {
    if (Steady::now() > deadline) return false;
    std::this_thread::sleep_for(200us);  // polling interval, not synchronisation
  }
  return true;
}

const std::string kHookA = "http://127.0.0.1:1/a";
const std::string kHookB = "http://127.0.0.1:1/b";

class NotifierTest : public ::testing::Test {
 protected:
  // op-a and op-b have webhooks; any other org has none.
  Notifier::WebhookOf webhooks() {
    return [](const std::string& org) -> std::optional<std::string> {
      if (org == "op-a") return kHookA;
      if (org == "op-b") return kHookB;
      if (org == "op-empty") return std::string();
      return std::nullopt;
    };
  }

  Notifier::Publish publisher() {
    return [this](const std::string& topic, const std::string& payload) {
      std::lock_guard lock(published_mu_);
      published_.emplace_back(topic, payload);
    };
  }

  std::unique_ptr<Notifier> make(NotifierOptions options) {
    return std::make_unique<Notifier>(publisher(), webhooks(), poster_, metrics_, options);
  }

  static tickets::Notification note(const std::string& org, const std::string& ticket) {
    tickets::Notification n;
    n.org = org;
    n.event = tickets::NotificationEvent::kOpened;
    n.audience = "responsible";
    n.ticket_id = ticket;
    n.device_id = "wm-0001";
    n.site_id = "s-001";
    n.at_ms = 1'795'400'840'123;
    n.message = "opened";
    return n;
  }

  std::size_t published_count() {
    std::lock_guard lock(published_mu_);
    return published_.size();
  }

  std::uint64_t count(WebhookResult r) const { return metrics_.webhook_delivery_count(r); }

  FakePoster poster_;
  Metrics metrics_;
  std::mutex published_mu_;
  std::vector<std::pair<std::string, std::string>> published_;
};

TEST_F(NotifierTest, PublishesAtOnceAndPostsTheSameDocument) {
  auto notifier = make({});
  const tickets::Notification n = note("op-a", "T-1");
  notifier->notify(n);  // before start(): the MQTT publish does not wait for the thread
  ASSERT_EQ(published_count(), 1u);
  EXPECT_EQ(published_[0].first, "wm/v1/notify/op-a");
  EXPECT_EQ(published_[0].second, notification_json(n));
  EXPECT_EQ(notifier->queued(), 1u);
  EXPECT_EQ(metrics_.webhook_queue_depth(), 1);

  notifier->start();
  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 1; }));
  ASSERT_EQ(poster_.calls().size(), 1u);
  EXPECT_EQ(poster_.calls()[0].url, kHookA);
  EXPECT_EQ(poster_.calls()[0].ticket_id, "T-1");
  EXPECT_EQ(notifier->queued(), 0u);
  EXPECT_EQ(metrics_.notification_count(), 1u);
  EXPECT_EQ(count(WebhookResult::kRetried), 0u);

  const std::string text = metrics_.render();
  EXPECT_NE(text.find("wm_notifications_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("wm_webhook_deliveries_total{result=\"delivered\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("wm_webhook_deliveries_total{result=\"dropped\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("wm_webhook_queue_depth 0\n"), std::string::npos);
}

TEST_F(NotifierTest, OrgWithoutWebhookIsOnlyPublished) {
  auto notifier = make({});
  notifier->notify(note("pm-7", "T-1"));      // no webhook
  notifier->notify(note("op-empty", "T-2"));  // an empty URL counts as none
  EXPECT_EQ(published_count(), 2u);
  EXPECT_EQ(notifier->queued(), 0u);
  EXPECT_EQ(metrics_.notification_count(), 2u);
}

TEST_F(NotifierTest, FailedPostsAreRetriedWithDoublingBackOffUntilDelivered) {
  poster_.script(kHookA, [](int call) -> Result<int> {
    switch (call) {
      case 0:
        return 500;
      case 1:
        return make_error("webhook_unreachable", kHookA, "connection refused");
      case 2:
        return 302;  // not 2xx: not delivered
      default:
        return 204;
    }
  });
  NotifierOptions options;
  options.first_backoff = 5ms;
  options.max_backoff = 20ms;
  auto notifier = make(options);
  notifier->start();
  notifier->notify(note("op-a", "T-1"));

  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 1; }));
  const auto calls = poster_.calls();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(count(WebhookResult::kRetried), 3u);
  EXPECT_EQ(count(WebhookResult::kDropped), 0u);
  // The thread waits until each retry is due: at least 5, 10, 20 ms apart.
  EXPECT_GE(calls[1].at - calls[0].at, 5ms);
  EXPECT_GE(calls[2].at - calls[1].at, 10ms);
  EXPECT_GE(calls[3].at - calls[2].at, 20ms);
  EXPECT_EQ(notifier->queued(), 0u);
}

TEST_F(NotifierTest, DeliveryIsDroppedAfterMaxAttemptsAndTheNextOneGoesAhead) {
  poster_.script(kHookA, [](int call) -> Result<int> { return call < 3 ? 503 : 200; });
  NotifierOptions options;
  options.max_attempts = 3;
  options.first_backoff = 1ms;
  options.max_backoff = 2ms;
  auto notifier = make(options);
  notifier->notify(note("op-a", "T-1"));
  notifier->notify(note("op-a", "T-2"));
  notifier->start();

  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 1; }));
  EXPECT_EQ(poster_.tickets_to(kHookA), (std::vector<std::string>{"T-1", "T-1", "T-1", "T-2"}));
  EXPECT_EQ(count(WebhookResult::kRetried), 2u);
  EXPECT_EQ(count(WebhookResult::kDropped), 1u);
  EXPECT_EQ(notifier->queued(), 0u);
}

TEST_F(NotifierTest, FailingOrgDoesNotHoldUpOtherOrgs) {
  poster_.script(kHookA, [](int) -> Result<int> { return 500; });
  NotifierOptions options;
  options.first_backoff = std::chrono::hours(1);  // op-a is not tried again in this test
  auto notifier = make(options);
  notifier->notify(note("op-a", "A-1"));
  notifier->notify(note("op-b", "B-1"));
  notifier->notify(note("op-a", "A-2"));
  notifier->notify(note("op-b", "B-2"));
  notifier->start();
  notifier->notify(note("op-b", "B-3"));

  ASSERT_TRUE(eventually([&] {
    return count(WebhookResult::kDelivered) == 3 && count(WebhookResult::kRetried) == 1;
  }));
  EXPECT_EQ(poster_.tickets_to(kHookB), (std::vector<std::string>{"B-1", "B-2", "B-3"}));
  // One attempt for op-a, however much it has queued: A-2 waits behind A-1, in order.
  EXPECT_EQ(poster_.tickets_to(kHookA), (std::vector<std::string>{"A-1"}));
  EXPECT_EQ(notifier->queued(), 2u);
  EXPECT_EQ(metrics_.webhook_queue_depth(), 2);
}

TEST_F(NotifierTest, NotifyNeverWaitsForASlowReceiver) {
  poster_.close_gate();
  auto notifier = make({});
  notifier->start();
  notifier->notify(note("op-a", "A-1"));
  ASSERT_TRUE(poster_.wait_for_calls(1));  // the thread is now stuck in post()
  for (int i = 0; i < 100; ++i) notifier->notify(note(i % 2 ? "op-a" : "op-b", "T"));
  EXPECT_EQ(published_count(), 101u);  // all published while the POST hangs
  EXPECT_EQ(notifier->queued(), 100u);
  poster_.open_gate();
  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 101; }));
}

TEST_F(NotifierTest, FullQueueDropsTheOldestDelivery) {
  NotifierOptions options;
  options.max_queued = 3;
  auto notifier = make(options);
  for (const auto& [org, ticket] : std::vector<std::pair<std::string, std::string>>{
           {"op-a", "A-1"}, {"op-b", "B-1"}, {"op-a", "A-2"}, {"op-b", "B-2"}, {"op-a", "A-3"}}) {
    notifier->notify(note(org, ticket));
  }
  EXPECT_EQ(published_count(), 5u) << "MQTT is never dropped";
  EXPECT_EQ(notifier->queued(), 3u);
  EXPECT_EQ(count(WebhookResult::kOverflow), 2u);
  EXPECT_EQ(metrics_.webhook_queue_depth(), 3);

  notifier->start();
  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 3; }));
  EXPECT_EQ(poster_.tickets_to(kHookA), (std::vector<std::string>{"A-2", "A-3"}));
  EXPECT_EQ(poster_.tickets_to(kHookB), (std::vector<std::string>{"B-2"}));
}

TEST_F(NotifierTest, RetryThatFindsTheQueueFullIsTheOldestAndGoes) {
  poster_.script(kHookA, [](int) -> Result<int> { return 500; });
  poster_.close_gate();
  NotifierOptions options;
  options.max_queued = 2;
  auto notifier = make(options);
  notifier->start();
  notifier->notify(note("op-a", "A-1"));
  ASSERT_TRUE(poster_.wait_for_calls(1));  // A-1 is in flight, not queued
  notifier->notify(note("op-b", "B-1"));
  notifier->notify(note("op-b", "B-2"));
  EXPECT_EQ(count(WebhookResult::kOverflow), 0u);
  poster_.open_gate();  // A-1 fails; its retry would make three

  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 2; }));
  EXPECT_EQ(count(WebhookResult::kRetried), 1u);
  EXPECT_EQ(count(WebhookResult::kOverflow), 1u);
  EXPECT_EQ(poster_.tickets_to(kHookA), (std::vector<std::string>{"A-1"}));
  EXPECT_EQ(notifier->queued(), 0u);
}

TEST_F(NotifierTest, StopWithRetriesPendingReturnsWithoutWaitingForThem) {
  poster_.script(kHookA, [](int) -> Result<int> { return 500; });
  NotifierOptions options;
  options.first_backoff = std::chrono::hours(1);
  auto notifier = make(options);
  notifier->start();
  notifier->notify(note("op-a", "A-1"));
  notifier->notify(note("op-a", "A-2"));
  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kRetried) == 1; }));

  const auto before = Steady::now();
  notifier->stop();
  EXPECT_LT(Steady::now() - before, 5s) << "stop must not wait out a back-off";
  EXPECT_EQ(poster_.calls().size(), 1u);
  EXPECT_EQ(notifier->queued(), 2u);  // left unsent
  notifier->stop();                   // idempotent
  notifier->start();                  // no restart after stop
  EXPECT_EQ(poster_.calls().size(), 1u);
}

TEST_F(NotifierTest, ThrowingPublishAndPosterAreCountedNotPropagated) {
  poster_.script(kHookA, [](int call) -> Result<int> {
    if (call == 0) throw std::runtime_error("boom");
    return 200;
  });
  NotifierOptions fast;
  fast.first_backoff = 1ms;
  Notifier notifier(
      [](const std::string&, const std::string&) { throw std::runtime_error("mqtt buffer full"); },
      webhooks(), poster_, metrics_, fast);
  EXPECT_NO_THROW(notifier.notify(note("op-a", "A-1")));
  EXPECT_EQ(metrics_.notification_publish_error_count(), 1u);
  notifier.start();
  ASSERT_TRUE(eventually([&] { return count(WebhookResult::kDelivered) == 1; }));
  EXPECT_EQ(count(WebhookResult::kRetried), 1u);
}

TEST(WebhookBackoffTest, DoublesFromTheFirstUpToTheCap) {
  const NotifierOptions options;  // 1 s doubling up to 5 min
  EXPECT_EQ(webhook_backoff(options, 1), 1000ms);
  EXPECT_EQ(webhook_backoff(options, 2), 2000ms);
  EXPECT_EQ(webhook_backoff(options, 3), 4000ms);
  EXPECT_EQ(webhook_backoff(options, 8), 128000ms);
  EXPECT_EQ(webhook_backoff(options, 9), 256000ms);
  EXPECT_EQ(webhook_backoff(options, 10), 300000ms);
  EXPECT_EQ(webhook_backoff(options, 1000), 300000ms);  // no overflow

  NotifierOptions inverted;
  inverted.first_backoff = 10s;
  inverted.max_backoff = 1s;
  EXPECT_EQ(webhook_backoff(inverted, 3), 10s) << "the first back-off is never cut";
}

}  // namespace
}  // namespace wm::gateway
