#include "gateway/hotline_classifier.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>

#include "tickets/hotline_training_data.h"

namespace wm::gateway {

const tickets::CallClassifier& call_classifier() {
  static const tickets::CallClassifier classifier = [] {
    const auto start = std::chrono::steady_clock::now();
    auto trained = tickets::CallClassifier::train(tickets::hotline_training_data());
    if (!trained.ok()) {
      spdlog::critical("the call classifier cannot be trained: {}", trained.error().to_string());
      std::abort();
    }
    spdlog::info("call classifier trained: {} features in {} ms", trained->feature_count(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count());
    return std::move(trained).value();
  }();
  return classifier;
}

}  // namespace wm::gateway
