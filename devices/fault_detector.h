// The fault detectors: turn what a machine sends into findings that a fault is raised or
// cleared (DESIGN.md "Fault kinds", issue 3 "Signals that open tickets now"), for the
// ticket desk to open, join and resolve tickets from.
//
// A finding is judged from reasons. One kind may have several at once (water_quality from
// E03 and from a sustained tds_out): each reason that becomes active raises a finding of
// its kind (the desk joins it to the open ticket as new evidence), the same active reason
// never raises twice, and the kind is cleared only when its last reason ends. A kind that
// was never raised is never cleared.
//
// Everything runs on event time: the `ts` in messages, and the fleet's event time passed
// to advance() (see EventClock). Sensor readings are debounced (DebouncedSignal); out-of-
// order telemetry is ignored. Machines whose clock runs behind the fleet's are measured
// against their own clock, so a slow clock does not make a machine time out.
//
// Rules worth knowing when reading findings:
// - Debounce works both ways: a sensor raise needs the bad condition for its hold across
//   at least two readings, and it clears only after healthy readings for
//   sensor_debounce_ms (tds_out: below tds_out_clear_ppm) across at least two.
// - A door opening is the technician's when any of its readings falls inside a service
//   visit; it stays so until the door closes, even past the visit's end.
// - device_offline carries the time the machine went dark (at_ms), not when its outage
//   window closed; a site_power_outage carries fleet event time.
// - A machine's clock offset is taken at its newest message against the newest advance();
//   before the first advance() it counts as zero.
// - After a restart the restore_* calls rebuild what the gateway knew (twins, open
//   tickets); see them for when a restored raise ends.
//
// Memory is bounded per machine (no growing containers); on_telemetry does not allocate
// unless it emits a finding. Reads no clock, does no I/O. Not thread-safe: the owner
// serializes calls.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/debounced_signal.h"
#include "devices/fault_kind.h"
#include "devices/fault_reason.h"
#include "devices/outage_correlator.h"
#include "devices/own_baseline.h"
#include "devices/reporting_cadence.h"
#include "protocols/messages.h"

namespace wm::devices {

struct DetectorConfig {
  double tds_out_limit_ppm = 50;             // DESIGN.md default limit
  double tds_out_clear_ppm = 45;             // hysteresis: the raise ends only below this
  std::int64_t tds_sustain_ms = 2 * 60'000;  // above the limit this long -> water_quality
  // leak / uv_ok=false / door / low pressure must persist this long (at least two readings)
  // before raising; healthy readings must persist as long before it clears.
  std::int64_t sensor_debounce_ms = 60'000;
  double supply_pressure_min_kpa = 50;             // inlet pressure collapse -> water_supply
  double idle_flow_lpm = 0.2;                      // flow above this ...
  std::int64_t idle_flow_leak_ms = 15 * 60'000;    // ... continuously this long -> leak
  std::int64_t heartbeat_timeout_ms = 5 * 60'000;  // silent this long -> offline ...
  // ... or, for a machine that usually reports less often than that, this many of its own
  // reporting intervals (a machine that reports hourly is not offline after five minutes).
  // The interval is learned from its telemetry and heartbeats (the periodic messages), not
  // from events.
  double cadence_timeouts = 3;
  std::int64_t outage_window_ms = 2 * 60'000;  // an offline machine waits this long for its site
  // MORE than this share of a site's machines offline (and at least 2) -> site_power_outage
  double outage_fraction = 0.5;
  std::int64_t cleaning_interval_ms = 7LL * 24 * 3600 * 1000;  // since the last `cleaning`
  // dispensed_ml below this share of requested_ml, with charged_fen > 0 -> dispense_failure
  double dispense_failure_ratio = 0.5;
  double dispense_ok_ratio = 0.9;  // a later dispense at or above this share clears it
  std::int64_t service_visit_max_ms = 4 * 3600'000;  // a service_start without service_end ends
  // Against the machine's own normal (OwnBaseline), for machines that send no fault codes:
  // pump current at or above this many times its own running current -> pump_fault (a
  // seized or shorted pump), cleared below pump_normal_ratio; the product water this many
  // degrees from its own temperature -> heater_fault, cleared within temp_normal_c.
  double pump_overload_ratio = 1.5;
  double pump_normal_ratio = 1.3;
  double temp_off_c = 5;
  double temp_normal_c = 3;
};

// What a detector concluded about one machine (or one site, for site_power_outage).
struct Finding {
  std::string subject;  // the device id; the site id for FaultKind::kSitePowerOutage
  std::string site_id;
  FaultKind kind = FaultKind::kWaterQuality;
  bool raised = true;      // false: the signal is healthy again (cleared)
  std::int64_t at_ms = 0;  // event time of the evidence (site findings: fleet event time)
  std::string evidence;    // for people: "tds_out 87 ppm above 50 ppm for 150 s", "E03 raised"
};

class FleetDetector {
 public:
  explicit FleetDetector(DetectorConfig config = {});

