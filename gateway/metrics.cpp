#include "gateway/metrics.h"

#include <cstdio>

namespace wm::gateway {
namespace {

void append_number(std::string& out, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += buf;
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// Help texts of the series counted with Metrics::count().
constexpr std::pair<std::string_view, std::string_view> kSeriesHelp[] = {
    {"wm_ticket_findings_total", "Fault detector findings, by fault kind and raised/cleared."},
    {"wm_ticket_findings_dropped_total",
     "Findings dropped because the ticket queue was full (the store stalled)."},
    {"wm_ticket_changes_total", "Tickets written by the desk, by change (opened, joined, ...)."},
    {"wm_ticket_errors_total", "Findings the desk could not record (store errors)."},
    {"wm_machine_commands_total", "Commands published to machines, by command."},
    {"wm_dispenses_charged_total",
     "Dispense events recorded in the ledger, by outcome (charged, free, overdraw, unknown_card)."},
    {"wm_refunds_total", "Refunds created, by origin (dispense, claim) and state."},
    {"wm_money_errors_total",
     "Dispense events stored without a charge because the plan was refused (a bug: see the log)."},
};

std::string_view series_help(std::string_view name) {
  for (const auto& [n, help] : kSeriesHelp) {
    if (n == name) return help;
  }
  return "Count of events.";
}

}  // namespace

void Metrics::count(std::string_view name, std::string_view labels) {
  std::lock_guard lock(mu_);
  auto it = series_.find(name);
  if (it == series_.end())
    it = series_.emplace(std::string(name), std::map<std::string, std::uint64_t>{}).first;
  ++it->second[std::string(labels)];
}

std::uint64_t Metrics::count_of(std::string_view name, std::string_view labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(name);
  if (it == series_.end()) return 0;
  auto found = it->second.find(std::string(labels));
  return found == it->second.end() ? 0 : found->second;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i]++;
  count_++;
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + value, std::memory_order_relaxed)) {
  }
}

void Histogram::render(std::string& out, std::string_view name, std::string_view help) const {
  header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load();
    out.append(name).append("_bucket{le=\"");
    if (i < bounds_.size()) {
      append_number(out, bounds_[i]);
    } else {
      out += "+Inf";
    }
    out.append("\"} ").append(std::to_string(cumulative)).append("\n");
  }
  out.append(name).append("_sum ");
  append_number(out, sum_.load());
  out.append("\n").append(name).append("_count ").append(std::to_string(count_.load()));
  out += "\n";
}

std::string_view to_string(MessageKind kind) {
  switch (kind) {
    case MessageKind::kTelemetry:
      return "telemetry";
    case MessageKind::kEvent:
      return "event";
    case MessageKind::kStatus:
      return "status";
    case MessageKind::kHeartbeat:
      return "heartbeat";
    case MessageKind::kHub:
      return "hub";
    case MessageKind::kCmd:
      return "cmd";
    case MessageKind::kOther:
      return "other";
    case MessageKind::kCount:
      break;
  }
  return "other";
}

std::string_view to_string(WebhookResult result) {
  switch (result) {
    case WebhookResult::kDelivered:
      return "delivered";
    case WebhookResult::kRetried:
      return "retried";
    case WebhookResult::kDropped:
      return "dropped";
    case WebhookResult::kOverflow:
      return "overflow";
    case WebhookResult::kCount:
      break;
  }
  return "dropped";
}

Metrics::Metrics()
    : batch_rows_({1, 10, 100, 500, 1000, 2000, 5000, 10000}),
      batch_seconds_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}) {}

void Metrics::quarantined(const std::string& reason) {
  std::lock_guard lock(mu_);
  quarantined_[reason]++;
}

std::uint64_t Metrics::quarantined_count(const std::string& reason) const {
  std::lock_guard lock(mu_);
  auto it = quarantined_.find(reason);
  return it == quarantined_.end() ? 0 : it->second;
}

void Metrics::store_batch(std::size_t rows, double seconds) {
  batch_rows_.observe(static_cast<double>(rows));
  batch_seconds_.observe(seconds);
}

