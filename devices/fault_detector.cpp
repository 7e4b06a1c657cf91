// The sensor rules, the events and the offline life cycle of FleetDetector. The site part
// (which offline machines are one outage) is OutageCorrelator's; the debounce is
// DebouncedSignal's; what each reason means is fault_reason.h's; the start-up restore is
// fault_detector_restore.cpp's. Machine clocks: every per-machine time here is on the
// machine's own clock; `skew_ms` maps it onto fleet time for the timers that advance() runs.
#include "devices/fault_detector.h"

#include <algorithm>
#include <utility>

namespace wm::devices {

namespace {

using Change = DebouncedSignal::Change;
using Signal = SensorSignal;

constexpr std::int64_t kNever = INT64_MAX;

std::size_t slot(Signal signal) { return static_cast<std::size_t>(signal); }

}  // namespace

FleetDetector::FleetDetector(DetectorConfig config)
    : config_(config),
      correlator_(OutageCorrelator::Config{config.outage_window_ms, config.outage_fraction}) {
  const DebouncedSignal::Holds sensor{config_.sensor_debounce_ms, config_.sensor_debounce_ms};
  holds_ = {
      DebouncedSignal::Holds{config_.tds_sustain_ms, config_.sensor_debounce_ms},
      sensor,
      DebouncedSignal::Holds{config_.idle_flow_leak_ms, config_.sensor_debounce_ms},
      sensor,
      sensor,
      sensor,
      sensor,
      sensor,
  };
}

// ---- Declaring machines, reasons and findings ----------------------------------------

void FleetDetector::add_machine(MachineIndex machine, const std::string& device_id,
                                const std::string& site_id) {
  if (machine >= machines_.size()) machines_.resize(std::size_t{machine} + 1);
  Machine& m = machines_[machine];
  m.declared = true;
  if (m.device_id != device_id) m.device_id = device_id;
  correlator_.place(machine, site_id);
}

FleetDetector::Machine* FleetDetector::find(MachineIndex machine) {
  if (machine >= machines_.size() || !machines_[machine].declared) return nullptr;
  return &machines_[machine];
}

const std::string& FleetDetector::site_of(MachineIndex machine) const {
  return correlator_.site_id(*correlator_.site_of(machine));  // declared machines have one
}

bool FleetDetector::active(const Machine& m, Reason reason) const {
  return (m.reasons >> static_cast<unsigned>(reason)) & 1U;
}

bool FleetDetector::kind_active(const Machine& m, FaultKind kind) const {
  if (m.restored_kinds & bit_of(kind)) return true;
  for (std::size_t r = 0; r < kFaultReasonCount; ++r) {
    if (active(m, static_cast<Reason>(r)) && kind_of(static_cast<Reason>(r)) == kind) return true;
  }
  return false;
}

// A real reason takes over a kind restored at start-up: the restored raise ends silently.
bool FleetDetector::start_reason(Machine& m, Reason reason) {
  if (active(m, reason)) return false;
  m.reasons |= 1U << static_cast<unsigned>(reason);
  m.restored_kinds &= static_cast<std::uint16_t>(~bit_of(kind_of(reason)));
  return true;
}

bool FleetDetector::end_reason(Machine& m, Reason reason) {
  if (!active(m, reason)) return false;
  m.reasons &= ~(1U << static_cast<unsigned>(reason));
  return !kind_active(m, kind_of(reason));
}

void FleetDetector::emit(MachineIndex machine, FaultKind kind, bool raised, std::int64_t at_ms,
                         std::string evidence, std::vector<Finding>& out) {
  out.push_back(Finding{machines_[machine].device_id, site_of(machine), kind, raised, at_ms,
                        std::move(evidence)});
}

// ---- Sensors -------------------------------------------------------------------------

void FleetDetector::judge(MachineIndex machine, Machine& m, Signal signal, Change change,
                          std::int64_t at_ms, std::int64_t held_ms, std::optional<double> value,
                          std::vector<Finding>& out) {
  const Reason reason = reason_of(signal);
  if (change == Change::kRaised && start_reason(m, reason)) {
    emit(machine, kind_of(reason), true, at_ms, describe(signal, true, value, held_ms, config_),
         out);
  } else if (change == Change::kCleared && end_reason(m, reason)) {
    emit(machine, kind_of(reason), false, at_ms, describe(signal, false, value, held_ms, config_),
         out);
  }
}

void FleetDetector::observe(MachineIndex machine, Machine& m, Signal signal, bool bad, double value,
                            std::int64_t ts_ms, std::vector<Finding>& out) {
  m.seeded_signals &= static_cast<std::uint8_t>(~(1U << slot(signal)));  // judged by readings now
  DebouncedSignal& s = m.signals[slot(signal)];
  const Change change = s.observe(bad, ts_ms, holds_[slot(signal)]);
  if (change != Change::kNone) {
    judge(machine, m, signal, change, ts_ms, ts_ms - s.streak_since_ms(), value, out);
  }
}

void FleetDetector::on_telemetry(MachineIndex machine, const protocols::Telemetry& t,
                                 std::vector<Finding>& out) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  const std::int64_t ts = t.ts_ms;
  hear(machine, *m, ts, out);
  // A late sample is history: judging it would run the debounce backwards.
  if (m->newest_telemetry_ms && ts < *m->newest_telemetry_ms) {
    settle_restored(machine, *m, ts, out);
    note_due(*m);
    return;
  }
  m->newest_telemetry_ms = ts;
  learn_cadence(*m, ts);

