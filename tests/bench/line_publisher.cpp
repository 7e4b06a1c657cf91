// wm-bench-publish: publishes the messages a benchmark seeds its fleet with. Reads
// `topic<TAB>payload` lines from stdin and publishes each at QoS 1 with at most `--window`
// in flight, then disconnects cleanly (every message acknowledged by the broker) and
// prints "published N messages in T s". Exit status 0 only if all were published.
#include <mqtt/async_client.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  CLI::App app{"wm-bench-publish: publishes `topic<TAB>payload` lines from stdin at QoS 1"};
  std::string uri = "tcp://127.0.0.1:1883", client_id = "wm-bench-publish";
  std::size_t window = 256;
  app.add_option("--mqtt", uri, "Broker URI")->capture_default_str();
  app.add_option("--client-id", client_id, "MQTT client id")->capture_default_str();
  app.add_option("--window", window, "Publishes in flight at most")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  mqtt::async_client client(uri, client_id, mqtt::create_options(MQTTVERSION_3_1_1, 10000));
  client.connect(mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize())
      ->wait();
  const auto t0 = std::chrono::steady_clock::now();
  std::deque<mqtt::delivery_token_ptr> in_flight;
  std::size_t count = 0, skipped = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      ++skipped;
      continue;
    }
    in_flight.push_back(client.publish(line.substr(0, tab), line.substr(tab + 1), 1, false));
    ++count;
    if (in_flight.size() >= window) {
      in_flight.front()->wait();
      in_flight.pop_front();
    }
  }
  for (auto& t : in_flight) t->wait();
  client.disconnect()->wait();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("published %zu messages in %.2f s\n", count, secs);
  if (skipped > 0) std::fprintf(stderr, "skipped %zu lines without `topic<TAB>payload`\n", skipped);
  return skipped == 0 ? 0 : 1;
}
