// Multinomial logistic regression trained by stochastic gradient descent with AdaGrad
// steps. A sentence is the set of its distinct features, each weighted 1/sqrt(n) so that a
// long complaint and a short one weigh the same; features the training never saw are left
// out of the scores but still count in n, so a text the model barely knows gets a flatter,
// less confident answer.
#include "tickets/call_classifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "tickets/call_text.h"
#include "tickets/danger_words.h"

namespace wm::tickets {
namespace {

using devices::FaultKind;

std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Error line_error(std::size_t line_no, std::string message) {
  return make_error("bad_training_data", "line " + std::to_string(line_no),
                    std::move(message) + "; expected kind<TAB>lang<TAB>sentence");
}

using SparseVector = std::vector<std::pair<std::uint32_t, double>>;
using Vocabulary = std::unordered_map<std::string, std::uint32_t>;
constexpr std::size_t kKinds = devices::kFaultKindCount;
using Scores = std::array<double, kKinds>;

std::vector<std::string> distinct_features(std::string_view text) {
  std::vector<std::string> features = call_text_features(text);
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  return features;
}

// Every distinct feature weighs 1/sqrt(n), n counting the unknown ones too.
void set_weights(SparseVector& x, std::size_t distinct) {
  const double weight = distinct == 0 ? 0.0 : 1.0 / std::sqrt(static_cast<double>(distinct));
  for (auto& entry : x) entry.second = weight;
}

// A training sentence: its features join the vocabulary.
SparseVector learn_vector(std::string_view text, Vocabulary& vocabulary) {
  const std::vector<std::string> features = distinct_features(text);
  SparseVector x;
  for (const std::string& f : features) {
    const auto id = static_cast<std::uint32_t>(vocabulary.size());
    x.emplace_back(vocabulary.emplace(f, id).first->second, 0.0);
  }
  set_weights(x, features.size());
  return x;
}

// A text to classify: features outside the vocabulary are dropped.
SparseVector lookup_vector(std::string_view text, const Vocabulary& vocabulary) {
  const std::vector<std::string> features = distinct_features(text);
  SparseVector x;
  for (const std::string& f : features) {
    if (const auto it = vocabulary.find(f); it != vocabulary.end()) x.emplace_back(it->second, 0.0);
  }
  set_weights(x, features.size());
  return x;
}

template <std::size_t K>
void softmax_in_place(std::array<double, K>& scores) {
  const double top = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (double& s : scores) {
    s = std::exp(s - top);
    sum += s;
  }
  for (double& s : scores) s /= sum;
}

Scores logits(const SparseVector& x, const std::vector<double>& weights, const Scores& bias) {
  Scores z = bias;
  for (const auto& [f, v] : x) {
    const double* w = &weights[f * kKinds];
    for (std::size_t k = 0; k < kKinds; ++k) z[k] += v * w[k];
  }
  return z;
}

// Stochastic gradient descent on the softmax cross-entropy with AdaGrad steps and an L2
// penalty on the weights each sentence touches. A kind whose gradient is negligible for a
// sentence (the model already gives it ~0 and it is not the truth) is skipped: after the
// first epochs that is most kinds, which makes training several times faster.
void fit(std::span<const LabelledSentence> sentences, const TrainingOptions& options,
         Vocabulary& vocabulary, std::vector<double>& weights, Scores& bias) {
  constexpr double kNegligibleGradient = 1e-4;
  std::vector<SparseVector> xs;
  xs.reserve(sentences.size());
  for (const LabelledSentence& s : sentences) xs.push_back(learn_vector(s.text, vocabulary));
  weights.assign(vocabulary.size() * kKinds, 0.0);
  bias.fill(0.0);

  std::vector<double> weight_g2(weights.size(), 1e-8);  // AdaGrad accumulators
  Scores bias_g2;
  bias_g2.fill(1e-8);
  std::vector<std::size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(options.seed);  // the engine's output is fixed by the standard
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    for (const std::size_t n : order) {
      const SparseVector& x = xs[n];
      Scores p = logits(x, weights, bias);
      softmax_in_place(p);
      const auto truth = static_cast<std::size_t>(sentences[n].kind);
      for (std::size_t k = 0; k < kKinds; ++k) {
        const double g = p[k] - (k == truth ? 1.0 : 0.0);
        if (std::abs(g) < kNegligibleGradient) continue;
        bias_g2[k] += g * g;
        bias[k] -= options.learning_rate * g / std::sqrt(bias_g2[k]);
        for (const auto& [f, v] : x) {
          const std::size_t at = f * kKinds + k;
          const double gw = g * v + options.l2 * weights[at];
          weight_g2[at] += gw * gw;
          weights[at] -= options.learning_rate * gw / std::sqrt(weight_g2[at]);
        }
      }
    }
  }
}

// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): a
// model trained on three quarters of the sentences (every 4th of each kind held back)
// scores the held-back quarter, and the inverse temperature that minimises their negative
// log-likelihood is kept. The likelihood is convex in the inverse temperature, so a
// golden-section search finds it. Too few sentences to hold any back: 1.
double calibrate(std::span<const LabelledSentence> sentences, const TrainingOptions& options) {
  std::vector<LabelledSentence> fit_part;
  std::vector<const LabelledSentence*> probe;
  std::array<std::size_t, kKinds> seen{};
  for (const LabelledSentence& s : sentences) {
    if (seen[static_cast<std::size_t>(s.kind)]++ % 4 == 3) {
      probe.push_back(&s);
    } else {
      fit_part.push_back(s);
    }
  }
  if (probe.empty() || fit_part.empty()) return 1.0;
  Vocabulary vocabulary;
  std::vector<double> weights;
  Scores bias;
  fit(fit_part, options, vocabulary, weights, bias);
  std::vector<std::pair<Scores, std::size_t>> scored;
  scored.reserve(probe.size());
  for (const LabelledSentence* s : probe) {
    scored.emplace_back(logits(lookup_vector(s->text, vocabulary), weights, bias),
                        static_cast<std::size_t>(s->kind));
  }
  const auto nll = [&](double beta) {
    double sum = 0;
    for (const auto& [z, truth] : scored) {
      const double top = *std::max_element(z.begin(), z.end());
      double partition = 0;
      for (const double zk : z) partition += std::exp(beta * (zk - top));
      sum += std::log(partition) - beta * (z[truth] - top);
    }
    return sum;
  };
  double lo = 0.05, hi = 20.0;
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 80; ++i) {
    const double a = hi - ratio * (hi - lo);
    const double b = lo + ratio * (hi - lo);
    if (nll(a) < nll(b)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  return (lo + hi) / 2;
}

}  // namespace

Result<std::vector<LabelledSentence>> parse_labelled_sentences(std::string_view tsv) {
  std::vector<LabelledSentence> sentences;
  std::string_view rest = tsv;
  for (std::size_t line_no = 1; !rest.empty(); ++line_no) {
    const std::string_view line = next_line(rest);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) return line_error(line_no, "fewer than three fields");
    const std::string_view kind_name = line.substr(0, tab1);
    const std::string_view lang = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string_view text = line.substr(tab2 + 1);
    const auto kind = devices::fault_kind_from_string(kind_name);
    if (!kind) return line_error(line_no, "unknown fault kind '" + std::string(kind_name) + "'");
    if (lang != "zh" && lang != "en" && lang != "mix") {
      return line_error(line_no, "lang is '" + std::string(lang) + "', not zh, en or mix");
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) {
      return line_error(line_no, "empty sentence");
    }
    sentences.push_back({*kind, std::string(lang), std::string(text)});
  }
  return sentences;
}