  // Hysteresis: once raised, only a reading below the clear level counts as healthy.
  const bool tds_bad = m->signals[slot(Signal::kTdsOut)].raised()
                           ? t.tds_out >= config_.tds_out_clear_ppm
                           : t.tds_out > config_.tds_out_limit_ppm;
  observe(machine, *m, Signal::kTdsOut, tds_bad, t.tds_out, ts, out);
  if (t.leak) {
    observe(machine, *m, Signal::kLeakSensor, *t.leak, *t.leak ? 1 : 0, ts, out);
  } else {
    unreported(machine, *m, Signal::kLeakSensor, ts, out);
  }
  observe(machine, *m, Signal::kIdleFlow, t.flow_lpm > config_.idle_flow_lpm, t.flow_lpm, ts, out);
  if (t.uv_ok) {
    observe(machine, *m, Signal::kUvOk, !*t.uv_ok, *t.uv_ok ? 1 : 0, ts, out);
  } else {
    unreported(machine, *m, Signal::kUvOk, ts, out);
  }
  // 0 kPa is a reading too (no supply at all), not a missing value.
  observe(machine, *m, Signal::kInletPressure, t.pressure_kpa < config_.supply_pressure_min_kpa,
          t.pressure_kpa, ts, out);
  if (t.door) {
    // An opening is authorised when any of its readings falls inside a service visit
    // (the technician may open the door a moment before starting the visit); it stays
    // so until the door closes.
    if (!*t.door) {
      m->door_authorised = false;
    } else if (in_visit(*m, ts)) {
      m->door_authorised = true;
    }
    observe(machine, *m, Signal::kDoor, *t.door && !m->door_authorised, *t.door ? 1 : 0, ts, out);
  } else {
    unreported(machine, *m, Signal::kDoor, ts, out);
  }
  observe_own_normal(machine, *m, t, out);
  settle_restored(machine, *m, ts, out);
  note_due(*m);
}

bool FleetDetector::in_visit(const Machine& m, std::int64_t ts_ms) const {
  if (!m.visit_start_ms || ts_ms < *m.visit_start_ms) return false;
  if (ts_ms - *m.visit_start_ms >= config_.service_visit_max_ms) return false;  // forgotten end
  return !m.visit_end_ms || ts_ms < *m.visit_end_ms;
}

// ---- Events --------------------------------------------------------------------------

void FleetDetector::on_event(MachineIndex machine, const protocols::Event& event,
                             std::vector<Finding>& out) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  hear(machine, *m, event.ts_ms, out);
  if (const auto* fault = std::get_if<protocols::Fault>(&event.body)) {
    on_fault(machine, *m, *fault, event.ts_ms, out);
  } else if (const auto* dispense = std::get_if<protocols::Dispense>(&event.body)) {
    on_dispense(machine, *m, *dispense, event.ts_ms, out);
  } else if (const auto* maintenance = std::get_if<protocols::Maintenance>(&event.body)) {
    on_maintenance(machine, *m, *maintenance, event.ts_ms, out);
  }
  settle_restored(machine, *m, event.ts_ms, out);
  note_due(*m);
}

