#include "gateway/ticket_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

void count_finding(Metrics& metrics, const devices::Finding& f) {
  metrics.count("wm_ticket_findings_total", "kind=\"" + std::string(devices::to_string(f.kind)) +
                                                "\",state=\"" + (f.raised ? "raised" : "cleared") +
                                                "\"");
}

}  // namespace

tickets::TicketDesk::SiteLookup site_lookup(const FleetState& fleet) {
  return [&fleet](std::string_view site_id) {
    std::optional<devices::Site> site;
    fleet.read([&](const devices::Inventory& inventory, const TwinView&) {
      if (const auto* s = inventory.site(site_id)) site = *s;
    });
    return site;
  };
}

TicketService::TicketService(FleetState& fleet, tickets::TicketStore& store, Metrics& metrics,
                             const Clock& clock, tickets::DeskConfig desk_config,
                             devices::DetectorConfig detector_config, PublishCommand publish,
                             Notify notify, TicketServiceOptions options)
    : fleet_(fleet),
      store_(store),
      metrics_(metrics),
      clock_(clock),
      desk_(store, site_lookup(fleet), desk_config),
      publish_(std::move(publish)),
      notify_(std::move(notify)),
      options_(options),
      detector_(detector_config) {}

TicketService::~TicketService() { stop(); }

void TicketService::sync_machines_locked() {
  const std::uint64_t version = fleet_.inventory_version();
  if (version == machines_version_) return;
  for (const MachineEntry& m : fleet_.machines()) {
    detector_.add_machine(m.twin, m.device_id, m.site_id);
    predictor_.add_machine(m.twin, m.device_id, m.site_id,
                           static_cast<double>(m.filter_rated_l.value_or(0)));
  }
  machines_version_ = version;
}

void TicketService::restore_from_twins() {
  std::vector<devices::Finding> found;
  {
    std::lock_guard lock(detect_mu_);
    sync_machines_locked();
    for (const MachineEntry& m : fleet_.machines()) {
      std::vector<std::pair<protocols::FaultCode, devices::FaultState>> active;
      fleet_.read([&](const devices::Inventory&, const TwinView& twins) {
        for (const auto& [code, state] : twins.at(m.device_id).fault_states()) {
          if (state.active) active.emplace_back(code, state);
        }
      });
      for (const auto& [code, state] : active) {
        detector_.restore_active_fault(m.twin, code, state.since_ms, found);
      }
    }
  }
  // The open tickets already hold these faults: handing the findings to the desk only
  // joins them (or opens what a crash left unopened).
  std::vector<devices::PredictionChange> none;
  enqueue(found, none);
}

void TicketService::restore_last_cleaning(
    const std::vector<std::pair<std::string, std::int64_t>>& cleanings) {
  std::lock_guard lock(detect_mu_);
  sync_machines_locked();
  for (const auto& [device_id, ts_ms] : cleanings) {
    if (auto route = fleet_.route(device_id)) detector_.restore_last_cleaning(route->twin, ts_ms);
  }
}

void TicketService::restore_open_tickets() {
  tickets::TicketFilter filter;
  filter.source = tickets::Source::kDetected;
  filter.open_only = true;
  const std::vector<tickets::Ticket> open = store_.list(filter);
  std::lock_guard lock(detect_mu_);
  sync_machines_locked();
  const std::vector<MachineEntry> machines = fleet_.machines();
  std::vector<std::optional<std::int64_t>> last_seen(machines.size());
  fleet_.read([&](const devices::Inventory&, const TwinView& twins) {
    for (std::size_t i = 0; i < machines.size(); ++i) {
      last_seen[i] = twins.at(machines[i].device_id).last_seen_ms();
    }
  });
  for (std::size_t i = 0; i < machines.size(); ++i) {
    if (last_seen[i]) detector_.restore_last_seen(machines[i].twin, *last_seen[i]);
  }
  for (const tickets::Ticket& t : open) {
    // Cleared before the restart: the desk's scan resolves it after the hold time.
    if (t.healthy_since_ms) continue;
    if (t.kind == devices::FaultKind::kSitePowerOutage) {
      detector_.restore_site_outage(t.device_id, t.detected_at_ms);  // the device is the site
    } else if (auto route = fleet_.route(t.device_id)) {
      detector_.restore_raised(route->twin, t.kind, t.detected_at_ms);
    }
  }
}

void TicketService::detect(const Judge& judge, std::int64_t ts_ms) {
  std::vector<devices::Finding> found;
  std::vector<devices::PredictionChange> predicted;
  {
    std::lock_guard lock(detect_mu_);
    sync_machines_locked();
    event_clock_.observe(ts_ms, clock_.now_ms());
    judge(detector_, predictor_, scratch_, predicted_scratch_);
    if (scratch_.empty() && predicted_scratch_.empty()) return;
    found.swap(scratch_);
    predicted.swap(predicted_scratch_);
  }
  enqueue(found, predicted);
}

