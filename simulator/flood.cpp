#include "simulator/flood.h"

#include <sched.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "simulator/bounded_publisher.h"
#include "simulator/flood_plan.h"
#include "simulator/machine_topics.h"
#include "simulator/shutdown_signal.h"

namespace wm::sim {
namespace {

using Clock = std::chrono::steady_clock;

// Pacing sleeps only when this far ahead: sleeping per message costs more than it saves.
constexpr auto kPacingSlack = std::chrono::milliseconds(2);

// Pins the calling thread, and so every thread it starts later (Paho's), to one CPU.
void pin_to_cpu(int cpu) {
  if (cpu == -2) return;
  if (cpu == -1) cpu = sched_getcpu();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  if (cpu < 0 || sched_setaffinity(0, sizeof set, &set) != 0) {
    spdlog::warn("could not pin the publisher to CPU {}; running unpinned", cpu);
    return;
  }
  spdlog::info("publisher pinned to CPU {}", cpu);
}

}  // namespace

int run_flood(const Fleet& fleet, const FloodOptions& options) {
  pin_to_cpu(options.cpu);  // before any thread starts, so that all inherit it
  ShutdownSignal signals;   // before the Paho client starts its threads

  spdlog::info("encoding {} telemetry messages for {} machines", options.count,
               fleet.machines.size());
  const FloodPlan plan(fleet, options.count, options.seed, options.start_ms,
                       options.telemetry_interval_ms);
  const MachineTopics topics(fleet);

  PublisherOptions publisher_options;
  publisher_options.server_uri = options.mqtt_uri;
  publisher_options.client_id = options.client_id;
  publisher_options.window = options.window;
  auto connected = BoundedPublisher::connect(publisher_options, std::chrono::seconds(10));
  if (!connected.ok()) {
    spdlog::error("{}", connected.error().to_string());
    return 1;
  }
  BoundedPublisher& publisher = **connected;
  signals.on_signal([&publisher](int) { publisher.cancel(); });

  const auto start = Clock::now();
  std::size_t handed = 0;
  for (; handed < plan.size(); ++handed) {
    if (options.rate > 0) {
      const auto due =
          start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(handed) / options.rate));
      if (due - Clock::now() > kPacingSlack) std::this_thread::sleep_until(due);
    }
    const Status sent =
        publisher.publish(topics.topic(plan.machine(handed), protocols::TopicKind::kTelemetry),
                          plan.payload(handed), options.qos, false);
    if (!sent.ok()) {
      spdlog::error("stopped after {} of {} messages: {}", handed, plan.size(),
                    sent.error().to_string());
      break;
    }
  }
  bool ok = handed == plan.size();
  if (ok && !publisher.flush(std::chrono::seconds(60))) {
    spdlog::error("messages still unconfirmed 60 s after the last publish");
    ok = false;
  }
  if (auto s = publisher.disconnect(std::chrono::seconds(10)); !s.ok()) {
    spdlog::error("{}", s.error().to_string());
    ok = false;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  signals.on_signal({});  // the publisher goes before the signal watcher

  if (publisher.failed() > 0) {
    spdlog::error("{} messages failed to deliver", publisher.failed());
    ok = false;
  }
  if (publisher.buffer_full_retries() > 0) {
    spdlog::info("{} publishes were retried after a full client buffer",
                 publisher.buffer_full_retries());
  }
  std::printf("published %zu messages in %.3f s (%.0f msg/s)\n", handed, seconds,
              seconds > 0 ? static_cast<double>(handed) / seconds : 0.0);
  std::fflush(stdout);
  return ok ? 0 : 1;
}

}  // namespace wm::sim