  // Declares a machine (idempotent; a changed site moves it). Indices may be sparse.
  void add_machine(MachineIndex machine, const std::string& device_id, const std::string& site_id);

  // Each call appends its findings to `out` (usually none). Unknown machine: ignored.
  void on_telemetry(MachineIndex machine, const protocols::Telemetry& t, std::vector<Finding>& out);
  void on_event(MachineIndex machine, const protocols::Event& event, std::vector<Finding>& out);
  // online=false is the will: offline as of max(ts, the newest message seen). A status
  // older than the newest status, or the newest offline status again, changes nothing.
  void on_status(MachineIndex machine, const protocols::Status& status, std::vector<Finding>& out);
  void on_heartbeat(MachineIndex machine, std::int64_t ts_ms, std::vector<Finding>& out);

  // Fleet event time has reached now_ms: heartbeat timeouts, outage windows that close,
  // cleaning due, debounce timers that expire. A now_ms older than before is harmless.
  // Cheap when nothing is due (a scan of the fleet happens only when something may be).
  void advance(std::int64_t now_ms, std::vector<Finding>& out);

  // Start-up: the newest `cleaning` maintenance of a machine from storage.
  void restore_last_cleaning(MachineIndex machine, std::int64_t ts_ms);
  // Start-up: a fault code the machine's twin holds active since since_ms. Raised like an
  // active `fault` event (a finding, so the desk can join it), so that its clear resolves
  // the ticket; but unlike on_event it is not a message: it proves nothing about the
  // machine being alive now (no heartbeat clock starts from the old time).
  void restore_active_fault(MachineIndex machine, protocols::FaultCode code, std::int64_t since_ms,
                            std::vector<Finding>& out);
  // Start-up: the machine's newest message time before the restart (its twin's last seen).
  // The gateway's downtime is not the machine's silence: a machine counts as silent since
  // max(this, the restart's event time), the restart's event time being the newest event
  // time seen up to and including the first advance() after the restore. So every machine
  // gets one full heartbeat timeout to speak; one that never does goes offline as of this
  // time + heartbeat_timeout_ms, through the outage window and site correlation as usual.
  void restore_last_seen(MachineIndex machine, std::int64_t ts_ms);
  // Start-up: an open sensor-born ticket of this machine and kind, opened at since_ms. The
  // kind counts as raised, without a finding, until its first healthy judgement; that ends
  // it like any other reason (a cleared finding if it was the kind's last):
  // - water_quality, leak, uv_fault, water_supply, tamper: the kind's debounced signals
  //   start raised and clear as usual (e.g. tds_out below tds_out_clear_ppm for
  //   sensor_debounce_ms; leak: the leak sensor dry AND the flow stopped). An optional sensor
  //   (leak, uv_ok, door) missing from the machine's first telemetry counts as healthy then.
  // - dispense_failure: a dispense at or above dispense_ok_ratio newer than since_ms.
  // - cleaning_due: a cleaning.
  // - device_offline: the machine's first message newer than its last seen (proof of life).
  // - pump_fault, heater_fault, card_reader_fault (only fault codes raise them): the
  //   machine's first message, unless restore_active_fault() holds one of the kind's codes
  //   active (then that code's clear ends the kind).
  // A restored kind that is still bad stays raised with no finding (its signal stays raised),
  // or a real reason starting takes the restored one over (a raised finding, no clear).
  // site_power_outage: see restore_site_outage(). Kinds no detector raises: ignored.
  void restore_raised(MachineIndex machine, FaultKind kind, std::int64_t since_ms);
  // Start-up: an open site_power_outage ticket. The site counts as down since since_ms, each
  // of its machines as offline (under the outage) until it sends a message newer than its
  // last seen; the outage clears once no more than outage_fraction of them are offline, and
  // those still dark then wait out a window as usual. Call after restore_last_seen(). A site
  // with no machines: ignored.
  void restore_site_outage(const std::string& site_id, std::int64_t since_ms);

  const DetectorConfig& config() const { return config_; }

 private:
  using Reason = FaultReason;
  static constexpr std::size_t kSignalCount = kSensorSignalCount;
  static constexpr std::uint16_t bit_of(FaultKind kind) {
    return static_cast<std::uint16_t>(1U << static_cast<unsigned>(kind));
  }