void TicketService::on_telemetry(TwinIndex twin, const protocols::Telemetry& t) {
  detect(
      [&](devices::FleetDetector& d, devices::FleetPredictor& p, auto& found, auto& predicted) {
        d.on_telemetry(twin, t, found);
        p.on_telemetry(twin, t, predicted);
      },
      t.ts_ms);
}

void TicketService::on_event(TwinIndex twin, const protocols::Event& event) {
  detect(
      [&](devices::FleetDetector& d, devices::FleetPredictor& p, auto& found, auto& predicted) {
        d.on_event(twin, event, found);
        p.on_event(twin, event, predicted);
      },
      event.ts_ms);
}

void TicketService::on_status(TwinIndex twin, const protocols::Status& status) {
  detect([&](devices::FleetDetector& d, devices::FleetPredictor&, auto& found,
             auto&) { d.on_status(twin, status, found); },
         status.ts_ms);
}

void TicketService::on_heartbeat(TwinIndex twin, std::int64_t ts_ms) {
  detect([&](devices::FleetDetector& d, devices::FleetPredictor&, auto& found,
             auto&) { d.on_heartbeat(twin, ts_ms, found); },
         ts_ms);
}

void TicketService::enqueue(std::vector<devices::Finding>& found,
                            std::vector<devices::PredictionChange>& predicted) {
  if (found.empty() && predicted.empty()) return;
  {
    std::lock_guard lock(queue_mu_);
    auto push = [&](Signal signal) {
      if (queue_.size() >= options_.max_queued_findings) {
        // Findings are rare (state changes, not readings); a full queue means the
        // store has stalled. Keep the newest: the detectors report state changes again
        // when they recur, and the oldest are the likeliest to be stale.
        spdlog::warn("ticket queue full ({} findings): dropping the oldest", queue_.size());
        metrics_.count("wm_ticket_findings_dropped_total", "");
        queue_.pop_front();
      }
      count_finding(metrics_, signal.finding);
      queue_.push_back(std::move(signal));
    };
    for (auto& f : found) push(Signal{std::move(f), tickets::Source::kDetected, std::nullopt});
    for (auto& change : predicted) push(prediction_signal(std::move(change)));
  }
  found.clear();
  predicted.clear();
  queue_cv_.notify_one();
}

TicketService::Signal TicketService::prediction_signal(devices::PredictionChange change) {
  Signal signal;
  signal.source = tickets::Source::kPredicted;
  auto& p = change.prediction;
  signal.finding.subject = std::move(change.subject);
  signal.finding.site_id = std::move(change.site_id);
  signal.finding.kind = p.kind;
  signal.finding.at_ms = p.at_ms;
  signal.finding.raised = change.change != devices::PredictionChange::Change::kCleared;
  signal.update_only = change.change == devices::PredictionChange::Change::kRevised;
  if (signal.finding.raised) {
    signal.failure_at_ms = p.eta_ms;
    std::string text = "predicted failure " + format_rfc3339(p.eta_ms);
    if (p.litres_left) text += ", " + std::to_string(*p.litres_left) + " L left";
    text += " (confidence " + std::to_string(static_cast<int>(p.confidence * 100 + 0.5)) + "%)";
    signal.finding.evidence = text + ": " + p.evidence;
  } else {
    signal.finding.evidence = "prediction cleared: " + p.evidence;
  }
  return signal;
}

std::vector<devices::Prediction> TicketService::predictions_of(std::string_view device_id) const {
  auto route = fleet_.route(device_id);
  if (!route) return {};
  std::lock_guard lock(detect_mu_);
  return predictor_.predictions_of(route->twin);
}

std::int64_t TicketService::now_ms() const {
  const std::int64_t wall = clock_.now_ms();
  std::lock_guard lock(detect_mu_);
  const auto event_now = event_clock_.now(wall);
  return event_now ? std::max(wall, *event_now) : wall;
}

void TicketService::start() {
  std::lock_guard lock(queue_mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { worker(); });
}

void TicketService::stop() {
  {
    std::lock_guard lock(queue_mu_);
    if (!worker_.joinable()) return;
    stopping_ = true;
  }
  queue_cv_.notify_all();
  worker_.join();
}

void TicketService::worker() {
  using Steady = std::chrono::steady_clock;
  auto next_tick = Steady::now() + options_.tick;
  auto next_scan = Steady::now() + options_.scan;
  for (;;) {
    std::deque<Signal> batch;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_until(lock, std::min(next_tick, next_scan),
                           [&] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);
      stopping = stopping_;
    }
    for (const auto& f : batch) handle(f);
    if (stopping) return;
    const auto now = Steady::now();
    if (now >= next_tick) {
      tick();
      next_tick = now + options_.tick;
    }
    if (now >= next_scan) {
      scan();
      next_scan = now + options_.scan;
    }
  }
}

void TicketService::run_once() {
  std::deque<Signal> batch;
  {
    std::lock_guard lock(queue_mu_);
    batch.swap(queue_);
  }
  for (const auto& f : batch) handle(f);
  tick();
  {
    std::lock_guard lock(queue_mu_);
    batch.swap(queue_);
  }
  for (const auto& f : batch) handle(f);
  scan();
}

