#include "simulator/live_fleet.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "protocols/wm_json.h"
#include "simulator/bounded_publisher.h"
#include "simulator/fleet_simulation.h"
#include "simulator/shutdown_signal.h"
#include "simulator/sim_time.h"
#include "simulator/wire_encoder.h"

// One connection for the whole fleet.
//
// A real machine holds its own MQTT connection, with a will of {"online":false} on its
// status topic. Thousands of simulated machines as thousands of Paho clients would cost
// threads, sockets and slow connects (a second client in a process can take ~2 s,
// TOOLCHAIN trap 7), so the simulator multiplexes every machine over one client. A will
// belongs to a connection, so the machines cannot have one each: instead each machine's
// retained status is published online at start and offline at a clean shutdown, and the
// connection's own will is set on the simulator's status topic `wm-sim/{client_id}/status`.
// If the simulator dies without a clean shutdown, the machines' retained statuses stay
// "online" and only that topic says otherwise; the gateway then finds the machines by
// their silence (heartbeat timeout), as it would for a machine whose will never fired.
// The will's payload is fixed at connect time, so its "ts" is the event time the run
// started at. After an automatic reconnect every status is published online again.

namespace wm::sim {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kSliceMessages = 512;  // between checks for a stop request
constexpr auto kMaxIdleWait = std::chrono::milliseconds(200);
constexpr auto kShutdownBudget = std::chrono::seconds(15);
constexpr auto kProgressEvery = std::chrono::seconds(10);

// Publishes what the WireEncoder puts on the wire; QoS and retention per Delivery.
class BrokerSink : public WireSink {
 public:
  BrokerSink(BoundedPublisher& publisher, int qos_telemetry)
      : publisher_(publisher), qos_telemetry_(qos_telemetry) {}

  void send(WireMessage message) override {
    if (error_) return;  // already failing: the caller stops at the end of the slice
    const int qos = message.delivery == Delivery::kTelemetry ? qos_telemetry_ : 1;
    Status sent = publisher_.publish(mqtt::string_ref(std::move(message.topic)), message.payload,
                                     qos, message.delivery == Delivery::kRetained, deadline_);
    if (!sent.ok()) error_ = sent.error();
  }

  const std::optional<Error>& error() const { return error_; }
  void set_deadline(BoundedPublisher::Deadline deadline) { deadline_ = deadline; }
  void clear_error() { error_.reset(); }

