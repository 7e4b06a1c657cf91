#include "devices/fleet_predictor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace wm::devices {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;

std::string format(const char* pattern, auto... values) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

}  // namespace

std::string_view to_string(PredictionChange::Change change) {
  switch (change) {
    case PredictionChange::Change::kOpened:
      return "opened";
    case PredictionChange::Change::kRevised:
      return "revised";
    case PredictionChange::Change::kCleared:
      return "cleared";
  }
  std::abort();
}

std::string describe(FaultKind kind, const Judgement& j) {
  const double v = j.value, b = j.baseline, l = j.limit, z = j.trend_z;
  switch (kind) {
    case FaultKind::kFilterClogging:
      return format(
          "flow per inlet pressure %.0f%% of the clean filter's and falling as litres pass "
          "(trend z %.1f); failure at %.0f%%, %lld L left",
          b > 0 ? 100 * v / b : 0.0, z, b > 0 ? 100 * l / b : 0.0,
          static_cast<long long>(j.litres_left.value_or(0)));
    case FaultKind::kMembraneDegradation:
      return format(
          "salt rejection %.1f%% (own baseline %.1f%%), falling (trend z %.1f) toward "
          "%.0f%%",
          100 * v, 100 * b, z, 100 * l);
    case FaultKind::kWaterQuality:
      return format(
          "tds_out %.1f ppm (own baseline %.1f), rising (trend z %.1f) toward the "
          "%.0f ppm limit",
          v, b, z, l);
    case FaultKind::kPumpFault:
      return format("pump current %.2f A against its own %.2f A +/- %.2f A (trend z %.1f)", v, b, l,
                    z);
    case FaultKind::kHeaterFault:
      return format("water temperature %.1f C against its own band %.1f +/- %.1f C (trend z %.1f)",
                    v, b, l, z);
    default:
      return "prediction";
  }
}

FleetPredictor::FleetPredictor(PredictorConfig config)
    : config_(config), scratch_(TrendWindow::kScratch) {}

FaultKind FleetPredictor::kind_of(Slot slot) {
  static constexpr std::array<FaultKind, kSlotCount> kKinds = {
      FaultKind::kFilterClogging, FaultKind::kMembraneDegradation, FaultKind::kWaterQuality,
      FaultKind::kPumpFault, FaultKind::kHeaterFault};
  return kKinds[slot];
}

std::size_t FleetPredictor::state_bytes_per_machine() { return sizeof(Machine); }

void FleetPredictor::add_machine(MachineIndex machine, const std::string& device_id,
                                 const std::string& site_id, double filter_rated_l) {
  if (machine >= machines_.size()) machines_.resize(machine + 1);
  Machine& m = machines_[machine];
  m.device_id = device_id;
  m.site_id = site_id;
  m.filter_rated_l = std::max(0.0, filter_rated_l);
  m.declared = true;
}

void FleetPredictor::on_telemetry(MachineIndex machine, const protocols::Telemetry& t,
                                  std::vector<PredictionChange>& out) {
  if (machine >= machines_.size() || !machines_[machine].declared) return;
  Machine& m = machines_[machine];
  if (t.ts_ms < m.newest_ms) return;
  if (m.newest_ms != INT64_MIN && t.ts_ms > m.newest_ms) m.cadence.learn_gap(t.ts_ms - m.newest_ms);
  m.newest_ms = t.ts_ms;
  if (m.filter_l >= 0 && t.filter_l < m.filter_l) {
    clear(m, kFilter, t.ts_ms,
          format("filter_l went back from %lld to %lld L: a new filter",
                 static_cast<long long>(m.filter_l), static_cast<long long>(t.filter_l)),
          out);
    m.filter.reset();
  }
  m.filter_l = t.filter_l;
  const std::int64_t cadence = m.cadence.usual_ms();
  judge(m, kFilter, m.filter.on_telemetry(t, m.filter_rated_l, cadence, config_, scratch_),
        t.ts_ms, out);
  judge(m, kMembrane, m.membrane.on_telemetry(t, cadence, config_, scratch_), t.ts_ms, out);
  judge(m, kTds, m.tds.on_telemetry(t, cadence, config_, scratch_), t.ts_ms, out);
  judge(m, kPump, m.pump.on_telemetry(t, config_, scratch_), t.ts_ms, out);
  judge(m, kHeater, m.heater.on_telemetry(t, config_, scratch_), t.ts_ms, out);
}

void FleetPredictor::on_event(MachineIndex machine, const protocols::Event& event,
                              std::vector<PredictionChange>& out) {
  if (machine >= machines_.size() || !machines_[machine].declared) return;
  const auto* maintenance = std::get_if<protocols::Maintenance>(&event.body);
  if (!maintenance) return;
  Machine& m = machines_[machine];
  const std::string why = std::string(protocols::to_string(maintenance->action)) +
                          (maintenance->staff.empty() ? "" : " by " + maintenance->staff);
  switch (maintenance->action) {
    case protocols::MaintenanceAction::kFilterChange:
      clear(m, kFilter, event.ts_ms, why, out);
      m.filter.reset();
      break;
    case protocols::MaintenanceAction::kMembraneChange:
      clear(m, kMembrane, event.ts_ms, why, out);
      clear(m, kTds, event.ts_ms, why, out);
      m.membrane.reset();
      m.tds.reset();
      break;
    case protocols::MaintenanceAction::kServiceEnd:
      // A visit may have fixed the pump or the heater, or not (most visits are for
      // something else): an open prediction clears when the readings say so. Evidence
      // gathered before the visit is not compared with readings after it.
      if (!m.kinds[kPump].latch.active()) m.pump.forget_evidence();
      if (!m.kinds[kHeater].latch.active()) m.heater.forget_evidence();
      break;
    default:
      break;
  }
}