void Metrics::http_request(int status) {
  std::lock_guard lock(mu_);
  http_[status]++;
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  auto per_kind = [&out](std::string_view name, std::string_view help, const KindCounters& c) {
    header(out, name, help, "counter");
    for (size_t i = 0; i < c.size(); ++i) {
      out.append(name).append("{kind=\"").append(to_string(static_cast<MessageKind>(i)));
      out.append("\"} ").append(std::to_string(c[i].load())).append("\n");
    }
  };
  per_kind("wm_messages_received_total", "MQTT messages received, by topic kind.", received_);
  per_kind("wm_messages_decoded_total",
           "Messages decoded and applied, by kind (a hub's telemetry counts once per sample).",
           decoded_);
  header(out, "wm_messages_duplicate_total",
         "Messages recognised as already stored (QoS 1 redelivery) and counted once.", "counter");
  out.append("wm_messages_duplicate_total ")
      .append(std::to_string(duplicates_.load()))
      .append("\n");
  header(out, "wm_messages_missing_total",
         "Messages machines sent that never arrived (gaps in their seq).", "counter");
  out.append("wm_messages_missing_total ").append(std::to_string(missing_.load())).append("\n");
  header(out, "wm_machine_restarts_total", "Machines seen to start their seq again (reboots).",
         "counter");
  out.append("wm_machine_restarts_total ").append(std::to_string(restarts_.load())).append("\n");
  {
    std::lock_guard lock(mu_);
    header(out, "wm_messages_quarantined_total", "Messages put in quarantine, by reason.",
           "counter");
    for (const auto& [reason, n] : quarantined_) {
      out.append("wm_messages_quarantined_total{reason=\"").append(reason).append("\"} ");
      out.append(std::to_string(n)).append("\n");
    }
    header(out, "wm_http_requests_total", "HTTP requests answered, by status.", "counter");
    for (const auto& [status, n] : http_) {
      out.append("wm_http_requests_total{status=\"").append(std::to_string(status)).append("\"} ");
      out.append(std::to_string(n)).append("\n");
    }
  }
  batch_rows_.render(out, "wm_store_batch_rows", "Rows written per store transaction.");
  batch_seconds_.render(out, "wm_store_batch_seconds", "Duration of one store transaction.");
  header(out, "wm_store_errors_total", "Store transactions that failed (and were retried).",
         "counter");
  out.append("wm_store_errors_total ").append(std::to_string(store_errors_.load())).append("\n");
  header(out, "wm_store_queue_depth", "Rows waiting for the store writer.", "gauge");
  out.append("wm_store_queue_depth ")
      .append(std::to_string(store_queue_depth_.load()))
      .append("\n");
  header(out, "wm_notifications_total",
         "Ticket notifications sent (published on wm/v1/notify/{org}).", "counter");
  out.append("wm_notifications_total ").append(std::to_string(notifications_.load())).append("\n");
  header(out, "wm_notification_publish_errors_total",
         "Notifications the MQTT client refused to publish.", "counter");
  out.append("wm_notification_publish_errors_total ")
      .append(std::to_string(notification_publish_errors_.load()))
      .append("\n");
  header(out, "wm_webhook_deliveries_total",
         "Webhook POST attempts by outcome: delivered (2xx), retried, dropped after the last "
         "attempt, overflow (queue full, oldest given up).",
         "counter");
  for (size_t i = 0; i < webhook_.size(); ++i) {
    out.append("wm_webhook_deliveries_total{result=\"")
        .append(to_string(static_cast<WebhookResult>(i)))
        .append("\"} ")
        .append(std::to_string(webhook_[i].load()))
        .append("\n");
  }
  header(out, "wm_webhook_queue_depth", "Webhook deliveries waiting (including back-off).",
         "gauge");
  out.append("wm_webhook_queue_depth ")
      .append(std::to_string(webhook_queue_depth_.load()))
      .append("\n");
  header(out, "wm_mqtt_connected", "1 while the gateway is connected to the broker.", "gauge");
  out.append("wm_mqtt_connected ").append(std::to_string(mqtt_connected_.load())).append("\n");
  header(out, "wm_mqtt_reconnects_total", "Connections re-established after a loss.", "counter");
  out.append("wm_mqtt_reconnects_total ")
      .append(std::to_string(mqtt_reconnects_.load()))
      .append("\n");
  std::lock_guard lock(mu_);
  for (const auto& [name, by_labels] : series_) {
    header(out, name, series_help(name), "counter");
    for (const auto& [labels, n] : by_labels) {
      out.append(name);
      if (!labels.empty()) out.append("{").append(labels).append("}");
      out.append(" ").append(std::to_string(n)).append("\n");
    }
  }
  return out;
}

}  // namespace wm::gateway
