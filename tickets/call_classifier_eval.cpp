#include "tickets/call_classifier_eval.h"

#include <cstdio>

namespace wm::tickets {
namespace {

// Position of each sentence among the sentences of its kind, in file order.
std::vector<std::size_t> rank_within_kind(std::span<const LabelledSentence> sentences) {
  std::array<std::size_t, devices::kFaultKindCount> seen{};
  std::vector<std::size_t> rank;
  rank.reserve(sentences.size());
  for (const LabelledSentence& s : sentences)
    rank.push_back(seen[static_cast<std::size_t>(s.kind)]++);
  return rank;
}

void add(Evaluation& into, const LabelledSentence& sentence, const Classification& got) {
  const auto k = static_cast<std::size_t>(sentence.kind);
  ++into.total;
  ++into.total_by_kind[k];
  into.mean_confidence += got.confidence;  // a sum until finished
  if (got.kind == sentence.kind) {
    ++into.correct;
    ++into.correct_by_kind[k];
  } else {
    into.misses.push_back({sentence.text, sentence.kind, got.kind, got.confidence});
  }
}

void finish(Evaluation& e) {
  if (e.total > 0) e.mean_confidence /= static_cast<double>(e.total);
}

}  // namespace

HeldOutSplit split_held_out(std::span<const LabelledSentence> sentences, std::size_t every) {
  HeldOutSplit split;
  const std::vector<std::size_t> rank = rank_within_kind(sentences);
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const bool held_out = every >= 2 && rank[i] % every == every - 1;
    (held_out ? split.test : split.train).push_back(sentences[i]);
  }
  return split;
}

Evaluation evaluate(const CallClassifier& classifier, std::span<const LabelledSentence> sentences) {
  Evaluation e;
  for (const LabelledSentence& s : sentences) add(e, s, classifier.classify(s.text));
  finish(e);
  return e;
}

Result<Evaluation> cross_validate(std::span<const LabelledSentence> sentences, std::size_t folds,
                                  const TrainingOptions& options) {
  if (folds < 2)
    return make_error("out_of_range", "folds", "cross-validation needs 2 or more folds");
  const std::vector<std::size_t> rank = rank_within_kind(sentences);
  Evaluation e;
  for (std::size_t fold = 0; fold < folds; ++fold) {
    std::vector<LabelledSentence> train;
    std::vector<const LabelledSentence*> test;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      if (rank[i] % folds == fold) {
        test.push_back(&sentences[i]);
      } else {
        train.push_back(sentences[i]);
      }
    }
    auto model = CallClassifier::train(train, options);
    if (!model) return model.error();
    for (const LabelledSentence* s : test) add(e, *s, model->classify(s->text));
  }
  finish(e);
  return e;
}

std::string Evaluation::report() const {
  std::string out;
  char line[160];
  for (std::size_t k = 0; k < devices::kFaultKindCount; ++k) {
    if (total_by_kind[k] == 0) continue;
    std::snprintf(line, sizeof line, "  %-22s %3zu / %3zu\n",
                  std::string(devices::to_string(static_cast<devices::FaultKind>(k))).c_str(),
                  correct_by_kind[k], total_by_kind[k]);
    out += line;
  }
  for (const Misclassified& m : misses) {
    out += "  miss: [" + std::string(devices::to_string(m.expected)) + " -> " +
           std::string(devices::to_string(m.got)) + " " +
           std::to_string(m.confidence).substr(0, 4) + "] " + m.text + "\n";
  }
  return out;
}

}  // namespace wm::tickets
