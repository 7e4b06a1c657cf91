#include "gateway/store_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace wm::gateway {

StoreWriter::StoreWriter(Store& store, Metrics& metrics, const Clock& clock, TwinSource twins,
                         StoreWriterOptions options)
    : store_(store),
      metrics_(metrics),
      clock_(clock),
      twins_(std::move(twins)),
      options_(options) {}

StoreWriter::~StoreWriter() { stop(); }

void StoreWriter::start() { thread_ = std::thread([this] { loop(); }); }

void StoreWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::add_telemetry(TelemetryRow row) {
  std::unique_lock lock(mu_);
  space_.wait(lock, [this] { return telemetry_.size() < options_.max_queued_rows || stopping_; });
  if (telemetry_.empty() && quarantine_.empty()) first_queued_ = std::chrono::steady_clock::now();
  telemetry_.push_back(std::move(row));
  ++enqueued_gen_;
  if (telemetry_.size() >= options_.max_batch_rows) wake_.notify_one();
}

void StoreWriter::add_quarantine(QuarantineRow row) {
  std::unique_lock lock(mu_);
  space_.wait(lock, [this] { return quarantine_.size() < options_.max_queued_rows || stopping_; });
  if (telemetry_.empty() && quarantine_.empty()) first_queued_ = std::chrono::steady_clock::now();
  quarantine_.push_back(std::move(row));
  ++enqueued_gen_;
}

void StoreWriter::twin_changed(const std::string& device_id) {
  std::lock_guard lock(mu_);
  dirty_twins_.insert(device_id);
  ++enqueued_gen_;
}

bool StoreWriter::write_event(EventRow row) {
  PendingEvent pending{std::move(row), {}};
  auto done = pending.done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) throw StoreUnavailable("store writer is stopped");
    events_.push_back(&pending);
    ++enqueued_gen_;
  }
  wake_.notify_one();
  return done.get();  // rethrows StoreUnavailable
}

void StoreWriter::run_exclusive(std::function<void(Store&)> fn) {
  std::packaged_task<void()> task([this, fn = std::move(fn)] { fn(store_); });
  auto done = task.get_future();
  {
    std::lock_guard lock(mu_);
    exclusive_.push_back(std::move(task));
  }
  wake_.notify_one();
  done.get();
}

void StoreWriter::flush() {
  std::unique_lock lock(mu_);
  std::uint64_t target = enqueued_gen_;
  ++flush_requests_;
  wake_.notify_one();
  space_.wait(lock, [&] { return committed_gen_ >= target || (stopping_ && !thread_.joinable()); });
  --flush_requests_;
}

bool StoreWriter::has_work_locked() const {
  return !telemetry_.empty() || !quarantine_.empty() || !dirty_twins_.empty() ||
         !events_.empty() || !exclusive_.empty();
}

bool StoreWriter::twins_due_locked() const {
  return !dirty_twins_.empty() &&
         (stopping_ || flush_requests_ > 0 ||
          std::chrono::steady_clock::now() - last_twin_flush_ >= options_.twin_flush_interval);
}

bool StoreWriter::batch_ready_locked() const {
  if (!events_.empty() || !exclusive_.empty()) return true;
  if ((stopping_ || flush_requests_ > 0) && has_work_locked()) return true;
  const std::size_t rows = telemetry_.size() + quarantine_.size();
  if (rows >= options_.max_batch_rows) return true;
  if (rows > 0 && std::chrono::steady_clock::now() - first_queued_ >= options_.flush_interval) {
    return true;
  }
  return twins_due_locked();
}

void StoreWriter::loop() {
  auto next_retention = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, options_.flush_interval, [this] {
      return batch_ready_locked() || (stopping_ && !has_work_locked());
    });
    if (stopping_ && !has_work_locked()) break;
    if (!batch_ready_locked()) continue;

    auto exclusive = std::move(exclusive_);
    exclusive_.clear();
    WriteBatch batch;
    std::size_t take = std::min(telemetry_.size(), options_.max_batch_rows);
    batch.telemetry.assign(std::make_move_iterator(telemetry_.begin()),
                           std::make_move_iterator(telemetry_.begin() + static_cast<long>(take)));
    telemetry_.erase(telemetry_.begin(), telemetry_.begin() + static_cast<long>(take));
    batch.quarantine = std::move(quarantine_);
    quarantine_.clear();
    std::vector<std::string> dirty;
    if (twins_due_locked()) {
      dirty.assign(dirty_twins_.begin(), dirty_twins_.end());
      dirty_twins_.clear();
      last_twin_flush_ = std::chrono::steady_clock::now();
    }
    std::vector<PendingEvent*> events = std::move(events_);
    events_.clear();
    const bool drained = telemetry_.empty() && dirty_twins_.empty();
    const std::uint64_t gen = drained ? enqueued_gen_ : committed_gen_;
    if (!telemetry_.empty()) first_queued_ = std::chrono::steady_clock::now();
    metrics_.set_store_queue_depth(static_cast<std::int64_t>(telemetry_.size()));
    lock.unlock();
    space_.notify_all();

    for (auto& task : exclusive) task();
    for (auto* e : events) batch.events.push_back(e->row);
    for (const auto& id : dirty) {
      if (auto row = twins_(id)) batch.twins.push_back(std::move(*row));
    }
    if (!batch.empty()) write_with_retry(batch, events);

    if (std::chrono::steady_clock::now() >= next_retention) {
      try {
        auto deleted = store_.apply_retention(options_.retention, clock_.now_ms());
        if (deleted > 0) spdlog::info("retention: deleted {} rows", deleted);
      } catch (const SqliteError& e) {
        spdlog::warn("retention failed: {}", e.what());
      }
      next_retention = std::chrono::steady_clock::now() + options_.retention_interval;
    }

    lock.lock();
    committed_gen_ = std::max(committed_gen_, gen);
    space_.notify_all();
  }
  // Anything still waiting could not be written.
  for (auto* e : events_) e->done.set_exception(std::make_exception_ptr(StoreUnavailable("stopped")));
  events_.clear();
  committed_gen_ = enqueued_gen_;
  space_.notify_all();
}

void StoreWriter::write_with_retry(WriteBatch& batch, std::vector<PendingEvent*>& events) {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    auto started = std::chrono::steady_clock::now();
    try {
      auto inserted = store_.write_batch(batch);
      std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      metrics_.store_batch(batch.telemetry.size() + batch.events.size() + batch.quarantine.size() +
                               batch.twins.size(),
                           took.count());
      for (size_t i = 0; i < events.size(); ++i) events[i]->done.set_value(inserted[i]);
      return;
    } catch (const SqliteError& e) {
      metrics_.store_error();
      spdlog::error("store write of {} rows failed ({}); retrying in {} ms",
                    batch.telemetry.size() + batch.events.size(), e.what(), backoff.count());
      bool stopping;
      {
        std::lock_guard lock(mu_);
        stopping = stopping_;
      }
      if (stopping && backoff >= std::chrono::milliseconds(3200)) {
        for (auto* ev : events) {
          ev->done.set_exception(std::make_exception_ptr(StoreUnavailable(e.what())));
        }
        return;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace wm::gateway
