// wm-bench-predict: FleetPredictor throughput on one core (Google Benchmark), the target
// of issue 4 being >= 1M telemetry samples per second, and the predictor state per
// machine in bytes. Samples are a day's worth per machine of plausible readings (a third
// of them dispensing), prepared before timing, fed round-robin across the fleet as a
// broker would deliver them.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <vector>

#include "devices/fleet_predictor.h"

namespace {

using wm::devices::FleetPredictor;
using wm::devices::PredictionChange;
using wm::protocols::Telemetry;

constexpr std::int64_t kT0 = 1'795'400'000'000;
constexpr std::int64_t kStepMs = 60'000;

std::vector<Telemetry> readings(int per_machine, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  std::vector<Telemetry> out;
  double litres = 0;
  for (int i = 0; i < per_machine; ++i) {
    Telemetry t;
    t.ts_ms = kT0 + i * kStepMs;
    t.seq = static_cast<std::uint32_t>(i);
    const bool flowing = i % 3 == 0;
    t.tds_in = 230 + 2 * n(rng);
    t.tds_out = 9 + 0.3 * n(rng);
    t.flow_lpm = flowing ? 2.1 + 0.02 * n(rng) : 0;
    t.pressure_kpa = 310 + 2.5 * n(rng);
    t.temp_c = 21 + 0.2 * n(rng);
    t.pump_a = flowing ? 2.2 + 0.06 * n(rng) : 0;
    litres += t.flow_lpm;
    t.filter_l = static_cast<std::int64_t>(litres);
    out.push_back(t);
  }
  return out;
}

void BM_FleetPredictorTelemetry(benchmark::State& state) {
  const auto machines = static_cast<std::uint32_t>(state.range(0));
  const int per_machine = 1440;  // a day at one reading a minute
  const std::vector<Telemetry> day = readings(per_machine, 7);
  FleetPredictor predictor;
  for (std::uint32_t m = 0; m < machines; ++m) {
    predictor.add_machine(m, "wm-" + std::to_string(m), "s-" + std::to_string(m / 20), 20000);
  }
  std::vector<PredictionChange> out;
  out.reserve(64);
  std::int64_t day_offset = 0;
  std::int64_t samples = 0;
  for (auto _ : state) {
    for (const Telemetry& base : day) {
      Telemetry t = base;
      t.ts_ms += day_offset;
      for (std::uint32_t m = 0; m < machines; ++m) predictor.on_telemetry(m, t, out);
      out.clear();
    }
    samples += static_cast<std::int64_t>(day.size()) * machines;
    day_offset += per_machine * kStepMs;
  }
  state.SetItemsProcessed(samples);
  state.counters["state_bytes_per_machine"] =
      static_cast<double>(FleetPredictor::state_bytes_per_machine());
}
BENCHMARK(BM_FleetPredictorTelemetry)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::printf("predictor state per machine: %zu bytes (plus its id and site strings)\n",
              FleetPredictor::state_bytes_per_machine());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
