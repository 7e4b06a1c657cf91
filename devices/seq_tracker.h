// Per-machine message order from the machine's own `seq` counter (PROTOCOLS.md: +1 per
// message, wraps at 2^32). Tells a new message from a QoS 1 redelivery, notices messages
// that never came (gaps), late ones that arrive after newer ones, and a machine that
// rebooted and started counting again (which must not look like billions of duplicates).
//
// The rule that separates a reboot from a redelivery is time: a redelivered message
// carries its original `ts`, never newer than the newest message seen, while the first
// message after a reboot is newer than everything before it. Within a window of the
// last kWindow sequence numbers each one is remembered as seen or not.
// Bounded memory (about 150 bytes a machine). Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace wm::devices {

class SeqTracker {
 public:
  static constexpr std::uint32_t kWindow = 1024;
  // A jump forward this large is not a gap (a machine would need weeks of lost messages)
  // but a new count after a restart.
  static constexpr std::uint32_t kMaxGap = 1U << 20;

  enum class Verdict : std::uint8_t {
    kNew,        // first sight of this message, in order
    kLate,       // first sight, but newer messages came before it
    kDuplicate,  // seen before: drop it
    kRestart,    // the machine started counting again (reboot); taken as new
  };
  struct Observation {
    Verdict verdict = Verdict::kNew;
    std::uint32_t missing = 0;  // messages skipped over by this one (a gap), if any
  };

  // A message with sequence number `seq` and event time `ts_ms`.
  Observation observe(std::uint32_t seq, std::int64_t ts_ms);
  // A message without seq (hub samples may omit it): ordered by ts alone; an exact
  // repeat of the newest ts is a duplicate.
  Observation observe_unsequenced(std::int64_t ts_ms);

  std::optional<std::uint32_t> newest_seq() const { return newest_seq_; }

 private:
  bool seen(std::uint32_t seq) const;
  void mark(std::uint32_t seq);
  void reset(std::uint32_t seq, std::int64_t ts_ms);

  std::optional<std::uint32_t> newest_seq_;
  std::int64_t newest_ts_ms_ = 0;
  std::optional<std::int64_t> newest_unsequenced_ts_ms_;
  std::array<std::uint64_t, kWindow / 64> bits_{};  // bit (seq % kWindow) = seen
};

}  // namespace wm::devices
