// wm-bench-subscriber: the baseline of the ingest benchmark. A bare Paho C++ subscriber
// that does nothing with a message but count it, so the gateway's ingest rate can be
// compared with what the same broker gives any client on the same machine.
// Prints one line: "received N messages in T s (R msg/s)", timed from the first message
// to the last.
#include <mqtt/async_client.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace {

class Counter : public virtual mqtt::callback {
 public:
  void message_arrived(mqtt::const_message_ptr msg) override {
    auto now = std::chrono::steady_clock::now();
    if (count_.load(std::memory_order_relaxed) == 0) first_ = now;
    last_ = now;
    bytes_ += msg->get_payload_ref().size();
    count_.fetch_add(1, std::memory_order_release);
  }
  std::uint64_t count() const { return count_.load(std::memory_order_acquire); }
  std::chrono::steady_clock::time_point first_{}, last_{};

 private:
  std::atomic<std::uint64_t> count_{0};
  std::uint64_t bytes_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wm-bench-subscriber: counts messages like a bare Paho client (benchmark baseline)"};
  std::string uri = "tcp://127.0.0.1:1883", topic = "wm/v1/#", client_id = "wm-bench-bare";
  std::uint64_t expect = 200000;
  int qos = 1;
  double idle_s = 5;
  app.add_option("--mqtt", uri, "Broker URI")->capture_default_str();
  app.add_option("--topic", topic, "Subscription filter")->capture_default_str();
  app.add_option("--count", expect, "Stop after this many messages")->capture_default_str();
  app.add_option("--qos", qos, "Subscription QoS (the gateway subscribes at 1)")
      ->capture_default_str();
  app.add_option("--idle", idle_s, "Give up after this many seconds without a message")
      ->capture_default_str();
  app.add_option("--client-id", client_id, "MQTT client id")->capture_default_str();
  bool persistent = false;
  app.add_flag("--persistent", persistent,
               "Keep a persistent session (clean_session=false) as the gateway does");
  CLI11_PARSE(app, argc, argv);

  mqtt::async_client client(uri, client_id, mqtt::create_options(MQTTVERSION_3_1_1, 10000));
  Counter counter;
  client.set_callback(counter);
  client
      .connect(
          mqtt::connect_options_builder().clean_session(!persistent).max_inflight(1000).finalize())
      ->wait();
  client.subscribe(topic, qos)->wait();
  std::printf("ready\n");
  std::fflush(stdout);

  std::uint64_t seen = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (counter.count() < expect) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (counter.count() != seen) {
      seen = counter.count();
      last_progress = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_progress >
               std::chrono::duration<double>(idle_s)) {
      break;
    }
  }
  client.disconnect()->wait();
  const std::uint64_t n = counter.count();
  const double secs = std::chrono::duration<double>(counter.last_ - counter.first_).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("received %llu messages in %.3f s (%.0f msg/s) using %.3f s of CPU\n",
              static_cast<unsigned long long>(n), secs,
              secs > 0 ? static_cast<double>(n) / secs : 0.0, cpu);
  return n == expect ? 0 : 1;
}
