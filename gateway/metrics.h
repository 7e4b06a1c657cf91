// Counters and histograms of the gateway, rendered in the Prometheus text format.
// All methods are thread-safe; increments on the ingest path are lock-free atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wm::gateway {

// A Prometheus histogram with fixed bucket bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // Appends the _bucket/_sum/_count lines of `name`.
  void render(std::string& out, std::string_view name, std::string_view help) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Message kinds the intake counts per topic.
// kHeartbeat: hx-binary heartbeats; kHub: tb-gateway connect/disconnect.
enum class MessageKind : std::uint8_t {
  kTelemetry,
  kEvent,
  kStatus,
  kHeartbeat,
  kHub,
  kCmd,
  kOther,
  kCount
};
std::string_view to_string(MessageKind kind);

// What became of one webhook attempt (the Notifier's deliveries). kRetried: the attempt
// failed and another is scheduled; kDropped: the last allowed attempt failed; kOverflow:
// the queue was full and the oldest waiting delivery was given up.
enum class WebhookResult : std::uint8_t { kDelivered, kRetried, kDropped, kOverflow, kCount };
std::string_view to_string(WebhookResult result);  // "delivered", "retried", ...

class Metrics {
 public:
  Metrics();

  void received(MessageKind kind) { received_[static_cast<size_t>(kind)]++; }
  void decoded(MessageKind kind) { decoded_[static_cast<size_t>(kind)]++; }
  void quarantined(const std::string& reason);
  void duplicate() { duplicates_++; }
  void machine_restart() { restarts_++; }
  void missing(std::uint64_t n) { missing_ += n; }
  void store_batch(std::size_t rows, double seconds);
  void store_error() { store_errors_++; }
  void mqtt_connected(bool up) { mqtt_connected_ = up ? 1 : 0; }
  void mqtt_reconnect() { mqtt_reconnects_++; }
  void http_request(int status);
  void set_store_queue_depth(std::int64_t depth) { store_queue_depth_ = depth; }
  // Rare events (ticket findings, desk changes, machine commands): one counter series by
  // its metric name and labels, e.g. name "wm_ticket_findings_total", labels
  // `kind="leak",state="raised"`. Each name needs its help text in kSeriesHelp (metrics.cpp).
  void count(std::string_view name, std::string_view labels);
  std::uint64_t count_of(std::string_view name, std::string_view labels) const;

  // Notifications (tickets opened, escalated, resolved, ...) and their webhook deliveries.
  void notification() { notifications_++; }
  void notification_publish_error() { notification_publish_errors_++; }
  void webhook_delivery(WebhookResult result) { webhook_[static_cast<size_t>(result)]++; }
  void set_webhook_queue_depth(std::int64_t depth) { webhook_queue_depth_ = depth; }

  std::uint64_t notification_count() const { return notifications_; }
  std::uint64_t notification_publish_error_count() const { return notification_publish_errors_; }
  std::uint64_t webhook_delivery_count(WebhookResult result) const {
    return webhook_[static_cast<size_t>(result)];
  }
  std::int64_t webhook_queue_depth() const { return webhook_queue_depth_; }

  std::uint64_t received_count(MessageKind kind) const {
    return received_[static_cast<size_t>(kind)];
  }
  std::uint64_t decoded_count(MessageKind kind) const {
    return decoded_[static_cast<size_t>(kind)];
  }
  std::uint64_t quarantined_count(const std::string& reason) const;
  std::uint64_t duplicate_count() const { return duplicates_; }

  // The whole exposition (text/plain; version=0.0.4).
  std::string render() const;

 private:
  using KindCounters =
      std::array<std::atomic<std::uint64_t>, static_cast<size_t>(MessageKind::kCount)>;
  KindCounters received_{};
  KindCounters decoded_{};
  std::atomic<std::uint64_t> duplicates_{0};
  std::atomic<std::uint64_t> restarts_{0};
  std::atomic<std::uint64_t> missing_{0};
  std::atomic<std::uint64_t> store_errors_{0};
  std::atomic<std::uint64_t> mqtt_reconnects_{0};
  std::atomic<int> mqtt_connected_{0};
  std::atomic<std::int64_t> store_queue_depth_{0};
  std::atomic<std::uint64_t> notifications_{0};
  std::atomic<std::uint64_t> notification_publish_errors_{0};
  std::array<std::atomic<std::uint64_t>, static_cast<size_t>(WebhookResult::kCount)> webhook_{};
  std::atomic<std::int64_t> webhook_queue_depth_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> quarantined_;                                 // by reason
  std::map<int, std::uint64_t> http_;                                                // by status
  std::map<std::string, std::map<std::string, std::uint64_t>, std::less<>> series_;  // name, labels
  Histogram batch_rows_;
  Histogram batch_seconds_;
};

}  // namespace wm::gateway
