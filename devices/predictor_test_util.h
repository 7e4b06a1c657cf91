// A synthetic drinking-water machine for the predictor tests: its own physics (not the
// simulator's), seeded noise, a daily usage cycle, and degradations to switch on.
// Test-only.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "devices/fleet_predictor.h"
#include "protocols/messages.h"

namespace wm::devices::predictor_test {

inline constexpr std::int64_t kMinute = 60'000;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;
inline constexpr std::int64_t kT0 = 1'700'000'000'000 - 1'700'000'000'000 % kDay;  // midnight

struct Degradation {
  std::int64_t onset_ms = INT64_MAX;  // from this event time on
  double per_day = 0;                 // how fast (units per kind, see SyntheticMachine)
};

// Every `step_ms` one reading. Dispensing at a daily rhythm (busy 08:00-20:00), a filter
// whose flow per pressure falls by `clog_per_1000l` (share) per 1000 litres once clogging
// starts, salt rejection falling by `membrane.per_day` (absolute) per day, tds_out rising
// by `tds.per_day` ppm per day, pump current by `pump.per_day` (share), temperature by
// `heater.per_day` degrees per day, and pump current spiking to `pump_spike` times from
// pump_spike_ms.
class SyntheticMachine {
 public:
  explicit SyntheticMachine(std::uint64_t seed) : rng_(seed) {
    std::uniform_real_distribution<double> u(0.8, 1.2);
    tds_in_ = 220 * u(rng_);
    rejection_ = 0.955 + 0.02 * (u(rng_) - 0.8);
    pressure_ = 320 * u(rng_);
    flow_ = 2.0 * u(rng_);
    temp_ = 21 * u(rng_);
    pump_ = 2.1 * u(rng_);
  }

  Degradation clog, membrane, tds, pump, heater;
  double clog_per_1000l = 0.15;
  double pump_spike = 1;
  std::int64_t pump_spike_ms = INT64_MAX;
  double busy_share = 0.35;  // of readings dispensing in busy hours (night: a tenth)
  double litres = 0;
  std::int64_t clog_start_l = 0;

  double flow_share(std::int64_t) const {
    const double l = litres - static_cast<double>(clog_start_l);
    return clog.onset_ms == INT64_MAX ? 1.0 : std::max(0.05, 1.0 - clog_per_1000l * l / 1000);
  }

  // The noiseless salt rejection at ts.
  double rejection_at(std::int64_t ts) const {
    return rejection_ - membrane.per_day * days_since(membrane, ts);
  }
  static double days_since(const Degradation& d, std::int64_t ts) {
    return ts < d.onset_ms ? 0.0 : static_cast<double>(ts - d.onset_ms) / kDay;
  }

  protocols::Telemetry read(std::int64_t ts, std::int64_t step_ms) {
    std::normal_distribution<double> n(0, 1);
    std::uniform_real_distribution<double> u(0, 1);
    const double hour = static_cast<double>(ts % kDay) / kHour;
    const bool busy = hour >= 8 && hour < 20;
    const bool flowing = u(rng_) < (busy ? busy_share : busy_share / 10);
    auto since = [&](const Degradation& d) { return days_since(d, ts); };
    if (clog.onset_ms != INT64_MAX && ts < clog.onset_ms)
      clog_start_l = static_cast<std::int64_t>(litres);
    protocols::Telemetry t;
    t.ts_ms = ts;
    t.seq = seq_++;
    t.tds_in = tds_in_ * (1 + 0.01 * n(rng_));
    const double rejection = rejection_at(ts);
    t.tds_out =
        std::max(0.5, t.tds_in * (1 - rejection) * (1 + 0.03 * n(rng_)) + tds.per_day * since(tds));
    const double pressure = pressure_ - 8 * std::sin(std::numbers::pi * (hour - 7) / 14) -
                            (flowing ? 15 : 0) + 2.5 * n(rng_);
    t.pressure_kpa = pressure;
    t.flow_lpm = flowing ? flow_ * pressure / pressure_ *
                               (ts >= clog.onset_ms ? flow_share(ts) : 1) * (1 + 0.01 * n(rng_))
                         : 0;
    t.temp_c = temp_ + 1.5 * std::sin(2 * std::numbers::pi * (hour - 9) / 24) + 0.2 * n(rng_) +
               heater.per_day * since(heater);
    double amps = flowing ? pump_ * (1 + pump.per_day * since(pump)) * (1 + 0.03 * n(rng_)) : 0;
    if (ts >= pump_spike_ms) amps = pump_ * pump_spike * (1 + 0.05 * n(rng_));
    t.pump_a = amps;
    litres += t.flow_lpm * static_cast<double>(step_ms) / kMinute;
    t.filter_l = static_cast<std::int64_t>(litres);
    t.uv_ok = true;
    return t;
  }

 private:
  std::mt19937_64 rng_;
  std::uint32_t seq_ = 0;
  double tds_in_, rejection_, pressure_, flow_, temp_, pump_;
};

struct Replay {
  std::vector<PredictionChange> changes;
  std::vector<std::int64_t> at;  // event time of each change
};

// Feeds `days` of readings of `m` every step_ms into machine 0 of `p`; `each` runs
// before each reading (to inject events).
template <class Each>
Replay feed(FleetPredictor& p, SyntheticMachine& m, int days, std::int64_t step_ms, Each each) {
  Replay run;
  std::vector<PredictionChange> out;
  for (std::int64_t ts = kT0; ts < kT0 + days * kDay; ts += step_ms) {
    each(ts, out);
    p.on_telemetry(0, m.read(ts, step_ms), out);
    for (auto& c : out) {
      run.at.push_back(ts);
      run.changes.push_back(std::move(c));
    }
    out.clear();
  }
  return run;
}

inline Replay feed(FleetPredictor& p, SyntheticMachine& m, int days,
                   std::int64_t step_ms = 2 * kMinute) {
  return feed(p, m, days, step_ms, [](std::int64_t, std::vector<PredictionChange>&) {});
}

}  // namespace wm::devices::predictor_test