void FleetPredictor::judge(Machine& m, Slot slot, const std::optional<Judgement>& j,
                           std::int64_t at_ms, std::vector<PredictionChange>& out) {
  if (!j) return;
  KindState& k = m.kinds[slot];
  const std::int64_t horizon_ms = slot == kTds ? config_.tds_horizon_ms : config_.horizon_ms;
  // water_quality is an early warning: a limit hours away is the detector's (the hard rule
  // raises it when crossed), or a sudden fault already being repaired.
  const std::int64_t soonest_ms = slot == kTds ? config_.tds_min_warning_ms : 0;
  const bool due = j->eta_ms && *j->eta_ms - at_ms <= horizon_ms &&
                   (*j->eta_ms - at_ms >= soonest_ms || k.latch.active());
  const ConfidenceLatch::Step step = k.latch.judge(j->confidence, due, config_);
  if (step == ConfidenceLatch::Step::kClose) {
    // Recovered (a repair the wire did not report): the trend that led here says nothing
    // about the part now in place.
    forget_trend(m, slot);
    out.push_back({m.device_id, m.site_id, PredictionChange::Change::kCleared,
                   Prediction{kind_of(slot), at_ms, at_ms, std::nullopt, j->confidence,
                              "recovered: " + describe(kind_of(slot), *j)}});
    return;
  }
  if (!k.latch.active()) return;
  // While open, keep the newest judgement that still says when (others keep the eta).
  const std::int64_t previous_eta = k.last.eta_ms.value_or(at_ms);
  k.last = *j;
  if (!k.last.eta_ms) k.last.eta_ms = previous_eta;
  k.at_ms = at_ms;
  if (step == ConfidenceLatch::Step::kOpen) {
    k.reported_eta_ms = *k.last.eta_ms;
    out.push_back(
        {m.device_id, m.site_id, PredictionChange::Change::kOpened, prediction_of(slot, k)});
    return;
  }
  // "Failing now" said again is no news.
  if (*k.last.eta_ms <= at_ms && k.reported_eta_ms <= at_ms) return;
  const std::int64_t left = std::max<std::int64_t>(k.reported_eta_ms - at_ms, 0);
  if (std::llabs(*k.last.eta_ms - k.reported_eta_ms) > std::max(12 * kHourMs, left / 3)) {
    k.reported_eta_ms = *k.last.eta_ms;
    out.push_back(
        {m.device_id, m.site_id, PredictionChange::Change::kRevised, prediction_of(slot, k)});
  }
}

void FleetPredictor::forget_trend(Machine& m, Slot slot) {
  switch (slot) {
    case kFilter:
      m.filter.forget_trend();
      break;
    case kMembrane:
      m.membrane.forget_trend();
      break;
    case kTds:
      m.tds.forget_trend();
      break;
    case kPump:
      m.pump.forget_evidence();
      break;
    case kHeater:
      m.heater.forget_evidence();
      break;
    case kSlotCount:
      break;
  }
}

void FleetPredictor::clear(Machine& m, Slot slot, std::int64_t at_ms, std::string why,
                           std::vector<PredictionChange>& out) {
  KindState& k = m.kinds[slot];
  const bool was_active = k.latch.active();
  k = KindState{};
  if (!was_active) return;
  out.push_back({m.device_id, m.site_id, PredictionChange::Change::kCleared,
                 Prediction{kind_of(slot), at_ms, at_ms, std::nullopt, 0, std::move(why)}});
}

Prediction FleetPredictor::prediction_of(Slot slot, const KindState& k) const {
  const FaultKind kind = kind_of(slot);
  return Prediction{kind,
                    k.at_ms,
                    k.last.eta_ms.value_or(k.at_ms),
                    kind == FaultKind::kFilterClogging ? k.last.litres_left : std::nullopt,
                    std::clamp(k.last.confidence, 0.0, 1.0),
                    describe(kind, k.last)};
}

std::vector<Prediction> FleetPredictor::predictions_of(MachineIndex machine) const {
  std::vector<Prediction> open;
  if (machine >= machines_.size() || !machines_[machine].declared) return open;
  const Machine& m = machines_[machine];
  for (std::uint8_t s = 0; s < kSlotCount; ++s) {
    if (m.kinds[s].latch.active()) open.push_back(prediction_of(static_cast<Slot>(s), m.kinds[s]));
  }
  std::sort(open.begin(), open.end(),
            [](const Prediction& a, const Prediction& b) { return a.kind < b.kind; });
  return open;
}

}  // namespace wm::devices