  struct Machine {
    std::string device_id;
    bool declared = false;
    bool offline = false;
    bool offline_by_will = false;
    bool status_online = false;    // what the newest status said
    bool door_authorised = false;  // the door's current opening began inside a service visit
    std::uint8_t codes_seen = 0;   // bit (code - 1): a fault event of that code arrived
    std::uint32_t reasons = 0;     // bit per Reason: active now
    // Start-up state (restore_*): signals raised from an open ticket that no reading has
    // judged yet (bit per SensorSignal), kinds raised from an open ticket with no reason to
    // hold them (bit per FaultKind: device_offline and the code-only kinds), and whether
    // last_seen_ms is the restored one (silence counts from the restart).
    std::uint8_t seeded_signals = 0;
    std::uint16_t restored_kinds = 0;
    bool silent_since_restart = false;
    std::optional<std::int64_t> first_seen_ms;
    std::optional<std::int64_t> last_seen_ms;  // newest message time (the machine's clock)
    std::optional<std::int64_t> newest_telemetry_ms;
    std::optional<std::int64_t> status_ts_ms;
    std::optional<std::int64_t> last_cleaning_ms;
    std::optional<std::int64_t> visit_start_ms;
    std::optional<std::int64_t> visit_end_ms;
    std::int64_t skew_ms = 0;  // how far its clock was behind fleet time when last heard
    std::int64_t last_periodic_ms = INT64_MIN;  // newest telemetry or heartbeat time
    ReportingCadence cadence;                   // its usual gap between them
    std::int64_t offline_at_ms = 0;
    std::int64_t online_after_ms = 0;  // a message newer than this proves it back
    std::int64_t newest_short_dispense_ms = INT64_MIN;
    std::array<std::int64_t, 8> code_changed_ms{};  // per fault code: newest raise or clear
    // Indexed by SensorSignal.
    std::array<DebouncedSignal, kSignalCount> signals{};
    OwnBaseline pump_running;  // pump current while the pump runs
    OwnBaseline water_temp;
  };

  Machine* find(MachineIndex machine);
  const std::string& site_of(MachineIndex machine) const;
  bool active(const Machine& m, Reason reason) const;
  bool kind_active(const Machine& m, FaultKind kind) const;
  bool start_reason(Machine& m, Reason reason);
  bool end_reason(Machine& m, Reason reason);
  bool end_restored(Machine& m, FaultKind kind);
  void emit(MachineIndex machine, FaultKind kind, bool raised, std::int64_t at_ms,
            std::string evidence, std::vector<Finding>& out);
  void judge(MachineIndex machine, Machine& m, SensorSignal signal, DebouncedSignal::Change change,
             std::int64_t at_ms, std::int64_t held_ms, std::optional<double> value,
             std::vector<Finding>& out);
  void observe(MachineIndex machine, Machine& m, SensorSignal signal, bool bad, double value,
               std::int64_t ts_ms, std::vector<Finding>& out);
  void observe_own_normal(MachineIndex machine, Machine& m, const protocols::Telemetry& t,
                          std::vector<Finding>& out);
  void learn_cadence(Machine& m, std::int64_t ts_ms);
  // A machine not heard twice yet is measured by the fleet's usual gap: a fleet that
  // reports hourly in bursts must not go offline while its second burst arrives.
  std::int64_t timeout_of(const Machine& m) const;
  void hear(MachineIndex machine, Machine& m, std::int64_t ts_ms, std::vector<Finding>& out);
  void seed(Machine& m, SensorSignal signal);
  void unreported(MachineIndex machine, Machine& m, SensorSignal signal, std::int64_t ts_ms,
                  std::vector<Finding>& out);
  void settle_restored(MachineIndex machine, Machine& m, std::int64_t ts_ms,
                       std::vector<Finding>& out);
  void note_event_time(std::int64_t ts_ms);
  std::optional<std::int64_t> silent_since(const Machine& m) const;
  void go_offline(MachineIndex machine, Machine& m, std::int64_t at_ms, bool by_will,
                  std::vector<Finding>& out);
  void apply(const std::vector<OutageCorrelator::Decision>& decisions, std::vector<Finding>& out);
  void on_fault(MachineIndex machine, Machine& m, const protocols::Fault& fault, std::int64_t ts_ms,
                std::vector<Finding>& out);
  void on_dispense(MachineIndex machine, Machine& m, const protocols::Dispense& dispense,
                   std::int64_t ts_ms, std::vector<Finding>& out);
  void on_maintenance(MachineIndex machine, Machine& m, const protocols::Maintenance& maintenance,
                      std::int64_t ts_ms, std::vector<Finding>& out);
  bool in_visit(const Machine& m, std::int64_t ts_ms) const;
  std::optional<std::int64_t> cleaning_base(const Machine& m) const;
  void scan(std::int64_t now_ms, std::vector<Finding>& out);
  std::int64_t next_due(const Machine& m) const;
  void note_due(const Machine& m);

  DetectorConfig config_;
  std::array<DebouncedSignal::Holds, kSignalCount> holds_;
  std::int64_t fleet_cadence_ms_ = 0;
  std::vector<Machine> machines_;
  OutageCorrelator correlator_;
  std::vector<OutageCorrelator::Decision> decisions_;  // reused
  std::optional<std::int64_t> fleet_now_ms_;           // the newest advance()
  std::int64_t next_due_ms_ = INT64_MAX;               // lower bound of any machine's deadline
  // The restart's event time (see restore_last_seen); settled at the first advance().
  std::optional<std::int64_t> restart_ms_;
  bool restart_settling_ = false;
};

}  // namespace wm::devices
