// FaultInjector: decides when faults start on the machines of a fleet, and the routine
// technician visits in between, and hands the steps of each (fault_episode.h) to the
// FleetSimulation in event-time order. It reports every fault to a TruthSink.
//
// Faults arrive on each machine as a Poisson process of `per_machine_day` faults per
// simulated day; each arrival draws a kind among those the machine's protocol can show
// (fault_kind.h), by fixed weights. A site_power_outage takes the whole site of the
// machine it arrived on (sites of two or more machines only; its weight is divided by the
// number of machines on the site so that a site sees about as many outages as one
// machine sees of any other kind). A machine carries one fault or visit at a time: an
// arrival while it is busy (or, for an outage, while any machine of its site is) waits
// until it is free, so over a long run the count still follows the rate.
//
// Routine maintenance (when FaultOptions::routine_maintenance is set), on machines that
// send maintenance events (wm-json-v1) only — elsewhere the gateway could not tell a visit
// from tamper: a cleaning every 3 to 6 days and an inspection every 4 to 10 days, in the
// site's working hours (09:00-17:00 local). A careless share of machines skips each
// cleaning with probability 1/2; when the time since the last cleaning (or the run's
// start) passes the hygiene interval, that is a cleaning_due fault, cleared by the next
// cleaning.
//
// A dispense failure without a fault code shows only when a customer is shorted: the
// simulation reports short sales (on_short_dispense) and the first one is the failure.
// One fixed before any customer came is left out of the ground truth (nothing could have
// seen it) and counted in `unseen`. Every short sale's txn goes into its dispense
// failure's truth (FaultTruth::txns); as a sale that began before the fix may end after
// it, a dispense failure is reported kSaleSettleMs after its fix.
//
// Slow faults (when FaultOptions::degradation_per_machine_30d is set) arrive on each
// machine as a Poisson process of that many per 30 simulated days, each of a kind drawn
// evenly among those of degradation_episode.h (filter_clogging, membrane_degradation,
// water_quality, pump_fault, heater_fault), from their own random stream: without them
// every other fault and visit is what it was. A machine wears out one part at a time (an
// arrival waits for the running slow fault's repair); a slow fault waits for a sudden one
// to end, and a sudden fault waits while a slow one of its kind runs (a sudden
// water_quality also while a filter or membrane wears: its repair would change both).
// Routine visits and other faults leave the wear alone. The repair comes after the
// failure (a filter's failure is the sale that clogs it: on_filter_clogged), as soon as
// the machine is free of other faults and visits, and counts as one. A water_quality
// fault passes the membrane's 90% rejection on the way: that is a membrane_degradation
// truth line of its own, cleared by the same repair.
//
// Deterministic: a pure function of the fleet, the options, the seed and the start time
// (each machine draws from its own streams). No I/O, no clock. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "simulator/degradation_episode.h"
#include "simulator/fault_episode.h"
#include "simulator/fault_kind.h"
#include "simulator/fault_truth.h"
#include "simulator/fleet.h"
#include "simulator/seeded_random.h"
#include "simulator/sim_time.h"

namespace wm::sim {

// Longer than any sale (1.5 L at the slowest flow takes about a minute).
inline constexpr std::int64_t kSaleSettleMs = 5 * kMsPerMinute;

struct FaultOptions {
  double per_machine_day = 0;        // expected faults per machine per simulated day
  bool routine_maintenance = false;  // cleanings and inspections (see above)
  std::int64_t hygiene_interval_ms = 7 * kMsPerDay;  // the gateway's cleaning_due interval
  double careless_share = 0.25;            // machines that skip about half their cleanings
  double degradation_per_machine_30d = 0;  // slow faults per machine per 30 simulated days
};

struct InjectorCounters {
  std::array<std::uint64_t, kFaultKindCount> started{};  // by FaultKind
  std::uint64_t visits = 0;                              // routine visits made
  std::uint64_t cleanings_skipped = 0;
  std::uint64_t unseen = 0;        // dispense failures that shorted nobody (not in the truth)
  std::uint64_t degradations = 0;  // slow faults started (their kinds are in `started` too)
};

class FaultInjector {
 public:
  // `fleet` and `truth` (may be null) must outlive the injector.
  FaultInjector(const Fleet& fleet, const FaultOptions& options, std::uint64_t seed,
                std::int64_t start_ms, TruthSink* truth);

  // Starts a fault of `kind` on machine `machine` at at_ms (or once the machine, or its
  // site for an outage, is free), whatever the rate. Returns false, and starts nothing,
  // when the machine's protocol cannot show the kind or the kind is cleaning_due or
  // slow_only (filter_clogging, membrane_degradation: inject_degradation).
  bool inject(FaultKind kind, std::size_t machine, std::int64_t at_ms);
  // Starts a slow fault of `kind` (degrades_slowly) on machine `machine` at at_ms (or once
  // it is free), whatever the rate. Returns false, and starts nothing, for other kinds.
  bool inject_degradation(FaultKind kind, std::size_t machine, std::int64_t at_ms);

  // Event time of the next step (INT64_MAX when none), and its machine.
  std::int64_t next_ms() const;
  std::size_t next_machine() const;

  // Takes the next step. A decision (a fault arriving, a visit falling due) schedules
  // steps and returns nothing; the steps themselves come back as actions for the
  // simulation to carry out. Requires next_ms() < INT64_MAX.
  std::optional<FaultAction> pop();

