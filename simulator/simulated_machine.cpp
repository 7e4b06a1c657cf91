#include "simulator/simulated_machine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

// Sensor resolution: the firmware reports a fixed number of decimals. Dividing by the
// power of ten (rather than multiplying by 0.1) gives the double nearest the decimal,
// so the payload says 237.2, not 237.20000000000002.
double round_to(double value, int decimals) {
  const double scale = decimals == 1 ? 10.0 : 100.0;
  return std::round(value * scale) / scale;
}

double litres_over(double lpm, std::int64_t duration_ms) {
  return lpm * static_cast<double>(duration_ms) / static_cast<double>(kMsPerMinute);
}

}  // namespace

std::int64_t price_fen(std::int64_t requested_ml) {
  return (requested_ml * kFenPerLitre + 500) / 1000;
}

SimulatedMachine::SimulatedMachine(const FleetMachine& machine, const FleetSite& site,
                                   MachineProfile profile, std::uint64_t seed,
                                   std::int64_t start_ms)
    : id_(machine.id),
      protocol_(machine.protocol),
      utc_offset_min_(site.utc_offset_min),
      first_card_(site.first_card),
      card_count_(std::max<std::size_t>(site.card_count, 1)),
      profile_(profile),
      random_(SeededRandom::for_stream(seed, "run:" + machine.id)),
      filter_ml_(profile.initial_filter_l * 1000.0),
      tank_l_(profile.tank_l * profile.initial_tank_pct / 100.0),
      tank_settled_ms_(start_ms),
      start_ms_(start_ms) {}

bool SimulatedMachine::dispensing(std::int64_t ts_ms) const {
  return dispense_ && ts_ms >= dispense_->start_ms && ts_ms < dispense_->end_ms;
}

double SimulatedMachine::tank_litres(std::int64_t ts_ms) const {
  double level = std::min(
      profile_.tank_l, tank_l_ + litres_over(profile_.production_lpm,
                                             std::max<std::int64_t>(0, ts_ms - tank_settled_ms_)));
  if (dispensing(ts_ms)) level -= litres_over(dispense_->flow_lpm, ts_ms - dispense_->start_ms);
  return std::max(0.0, level);
}

double SimulatedMachine::tank_pct(std::int64_t ts_ms) const {
  return 100.0 * tank_litres(ts_ms) / profile_.tank_l;
}

protocols::Heartbeat SimulatedMachine::heartbeat(std::int64_t ts_ms) {
  return protocols::Heartbeat{ts_ms, take_seq()};
}

