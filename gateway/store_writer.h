// The one thread that writes to the database. Producers (the MQTT intake) hand it rows;
// it groups them into transactions: telemetry and quarantine rows are batched (flushed
// when a batch is full or has waited `flush_interval`), twins are coalesced (only the
// newest state of a changed twin is written, at most every `twin_flush_interval`), and
// events are committed at once.
//
// write_event() blocks until its event is durable (synchronous=FULL commit): the intake
// calls it before returning from Paho's arrival callback, so the broker's QoS 1 message
// is acknowledged only after the event is on disk (TOOLCHAIN trap 9).
//
// A failed transaction is retried with back-off and nothing in it is dropped; if the
// store stays broken until stop(), waiting write_event() callers get a StoreUnavailable.
// Producers hold the queue lock only for a push; the writer swaps whole queues out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/clock.h"
#include "gateway/metrics.h"
#include "gateway/store.h"

namespace wm::gateway {

class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreWriterOptions {
  std::size_t max_batch_rows = 20000;
  std::chrono::milliseconds flush_interval{200};
  // Twins change with every message but only their newest state matters: they are
  // written at most this often (telemetry rows are never held back more than
  // flush_interval).
  std::chrono::milliseconds twin_flush_interval{5000};
  std::size_t max_queued_rows = 200000;  // producers wait beyond this (back-pressure)
  std::chrono::milliseconds retention_interval{60000};
  RetentionPolicy retention;
};

class StoreWriter {
 public:
  // Twins are named by a stable index (FleetState's TwinIndex); the source turns the
  // changed ones into rows when they are due.
  using TwinIndex = std::uint32_t;
  using TwinSource = std::function<std::vector<TwinRow>(const std::vector<TwinIndex>&)>;

  StoreWriter(Store& store, Metrics& metrics, const Clock& clock, TwinSource twins,
              StoreWriterOptions options = {});
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void start();
  // Flushes everything queued, then stops the thread.
  void stop();

  // Queues a telemetry row and marks the twin changed (one lock for both).
  void add_telemetry(TelemetryRow row, TwinIndex twin);
  void add_quarantine(QuarantineRow row);
  void twin_changed(TwinIndex twin);
  // Durable write; true when the event is new, false when it was already stored.
  bool write_event(EventRow row);
  // Runs `fn` on the writer thread between transactions and waits for it.
  void run_exclusive(std::function<void(Store&)> fn);
  // Blocks until everything queued before the call is committed (tests, shutdown).
  void flush();

 private:
  struct PendingEvent {
    EventRow row;
    std::promise<bool> done;
  };
  // What one turn of the loop takes out of the queues.
  struct Taken {
    std::vector<TelemetryRow> telemetry;
    std::vector<QuarantineRow> quarantine;
    std::vector<TwinIndex> twins;
    std::vector<PendingEvent*> events;
    std::vector<std::packaged_task<void()>> exclusive;
    std::uint64_t generation = 0;
    std::int64_t quarantine_rows = 0;
  };

  void loop();
  bool has_work_locked() const;
  bool batch_ready_locked() const;
  bool twins_due_locked() const;
  void mark_twin_locked(TwinIndex twin);
  Taken take_locked();
  void write(Taken& taken);
  void write_with_retry(WriteBatch& batch, const std::vector<PendingEvent*>& events);

  Store& store_;
  Metrics& metrics_;
  const Clock& clock_;
  TwinSource twins_;
  StoreWriterOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;   // the writer waits for work
  std::condition_variable space_;  // producers wait for room / flush completion
  std::vector<TelemetryRow> telemetry_;
  std::vector<QuarantineRow> quarantine_;
  std::vector<TwinIndex> dirty_twins_;
  std::vector<bool> twin_is_dirty_;
  std::vector<PendingEvent*> events_;
  std::vector<std::packaged_task<void()>> exclusive_;
  std::chrono::steady_clock::time_point first_queued_{};  // oldest unwritten row
  std::chrono::steady_clock::time_point last_twin_flush_{};
  int flush_requests_ = 0;
  std::uint64_t enqueued_gen_ = 0;   // bumps on every enqueue
  std::uint64_t committed_gen_ = 0;  // everything enqueued up to here is committed
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wm::gateway
