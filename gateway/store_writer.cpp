#include "gateway/store_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace wm::gateway {

using Clock_ = std::chrono::steady_clock;

StoreWriter::StoreWriter(Store& store, Metrics& metrics, const Clock& clock, TwinSource twins,
                         StoreWriterOptions options)
    : store_(store),
      metrics_(metrics),
      clock_(clock),
      twins_(std::move(twins)),
      options_(options) {}

StoreWriter::~StoreWriter() { stop(); }

void StoreWriter::start() {
  last_twin_flush_ = Clock_::now();  // twins are first due one interval from now
  thread_ = std::thread([this] { loop(); });
}

void StoreWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::mark_twin_locked(TwinIndex twin) {
  if (twin >= twin_is_dirty_.size()) twin_is_dirty_.resize(twin + 1024, false);
  if (!twin_is_dirty_[twin]) {
    twin_is_dirty_[twin] = true;
    dirty_twins_.push_back(twin);
  }
}

void StoreWriter::add_telemetry(TelemetryRow row, TwinIndex twin) {
  std::unique_lock lock(mu_);
  if (telemetry_.size() >= options_.max_queued_rows) {
    space_.wait(lock, [this] { return telemetry_.size() < options_.max_queued_rows || stopping_; });
  }
  if (telemetry_.empty() && quarantine_.empty()) first_queued_ = Clock_::now();
  mark_twin_locked(twin);
  telemetry_.push_back(std::move(row));
  ++enqueued_gen_;
  if (telemetry_.size() == options_.max_batch_rows) wake_.notify_one();
}

void StoreWriter::add_quarantine(QuarantineRow row) {
  std::unique_lock lock(mu_);
  space_.wait(lock, [this] { return quarantine_.size() < options_.max_queued_rows || stopping_; });
  if (telemetry_.empty() && quarantine_.empty()) first_queued_ = Clock_::now();
  quarantine_.push_back(std::move(row));
  ++enqueued_gen_;
}

void StoreWriter::twin_changed(TwinIndex twin) {
  std::lock_guard lock(mu_);
  mark_twin_locked(twin);
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
  const std::uint64_t target = enqueued_gen_;
  ++flush_requests_;
  wake_.notify_one();
  space_.wait(lock, [&] { return committed_gen_ >= target || (stopping_ && !thread_.joinable()); });
  --flush_requests_;
}

bool StoreWriter::has_work_locked() const {
  return !telemetry_.empty() || !quarantine_.empty() || !dirty_twins_.empty() || !events_.empty() ||
         !exclusive_.empty();
}

bool StoreWriter::twins_due_locked() const {
  return !dirty_twins_.empty() &&
         (stopping_ || flush_requests_ > 0 ||
          Clock_::now() - last_twin_flush_ >= options_.twin_flush_interval);
}

bool StoreWriter::batch_ready_locked() const {
  if (!events_.empty() || !exclusive_.empty()) return true;
  if ((stopping_ || flush_requests_ > 0) && has_work_locked()) return true;
  const std::size_t rows = telemetry_.size() + quarantine_.size();
  if (rows >= options_.max_batch_rows) return true;
  if (rows > 0 && Clock_::now() - first_queued_ >= options_.flush_interval) return true;
  return twins_due_locked();
}

StoreWriter::Taken StoreWriter::take_locked() {
  Taken t;
  t.exclusive.swap(exclusive_);
  t.events.swap(events_);
  t.telemetry.swap(telemetry_);
  t.quarantine.swap(quarantine_);
  t.quarantine_rows = static_cast<std::int64_t>(t.quarantine.size());
  telemetry_.reserve(std::min(t.telemetry.capacity(), options_.max_queued_rows));
  if (twins_due_locked()) {
    t.twins.swap(dirty_twins_);
    for (TwinIndex i : t.twins) twin_is_dirty_[i] = false;
    last_twin_flush_ = Clock_::now();
  }
  // Everything enqueued so far is in `t` unless twins were left for later.
  t.generation = dirty_twins_.empty() ? enqueued_gen_ : committed_gen_;
  return t;
}