void FleetDetector::on_fault(MachineIndex machine, Machine& m, const protocols::Fault& fault,
                             std::int64_t ts_ms, std::vector<Finding>& out) {
  const auto code = static_cast<std::size_t>(fault.code) - 1;
  if (code >= m.code_changed_ms.size()) return;  // not a code of PROTOCOLS.md
  const auto bit = static_cast<std::uint8_t>(1U << code);
  // An older report of the same code arriving late must not undo a newer one.
  if ((m.codes_seen & bit) && ts_ms < m.code_changed_ms[code]) return;
  m.codes_seen |= bit;
  m.code_changed_ms[code] = ts_ms;

  const Reason reason = reason_of(fault.code);
  if (fault.active && start_reason(m, reason)) {
    emit(machine, kind_of(reason), true, ts_ms, std::string(to_string(fault.code)) + " raised",
         out);
  } else if (!fault.active && end_reason(m, reason)) {
    emit(machine, kind_of(reason), false, ts_ms, std::string(to_string(fault.code)) + " cleared",
         out);
  }
}

void FleetDetector::on_dispense(MachineIndex machine, Machine& m,
                                const protocols::Dispense& dispense, std::int64_t ts_ms,
                                std::vector<Finding>& out) {
  // A dispense explains the flow seen so far: the idle-flow leak timer starts again.
  DebouncedSignal& idle_flow = m.signals[slot(Signal::kIdleFlow)];
  if (!idle_flow.raised()) idle_flow.restart();

  if (dispense.requested_ml <= 0) return;  // nothing was asked for: nothing to judge
  const auto requested = static_cast<double>(dispense.requested_ml);
  const auto dispensed = static_cast<double>(dispense.dispensed_ml);
  const auto volumes = [&dispense] {
    return "txn " + dispense.txn + ": " + std::to_string(dispense.dispensed_ml) + " of " +
           std::to_string(dispense.requested_ml) + " ml dispensed";
  };
  if (dispense.charged_fen > 0 && dispensed < config_.dispense_failure_ratio * requested) {
    m.newest_short_dispense_ms = std::max(m.newest_short_dispense_ms, ts_ms);
    if (start_reason(m, Reason::kShortDispense)) {
      emit(machine, FaultKind::kDispenseFailure, true, ts_ms,
           volumes() + ", " + std::to_string(dispense.charged_fen) + " fen charged", out);
    }
  } else if (dispensed >= config_.dispense_ok_ratio * requested &&
             ts_ms > m.newest_short_dispense_ms && end_reason(m, Reason::kShortDispense)) {
    // Only a dispense after the newest short one shows the machine delivering again.
    emit(machine, FaultKind::kDispenseFailure, false, ts_ms, volumes(), out);
  }
}

void FleetDetector::on_maintenance(MachineIndex machine, Machine& m,
                                   const protocols::Maintenance& maintenance, std::int64_t ts_ms,
                                   std::vector<Finding>& out) {
  using protocols::MaintenanceAction;
  switch (maintenance.action) {
    case MaintenanceAction::kCleaning:
      if (!m.last_cleaning_ms || ts_ms > *m.last_cleaning_ms) m.last_cleaning_ms = ts_ms;
      // Cleared only when the machine is no longer overdue as of its newest message
      // (a cleaning of long ago reported late does not count).
      if (*m.last_seen_ms - *m.last_cleaning_ms <= config_.cleaning_interval_ms &&
          end_reason(m, Reason::kCleaningInterval)) {
        emit(machine, FaultKind::kCleaningDue, false, ts_ms, "cleaning by " + maintenance.staff,
             out);
      }
      break;
    case MaintenanceAction::kServiceStart:
      if (!m.visit_start_ms || ts_ms >= *m.visit_start_ms) {
        m.visit_start_ms = ts_ms;
        if (m.visit_end_ms && *m.visit_end_ms < ts_ms) m.visit_end_ms.reset();
      }
      break;
    case MaintenanceAction::kServiceEnd:
      if (m.visit_start_ms && ts_ms < *m.visit_start_ms) break;  // an earlier visit's, late
      // Kept even before its start arrives (events out of order): the start keeps it.
      m.visit_end_ms = m.visit_end_ms ? std::min(*m.visit_end_ms, ts_ms) : ts_ms;
      break;
    default:
      break;  // filter, membrane, UV changes: the predictors' business
  }
}

