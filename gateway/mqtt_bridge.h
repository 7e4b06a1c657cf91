// The MQTT edge: one Paho async client with a stable client id and a persistent session
// (clean_session=false), subscribed to everything machines publish on wm/v1 at QoS 1.
// Paho reconnects by itself after a broker restart; the bridge subscribes again on
// every (re)connection. Messages go to the Intake on Paho's receive thread, and Paho
// acknowledges a QoS 1 message when that call returns (TOOLCHAIN trap 9).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "gateway/intake.h"
#include "gateway/metrics.h"

namespace wm::gateway {

struct MqttOptions {
  std::string uri;        // tcp://127.0.0.1:1883
  std::string client_id;  // stable across restarts: the broker keeps the session by it
  int keep_alive_s = 20;
};

class MqttBridge {
 public:
  MqttBridge(MqttOptions options, Intake& intake, Metrics& metrics);
  ~MqttBridge();
  MqttBridge(const MqttBridge&) = delete;
  MqttBridge& operator=(const MqttBridge&) = delete;

  // Starts connecting; returns at once. Paho keeps retrying until stop().
  void start();
  void stop();
  // Publishes without waiting (never call from the receive thread and wait).
  void publish(const std::string& topic, const std::string& payload, int qos, bool retained);

 private:
  class Callback;
  void connect_until_up();

  MqttOptions options_;
  Intake& intake_;
  Metrics& metrics_;
  std::unique_ptr<Callback> callback_;
  struct Client;
  std::unique_ptr<Client> client_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread connector_;
};

}  // namespace wm::gateway
