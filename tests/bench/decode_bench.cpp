// wm-bench-decode: decoding speed of each wire protocol on one core (Google Benchmark).
// Target of issue 5: >= 1M messages per second per core for each protocol.
// Payloads are typical ones, built with the protocols library's own encoders.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocols/hx_binary.h"
#include "protocols/tb_gateway.h"
#include "protocols/topic.h"
#include "protocols/wm_json.h"

namespace {

using namespace wm::protocols;

Telemetry typical_telemetry(std::uint32_t seq) {
  Telemetry t;
  t.ts_ms = 1'795'400'000'000 + seq * 60'000LL;
  t.seq = seq;
  t.tds_in = 231.4;
  t.tds_out = 9.7;
  t.flow_lpm = 2.15;
  t.pressure_kpa = 312.5;
  t.temp_c = 21.3;
  t.tank_pct = 83.0;
  t.uv_ok = true;
  t.filter_l = 2417;
  t.pump_a = 1.82;
  t.leak = false;
  t.door = false;
  return t;
}

void BM_WmJsonTelemetry(benchmark::State& state) {
  const std::string payload = encode_telemetry(typical_telemetry(7));
  for (auto _ : state) {
    auto r = decode_telemetry(payload);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(payload.size()) + " B");
}
BENCHMARK(BM_WmJsonTelemetry);

void BM_WmJsonDispense(benchmark::State& state) {
  const std::string payload = encode_event(
      Event{1'795'400'000'000, 8, Dispense{"t-wm-00001-1795400000000", "c-000123", 50, 500, 500}});
  for (auto _ : state) {
    auto r = decode_event(payload);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WmJsonDispense);

void BM_HxTelemetry(benchmark::State& state) {
  const std::string frame = encode_hx_telemetry(typical_telemetry(7)).value();
  for (auto _ : state) {
    auto r = decode_hx_uplink(frame);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HxTelemetry);

void BM_HxDispense(benchmark::State& state) {
  const std::string frame =
      encode_hx_event(
          Event{1'795'400'000'000, 8, Dispense{"t-1795400000", "c-000123", 50, 500, 500}})
          .value();
  for (auto _ : state) {
    auto r = decode_hx_uplink(frame);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HxDispense);

// A hub message of `range(0)` machines with 2 samples each; items = samples.
void BM_TbTelemetry(benchmark::State& state) {
  std::vector<TbDeviceSamples> devices;
  for (int d = 0; d < state.range(0); ++d) {
    Telemetry a = typical_telemetry(static_cast<std::uint32_t>(2 * d));
    Telemetry b = typical_telemetry(static_cast<std::uint32_t>(2 * d + 1));
    devices.push_back({"wm-" + std::to_string(10000 + d), {a, b}});
  }
  const std::string payload = encode_tb_telemetry(devices);
  for (auto _ : state) {
    auto r = decode_tb_telemetry(payload);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2);
}
BENCHMARK(BM_TbTelemetry)->Arg(1)->Arg(16);

void BM_WmTopic(benchmark::State& state) {
  const std::string topic = "wm/v1/s-001/wm-00001/telemetry";
  for (auto _ : state) {
    auto r = parse_wm_topic(topic);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WmTopic);

}  // namespace

BENCHMARK_MAIN();
