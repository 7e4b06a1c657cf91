// The hotline's call classifier: a caller's free text (Chinese, English or both) to the
// fault kind it reports, with a confidence, the runner-up kinds and a danger flag
// (DESIGN.md "Hotline"; API.md POST /hotline/classify; issue 7 item 2).
//
// The model is multinomial logistic regression over the features of call_text.h
// (character 1-3-grams of Chinese, words, word bigrams and character 3-4-grams of
// English), trained at start from labelled sentences (tickets/data/hotline_sentences.tsv,
// embedded in the binary: hotline_training_data.h). Training is deterministic: the same
// sentences and options give the same weights on every run (across platforms, up to the
// rounding of the maths library). Confidence is
// the model's softmax probability of the kind it names, temperature-scaled on sentences
// held back from a first training so that it tracks accuracy (the held-out test compares
// the two); a caller may threshold on it.
// The danger flag comes from a separate, hand-kept lexicon (danger_words.h), never from
// the model.
//
// Thread-safety: a trained CallClassifier is immutable; classify() may run concurrently.
// Training on the shipped 2,400 sentences takes about 0.35 s in an optimised build
// (calibration included; several seconds in a debug build); classify() about 7 us.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "devices/fault_kind.h"
#include "protocols/result.h"

namespace wm::tickets {

// One line of the labelled data set: `kind<TAB>lang<TAB>sentence`, kind as DESIGN.md names
// it, lang one of "zh", "en", "mix".
struct LabelledSentence {
  devices::FaultKind kind = devices::FaultKind::kWaterQuality;
  std::string lang;
  std::string text;
};

// Parses the data set. Empty lines and lines starting with '#' are skipped; a trailing
// '\r' is dropped. Errors name the line: unknown kind, unknown lang, missing field, empty
// sentence.
Result<std::vector<LabelledSentence>> parse_labelled_sentences(std::string_view tsv);

struct Classification {
  devices::FaultKind kind = devices::FaultKind::kWaterQuality;
  double confidence = 0;  // softmax probability of `kind`, in [0, 1]
  bool danger = false;    // the text mentions harm to a person or fire (danger_words.h)
  // The three most probable kinds, best first; top[0] is {kind, confidence}.
  std::vector<std::pair<devices::FaultKind, double>> top;
};

struct TrainingOptions {
  int epochs = 30;
  double learning_rate = 0.5;  // AdaGrad step
  double l2 = 1e-4;            // per update, on the weights a sentence touches
  std::uint32_t seed = 7;      // order of sentences in each epoch
  // Fit a softmax temperature on a held-back quarter of the sentences (one more training
  // on three quarters of them), so that confidence tracks accuracy.
  bool calibrate = true;
};

class CallClassifier {
 public:
  // Trains on the data set text (parse_labelled_sentences). Fails on a malformed file or
  // one with no sentences.
  static Result<CallClassifier> train(std::string_view tsv);
  static Result<CallClassifier> train(std::span<const LabelledSentence> sentences,
                                      const TrainingOptions& options = {});

  // Any text, including empty text or text in no known language: the answer then falls
  // back to the kinds' prior and its confidence is low.
  [[nodiscard]] Classification classify(std::string_view text) const;

  [[nodiscard]] std::size_t feature_count() const { return vocabulary_.size(); }

 private:
  static constexpr std::size_t kKinds = devices::kFaultKindCount;
  using Scores = std::array<double, kKinds>;

  CallClassifier() = default;
  [[nodiscard]] Scores probabilities(std::string_view text) const;

  std::unordered_map<std::string, std::uint32_t> vocabulary_;
  std::vector<double> weights_;  // feature-major: weights_[feature * kKinds + kind]
  Scores bias_{};
  double inverse_temperature_ = 1.0;  // multiplies the scores before the softmax
};

}  // namespace wm::tickets
