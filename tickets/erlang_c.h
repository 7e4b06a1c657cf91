// Erlang C: how many hotline agents answer a given call load within a service level
// (DESIGN.md "Hotline": default 80% of calls answered within 20 s).
//
// The model is the M/M/N queue: calls arrive at random (Poisson) at a steady rate, handle
// times are exponential with mean `mean_handle_s`, nobody hangs up while waiting, and N
// agents serve one queue. Offered traffic A = calls per second x mean handle time, in
// Erlangs. With N > A agents:
//   Erlang B  B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))        (blocking, no queue)
//   Erlang C  C(N, A) = N B(N) / (N - A (1 - B(N)))              (probability of waiting)
//   service level  SL(N, t) = 1 - C(N, A) exp(-(N - A) t / aht) (answered within t)
// The recursion never forms A^N or N!, so it is exact to double precision for any N and A
// where the closed form overflows (A^N / N! at N = 200). With N <= A the queue grows
// without bound: C is 1 and the service level 0.
//
// Contract: pure functions; the agents_needed() family checks its arguments (they come from
// configuration and query strings) and says what was wrong.
#pragma once

#include "protocols/result.h"

namespace wm::tickets {

// Offered traffic in Erlangs.
double offered_traffic_erlangs(double calls_per_hour, double mean_handle_s);

// Erlang B blocking probability with `agents` servers and `traffic` Erlangs (>= 0).
double erlang_b(int agents, double traffic);

// Probability that a call waits at all, C(N, A); 1 when agents <= traffic.
double erlang_c_probability_wait(int agents, double traffic);

// Share of calls answered within `answer_within_s`; 0 when agents <= traffic, 1 when there
// is no traffic.
double service_level(int agents, double traffic, double mean_handle_s, double answer_within_s);

// Average speed of answer in seconds, C(N, A) aht / (N - A); infinite when agents <= traffic.
double average_speed_of_answer(int agents, double traffic, double mean_handle_s);

// The smallest N whose service level reaches `target_service_level` for calls answered
// within `target_answer_s`. No calls need no agents; otherwise N > A always (a stable
// queue), even for a target of 0. Errors (code "out_of_range", field named): negative or
// non-finite calls, handle time not > 0, target outside [0, 1) (1 is never reached), answer
// time < 0, or a load needing more than 1,000,000 agents.
Result<int> agents_needed(double calls_per_hour, double mean_handle_s,
                          double target_service_level = 0.8, double target_answer_s = 20);

}  // namespace wm::tickets
