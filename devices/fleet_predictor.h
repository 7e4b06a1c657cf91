// The fault predictors of a fleet (issue 4), like FleetDetector for detected faults: feed
// it every machine's telemetry and events on event time and it reports predictions that
// open, move or clear, for the ticket desk to open `predicted` tickets due before the
// failure and to resolve them when the prediction goes away.
//
// Kinds predicted, each against the machine's own learned baseline (predictors.h):
// filter_clogging (with eta and litres left), membrane_degradation, water_quality (early
// warning before the hard limit), pump_fault and heater_fault.
//
// Rules worth knowing when reading the changes:
// - Debounced with hysteresis (PredictorConfig): noise does not open and close a
//   prediction over and over; a prediction opens only with an eta within horizon_ms.
// - A prediction is revised when its eta moves by more than max(12 h, a third of the
//   time that was left); confidence alone does not revise it.
// - Maintenance resets what it fixes at once, with a kCleared change: filter_change ->
//   filter_clogging; membrane_change -> membrane_degradation and water_quality; a
//   service_end clears pump_fault and heater_fault (the band learned so far is kept: if
//   the fault is still there it opens again). filter_l going down without an event is
//   taken for an unreported filter change.
// - Telemetry older than the machine's newest is ignored (no look-back), so replaying a
//   stream gives the same changes; nothing reads a clock.
//
// Memory is fixed per machine (state_bytes_per_machine(), plus the two id strings);
// on_telemetry does not allocate unless it reports a change. Not thread-safe: the owner
// serializes calls.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "devices/outage_correlator.h"
#include "devices/prediction.h"
#include "devices/predictors.h"
#include "devices/reporting_cadence.h"
#include "protocols/messages.h"

namespace wm::devices {

class FleetPredictor {
 public:
  explicit FleetPredictor(PredictorConfig config = {});

  // Declares a machine (idempotent: a second call updates site and rating, keeps what was
  // learned). filter_rated_l: the model's rated filter life in litres, 0 when unknown.
  void add_machine(MachineIndex machine, const std::string& device_id, const std::string& site_id,
                   double filter_rated_l);

  // Each call appends its changes to `out` (usually none). Unknown machine: ignored.
  void on_telemetry(MachineIndex machine, const protocols::Telemetry& t,
                    std::vector<PredictionChange>& out);
  void on_event(MachineIndex machine, const protocols::Event& event,
                std::vector<PredictionChange>& out);

  // The machine's open predictions, in kind order (empty for an unknown machine).
  std::vector<Prediction> predictions_of(MachineIndex machine) const;

  // Bytes of predictor state held per machine, besides its id and site strings.
  static std::size_t state_bytes_per_machine();
  const PredictorConfig& config() const { return config_; }

 private:
  enum Slot : std::uint8_t { kFilter, kMembrane, kTds, kPump, kHeater, kSlotCount };
  static FaultKind kind_of(Slot slot);

  struct KindState {
    ConfidenceLatch latch;
    Judgement last;          // the newest judgement while open
    std::int64_t at_ms = 0;  // its event time
    std::int64_t reported_eta_ms = 0;
  };
  struct Machine {
    std::string device_id;
    std::string site_id;
    bool declared = false;
    double filter_rated_l = 0;
    std::int64_t newest_ms = INT64_MIN;
    ReportingCadence cadence;  // usual gap between its readings
    std::int64_t filter_l = -1;
    FilterLifePredictor filter;
    TimeTrendPredictor membrane{TimeTrendPredictor::Signal::kSaltRejection};
    TimeTrendPredictor tds{TimeTrendPredictor::Signal::kProductTds};
    BandWatch pump{BandWatch::Signal::kPumpCurrent};
    BandWatch heater{BandWatch::Signal::kWaterTemperature};
    std::array<KindState, kSlotCount> kinds{};
  };

  void judge(Machine& m, Slot slot, const std::optional<Judgement>& j, std::int64_t at_ms,
             std::vector<PredictionChange>& out);
  void forget_trend(Machine& m, Slot slot);
  void clear(Machine& m, Slot slot, std::int64_t at_ms, std::string why,
             std::vector<PredictionChange>& out);
  Prediction prediction_of(Slot slot, const KindState& k) const;

  PredictorConfig config_;
  std::vector<Machine> machines_;
  std::vector<float> scratch_;  // Theil–Sen pairwise slopes, reused
};

// The sentence a person reads for a judgement of `kind` (evidence of a Prediction).
std::string describe(FaultKind kind, const Judgement& j);

}  // namespace wm::devices