void FleetDetector::restore_last_cleaning(MachineIndex machine, std::int64_t ts_ms) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  if (!m->last_cleaning_ms || ts_ms > *m->last_cleaning_ms) m->last_cleaning_ms = ts_ms;
  note_due(*m);
}

void FleetDetector::restore_active_fault(MachineIndex machine, protocols::FaultCode code,
                                         std::int64_t since_ms, std::vector<Finding>& out) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  on_fault(machine, *m, protocols::Fault{code, true}, since_ms, out);
}

std::optional<std::int64_t> FleetDetector::cleaning_base(const Machine& m) const {
  return m.last_cleaning_ms ? m.last_cleaning_ms : m.first_seen_ms;
}

// ---- Online, offline and the site ----------------------------------------------------

void FleetDetector::on_heartbeat(MachineIndex machine, std::int64_t ts_ms,
                                 std::vector<Finding>& out) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  hear(machine, *m, ts_ms, out);
  learn_cadence(*m, ts_ms);
  settle_restored(machine, *m, ts_ms, out);
  note_due(*m);
}

void FleetDetector::on_status(MachineIndex machine, const protocols::Status& status,
                              std::vector<Finding>& out) {
  Machine* m = find(machine);
  if (m == nullptr) return;
  const std::int64_t ts = status.ts_ms;
  const bool newest = !m->status_ts_ms || ts > *m->status_ts_ms ||
                      (ts == *m->status_ts_ms && status.online != m->status_online);
  if (newest) {
    m->status_ts_ms = ts;
    m->status_online = status.online;
  }
  if (status.online) {
    hear(machine, *m, ts, out);
    settle_restored(machine, *m, ts, out);
  } else if (newest && !m->offline) {
    // A will is stamped when the machine connected, often before its newest telemetry:
    // it went dark after the last thing it said.
    if (!m->first_seen_ms) m->first_seen_ms = ts;
    go_offline(machine, *m, std::max(ts, m->last_seen_ms.value_or(ts)), true, out);
  }
  note_due(*m);
}

// Any message: proof of life at ts_ms, on the machine's clock.
void FleetDetector::hear(MachineIndex machine, Machine& m, std::int64_t ts_ms,
                         std::vector<Finding>& out) {
  note_event_time(ts_ms);
  if (!m.first_seen_ms) m.first_seen_ms = ts_ms;
  const bool newest = !m.last_seen_ms || ts_ms > *m.last_seen_ms;
  if (newest) {
    m.last_seen_ms = ts_ms;
    m.silent_since_restart = false;
    // A clock behind the fleet's is measured on its own: heard now, whatever it says.
    m.skew_ms = fleet_now_ms_ ? std::max<std::int64_t>(0, *fleet_now_ms_ - ts_ms) : 0;
  }
  if (m.offline && ts_ms > m.online_after_ms) {
    m.offline = false;
    if (end_reason(m, Reason::kOffline)) {
      emit(machine, FaultKind::kDeviceOffline, false, ts_ms, "back online", out);
    }
    decisions_.clear();
    correlator_.came_back(machine, ts_ms + m.skew_ms, decisions_);
    apply(decisions_, out);
  }
  // An offline raise restored at start-up ends at the first proof of life.
  if (!m.offline && newest && end_restored(m, FaultKind::kDeviceOffline)) {
    emit(machine, FaultKind::kDeviceOffline, false, ts_ms, "back online", out);
  }
}

void FleetDetector::go_offline(MachineIndex machine, Machine& m, std::int64_t at_ms, bool by_will,
                               std::vector<Finding>& out) {
  m.offline = true;
  m.offline_by_will = by_will;
  m.offline_at_ms = at_ms;
  // After a will, messages up to the will's time are late copies; after a timeout any
  // message newer than the last one heard shows the machine alive.
  m.online_after_ms = by_will ? at_ms : m.last_seen_ms.value_or(at_ms);
  decisions_.clear();
  correlator_.went_offline(machine, at_ms + m.skew_ms, decisions_);
  apply(decisions_, out);
}

