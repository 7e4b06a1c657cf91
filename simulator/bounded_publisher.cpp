#include "simulator/bounded_publisher.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace wm::sim {
namespace {

// Room in Paho's buffer above the window: publishes that raced a completion, and the
// few retained status messages written around start and shutdown.
constexpr std::size_t kBufferSlack = 1024;
constexpr auto kRetryWait = std::chrono::milliseconds(20);

}  // namespace

BoundedPublisher::BoundedPublisher(const PublisherOptions& options) : options_(options) {
  mqtt::create_options create;
  create.set_max_buffered_messages(static_cast<int>(options.window + kBufferSlack));
  // While reconnecting, keep accepting messages (up to the buffer) so a broker restart
  // stalls the fleet instead of failing it.
  create.set_send_while_disconnected(options.auto_reconnect);
  client_ = std::make_unique<mqtt::async_client>(options.server_uri, options.client_id, create,
                                                 nullptr /* no persistence */);
  client_->set_connected_handler([this](const std::string&) {
    if (ever_connected_.exchange(true)) reconnected_ = true;
  });
  client_->set_connection_lost_handler([this](const std::string& cause) {
    spdlog::warn("connection to {} lost{}{}", options_.server_uri, cause.empty() ? "" : ": ",
                 cause);
  });
}

BoundedPublisher::~BoundedPublisher() {
  try {
    if (client_->is_connected()) client_->disconnect(0)->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
    // Nothing left to do with a client that is going away.
  }
}

Result<std::unique_ptr<BoundedPublisher>> BoundedPublisher::connect(
    const PublisherOptions& options, std::chrono::milliseconds timeout) {
  std::unique_ptr<BoundedPublisher> publisher;
  try {
    publisher.reset(new BoundedPublisher(options));
    mqtt::connect_options connect;
    connect.set_clean_session(true);
    connect.set_keep_alive_interval(std::chrono::seconds(30));
    if (options.auto_reconnect) connect.set_automatic_reconnect(1, 30);
    if (options.will) {
      connect.set_will(mqtt::will_options(options.will->first, options.will->second, 1, true));
    }
    auto token = publisher->client_->connect(connect);
    if (!token->wait_for(timeout)) {
      return make_error("connect_failed", options.server_uri,
                        "no answer from the broker at " + options.server_uri + " within " +
                            std::to_string(timeout.count()) + " ms; is it running?");
    }
  } catch (const mqtt::exception& e) {
    return make_error("connect_failed", options.server_uri,
                      "cannot connect to " + options.server_uri + ": " + e.what() +
                          "; check the --mqtt address and that the broker is running");
  }
  return publisher;
}

void BoundedPublisher::notify_waiters() {
  if (waiters_.load() == 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);  // orders the notify after a waiter's check
  }
  changed_.notify_all();
}

void BoundedPublisher::complete(bool ok) {
  (ok ? completed_ : failed_).fetch_add(1);
  outstanding_.fetch_sub(1);
  notify_waiters();
}

template <class Predicate>
bool BoundedPublisher::wait_until(Deadline deadline, Predicate ready) {
  if (ready()) return true;
  ++waiters_;
  bool met = true;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (deadline == kNoDeadline) {
      changed_.wait(lock, ready);
    } else {
      met = changed_.wait_until(lock, deadline, ready);
    }
  }
  --waiters_;
  return met;
}

Status BoundedPublisher::publish(const mqtt::string_ref& topic, std::string_view payload, int qos,
                                 bool retained, Deadline deadline) {
  const auto room = [this] { return cancelled_.load() || outstanding_.load() < options_.window; };
  for (;;) {
    if (!wait_until(deadline, room)) {
      return make_error("timeout", std::string(topic.str()),
                        "the broker did not take messages in time (is it reachable?)");
    }
    if (cancelled_) return make_error("cancelled", "", "publishing was stopped");
    // Only this thread adds, so the window holds even though the check and the
    // increment are separate steps.
    outstanding_.fetch_add(1);
    try {
      client_->publish(topic, payload.data(), payload.size(), qos, retained, nullptr, counter_);
      return Ok{};
    } catch (const mqtt::exception& e) {
      outstanding_.fetch_sub(1);
      if (e.get_return_code() != MQTTASYNC_MAX_BUFFERED_MESSAGES) {
        return make_error("publish_failed", std::string(topic.str()),
                          std::string("the MQTT client refused a message: ") + e.what());
      }
      // Not taken: give Paho a moment to drain, then offer the same message again.
      ++buffer_full_retries_;
      std::this_thread::sleep_for(kRetryWait);
    }
  }
}

bool BoundedPublisher::flush(std::chrono::milliseconds timeout) {
  return wait_until(std::chrono::steady_clock::now() + timeout,
                    [this] { return cancelled_.load() || outstanding_.load() == 0; }) &&
         !cancelled_;
}

Status BoundedPublisher::disconnect(std::chrono::milliseconds timeout) {
  try {
    auto token = client_->disconnect(static_cast<int>(timeout.count()));
    if (!token->wait_for(timeout + std::chrono::seconds(2))) {
      return make_error("disconnect_failed", options_.server_uri,
                        "the broker did not confirm the disconnect in time");
    }
  } catch (const mqtt::exception& e) {
    return make_error("disconnect_failed", options_.server_uri,
                      std::string("disconnect failed: ") + e.what());
  }
  return Ok{};
}

void BoundedPublisher::cancel() {
  cancelled_ = true;
  notify_waiters();
}

void BoundedPublisher::resume() { cancelled_ = false; }

}  // namespace wm::sim