  // Machine `machine` sold a customer less water than was paid for: the sale `txn`
  // ended at ts_ms.
  void on_short_dispense(std::size_t machine, std::int64_t ts_ms, const std::string& txn);
  // Machine `machine`'s fouling filter clogged with the sale that ended at ts_ms: that is
  // its failure, and the repair is planned from it.
  void on_filter_clogged(std::size_t machine, std::int64_t ts_ms);
  // The run stops before machine `machine`'s fouling filter clogs: it would at failure_ms.
  // Call before finish().
  void project_clogging(std::size_t machine, std::int64_t failure_ms);

  // The run stops at ts_ms: reports the faults still active (and cleanings overdue)
  // with cleared null; a filter that has not clogged, with its projected failure (a year
  // past ts_ms when nothing flows). Call once.
  void finish(std::int64_t ts_ms);

  const InjectorCounters& counters() const { return counters_; }
  // Faults started and not yet reported (a dispense failure until kSaleSettleMs past its fix).
  std::size_t active() const { return open_.size(); }

 private:
  enum class ItemKind : std::uint8_t {
    kArrival,
    kCleaning,
    kInspection,
    kAction,
    kCleared,
    kDegradation,  // a slow fault arriving
    kRepair,       // a slow fault's repair falling due
  };
  struct Item {
    std::int64_t at_ms = 0;
    std::uint64_t order = 0;  // ties in the order scheduled
    std::size_t machine = 0;
    ItemKind kind = ItemKind::kAction;
    // kArrival, kDegradation: when the Poisson process put it, the kind when already
    // decided, and whether it is of the process (and so schedules the next).
    std::int64_t nominal_ms = 0;
    std::optional<FaultKind> forced;
    bool chained = false;
    std::uint64_t episode = 0;  // kCleared, kRepair: which open fault
    std::optional<FaultAction> action;
    bool operator>(const Item& o) const {
      return at_ms != o.at_ms ? at_ms > o.at_ms : order > o.order;
    }
  };
  struct MachineState {
    SeededRandom faults;
    SeededRandom visits;
    SeededRandom wear;               // slow faults
    std::uint64_t slow_episode = 0;  // the running slow fault (its main truth line), or 0
    FaultKind slow_kind = FaultKind::kFilterClogging;
    std::int64_t busy_until_ms = INT64_MIN;
    std::int64_t last_cleaning_ms = 0;
    bool careless = false;
  };

  static Item make_item(std::int64_t at_ms, std::size_t machine, ItemKind kind);
  void push(Item item);
  void schedule_arrival(std::size_t machine, std::int64_t nominal_ms, std::int64_t not_before_ms);
  void on_arrival(const Item& item);
  void on_visit(const Item& item);
  void start(Episode episode, std::size_t machine, bool site_wide);
  void on_cleaning(std::size_t machine, std::int64_t ts_ms);
  std::optional<FaultKind> draw_kind(std::size_t machine);
  // ts_ms moved into the site's working hours (09:00-17:00 local), at a random time
  // of the day when it falls outside.
  std::int64_t working_time(std::size_t machine, std::int64_t ts_ms, SeededRandom& random) const;
  EpisodeMachine episode_machine(std::size_t machine) const;
  // Slow faults (fault_injector_degradation.cpp).
  void schedule_degradation(std::size_t machine, std::int64_t nominal_ms,
                            std::int64_t not_before_ms);
  void on_degradation(const Item& item);
  void start_slow(SlowEpisode plan, std::size_t machine);
  void schedule_repair(std::uint64_t episode, std::int64_t failure_ms);
  void on_repair(const Item& item);
  // A sudden fault of `kind` must wait for the machine's slow fault.
  bool blocked_by_wear(std::size_t machine, FaultKind kind) const;

  const Fleet& fleet_;
  FaultOptions options_;
  TruthSink* truth_;
  std::uint64_t seed_;
  double rate_per_ms_;
  double wear_rate_per_ms_;
  std::vector<MachineState> machines_;
  std::vector<std::vector<std::size_t>> site_machines_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> items_;
  std::uint64_t next_order_ = 0;
  std::uint64_t next_episode_ = 1;
  struct OpenFault {
    FaultTruth truth;
    bool awaiting_short_sale = false;  // failure_ms not known yet
    // A dispense failure: fixed at fixed_ms, reported kSaleSettleMs later.
    std::int64_t fixed_ms = INT64_MAX;
    bool awaiting_clogging = false;  // a fouling filter: failure_ms not known yet
  };
  // A running slow fault, by its main truth line, until its repair is planned.
  struct SlowFault {
    std::size_t machine = 0;
    FaultKind kind = FaultKind::kFilterClogging;
    std::vector<protocols::FaultCode> codes;
    std::vector<std::uint64_t> lines;  // its truth lines: the main one first
    std::int64_t repair_delay_ms = 0;
    std::int64_t repair_latest_ms = INT64_MAX;
  };
  std::map<std::uint64_t, SlowFault> slow_;
  void report(const OpenFault& fault);

  std::map<std::uint64_t, OpenFault> open_;  // by episode, so finish() reports in order
  // The episode of each machine's latest dispense failure until it is reported, or 0:
  // where its short sales go.
  std::vector<std::uint64_t> shorting_on_machine_;
  InjectorCounters counters_;
};

}  // namespace wm::sim
