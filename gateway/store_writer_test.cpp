#include "gateway/store_writer.h"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

// Received "now" by the fixture's clock, so the retention pass keeps it.
constexpr std::int64_t kNow = 1'790'000'000'000;

TelemetryRow row(const std::string& device, std::int64_t ts) {
  protocols::Telemetry t;
  t.ts_ms = kNow + ts;
  return TelemetryRow{device, t, kNow};
}

// Waits on a condition with a deadline (no sleeping as synchronisation).
bool eventually(const std::function<bool()>& cond) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

class StoreWriterTest : public ::testing::Test {
 protected:
  explicit StoreWriterTest(StoreWriterOptions options = quick())
      : store_(dir_.file("g.db")),
        writer_(
            store_, metrics_, clock_,
            [this](const std::vector<StoreWriter::TwinIndex>& twins) {
              std::vector<TwinRow> rows;
              for (auto i : twins)
                rows.push_back(TwinRow{"wm-" + std::to_string(i), std::nullopt, 1, true, 1, true,
                                       std::nullopt});
              twin_requests_ += static_cast<int>(twins.size());
              return rows;
            },
            options) {
    writer_.start();
  }
  ~StoreWriterTest() override { writer_.stop(); }

  static StoreWriterOptions quick() {
    StoreWriterOptions o;
    o.flush_interval = std::chrono::milliseconds(20);
    o.twin_flush_interval = std::chrono::hours(1);  // only on flush() or stop()
    return o;
  }

  std::int64_t telemetry_rows() {
    return static_cast<std::int64_t>(store_.recent_telemetry(1'000'000).size());
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  Metrics metrics_;
  Store store_;
  std::atomic<int> twin_requests_{0};
  StoreWriter writer_;
};

TEST_F(StoreWriterTest, TelemetryIsCommittedWithinTheFlushIntervalWithoutBeingAsked) {
  writer_.add_telemetry(row("wm-1", 1000), 1);
  writer_.add_telemetry(row("wm-1", 2000), 1);
  EXPECT_TRUE(eventually([&] { return telemetry_rows() == 2; }));
}

TEST_F(StoreWriterTest, TwinsWaitForTheirIntervalButAFlushWritesThemOnce) {
  for (int i = 0; i < 100; ++i) writer_.add_telemetry(row("wm-1", 1000 + i), 7);
  ASSERT_TRUE(eventually([&] { return telemetry_rows() == 100; }));
  EXPECT_TRUE(store_.load_twins().empty());  // not due yet
  writer_.flush();
  EXPECT_EQ(store_.load_twins().size(), 1u);
  EXPECT_EQ(twin_requests_.load(), 1);  // 100 changes of one twin: one row written
}

TEST_F(StoreWriterTest, AnEventIsDurableWhenWriteEventReturns) {
  protocols::Event e{1000, 1, protocols::Dispense{"t-1", "c-1", 10, 100, 100}};
  EXPECT_TRUE(writer_.write_event(EventRow{"wm-1", e, 1000}));
  EXPECT_EQ(store_.count_events("wm-1"), 1);  // read through the other connection, no flush
  EXPECT_FALSE(writer_.write_event(EventRow{"wm-1", e, 1001}));
}

TEST_F(StoreWriterTest, ExclusiveWorkRunsOnTheWriterThread) {
  std::thread::id ran_on;
  writer_.run_exclusive([&](Store&) { ran_on = std::this_thread::get_id(); });
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST_F(StoreWriterTest, StopWritesWhatIsStillQueued) {
  for (int i = 0; i < 10; ++i) writer_.add_telemetry(row("wm-2", i), 2);
  writer_.add_quarantine(QuarantineRow{"t", "p", kNow, "malformed_json", "d", ""});
  writer_.stop();
  EXPECT_EQ(telemetry_rows(), 10);
  EXPECT_EQ(store_.list_quarantine(QuarantineQuery{}).size(), 1u);
  EXPECT_EQ(store_.load_twins().size(), 1u);
}

}  // namespace
}  // namespace wm::gateway
