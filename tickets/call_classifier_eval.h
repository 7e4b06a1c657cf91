// How well the call classifier does on sentences it was not trained on: a deterministic,
// stratified held-out split and k-fold cross-validation over the labelled data set, and
// the accuracy on any labelled set (such as one written apart from the training file).
//
// Contract: pure and deterministic; "the i-th sentence of a kind" counts in file order.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tickets/call_classifier.h"

namespace wm::tickets {

struct HeldOutSplit {
  std::vector<LabelledSentence> train;
  std::vector<LabelledSentence> test;
};

// Stratified by kind: the every-th sentence of each kind (the 5th, 10th, ... for every = 5)
// goes to `test`, the rest to `train`. `every` below 2 puts everything in `train`.
HeldOutSplit split_held_out(std::span<const LabelledSentence> sentences, std::size_t every = 5);

struct Misclassified {
  std::string text;
  devices::FaultKind expected = devices::FaultKind::kWaterQuality;
  devices::FaultKind got = devices::FaultKind::kWaterQuality;
  double confidence = 0;
};

struct Evaluation {
  std::size_t total = 0;
  std::size_t correct = 0;
  double mean_confidence = 0;  // over all sentences; near accuracy when calibrated
  std::array<std::size_t, devices::kFaultKindCount> total_by_kind{};
  std::array<std::size_t, devices::kFaultKindCount> correct_by_kind{};
  std::vector<Misclassified> misses;

  [[nodiscard]] double accuracy() const {
    return total == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(total);
  }
  // One line per miss and a per-kind table, for test logs.
  [[nodiscard]] std::string report() const;
};

Evaluation evaluate(const CallClassifier& classifier, std::span<const LabelledSentence> sentences);

// Stratified k-fold cross-validation: the i-th sentence of each kind is in fold i % folds;
// each fold is classified by a model trained on the others. Fails when folds < 2 or a
// training fold is empty.
Result<Evaluation> cross_validate(std::span<const LabelledSentence> sentences, std::size_t folds,
                                  const TrainingOptions& options = {});

}  // namespace wm::tickets
