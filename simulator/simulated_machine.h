// SimulatedMachine: the running state of one water machine as its firmware would keep
// it — the message sequence counter, litres through the filter, the tank level and the
// dispense under way — and the normalized messages it produces (the fleet's encoder
// puts them on the wire in the machine's own protocol).
//
// Contract: calls come in non-decreasing event time (the fleet scheduler guarantees
// it). Every telemetry reading, heartbeat and event takes the next `seq` from one counter
// that wraps from 2^32-1 to 0. One dispense at a time: start_dispense() while a
// dispense is under way is a programming error. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "protocols/messages.h"
#include "simulator/degradation.h"
#include "simulator/fleet.h"
#include "simulator/machine_condition.h"
#include "simulator/machine_profile.h"
#include "simulator/seeded_random.h"

namespace wm::sim {

// Price of product water: 500 ml costs 50 fen (1 yuan per litre).
inline constexpr std::int64_t kFenPerLitre = 100;
std::int64_t price_fen(std::int64_t requested_ml);

class SimulatedMachine {
 public:
  SimulatedMachine(const FleetMachine& machine, const FleetSite& site, MachineProfile profile,
                   std::uint64_t seed, std::int64_t start_ms);

  const std::string& id() const { return id_; }
  const MachineProfile& profile() const { return profile_; }
  SeededRandom& random() { return random_; }

  // The seq the next message will carry. set_next_seq() stands in for a machine that
  // has been running for a while (and lets tests reach the wrap).
  std::uint32_t next_seq() const { return next_seq_; }
  void set_next_seq(std::uint32_t seq) { next_seq_ = seq; }

  WireProtocol protocol() const { return protocol_; }

  const MachineCondition& condition() const { return condition_; }
  void set_condition(const MachineCondition& condition) { condition_ = condition; }

  // An hx-binary heartbeat at ts_ms; takes a seq.
  protocols::Heartbeat heartbeat(std::int64_t ts_ms);

  // A sensor reading at ts_ms; takes a seq.
  protocols::Telemetry read_telemetry(std::int64_t ts_ms);

  // A customer taps a card at ts_ms and asks for water; returns when the dispense
  // ends (ts_ms + volume / flow).
  std::int64_t start_dispense(std::int64_t ts_ms);
  // The dispense event, stamped at the end time; takes a seq (except on a tb-gateway
  // machine, whose hub cannot send it). Requires a dispense under way.
  protocols::Event finish_dispense();
  // The machine lost power before the dispense ended: the water drawn so far is gone,
  // nothing is sent and no seq is taken. Requires a dispense under way.
  void abandon_dispense(std::int64_t ts_ms);

  // A fault code raised or cleared, or a technician's maintenance step, at ts_ms; each
  // takes a seq. Which protocol can carry them is the caller's business (fault_kind.h).
  protocols::Event fault_event(std::int64_t ts_ms, protocols::Fault fault);
  protocols::Event maintenance_event(std::int64_t ts_ms, protocols::Maintenance maintenance);
  // A new filter set: the litres count starts again from 0 (and a clean filter is not
  // fouled).
  void change_filter() {
    filter_ml_ = 0;
    fouled_ml_ = 0;
  }

  // Slow wear (degradation.h) beside the condition: started, or repaired.
  void change_degradation(const DegradationChange& change);
  const std::optional<Degradation>& degradation() const { return degradation_; }
  // A fouling filter crossed its clogging litres at the end of a sale: that sale's end
  // time, once (nullopt afterwards and before).
  std::optional<std::int64_t> take_clogging();
  // When a fouling filter that has not clogged yet would, at the machine's mean sales
  // since the run began; nullopt without a fouling filter or without sales.
  std::optional<std::int64_t> projected_clogging_ms(std::int64_t now_ms) const;

  bool dispensing(std::int64_t ts_ms) const;
  bool dispense_under_way() const { return dispense_.has_value(); }
  std::int64_t filter_litres() const { return static_cast<std::int64_t>(filter_ml_ / 1000.0); }
  double tank_pct(std::int64_t ts_ms) const;
  std::uint64_t dispense_count() const { return dispense_count_; }

 private:
  struct DispenseUnderWay {
    std::int64_t start_ms;
    std::int64_t end_ms;
    double flow_lpm;
    std::string card;
    std::int64_t requested_ml;
    double delivered_share;  // below 1 when the valve sticks (dispense_failure)
  };

  std::uint32_t take_seq() { return next_seq_++; }  // unsigned: wraps at 2^32
  double tank_litres(std::int64_t ts_ms) const;
  std::int64_t draw_volume_ml();
  std::string draw_card();
  std::string make_txn(std::int64_t start_ms) const;
  // Ends the dispense under way at ts_ms: tank and filter account for the water that
  // flowed. Returns the dispense and the millilitres delivered.
  std::pair<DispenseUnderWay, std::int64_t> settle_dispense(std::int64_t ts_ms);

  std::string id_;
  WireProtocol protocol_;
  int utc_offset_min_;
  std::size_t first_card_;
  std::size_t card_count_;
  MachineProfile profile_;
  SeededRandom random_;

  MachineCondition condition_;
  std::uint32_t next_seq_ = 0;
  double filter_ml_;
  double tank_l_;  // level at tank_settled_ms_
  std::int64_t tank_settled_ms_;
  std::optional<DispenseUnderWay> dispense_;
  std::uint64_t dispense_count_ = 0;

  std::int64_t start_ms_;
  double sold_ml_ = 0;  // delivered since the run began
  std::optional<Degradation> degradation_;
  double fouled_ml_ = 0;                       // through the filter since a fouling began
  bool clogged_ = false;                       // the fouling filter crossed its clogging litres
  std::optional<std::int64_t> clogged_at_ms_;  // not yet taken
};

}  // namespace wm::sim
