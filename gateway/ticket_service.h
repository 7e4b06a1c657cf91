// The ticket desk at work inside the gateway. Three ways in:
// - the intake thread reports every message it took (MachineObserver); the fault
//   detectors judge it at once, under a short lock, and queue what they find, so ingest
//   never waits for a ticket to be written;
// - a worker thread hands the queued findings to the TicketDesk, and on every tick moves
//   the detectors' event time (heartbeat timeouts, outage windows, cleaning due) and runs
//   the desk's escalation and auto-resolution scans;
// - HTTP threads bring people's reports and actions, answered synchronously.
// Every DeskDecision is then performed: machine commands (lock/unlock) are encoded for
// the machine's own protocol and published, notifications go to the Notify function.
//
// Time: findings carry event time (the `ts` inside messages). The desk's clock is the
// gateway's clock, except that it follows the fleet's event time when that runs ahead (a
// fleet replayed or simulated faster than real time), so SLA clocks, escalation and hold
// times all run on the fleet's time there.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "devices/event_clock.h"
#include "devices/fault_detector.h"
#include "devices/fleet_predictor.h"
#include "gateway/clock.h"
#include "gateway/fleet_state.h"
#include "gateway/intake.h"
#include "gateway/machine_commands.h"
#include "gateway/metrics.h"
#include "tickets/ticket_desk.h"
#include "tickets/ticket_store.h"

namespace wm::gateway {

struct TicketServiceOptions {
  std::chrono::milliseconds tick{1000};  // detector time moves this often
  std::chrono::milliseconds scan{5000};  // escalation and auto-resolution scans
  std::size_t max_queued_findings = 100000;
};

class TicketService final : public MachineObserver {
 public:
  using PublishCommand = std::function<void(const OutgoingMessage&)>;
  using Notify = std::function<void(const tickets::Notification&)>;

  TicketService(FleetState& fleet, tickets::TicketStore& store, Metrics& metrics,
                const Clock& clock, tickets::DeskConfig desk_config,
                devices::DetectorConfig detector_config, PublishCommand publish, Notify notify,
                TicketServiceOptions options = {});
  ~TicketService() override;
  TicketService(const TicketService&) = delete;
  TicketService& operator=(const TicketService&) = delete;

  // Start-up, before start(): the detectors learn the faults the twins hold active, so a
  // fault that clears after a restart still resolves its ticket.
  void restore_from_twins();
  // Start-up: each machine's newest cleaning (device id, event time), for cleaning_due.
  void restore_last_cleaning(const std::vector<std::pair<std::string, std::int64_t>>& cleanings);
  // Start-up, after restore_from_twins(): the detectors learn each machine's last message
  // (so the gateway's downtime is not the machines' silence, yet a machine that never speaks
  // again goes offline) and the open detected tickets (so each resolves when its signal is
  // healthy again, even when no fault code is active to clear it).
  void restore_open_tickets();
  void start();
  void stop();  // handles what is queued, then joins the worker

  // MachineObserver: intake thread.
  void on_telemetry(TwinIndex twin, const protocols::Telemetry& t) override;
  void on_event(TwinIndex twin, const protocols::Event& event) override;
  void on_status(TwinIndex twin, const protocols::Status& status) override;
  void on_heartbeat(TwinIndex twin, std::int64_t ts_ms) override;

  // People (HTTP threads). Decisions are performed before these return.
  [[nodiscard]] Result<tickets::DeskDecision> request(const tickets::TicketRequest& request);
  [[nodiscard]] Result<tickets::DeskDecision> act(std::string_view ticket_id,
                                                  const tickets::TicketAction& action,
                                                  const tickets::Actor& actor);

  // The desk's clock (see above).
  [[nodiscard]] std::int64_t now_ms() const;
  [[nodiscard]] const tickets::TicketStore& store() const { return store_; }
  // A machine's open predictions (the twin's `predictions`); empty for unknown ids.
  [[nodiscard]] std::vector<devices::Prediction> predictions_of(std::string_view device_id) const;

  // Without start() (tests): handles the queued findings and runs one tick and one scan.
  void run_once();

 private:
  // Runs `judge` on the detector under the lock (adding machines the inventory gained
  // first) and queues what it found.
  using Judge =
      std::function<void(devices::FleetDetector&, devices::FleetPredictor&,
                         std::vector<devices::Finding>&, std::vector<devices::PredictionChange>&)>;
  void detect(const Judge& judge, std::int64_t ts_ms);
  void sync_machines_locked();
  // What the worker hands to the desk: a detector's finding, or a prediction (source
  // predicted, with the predicted failure time).
  struct Signal {
    devices::Finding finding;
    tickets::Source source = tickets::Source::kDetected;
    std::optional<std::int64_t> failure_at_ms;
    bool update_only = false;  // a revised prediction: never opens a ticket
  };
  static Signal prediction_signal(devices::PredictionChange change);
  void enqueue(std::vector<devices::Finding>& found,
               std::vector<devices::PredictionChange>& predicted);
  void worker();
  void tick();
  void scan();
  void handle(const Signal& signal);
  void perform(const tickets::DeskDecision& decision);
  void publish_command(const tickets::MachineCommand& command);

  FleetState& fleet_;
  tickets::TicketStore& store_;
  Metrics& metrics_;
  const Clock& clock_;
  tickets::TicketDesk desk_;
  PublishCommand publish_;
  Notify notify_;
  TicketServiceOptions options_;

  mutable std::mutex detect_mu_;  // detector, predictor, event clock, known machines
  devices::FleetDetector detector_;
  devices::FleetPredictor predictor_;
  devices::EventClock event_clock_;
  std::uint64_t machines_version_ = 0;
  std::vector<devices::Finding> scratch_;
  std::vector<devices::PredictionChange> predicted_scratch_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Signal> queue_;
  bool stopping_ = false;
  std::thread worker_;
  std::int64_t next_rpc_id_ = 1;  // worker and HTTP threads: guarded by command_mu_
  std::mutex command_mu_;
};

// The desk's view of a site by id, from the fleet's current inventory.
tickets::TicketDesk::SiteLookup site_lookup(const FleetState& fleet);

}  // namespace wm::gateway