 private:
  BoundedPublisher& publisher_;
  int qos_telemetry_;
  BoundedPublisher::Deadline deadline_ = BoundedPublisher::kNoDeadline;
  std::optional<Error> error_;
};

std::string describe(const WireCounters& c) {
  std::string text = fmt::format("{} readings", c.telemetry_samples);
  if (c.hub_messages > 0)
    text += fmt::format(" ({} of them in {} hub messages)", c.hub_samples, c.hub_messages);
  text += fmt::format(", {} dispense events", c.events);
  if (c.fault_events > 0) text += fmt::format(", {} fault events", c.fault_events);
  if (c.maintenance_events > 0)
    text += fmt::format(", {} maintenance events", c.maintenance_events);
  if (c.heartbeats > 0) text += fmt::format(", {} heartbeats", c.heartbeats);
  text += " published";
  if (c.dispenses_unsent > 0) {
    text += fmt::format("; {} sales of hub machines not sent (no event topic)", c.dispenses_unsent);
  }
  if (c.encode_errors > 0)
    text += fmt::format("; {} messages could not be encoded", c.encode_errors);
  return text;
}

// "12 faults injected (3 active; leak 4, tamper 2, ...), 5 visits".
std::string describe(const FaultInjector& faults) {
  const InjectorCounters& c = faults.counters();
  std::uint64_t total = 0;
  std::string kinds;
  for (FaultKind kind : all_fault_kinds()) {
    const std::uint64_t n = c.started[static_cast<std::size_t>(kind)];
    if (n == 0) continue;
    total += n;
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", to_string(kind), n);
  }
  std::string text = fmt::format("{} faults injected ({} active{}{})", total, faults.active(),
                                 kinds.empty() ? "" : "; ", kinds);
  if (c.degradations > 0) text += fmt::format(", {} of them slow", c.degradations);
  if (c.unseen > 0) text += fmt::format(", {} dispense failures met no customer", c.unseen);
  if (c.visits > 0 || c.cleanings_skipped > 0) {
    text += fmt::format(", {} routine visits, {} cleanings skipped", c.visits, c.cleanings_skipped);
  }
  return text;
}

Status publish_simulator_status(BoundedPublisher& publisher, const std::string& topic,
                                std::int64_t ts_ms, bool online,
                                BoundedPublisher::Deadline deadline) {
  return publisher.publish(topic, protocols::encode_status(protocols::Status{ts_ms, online}), 1,
                           true, deadline);
}

// Publishes the offline statuses, flushes and disconnects within kShutdownBudget.
// Hubs send their open batches and disconnect their machines first.
bool shut_down(BoundedPublisher& publisher, BrokerSink& sink, WireEncoder& encoder,
               const FleetSimulation& simulation, const std::string& status_topic,
               std::int64_t ts_ms) {
  const auto deadline = Clock::now() + kShutdownBudget;
  sink.clear_error();
  sink.set_deadline(deadline);
  encoder.flush_all_hubs();
  simulation.publish_statuses(false, ts_ms, encoder);
  bool clean = !sink.error().has_value();
  if (!clean) spdlog::error("could not publish offline statuses: {}", sink.error()->to_string());
  if (auto s = publish_simulator_status(publisher, status_topic, ts_ms, false, deadline); !s.ok()) {
    clean = false;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (!publisher.flush(std::max(left, std::chrono::milliseconds(1)))) {
    spdlog::error("messages still unconfirmed at shutdown");
    clean = false;
  }
  if (auto s = publisher.disconnect(std::chrono::seconds(5)); !s.ok()) {
    spdlog::error("{}", s.error().to_string());
    clean = false;
  }
  return clean;
}

}  // namespace

int run_live_fleet(const Fleet& fleet, const LiveFleetOptions& options) {
  ShutdownSignal signals;  // before the Paho client starts its threads
  const std::string status_topic = "wm-sim/" + options.client_id + "/status";

  PublisherOptions publisher_options;
  publisher_options.server_uri = options.mqtt_uri;
  publisher_options.client_id = options.client_id;
  publisher_options.window = options.window;
  publisher_options.auto_reconnect = true;
  publisher_options.will = {status_topic,
                            protocols::encode_status(protocols::Status{options.start_ms, false})};
  auto connected = BoundedPublisher::connect(publisher_options, std::chrono::seconds(10));
  if (!connected.ok()) {
    spdlog::error("{}", connected.error().to_string());
    return 1;
  }
  BoundedPublisher& publisher = **connected;
  signals.on_signal([&publisher](int) { publisher.cancel(); });

  FleetSimulation simulation(
      fleet, SimulationOptions{options.seed, options.start_ms, options.telemetry_interval_ms},
      options.faults, options.truth);
  const bool injecting = options.faults.per_machine_day > 0 ||
                         options.faults.degradation_per_machine_30d > 0 ||
                         options.faults.routine_maintenance;
  BrokerSink sink(publisher, options.qos_telemetry);
  WireEncoder encoder(fleet, options.hubs, sink);
  spdlog::info(
      "playing {} machines on {} sites from {} at {}x: {} wm-json-v1, {} hx-binary, {} "
      "tb-gateway behind {} site hubs ({} machines of unknown protocols skipped)",
      fleet.machines.size(), fleet.sites.size(), format_iso8601_ms(options.start_ms), options.speed,
      count_machines(fleet, WireProtocol::kWmJson), count_machines(fleet, WireProtocol::kHxBinary),
      count_machines(fleet, WireProtocol::kTbGateway), encoder.hub_count(), fleet.skipped_machines);
  if (injecting) {
    spdlog::info(
        "injecting {} faults per machine per simulated day, {} slow faults per machine "
        "per 30 simulated days{}",
        options.faults.per_machine_day, options.faults.degradation_per_machine_30d,
        options.faults.routine_maintenance ? ", with routine cleanings and inspections" : "");
  }

  if (auto s = publish_simulator_status(publisher, status_topic, options.start_ms, true,
                                        BoundedPublisher::kNoDeadline);
      !s.ok()) {
    spdlog::error("{}", s.error().to_string());
  }
  simulation.publish_statuses(true, options.start_ms, encoder);

  const auto wall_start = Clock::now();
  const std::int64_t until_ms = options.until_ms > 0 ? options.until_ms : INT64_MAX;
  const auto event_time_at = [&](Clock::time_point wall) {
    const double elapsed_ms = std::chrono::duration<double, std::milli>(wall - wall_start).count();
    return std::min(until_ms,
                    options.start_ms + static_cast<std::int64_t>(elapsed_ms * options.speed));
  };
  auto next_progress = wall_start + kProgressEvery;
  std::int64_t event_now = options.start_ms;
  bool failed = false;

  while (!signals.requested() && !sink.error()) {
    const auto wall = Clock::now();
    if (options.duration_s > 0 &&
        std::chrono::duration<double>(wall - wall_start).count() >= options.duration_s) {
      break;
    }
    if (publisher.take_reconnected()) {
      // Our will fired when the connection dropped, and a broker without persistence
      // has forgotten the retained statuses: say again that everyone is online, as each
      // machine's firmware would on reconnecting.
      (void)publish_simulator_status(publisher, status_topic, event_now, true,
                                     BoundedPublisher::kNoDeadline);
      simulation.publish_statuses(true, event_now, encoder);
    }
    const std::int64_t target = event_time_at(wall);
    const std::size_t sent = simulation.advance_to(target, encoder, kSliceMessages);
    event_now = std::min(target, simulation.next_due_ms());
    // Every message stamped before next_due_ms() has been delivered.
    encoder.flush_hubs_through(std::min(target, simulation.next_due_ms() - 1));
    if (wall >= next_progress) {
      next_progress = wall + kProgressEvery;
      const double behind_s = static_cast<double>(target - event_now) / 1000.0;
      spdlog::info("event time {}: {}{}{}", format_iso8601_ms(event_now),
                   describe(encoder.counters()),
                   injecting ? "; " + describe(simulation.faults()) : std::string(),
                   behind_s > 5 * options.speed
                       ? fmt::format(" ({:.0f} s of event time behind: lower --speed)", behind_s)
                       : "");
    }
    if (sent == kSliceMessages) continue;  // more may be due already
    if (target == until_ms) break;         // every message before it is out
    // Caught up: sleep until the next action is due in wall time (or a signal).
    const double wait_ms = static_cast<double>(simulation.next_due_ms() - target) / options.speed;
    const auto wait = std::chrono::milliseconds(static_cast<std::int64_t>(
        std::clamp(std::ceil(wait_ms), 1.0, static_cast<double>(kMaxIdleWait.count()))));
    signals.wait_for(wait);
  }
  if (sink.error() && sink.error()->code != "cancelled") {
    spdlog::error("stopping: {}", sink.error()->to_string());
    failed = true;
  }

  if (signals.count() <= 1) publisher.resume();  // a second signal abandons the shutdown
  // The last moment whose messages were all sent: the offline status must not predate them.
  const std::int64_t stop_ts = std::min(event_time_at(Clock::now()), simulation.next_due_ms());
  simulation.finish_faults(stop_ts);  // the ground truth of faults still active: cleared null
  const bool clean = shut_down(publisher, sink, encoder, simulation, status_topic, stop_ts);
  if (const auto& error = encoder.first_error()) {
    spdlog::error("some messages could not be encoded, the first: {}", error->to_string());
  }
  spdlog::info("stopped at event time {}: {}{}, shutdown {}", format_iso8601_ms(stop_ts),
               describe(encoder.counters()),
               injecting ? "; " + describe(simulation.faults()) : std::string(),
               clean ? "clean" : "incomplete");
  signals.on_signal({});  // the publisher goes before the signal watcher
  return failed || !clean ? 1 : 0;
}

}  // namespace wm::sim