protocols::Telemetry SimulatedMachine::read_telemetry(std::int64_t ts_ms) {
  const bool running = dispensing(ts_ms);
  const LocalTime local = local_time(ts_ms, utc_offset_min_);
  const MachineCondition& c = condition_;
  protocols::Telemetry t;
  t.ts_ms = ts_ms;
  t.seq = take_seq();
  const double tds_in = profile_.tds_in_ppm * random_.normal(1.0, 0.01);
  t.tds_in = round_to(std::clamp(tds_in, 0.0, 5000.0), 1);
  const double passage = degradation_
                             ? degradation_->salt_passage(1.0 - profile_.salt_rejection, ts_ms)
                             : 1.0 - profile_.salt_rejection;
  double tds_out = tds_in * passage * random_.normal(1.0, 0.03);
  if (c.tds_out_ppm) {
    // A spent membrane or a failed seal: salt gets through, a little more every minute.
    tds_out = std::max(tds_out, *c.tds_out_ppm * c.ramp(ts_ms) * random_.normal(1.0, 0.03));
  }
  t.tds_out = round_to(std::clamp(tds_out, 0.5, 5000.0), 1);
  t.flow_lpm =
      running ? round_to(
                    dispense_->flow_lpm * dispense_->delivered_share * random_.normal(1.0, 0.01), 2)
              : 0.0;
  // Mains pressure sags a little at the busy hours of the building, and the inlet
  // drops while the machine itself draws water.
  const double daytime_sag =
      8.0 * std::max(0.0, std::sin(std::numbers::pi * (local.hour - 7) / 14));
  double pressure =
      profile_.pressure_kpa - daytime_sag - (running ? 15.0 : 0.0) + random_.normal(0, 2.5);
  if (c.pressure_kpa) pressure = *c.pressure_kpa + std::abs(random_.normal(0, 2.0));
  t.pressure_kpa = round_to(std::clamp(pressure, 0.0, 1000.0), 1);
  double temp = profile_.hot_water
                    ? profile_.water_temp_c + random_.normal(0, 0.5)
                    : profile_.water_temp_c +
                          1.5 * std::sin(2 * std::numbers::pi * (local.hour - 9) / 24) +
                          random_.normal(0, 0.2);
  if (c.temp_c) temp += (*c.temp_c - profile_.water_temp_c) * c.ramp(ts_ms);
  if (degradation_) temp += degradation_->temp_offset_c(ts_ms);
  t.temp_c = round_to(std::clamp(temp, -10.0, 110.0), 1);
  t.tank_pct = round_to(std::clamp(tank_pct(ts_ms), 0.0, 100.0), 1);
  t.uv_ok = !c.uv_failed;
  t.filter_l = filter_litres();
  const double worn = degradation_ ? degradation_->pump_share(ts_ms) : 1.0;
  double pump = running ? profile_.pump_a * worn * random_.normal(1.0, 0.03) : 0.0;
  if (degradation_ && degradation_->pump_seized(ts_ms)) {
    pump = profile_.pump_a * degradation_->pump_stall * random_.normal(1.0, 0.05);
  }
  // A seized pump draws a stall current whenever the controller tries to run it.
  if (c.pump_factor != 1.0) pump = profile_.pump_a * c.pump_factor * random_.normal(1.0, 0.05);
  t.pump_a = round_to(std::clamp(pump, 0.0, 20.0), 2);
  t.leak = c.leak;
  t.door = c.door_open;
  return t;
}

std::int64_t SimulatedMachine::draw_volume_ml() {
  // Most people fill a bottle of a standard size; some stop the tap by hand.
  static constexpr std::array<std::int64_t, 7> kBottles = {350, 500, 550, 600, 750, 1000, 1500};
  if (random_.chance(0.7)) {
    return kBottles[static_cast<std::size_t>(
        random_.uniform_int(0, static_cast<std::int64_t>(kBottles.size()) - 1))];
  }
  return random_.uniform_int(30, 150) * 10;  // 300..1500 ml
}

std::string SimulatedMachine::draw_card() {
  // Regulars come back: squaring the draw favours the low end of the pool.
  const double u = random_.uniform();
  const auto offset = static_cast<std::size_t>(u * u * static_cast<double>(card_count_));
  return card_token(first_card_ + std::min(offset, card_count_ - 1));
}

std::string SimulatedMachine::make_txn(std::int64_t start_ms) const {
  // Unique per machine because a machine serves one customer at a time; built from the
  // event time rather than a counter so a restarted simulator does not reuse a txn
  // (the gateway would take the new sale for a redelivery).
  // HX frames hold 16 characters: there the machine id is left out (the txn only has to
  // be unique per machine), which leaves "t-" and 13 digits of milliseconds.
  if (protocol_ == WireProtocol::kHxBinary) return "t-" + std::to_string(start_ms);
  std::string txn = "t-" + id_ + "-" + std::to_string(start_ms);
  if (txn.size() > 64)
    txn = "t-" + std::to_string(stable_hash(id_)) + "-" + std::to_string(start_ms);
  return txn;
}

std::int64_t SimulatedMachine::start_dispense(std::int64_t ts_ms) {
  if (dispense_) std::abort();  // the scheduler serves one customer at a time
  DispenseUnderWay d;
  d.start_ms = ts_ms;
  d.requested_ml = draw_volume_ml();
  d.flow_lpm = profile_.flow_lpm * random_.normal(1.0, 0.02);
  // A fouled filter passes less at the same inlet pressure.
  if (degradation_) d.flow_lpm *= degradation_->flow_share(fouled_ml_ / 1000.0);
  d.card = draw_card();
  d.delivered_share = std::clamp(condition_.delivered_share, 0.0, 1.0);
  const auto duration_ms =
      static_cast<std::int64_t>(static_cast<double>(d.requested_ml) / 1000.0 / d.flow_lpm *
                                static_cast<double>(kMsPerMinute));
  d.end_ms = ts_ms + std::max<std::int64_t>(duration_ms, 1);
  dispense_ = std::move(d);
  return dispense_->end_ms;
}

