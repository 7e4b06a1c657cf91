#include "tickets/erlang_c.h"

#include <cmath>
#include <limits>
#include <string>

namespace wm::tickets {
namespace {

constexpr int kMaxAgents = 1'000'000;

// C(N, A) from B(N, A); requires N > A.
double erlang_c_from_b(int agents, double traffic, double b) {
  const double n = agents;
  return n * b / (n - traffic * (1.0 - b));
}

double service_level_from_c(int agents, double traffic, double c, double mean_handle_s,
                            double answer_within_s) {
  return 1.0 - c * std::exp(-(agents - traffic) * answer_within_s / mean_handle_s);
}

Error out_of_range(const char* field, const std::string& message) {
  return make_error("out_of_range", field, message);
}

}  // namespace

double offered_traffic_erlangs(double calls_per_hour, double mean_handle_s) {
  return calls_per_hour * mean_handle_s / 3600.0;
}

double erlang_b(int agents, double traffic) {
  double b = 1.0;
  for (int n = 1; n <= agents; ++n) b = traffic * b / (n + traffic * b);
  return b;
}

double erlang_c_probability_wait(int agents, double traffic) {
  if (traffic <= 0) return 0.0;
  if (agents <= traffic) return 1.0;
  return erlang_c_from_b(agents, traffic, erlang_b(agents, traffic));
}

double service_level(int agents, double traffic, double mean_handle_s, double answer_within_s) {
  if (traffic <= 0) return 1.0;
  if (agents <= traffic) return 0.0;
  return service_level_from_c(agents, traffic, erlang_c_probability_wait(agents, traffic),
                              mean_handle_s, answer_within_s);
}

double average_speed_of_answer(int agents, double traffic, double mean_handle_s) {
  if (traffic <= 0) return 0.0;
  if (agents <= traffic) return std::numeric_limits<double>::infinity();
  return erlang_c_probability_wait(agents, traffic) * mean_handle_s / (agents - traffic);
}

Result<int> agents_needed(double calls_per_hour, double mean_handle_s, double target_service_level,
                          double target_answer_s) {
  if (!std::isfinite(calls_per_hour) || calls_per_hour < 0) {
    return out_of_range("calls_per_hour", "calls per hour must be a number >= 0");
  }
  if (!std::isfinite(mean_handle_s) || mean_handle_s <= 0) {
    return out_of_range("mean_handle_s", "the mean handling time must be > 0 seconds");
  }
  if (!(target_service_level >= 0 && target_service_level < 1)) {
    return out_of_range("target_service_level",
                        "the service level target must be in [0, 1), e.g. 0.8 for 80%");
  }
  if (!std::isfinite(target_answer_s) || target_answer_s < 0) {
    return out_of_range("target_answer_s", "the answer time target must be >= 0 seconds");
  }
  const double traffic = offered_traffic_erlangs(calls_per_hour, mean_handle_s);
  if (traffic <= 0) return 0;
  if (traffic >= kMaxAgents) {
    return out_of_range("calls_per_hour",
                        "the load needs more than " + std::to_string(kMaxAgents) + " agents");
  }
  // Walk N upward, carrying the Erlang B recursion along: O(N) in all.
  double b = 1.0;
  for (int n = 1; n <= kMaxAgents; ++n) {
    b = traffic * b / (n + traffic * b);
    if (n <= traffic) continue;
    const double c = erlang_c_from_b(n, traffic, b);
    if (service_level_from_c(n, traffic, c, mean_handle_s, target_answer_s) >=
        target_service_level) {
      return n;
    }
  }
  return out_of_range("calls_per_hour",
                      "the load needs more than " + std::to_string(kMaxAgents) + " agents");
}

}  // namespace wm::tickets
