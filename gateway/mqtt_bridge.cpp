#include "gateway/mqtt_bridge.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "gateway/store_writer.h"
#include "protocols/topic.h"

namespace wm::gateway {

struct MqttBridge::Client {
  explicit Client(const MqttOptions& o)
      : client(o.uri, o.client_id,
               mqtt::create_options(MQTTVERSION_3_1_1, /*maxBufferedMessages=*/10000)) {}
  mqtt::async_client client;
};

class MqttBridge::Callback : public virtual mqtt::callback {
 public:
  Callback(MqttBridge& bridge, mqtt::async_client& client) : bridge_(bridge), client_(client) {}

  void connected(const std::string& cause) override {
    spdlog::info("mqtt connected to {} ({})", bridge_.options_.uri,
                 cause.empty() ? "first connection" : cause);
    bridge_.metrics_.mqtt_connected(true);
    if (ever_connected_) bridge_.metrics_.mqtt_reconnect();
    ever_connected_ = true;
    // Subscribing again is harmless with a kept session and necessary without one
    // (e.g. a broker restarted without persistence). Do not wait here: this runs on
    // Paho's thread (TOOLCHAIN trap 8).
    try {
      const auto& topics = intake_subscriptions();
      client_.subscribe(mqtt::string_collection::create(topics),
                        std::vector<int>(topics.size(), 1));
    } catch (const mqtt::exception& e) {
      spdlog::error("mqtt subscribe failed: {}", e.what());
    }
  }

  void connection_lost(const std::string& cause) override {
    bridge_.metrics_.mqtt_connected(false);
    spdlog::warn("mqtt connection lost ({}); reconnecting",
                 cause.empty() ? "no cause given" : cause);
  }

  void message_arrived(mqtt::const_message_ptr msg) override {
    try {
      bridge_.intake_.on_message(msg->get_topic(), msg->get_payload_str());
    } catch (const StoreUnavailable& e) {
      // The event is not durable. Returning would acknowledge it; end the process instead
      // so the broker redelivers it to the next run of the gateway (persistent session).
      spdlog::critical("cannot make an event durable ({}); exiting without acknowledging",
                       e.what());
      spdlog::shutdown();
      std::_Exit(3);
    } catch (const std::exception& e) {
      spdlog::error("intake failed on {}: {}", msg->get_topic(), e.what());
    }
  }

 private:
  MqttBridge& bridge_;
  mqtt::async_client& client_;
  bool ever_connected_ = false;
};

MqttBridge::MqttBridge(MqttOptions options, Intake& intake, Metrics& metrics)
    : options_(std::move(options)), intake_(intake), metrics_(metrics) {}

MqttBridge::~MqttBridge() { stop(); }

void MqttBridge::start() {
  client_ = std::make_unique<Client>(options_);
  callback_ = std::make_unique<Callback>(*this, client_->client);
  client_->client.set_callback(*callback_);
  // automatic_reconnect covers losses after a first success; until then (the broker may
  // not be up yet) a thread of our own keeps trying.
  connector_ = std::thread([this] { connect_until_up(); });
}

void MqttBridge::connect_until_up() {
  auto opts = mqtt::connect_options_builder()
                  .clean_session(false)
                  .keep_alive_interval(std::chrono::seconds(options_.keep_alive_s))
                  .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(8))
                  .max_inflight(1000)
                  .connect_timeout(std::chrono::seconds(5))
                  .finalize();
  auto delay = std::chrono::milliseconds(200);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      client_->client.connect(opts)->wait();
      return;
    } catch (const mqtt::exception& e) {
      spdlog::warn("mqtt connect to {} failed ({}); retrying in {} ms", options_.uri, e.what(),
                   delay.count());
    }
    lock.lock();
    stop_cv_.wait_for(lock, delay, [this] { return stopping_; });
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

void MqttBridge::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (connector_.joinable()) connector_.join();
  if (!client_) return;
  try {
    if (client_->client.is_connected()) {
      client_->client.disconnect(std::chrono::milliseconds(2000))->wait();
    }
  } catch (const mqtt::exception& e) {
    spdlog::warn("mqtt disconnect: {}", e.what());
  }
  metrics_.mqtt_connected(false);
}

void MqttBridge::publish(const std::string& topic, const std::string& payload, int qos,
                         bool retained) {
  if (!client_) return;
  try {
    client_->client.publish(topic, payload.data(), payload.size(), qos, retained);
  } catch (const mqtt::exception& e) {
    spdlog::warn("mqtt publish to {} failed: {}", topic, e.what());
  }
}

}  // namespace wm::gateway
