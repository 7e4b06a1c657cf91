// on_telemetry runs for every sample (about 100k a second): it must not allocate unless
// it has a finding to report. Counted by replacing the global allocator in this binary.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "devices/fault_detector.h"
#include "devices/fault_detector_test_util.h"

namespace {
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace wm::devices {
namespace {

using namespace detector_test;  // NOLINT(google-build-using-namespace): test shorthands

TEST(FaultDetectorAllocTest, TelemetryWithoutFindingsDoesNotAllocate) {
  FleetDetector detector;
  for (MachineIndex m = 0; m < 100; ++m) {
    detector.add_machine(m, "wm-" + std::to_string(m), "s-" + std::to_string(m / 10));
  }
  std::vector<Finding> out;
  out.reserve(16);
  detector.advance(kT0, out);
  // Every sample judges every sensor; some run pending streaks that never complete.
  const long before = allocations.load();
  for (int i = 0; i < 200; ++i) {
    const std::int64_t ts = kT0 + i * 10 * kSecond;
    for (MachineIndex m = 0; m < 100; ++m) {
      protocols::Telemetry t = healthy(ts);
      t.leak = (i + static_cast<int>(m)) % 2 == 0;  // flapping: never raises
      t.tds_out = i % 3 == 0 ? 80 : 20;
      t.flow_lpm = i % 5 == 0 ? 0 : 1.0;  // short flows
      detector.on_telemetry(m, t, out);
    }
    detector.advance(ts + kSecond, out);
  }
  EXPECT_EQ(allocations.load() - before, 0);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace wm::devices