void StoreWriter::loop() {
  auto next_retention = Clock_::now();
  std::int64_t quarantined_since_retention = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, options_.flush_interval,
                   [this] { return batch_ready_locked() || (stopping_ && !has_work_locked()); });
    if (stopping_ && !has_work_locked()) break;
    if (!batch_ready_locked()) continue;
    Taken taken = take_locked();
    metrics_.set_store_queue_depth(0);
    lock.unlock();
    space_.notify_all();

    write(taken);
    quarantined_since_retention += taken.quarantine_rows;
    // A flood of garbage must not outgrow the bound between two scheduled passes.
    const bool quarantine_flood =
        quarantined_since_retention > options_.retention.quarantine_max_rows / 10;
    if (Clock_::now() >= next_retention || quarantine_flood) {
      quarantined_since_retention = 0;
      try {
        auto deleted = store_.apply_retention(options_.retention, clock_.now_ms());
        if (deleted > 0) spdlog::info("retention: deleted {} rows", deleted);
      } catch (const SqliteError& e) {
        spdlog::warn("retention failed: {}", e.what());
      }
      next_retention = Clock_::now() + options_.retention_interval;
    }

    lock.lock();
    committed_gen_ = std::max(committed_gen_, taken.generation);
    space_.notify_all();
  }
  // Anything still waiting could not be written.
  for (auto* e : events_)
    e->done.set_exception(std::make_exception_ptr(StoreUnavailable("stopped")));
  events_.clear();
  committed_gen_ = enqueued_gen_;
  space_.notify_all();
}

void StoreWriter::write(Taken& taken) {
  for (auto& task : taken.exclusive) task();
  // Events first and on their own: their callers are waiting.
  if (!taken.events.empty()) {
    WriteBatch batch;
    for (auto* e : taken.events) batch.events.push_back(e->row);
    write_with_retry(batch, taken.events);
  }
  std::vector<TwinRow> twins = taken.twins.empty() ? std::vector<TwinRow>{} : twins_(taken.twins);
  std::size_t t = 0, tw = 0;
  bool quarantine_done = taken.quarantine.empty();
  while (t < taken.telemetry.size() || tw < twins.size() || !quarantine_done) {
    WriteBatch batch;
    const std::size_t n = std::min(options_.max_batch_rows, taken.telemetry.size() - t);
    batch.telemetry.assign(
        std::make_move_iterator(taken.telemetry.begin() + static_cast<long>(t)),
        std::make_move_iterator(taken.telemetry.begin() + static_cast<long>(t + n)));
    t += n;
    const std::size_t m = std::min(options_.max_batch_rows - n, twins.size() - tw);
    batch.twins.assign(std::make_move_iterator(twins.begin() + static_cast<long>(tw)),
                       std::make_move_iterator(twins.begin() + static_cast<long>(tw + m)));
    tw += m;
    if (!quarantine_done) {
      batch.quarantine = std::move(taken.quarantine);
      quarantine_done = true;
    }
    write_with_retry(batch, {});
  }
}

void StoreWriter::write_with_retry(WriteBatch& batch, const std::vector<PendingEvent*>& events) {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    const auto started = Clock_::now();
    try {
      auto inserted = store_.write_batch(batch);
      const std::chrono::duration<double> took = Clock_::now() - started;
      metrics_.store_batch(batch.telemetry.size() + batch.events.size() + batch.quarantine.size() +
                               batch.twins.size(),
                           took.count());
      for (size_t i = 0; i < events.size(); ++i) events[i]->done.set_value(inserted[i]);
      return;
    } catch (const SqliteError& e) {
      metrics_.store_error();
      spdlog::error("store write of {} rows failed ({}); retrying in {} ms",
                    batch.telemetry.size() + batch.events.size() + batch.quarantine.size(),
                    e.what(), backoff.count());
      bool stopping;
      {
        std::lock_guard lock(mu_);
        stopping = stopping_;
      }
      if (stopping && backoff >= std::chrono::milliseconds(3200)) {
        for (auto* ev : events) {
          ev->done.set_exception(std::make_exception_ptr(StoreUnavailable(e.what())));
        }
        if (events.empty())
          spdlog::critical("giving up on {} rows at shutdown", batch.telemetry.size());
        return;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace wm::gateway
