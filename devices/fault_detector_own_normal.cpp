// FleetDetector's rules against a machine's own normal (DetectorConfig: pump_overload_ratio,
// temp_off_c, cadence_timeouts): a pump drawing far more than it does when it runs well,
// product water far from the temperature the machine keeps, and silence judged against
// how often the machine usually reports. The first two matter most for machines that
// send no fault codes (tb-gateway hubs), where the readings are all there is; a machine
// that also sends E04 / E06 gets one ticket either way (the kind's reasons share it).
#include <algorithm>
#include <cmath>

#include "devices/fault_detector.h"

namespace wm::devices {

void FleetDetector::observe_own_normal(MachineIndex machine, Machine& m,
                                       const protocols::Telemetry& t, std::vector<Finding>& out) {
  constexpr auto kPump = static_cast<std::size_t>(SensorSignal::kPumpCurrent);
  constexpr auto kTemp = static_cast<std::size_t>(SensorSignal::kWaterTemperature);

  // Pump: any reading counts against the running current (a seized pump draws even while
  // idle); only readings of a running pump (well above nothing) teach it.
  if (t.pump_a) {
    const double amps = *t.pump_a;
    OwnBaseline& own = m.pump_running;
    const bool raised = m.signals[kPump].raised();
    if (own.ready() && own.mean() > 0) {
      const double times = amps / static_cast<double>(own.mean());
      const bool bad = times >= (raised ? config_.pump_normal_ratio : config_.pump_overload_ratio);
      observe(machine, m, SensorSignal::kPumpCurrent, bad, times, t.ts_ms, out);
      const bool running = times > 0.3;
      // Only readings near normal teach it, so that a slow drift (the predictor's business)
      // does not carry the normal along and a repair does not look like a fault.
      const double near = (config_.pump_normal_ratio - 1) / 2;
      if (!m.signals[kPump].raised() && running && std::abs(times - 1) < near) own.learn(amps);
    } else if (amps > 0.1 && (own.mean() == 0 || amps < 2 * static_cast<double>(own.mean()))) {
      own.learn(amps);
    }
  }

  OwnBaseline& own = m.water_temp;
  if (!own.ready()) {
    own.learn(t.temp_c);
    return;
  }
  const double off = std::abs(t.temp_c - static_cast<double>(own.mean()));
  const bool raised = m.signals[kTemp].raised();
  const bool bad = raised ? off > config_.temp_normal_c : off >= config_.temp_off_c;
  observe(machine, m, SensorSignal::kWaterTemperature, bad, off, t.ts_ms, out);
  if (!m.signals[kTemp].raised() && off < config_.temp_normal_c / 2) own.learn(t.temp_c);
}

// The usual gap between a machine's periodic messages: the mean of its first gaps, then
// a slow mean in which one long gap (an outage) counts as at most four usual ones.
void FleetDetector::learn_cadence(Machine& m, std::int64_t ts_ms) {
  const std::int64_t last = m.last_periodic_ms;
  if (ts_ms <= last) return;
  m.last_periodic_ms = ts_ms;
  if (last == INT64_MIN) return;
  const std::int64_t gap = ts_ms - last;
  fleet_cadence_ms_ = fleet_cadence_ms_ == 0
                          ? gap
                          : fleet_cadence_ms_ +
                                (std::min(gap, 4 * fleet_cadence_ms_) - fleet_cadence_ms_) / 64;
  m.cadence.learn_gap(gap);
}

std::int64_t FleetDetector::timeout_of(const Machine& m) const {
  // A machine that reports at least as often as the configured timeout keeps it; one that
  // reports less often gets cadence_timeouts of its own intervals.
  const std::int64_t usual = m.cadence.known() ? m.cadence.usual_ms() : fleet_cadence_ms_;
  if (usual <= config_.heartbeat_timeout_ms) return config_.heartbeat_timeout_ms;
  return static_cast<std::int64_t>(config_.cadence_timeouts * static_cast<double>(usual));
}

}  // namespace wm::devices