void TicketService::tick() {
  std::vector<devices::Finding> found;
  {
    std::lock_guard lock(detect_mu_);
    sync_machines_locked();
    if (const auto event_now = event_clock_.now(clock_.now_ms())) {
      detector_.advance(*event_now, found);
    }
  }
  for (auto& f : found) {
    count_finding(metrics_, f);
    handle(Signal{std::move(f), tickets::Source::kDetected, std::nullopt});
  }
}

void TicketService::scan() {
  const std::int64_t now = now_ms();
  tickets::DeskDecision decision = desk_.escalate(now);
  decision.append(desk_.auto_resolve(now));
  for (const Error& e : decision.errors) {
    spdlog::warn("ticket scan: {} (retried on the next scan)", e.to_string());
  }
  perform(decision);
}

void TicketService::handle(const Signal& s) {
  const devices::Finding& finding = s.finding;
  if (finding.kind == devices::FaultKind::kCleaningDue) {
    // hx-binary and tb-gateway machines cannot report a cleaning (PROTOCOLS.md), so the
    // gateway cannot know when one is due: a ticket would only be noise.
    auto route = fleet_.route(finding.subject);
    if (route && route->protocol != devices::Protocol::kWmJsonV1) return;
  }
  std::optional<devices::Site> site = site_lookup(fleet_)(finding.site_id);
  if (!site) {
    spdlog::warn("finding for {} at unknown site {}: dropped", finding.subject, finding.site_id);
    return;
  }
  tickets::FaultSignal signal;
  signal.device_id = finding.subject;
  signal.site = std::move(*site);
  signal.kind = finding.kind;
  signal.detected_at_ms = finding.at_ms;
  signal.source = s.source;
  signal.predicted_failure_at_ms = s.failure_at_ms;
  signal.update_only = s.update_only;
  signal.evidence = finding.evidence;
  signal.state = finding.raised ? tickets::SignalState::kRaised : tickets::SignalState::kCleared;
  auto decision = desk_.on_fault(signal, now_ms());
  if (!decision.ok()) {
    spdlog::error("{} {} of {}: the desk could not record it: {}", devices::to_string(finding.kind),
                  finding.raised ? "raised" : "cleared", finding.subject,
                  decision.error().to_string());
    metrics_.count("wm_ticket_errors_total", "");
    return;
  }
  perform(decision.value());
}

Result<tickets::DeskDecision> TicketService::request(const tickets::TicketRequest& request) {
  auto decision = desk_.on_request(request, now_ms());
  if (decision.ok()) perform(decision.value());
  return decision;
}

Result<tickets::DeskDecision> TicketService::act(std::string_view ticket_id,
                                                 const tickets::TicketAction& action,
                                                 const tickets::Actor& actor) {
  auto decision = desk_.act(ticket_id, action, actor, now_ms());
  if (decision.ok()) perform(decision.value());
  return decision;
}

void TicketService::perform(const tickets::DeskDecision& decision) {
  for (const auto& change : decision.changes) {
    const auto& t = change.ticket;
    metrics_.count("wm_ticket_changes_total",
                   "change=\"" + std::string(tickets::to_string(change.kind)) + "\"");
    if (change.kind != tickets::ChangeKind::kUpdated) {
      spdlog::info("ticket {} {}: {} {} on {} -> {} {} ({})", t.id, tickets::to_string(change.kind),
                   devices::to_string(t.severity), devices::to_string(t.kind), t.device_id,
                   devices::to_string(t.responsible.party), t.responsible.org, t.assigned_by);
    }
  }
  for (const auto& command : decision.commands) publish_command(command);
  if (notify_) {
    for (const auto& n : decision.notifications) notify_(n);
  }
}

void TicketService::publish_command(const tickets::MachineCommand& command) {
  std::optional<devices::Device> device;
  fleet_.read([&](const devices::Inventory& inventory, const TwinView&) {
    if (const auto* d = inventory.device(command.device_id)) device = *d;
  });
  if (!device) {
    spdlog::warn("{} for {}: not in the inventory, not sent", protocols::to_string(command.cmd),
                 command.device_id);
    return;
  }
  std::int64_t rpc_id = 0;
  {
    std::lock_guard lock(command_mu_);
    rpc_id = next_rpc_id_++;
  }
  auto message = command_message(
      *device, protocols::Command{command.at_ms, command.cmd, command.reason, command.ticket_id},
      rpc_id);
  if (!message.ok()) {
    spdlog::error("{} for {}: {}", protocols::to_string(command.cmd), command.device_id,
                  message.error().to_string());
    return;
  }
  spdlog::info("{} -> {} on {} (ticket {})", protocols::to_string(command.cmd), command.device_id,
               message->topic, command.ticket_id);
  metrics_.count("wm_machine_commands_total",
                 "command=\"" + std::string(protocols::to_string(command.cmd)) + "\"");
  if (publish_) publish_(message.value());
}

}  // namespace wm::gateway