Result<CallClassifier> CallClassifier::train(std::string_view tsv) {
  auto sentences = parse_labelled_sentences(tsv);
  if (!sentences) return sentences.error();
  return train(*sentences);
}

Result<CallClassifier> CallClassifier::train(std::span<const LabelledSentence> sentences,
                                             const TrainingOptions& options) {
  if (sentences.empty()) {
    return make_error("bad_training_data", "", "no labelled sentences to train the classifier on");
  }
  CallClassifier model;
  fit(sentences, options, model.vocabulary_, model.weights_, model.bias_);
  if (options.calibrate) model.inverse_temperature_ = calibrate(sentences, options);
  return model;
}

CallClassifier::Scores CallClassifier::probabilities(std::string_view text) const {
  Scores p = logits(lookup_vector(text, vocabulary_), weights_, bias_);
  for (double& s : p) s *= inverse_temperature_;
  softmax_in_place(p);
  return p;
}

Classification CallClassifier::classify(std::string_view text) const {
  const Scores p = probabilities(text);
  std::array<std::size_t, kKinds> ranked;
  std::iota(ranked.begin(), ranked.end(), 0);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  Classification out;
  out.kind = static_cast<FaultKind>(ranked[0]);
  out.confidence = p[ranked[0]];
  out.danger = mentions_danger(text);
  for (std::size_t i = 0; i < 3; ++i) {
    out.top.emplace_back(static_cast<FaultKind>(ranked[i]), p[ranked[i]]);
  }
  return out;
}

}  // namespace wm::tickets