std::pair<SimulatedMachine::DispenseUnderWay, std::int64_t> SimulatedMachine::settle_dispense(
    std::int64_t ts_ms) {
  if (!dispense_) std::abort();
  DispenseUnderWay d = std::move(*dispense_);
  dispense_.reset();
  // Settle the tank: refill up to the end, minus what was drawn.
  const std::int64_t end_ms = std::min(ts_ms, d.end_ms);
  const double refilled = std::min(
      profile_.tank_l, tank_l_ + litres_over(profile_.production_lpm, end_ms - tank_settled_ms_));
  const double share = static_cast<double>(end_ms - d.start_ms) /
                       static_cast<double>(std::max<std::int64_t>(d.end_ms - d.start_ms, 1));
  const auto delivered = static_cast<std::int64_t>(
      std::round(static_cast<double>(d.requested_ml) * d.delivered_share * share));
  tank_l_ = std::max(0.0, refilled - static_cast<double>(delivered) / 1000.0);
  tank_settled_ms_ = end_ms;
  filter_ml_ += static_cast<double>(delivered);
  sold_ml_ += static_cast<double>(delivered);
  if (degradation_ && degradation_->kind == FaultKind::kFilterClogging) {
    fouled_ml_ += static_cast<double>(delivered);
    if (!clogged_ && fouled_ml_ / 1000.0 >= degradation_->clogging_litres()) {
      clogged_ = true;
      clogged_at_ms_ = end_ms;
    }
  }
  return {std::move(d), delivered};
}

protocols::Event SimulatedMachine::finish_dispense() {
  if (!dispense_) std::abort();
  auto [d, delivered] = settle_dispense(dispense_->end_ms);
  ++dispense_count_;

  protocols::Dispense body;
  body.txn = make_txn(d.start_ms);
  body.card = d.card;
  body.requested_ml = d.requested_ml;
  // A stuck valve shorts the customer, who has paid for the whole volume.
  body.dispensed_ml = delivered;
  body.charged_fen = price_fen(d.requested_ml);
  protocols::Event event;
  event.ts_ms = d.end_ms;
  // A hub sends only telemetry: a seq taken by a sale it cannot send would look to the
  // gateway like a lost message.
  event.seq = protocol_ == WireProtocol::kTbGateway ? next_seq_ : take_seq();
  event.body = std::move(body);
  return event;
}

void SimulatedMachine::abandon_dispense(std::int64_t ts_ms) { (void)settle_dispense(ts_ms); }

void SimulatedMachine::change_degradation(const DegradationChange& change) {
  degradation_ = change.started;
  fouled_ml_ = 0;
  clogged_ = false;
  clogged_at_ms_.reset();
  if (change.filter_renewed) change_filter();
}

std::optional<std::int64_t> SimulatedMachine::take_clogging() {
  const auto at = clogged_at_ms_;
  clogged_at_ms_.reset();
  return at;
}

std::optional<std::int64_t> SimulatedMachine::projected_clogging_ms(std::int64_t now_ms) const {
  if (!degradation_ || degradation_->kind != FaultKind::kFilterClogging || clogged_) {
    return std::nullopt;
  }
  if (sold_ml_ <= 0 || now_ms <= start_ms_) return std::nullopt;
  const double ml_per_ms = sold_ml_ / static_cast<double>(now_ms - start_ms_);
  const double left_ml = std::max(0.0, degradation_->clogging_litres() * 1000.0 - fouled_ml_);
  return now_ms + static_cast<std::int64_t>(left_ml / ml_per_ms);
}

protocols::Event SimulatedMachine::fault_event(std::int64_t ts_ms, protocols::Fault fault) {
  return protocols::Event{ts_ms, take_seq(), fault};
}

protocols::Event SimulatedMachine::maintenance_event(std::int64_t ts_ms,
                                                     protocols::Maintenance maintenance) {
  return protocols::Event{ts_ms, take_seq(), std::move(maintenance)};
}

}  // namespace wm::sim