void FleetDetector::apply(const std::vector<OutageCorrelator::Decision>& decisions,
                          std::vector<Finding>& out) {
  using Type = OutageCorrelator::Decision::Type;
  for (const OutageCorrelator::Decision& d : decisions) {
    if (d.type == Type::kMachineOffline) {
      Machine& m = machines_[d.machine];
      if (!m.offline || !start_reason(m, Reason::kOffline)) continue;
      emit(d.machine, FaultKind::kDeviceOffline, true, m.offline_at_ms,
           m.offline_by_will ? "will: offline"
                             : "no message for " + seconds_text(timeout_of(m)),
           out);
      continue;
    }
    const std::string& site = correlator_.site_id(d.site);
    const std::string count =
        std::to_string(d.offline) + " of " + std::to_string(d.members) + " machines offline";
    const bool down = d.type == Type::kSiteDown;
    out.push_back(
        Finding{site, site, FaultKind::kSitePowerOutage, down, d.at_ms,
                down ? count + " within " + seconds_text(config_.outage_window_ms) : count});
  }
}

// ---- Timers --------------------------------------------------------------------------

void FleetDetector::advance(std::int64_t now_ms, std::vector<Finding>& out) {
  fleet_now_ms_ = std::max(now_ms, fleet_now_ms_.value_or(now_ms));
  note_event_time(now_ms);
  restart_settling_ = false;  // the restart's event time is settled
  if (now_ms >= next_due_ms_) scan(now_ms, out);
  decisions_.clear();
  correlator_.advance(now_ms, decisions_);
  apply(decisions_, out);
}

void FleetDetector::scan(std::int64_t now_ms, std::vector<Finding>& out) {
  next_due_ms_ = kNever;
  for (MachineIndex i = 0; i < machines_.size(); ++i) {
    Machine& m = machines_[i];
    if (!m.declared) continue;
    const std::int64_t local_now = now_ms - m.skew_ms;  // fleet time on the machine's clock

    // Offline as of its last message + the timeout, even when the restart's grace made
    // the judgement later: the window and the site correlation use when it went dark.
    const std::optional<std::int64_t> silent = silent_since(m);
    if (!m.offline && silent && local_now - *silent >= timeout_of(m)) {
      go_offline(i, m, *m.last_seen_ms + timeout_of(m), false, out);
    }
    for (std::size_t s = 0; s < kSignalCount; ++s) {
      DebouncedSignal& signal = m.signals[s];
      const std::int64_t hold = signal.raised() ? holds_[s].clear_ms : holds_[s].raise_ms;
      const Change change = signal.expire(local_now, holds_[s]);
      if (change != Change::kNone) {
        judge(i, m, static_cast<Signal>(s), change, signal.streak_since_ms() + hold, hold,
              std::nullopt, out);
      }
    }
    const std::optional<std::int64_t> base = cleaning_base(m);
    if (base && local_now - *base > config_.cleaning_interval_ms &&
        start_reason(m, Reason::kCleaningInterval)) {
      const std::int64_t hours = (local_now - *base) / 3'600'000;
      emit(i, FaultKind::kCleaningDue, true, *base + config_.cleaning_interval_ms,
           (m.last_cleaning_ms ? "no cleaning for " : "no cleaning on record for ") +
               std::to_string(hours) + " h (interval " +
               std::to_string(config_.cleaning_interval_ms / 3'600'000) + " h)",
           out);
    }
    next_due_ms_ = std::min(next_due_ms_, next_due(m));
  }
}

// The earliest fleet time at which scan() may have something to do for this machine.
std::int64_t FleetDetector::next_due(const Machine& m) const {
  std::int64_t due = kNever;
  const auto consider = [&](std::int64_t local_ms) { due = std::min(due, local_ms + m.skew_ms); };
  if (const auto silent = silent_since(m); !m.offline && silent) {
    consider(*silent + timeout_of(m));
  }
  for (std::size_t s = 0; s < kSignalCount; ++s) {
    if (const auto at = m.signals[s].due_ms(holds_[s])) consider(*at);
  }
  const std::optional<std::int64_t> base = cleaning_base(m);
  if (base && !active(m, Reason::kCleaningInterval)) {
    consider(*base + config_.cleaning_interval_ms + 1);
  }
  return due;
}

void FleetDetector::note_due(const Machine& m) {
  next_due_ms_ = std::min(next_due_ms_, next_due(m));
}

}  // namespace wm::devices
