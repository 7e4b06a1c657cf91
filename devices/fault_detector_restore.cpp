// FleetDetector after a gateway restart: what the twins and the open tickets say the
// detectors knew before it, and how each restored raise ends. The rule throughout: a kind
// restored from an open ticket stays raised, without a finding, until the detectors judge
// it healthy the way they would have before the restart; a real reason that starts takes
// over with its own raised finding (the desk joins it), never a clear followed by a raise.
#include <algorithm>
#include <array>

#include "devices/fault_detector.h"

namespace wm::devices {

namespace {

// The kinds only a machine's fault codes raise: nothing but the code's own clear can judge
// them healthy, and the twin said the code was clear at start-up.
constexpr std::array<FaultKind, 3> kCodeOnlyKinds = {FaultKind::kPumpFault, FaultKind::kHeaterFault,
                                                     FaultKind::kCardReaderFault};

std::uint8_t signal_bit(SensorSignal signal) {
  return static_cast<std::uint8_t>(1U << static_cast<unsigned>(signal));
}

const char* sensor_name(SensorSignal signal) {
  switch (signal) {
    case SensorSignal::kLeakSensor:
      return "leak sensor";
    case SensorSignal::kUvOk:
      return "uv_ok";
    case SensorSignal::kDoor:
      return "door";
    default:
      return "sensor";  // tds_out, flow and pressure are in every reading
  }
}

}  // namespace

void FleetDetector::restore_last_seen(MachineIndex machine, std::int64_t ts_ms) {
  Machine* m = find(machine);
  if (m == nullptr || (m->last_seen_ms && *m->last_seen_ms >= ts_ms)) return;
  m->last_seen_ms = ts_ms;
  m->silent_since_restart = true;
  if (!restart_settling_) restart_ms_.reset();  // a new restart: its time is still to come
  restart_settling_ = true;
  // Offline under a restored site outage: only a newer message brings it back.
  if (m->offline && !m->offline_by_will) m->online_after_ms = std::max(m->online_after_ms, ts_ms);
  note_due(*m);
}

void FleetDetector::restore_raised(MachineIndex machine, FaultKind kind, std::int64_t since_ms) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  switch (kind) {
    case FaultKind::kWaterQuality:
      seed(*m, SensorSignal::kTdsOut);
      break;
    case FaultKind::kLeak:
      seed(*m, SensorSignal::kLeakSensor);
      seed(*m, SensorSignal::kIdleFlow);
      break;
    case FaultKind::kUvFault:
      seed(*m, SensorSignal::kUvOk);
      break;
    case FaultKind::kWaterSupply:
      seed(*m, SensorSignal::kInletPressure);
      break;
    case FaultKind::kTamper:
      seed(*m, SensorSignal::kDoor);
      break;
    case FaultKind::kDispenseFailure:
      // Only a good dispense after the short one that opened the ticket clears it.
      m->newest_short_dispense_ms = std::max(m->newest_short_dispense_ms, since_ms);
      start_reason(*m, Reason::kShortDispense);
      break;
    case FaultKind::kCleaningDue:
      start_reason(*m, Reason::kCleaningInterval);
      break;
    case FaultKind::kDeviceOffline:
    case FaultKind::kPumpFault:
    case FaultKind::kHeaterFault:
    case FaultKind::kCardReaderFault:
      // Held by a reason already (a code restore_active_fault() restored, the machine gone
      // offline): that reason's end is the kind's end.
      if (!kind_active(*m, kind)) m->restored_kinds |= bit_of(kind);
      break;
    default:
      break;  // site_power_outage: restore_site_outage(); the rest are not the detectors'
  }
  note_due(*m);
}

void FleetDetector::restore_site_outage(const std::string& site_id, std::int64_t since_ms) {
  if (!correlator_.restore_down(site_id, since_ms)) return;
  for (MachineIndex i = 0; i < machines_.size(); ++i) {
    Machine& m = machines_[i];
    if (!m.declared || m.offline || site_of(i) != site_id) continue;
    // As if it had timed out with its site: any message newer than its last one is back.
    m.offline = true;
    m.offline_by_will = false;
    m.offline_at_ms = since_ms;
    m.online_after_ms = m.last_seen_ms.value_or(INT64_MIN);
  }
}

// A signal raised from an open ticket: its reason holds the kind until readings judge it
// healthy (or the machine turns out not to report it).
void FleetDetector::seed(Machine& m, SensorSignal signal) {
  DebouncedSignal& s = m.signals[static_cast<std::size_t>(signal)];
  if (s.raised()) return;  // raised by real readings already
  s.restore_raised();
  m.seeded_signals |= signal_bit(signal);
  start_reason(m, reason_of(signal));
}

// A reading without this optional sensor: a seeded signal cannot be what opened the
// ticket (the machine does not report it), so its restored raise ends here.
void FleetDetector::unreported(MachineIndex machine, Machine& m, SensorSignal signal,
                               std::int64_t ts_ms, std::vector<Finding>& out) {
  if ((m.seeded_signals & signal_bit(signal)) == 0) return;
  m.seeded_signals &= static_cast<std::uint8_t>(~signal_bit(signal));
  m.signals[static_cast<std::size_t>(signal)] = DebouncedSignal{};
  const Reason reason = reason_of(signal);
  if (end_reason(m, reason)) {
    emit(machine, kind_of(reason), false, ts_ms,
         std::string(sensor_name(signal)) + " not reported after the restart", out);
  }
}

bool FleetDetector::end_restored(Machine& m, FaultKind kind) {
  if ((m.restored_kinds & bit_of(kind)) == 0) return false;
  m.restored_kinds &= static_cast<std::uint16_t>(~bit_of(kind));
  return !kind_active(m, kind);
}

// After each message of the machine (not its will): a code-only kind still restored was
// cleared while the gateway was down. Runs after the message is judged, so a fault event
// raising the code takes the kind over instead.
void FleetDetector::settle_restored(MachineIndex machine, Machine& m, std::int64_t ts_ms,
                                    std::vector<Finding>& out) {
  if ((m.restored_kinds & static_cast<std::uint16_t>(~bit_of(FaultKind::kDeviceOffline))) == 0) {
    return;
  }
  for (const FaultKind kind : kCodeOnlyKinds) {
    if (end_restored(m, kind)) {
      emit(machine, kind, false, ts_ms, "no fault code active after the restart", out);
    }
  }
}

// Until the first advance() after restore_last_seen(), event times move the restart's.
void FleetDetector::note_event_time(std::int64_t ts_ms) {
  if (!restart_settling_) return;
  const bool first = !restart_ms_;
  restart_ms_ = std::max(ts_ms, restart_ms_.value_or(ts_ms));
  // No restored machine is due before this (a later restart time only delays them).
  if (first) next_due_ms_ = std::min(next_due_ms_, *restart_ms_ + config_.heartbeat_timeout_ms);
}

// On the machine's clock; nullopt while it cannot time out (never heard, or restored and
// no event time seen since the restart).
std::optional<std::int64_t> FleetDetector::silent_since(const Machine& m) const {
  if (!m.last_seen_ms || !m.silent_since_restart) return m.last_seen_ms;
  if (!restart_ms_) return std::nullopt;
  return std::max(*m.last_seen_ms, *restart_ms_);
}

}  // namespace wm::devices
