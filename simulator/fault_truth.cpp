#include "simulator/fault_truth.h"

#include <nlohmann/json.hpp>

#include "simulator/sim_time.h"

namespace wm::sim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

Result<std::int64_t> time_field(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end())
    return make_error("missing_field", key, "a truth line needs " + std::string(key));
  if (!it->is_string())
    return make_error("wrong_type", key, std::string(key) + " must be a string");
  const auto ms = parse_iso8601_ms(it->get<std::string>());
  if (!ms) {
    return make_error("out_of_range", key,
                      std::string(key) + " must be an RFC 3339 time such as 2024-03-04T08:00:00Z");
  }
  return *ms;
}

}  // namespace

std::string truth_json_line(const FaultTruth& truth) {
  ordered_json line;
  line["machine"] = truth.machine.empty() ? ordered_json(nullptr) : ordered_json(truth.machine);
  line["site"] = truth.site;
  line["kind"] = to_string(truth.kind);
  line["onset"] = format_iso8601_ms(truth.onset_ms);
  line["failure"] = format_iso8601_ms(truth.failure_ms);
  line["cleared"] =
      truth.cleared_ms ? ordered_json(format_iso8601_ms(*truth.cleared_ms)) : ordered_json(nullptr);
  line["codes"] = ordered_json::array();
  for (protocols::FaultCode code : truth.codes) line["codes"].push_back(protocols::to_string(code));
  if (truth.kind == FaultKind::kDispenseFailure) line["txns"] = truth.txns;
  return line.dump();
}

Result<FaultTruth> parse_truth_line(std::string_view line) {
  const json doc = json::parse(line, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error("malformed_json", "", "a truth line is one JSON object");
  }
  FaultTruth truth;
  const auto machine = doc.find("machine");
  if (machine == doc.end())
    return make_error("missing_field", "machine", "a truth line needs machine");
  if (machine->is_string()) {
    truth.machine = machine->get<std::string>();
  } else if (!machine->is_null()) {
    return make_error("wrong_type", "machine", "machine must be a string or null");
  }
  const auto site = doc.find("site");
  if (site == doc.end()) return make_error("missing_field", "site", "a truth line needs site");
  if (!site->is_string()) return make_error("wrong_type", "site", "site must be a string");
  truth.site = site->get<std::string>();
  const auto kind = doc.find("kind");
  if (kind == doc.end()) return make_error("missing_field", "kind", "a truth line needs kind");
  if (!kind->is_string()) return make_error("wrong_type", "kind", "kind must be a string");
  const auto parsed_kind = fault_kind_from_string(kind->get<std::string>());
  if (!parsed_kind) return make_error("out_of_range", "kind", "unknown fault kind");
  truth.kind = *parsed_kind;
  auto onset = time_field(doc, "onset");
  if (!onset.ok()) return onset.error();
  truth.onset_ms = *onset;
  auto failure = time_field(doc, "failure");
  if (!failure.ok()) return failure.error();
  truth.failure_ms = *failure;
  const auto cleared = doc.find("cleared");
  if (cleared == doc.end())
    return make_error("missing_field", "cleared", "a truth line needs cleared");
  if (!cleared->is_null()) {
    auto ms = time_field(doc, "cleared");
    if (!ms.ok()) return ms.error();
    truth.cleared_ms = *ms;
  }
  const auto codes = doc.find("codes");
  if (codes == doc.end()) return make_error("missing_field", "codes", "a truth line needs codes");
  if (!codes->is_array()) return make_error("wrong_type", "codes", "codes must be an array");
  for (const json& code : *codes) {
    if (!code.is_string()) return make_error("wrong_type", "codes", "codes are strings");
    const auto parsed = protocols::fault_code_from_string(code.get<std::string>());
    if (!parsed) return make_error("out_of_range", "codes", "codes are E01 to E08");
    truth.codes.push_back(*parsed);
  }
  if (const auto txns = doc.find("txns"); txns != doc.end()) {
    if (!txns->is_array()) return make_error("wrong_type", "txns", "txns must be an array");
    for (const json& txn : *txns) {
      if (!txn.is_string()) return make_error("wrong_type", "txns", "txns are strings");
      truth.txns.push_back(txn.get<std::string>());
    }
  }
  return truth;
}

void TruthWriter::record(const FaultTruth& truth) {
  out_ << truth_json_line(truth) << '\n';
  out_.flush();
  if (!out_) {
    ok_ = false;
    out_.clear();
    return;
  }
  ++lines_;
}

}  // namespace wm::sim
