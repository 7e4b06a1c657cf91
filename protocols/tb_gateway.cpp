// tb-gateway (PROTOCOLS.md section 3). Telemetry is on the hot path and arrives in
// batches, so it is read in one SAX pass: TelemetrySax follows the message's structure
// ({device: [ {ts, values: {...}}, ... ], ...}) and feeds each sample object, and the
// values object inside it, to FlatJsonObjects, which check them exactly as wm-json-v1
// checks its telemetry. Connect, disconnect and RPC payloads are small and rare.
#include "protocols/tb_gateway.h"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "protocols/error_text.h"
#include "protocols/flat_json_object.h"
#include "protocols/telemetry_fields.h"
#include "protocols/topic.h"

namespace wm::protocols {
namespace {

using internal::FlatJsonObject;
using OrderedJson = nlohmann::ordered_json;

enum SampleMember : std::size_t { kSampleTs, kSampleValues };
constexpr std::array<std::string_view, 2> kSampleNames = {"ts", "values"};

constexpr std::size_t kNoDepth = std::numeric_limits<std::size_t>::max();

// "device 'm-1' sample 2: "
std::string where(std::string_view device_id, std::size_t index) {
  return "device " + internal::quoted_for_message(device_id) + " sample " + std::to_string(index) +
         ": ";
}

// The two objects of one sample and the SAX handlers that fill them.
struct SampleReader {
  FlatJsonObject sample{"tb-gateway sample", kSampleNames};
  FlatJsonObject values{"sample values", internal::kTelemetryNames};
  FlatJsonObject::SaxHandler sample_sax{sample};
  FlatJsonObject::SaxHandler values_sax{values};

  Result<Telemetry> read() {
    Telemetry t;
    sample.read_integer(kSampleTs, 0, internal::kMaxInt64, t.ts_ms);
    sample.require_object(kSampleValues);
    if (!sample.ok()) return sample.take_error();
    std::optional<std::int64_t> seq;
    values.read_optional_integer(internal::kTelemetrySeq, 0, internal::kMaxSeq, seq);
    t.has_seq = seq.has_value();
    t.seq = static_cast<std::uint32_t>(seq.value_or(0));  // in range once read
    internal::read_telemetry_measurements(values, t);
    if (!values.ok()) return values.take_error();
    return t;
  }
};

// Depths: 0 outside the message, 1 inside its object (keys are machine ids), 2 inside a
// machine's array, 3 inside a sample, 4 and more inside the sample's members.
class TelemetrySax {
 public:
  explicit TelemetrySax(std::vector<TbSample>& out) : out_(out) {}

  bool null() {
    return scalar([](auto& h) { return h.null(); }, "null");
  }
  bool boolean(bool v) {
    return scalar([v](auto& h) { return h.boolean(v); }, "a boolean");
  }
  bool number_integer(std::int64_t v) {
    return scalar([v](auto& h) { return h.number_integer(v); }, "a number");
  }
  bool number_unsigned(std::uint64_t v) {
    return scalar([v](auto& h) { return h.number_unsigned(v); }, "a number");
  }
  bool number_float(double v, const std::string& text) {
    return scalar([v, &text](auto& h) { return h.number_float(v, text); }, "a number");
  }
  bool string(std::string& v) {
    return scalar([&v](auto& h) { return h.string(v); }, "a string");
  }
  bool binary(nlohmann::json::binary_t& /*value*/) { return true; }  // not in JSON text

  bool key(std::string& name) {
    if (skipping()) return true;
    if (depth_ == 1) device_ = name;
    if (depth_ >= 3) forward([&name](auto& h) { return h.key(name); });
    if (depth_ == 3) values_next_ = name == kSampleNames[kSampleValues];
    return true;
  }

  bool start_object(std::size_t size) {
    if (skipping()) return open();
    if (depth_ == 0) return open();
    if (full()) return stop();
    if (depth_ == 1) return skip_entry("an object");
    if (depth_ == 2) {
      reader_.emplace();
    } else if (depth_ == 3) {
      in_values_ = values_next_;
      values_next_ = false;
    }
    forward([size](auto& h) { return h.start_object(size); });
    return open();
  }

  bool end_object() {
    if (close()) return true;
    if (depth_ < 2) return true;  // the message's own object (depth 1 objects are skipped)
    forward([](auto& h) { return h.end_object(); });
    if (depth_ == 3 && in_values_) in_values_ = false;  // after forwarding: values ends here
    if (depth_ == 2) {
      out_.push_back(TbSample{device_, index_, reader_->read()});
      if (!out_.back().telemetry.ok()) prefix_last_error();
      ++index_;
    }
    return true;
  }

  bool start_array(std::size_t size) {
    if (skipping()) return open();
    if (depth_ == 0) return not_an_object("an array");
    if (full()) return stop();
    if (depth_ == 1) {
      index_ = 0;
      if (!is_valid_id(device_)) {
        out_.push_back(TbSample{device_, 0,
                                make_error("bad_id", "device",
                                           "device id must be 1 to 64 characters of A-Z a-z 0-9 "
                                           "_ -, got " +
                                               internal::quoted_for_message(device_))});
        skip_ = depth_;
      }
      return open();
    }
    if (depth_ == 2) {
      reject_sample("an array");
      skip_ = depth_;
      return open();
    }
    if (depth_ == 3) values_next_ = false;
    forward([size](auto& h) { return h.start_array(size); });
    return open();
  }

  bool end_array() {
    if (close()) return true;
    if (depth_ >= 3) forward([](auto& h) { return h.end_array(); });
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::json::exception& e) {
    std::string_view what = e.what();
    if (const std::size_t tag_end = what.find("] "); tag_end != std::string_view::npos) {
      what.remove_prefix(tag_end + 2);
    }
    error_ = make_error("malformed_json", "",
                        "payload is not valid JSON: " + internal::printable(what, 200));
    return false;
  }

  std::optional<Error>& error() { return error_; }
  bool stopped() const { return stopped_; }

 private:
  template <class Event>
  bool scalar(Event event, std::string_view kind) {
    if (skipping()) return true;
    if (depth_ == 0) return not_an_object(kind);
    if (full()) return stop();
    if (depth_ == 1) {
      entry_error(kind);
    } else if (depth_ == 2) {
      reject_sample(kind);
    } else {
      forward(event);
      if (depth_ == 3) values_next_ = false;
    }
    return true;
  }

  // Sends a SAX event to the sample object and, inside values, to the values object.
  // They return false only for a non-object at their top, which the depth checks rule out.
  template <class Event>
  void forward(Event event) {
    event(reader_->sample_sax);
    if (in_values_) event(reader_->values_sax);
  }

  // True when the value starting now would add a TbSample past the limit.
  bool full() const {
    return (depth_ == 1 || depth_ == 2) && out_.size() >= kTbMaxSamplesPerMessage;
  }
  bool stop() {
    out_.push_back(
        TbSample{device_, index_,
                 make_error("too_many_samples", "",
                            where(device_, index_) + "the message holds more than " +
                                std::to_string(kTbMaxSamplesPerMessage) +
                                " samples; this one and the rest of the message were not read")});
    stopped_ = true;
    return false;
  }

  bool skipping() const { return skip_ != kNoDepth; }
  bool open() {
    ++depth_;
    return true;
  }
  // Leaves a container; true when the event belongs to a skipped one.
  bool close() {
    --depth_;
    if (!skipping()) return false;
    if (depth_ == skip_) skip_ = kNoDepth;
    return true;
  }

  bool skip_entry(std::string_view kind) {
    entry_error(kind);
    skip_ = depth_;
    return open();
  }
  void entry_error(std::string_view kind) {
    out_.push_back(TbSample{
        device_, 0,
        make_error(
            "wrong_type", "device",
            "device " + internal::quoted_for_message(device_) +
                ": samples must be an array of {\"ts\":..., \"values\":{...}} objects, got " +
                std::string(kind))});
  }
  void reject_sample(std::string_view kind) {
    out_.push_back(TbSample{device_, index_,
                            make_error("wrong_type", "",
                                       where(device_, index_) + "a sample must be an object, got " +
                                           std::string(kind))});
    ++index_;
  }
  void prefix_last_error() {
    const Error& e = out_.back().telemetry.error();
    out_.back().telemetry = make_error(e.code, e.field, where(device_, index_) + e.message);
  }
  bool not_an_object(std::string_view kind) {
    error_ = make_error("malformed_json", "",
                        "payload must be a JSON object of device ids, got " + std::string(kind));
    return false;
  }

  std::vector<TbSample>& out_;
  std::optional<Error> error_;
  std::size_t depth_ = 0;
  std::size_t skip_ = kNoDepth;  // skipping a container opened at this depth
  std::string device_;
  std::size_t index_ = 0;
  std::optional<SampleReader> reader_;
  bool values_next_ = false;  // the sample member whose value comes next is "values"
  bool in_values_ = false;
  bool stopped_ = false;  // at kTbMaxSamplesPerMessage
};

Error nul_byte_error(std::size_t offset) {
  return make_error("malformed_json", "",
                    "payload is not valid JSON: NUL byte at offset " + std::to_string(offset));
}

std::string dump(const OrderedJson& document) {
  return document.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace

Result<std::vector<TbSample>> decode_tb_telemetry(std::string_view payload) {
  // nlohmann stops at a NUL byte as if the input ended there (see FlatJsonObject::parse).
  if (const std::size_t nul = payload.find('\0'); nul != std::string_view::npos) {
    return nul_byte_error(nul);
  }
  std::vector<TbSample> samples;
  TelemetrySax sax(samples);
  try {
    const bool parsed =
        nlohmann::json::sax_parse(payload.data(), payload.data() + payload.size(), &sax);
    if (sax.error()) return *sax.error();
    if (sax.stopped()) return samples;
    if (!parsed) return make_error("malformed_json", "", "payload is not valid JSON");
  } catch (const nlohmann::json::exception& e) {
    return make_error("malformed_json", "",
                      "payload is not valid JSON: " + internal::printable(e.what(), 200));
  }
  return samples;
}

Result<std::string> decode_tb_device(std::string_view payload) {
  static constexpr std::array<std::string_view, 1> kNames = {"device"};
  FlatJsonObject object("connect or disconnect message", kNames);
  if (!object.parse(payload)) return object.take_error();
  std::string device_id;
  object.read_string(0, 1, std::numeric_limits<std::size_t>::max(), device_id);
  if (!object.ok()) return object.take_error();
  if (!is_valid_id(device_id)) {
    return make_error("bad_id", "device",
                      "device id must be 1 to 64 characters of A-Z a-z 0-9 _ -, got " +
                          internal::quoted_for_message(device_id));
  }
  return device_id;
}

std::string encode_tb_device(std::string_view device_id) {
  OrderedJson j;
  j["device"] = device_id;
  return dump(j);
}

std::string encode_tb_rpc(const TbRpc& rpc) {
  OrderedJson data;
  data["id"] = rpc.id;
  data["method"] = to_string(rpc.method);
  data["params"] = OrderedJson::object();
  if (!rpc.reason.empty()) data["params"]["reason"] = rpc.reason;
  OrderedJson j;
  j["device"] = rpc.device_id;
  j["data"] = std::move(data);
  return dump(j);
}

std::string encode_tb_telemetry(std::span<const TbDeviceSamples> devices) {
  OrderedJson j = OrderedJson::object();
  for (const TbDeviceSamples& device : devices) {
    OrderedJson& entry = j[device.device_id];
    if (entry.is_null()) entry = OrderedJson::array();
    for (const Telemetry& t : device.samples) {
      OrderedJson sample;
      sample["ts"] = t.ts_ms;
      sample["values"] = internal::telemetry_json(t, /*with_ts=*/false);
      entry.push_back(std::move(sample));
    }
  }
  return dump(j);
}

Result<TbRpc> decode_tb_rpc(std::string_view payload) {
  if (const std::size_t nul = payload.find('\0'); nul != std::string_view::npos) {
    return nul_byte_error(nul);
  }
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error("malformed_json", "", "payload is not a JSON object");
  }
  const auto member = [](const nlohmann::json& object, const char* name) -> const nlohmann::json* {
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
  };
  const auto missing = [](const char* name) {
    return make_error("missing_field", name,
                      std::string("required field '") + name + "' is missing from the rpc");
  };
  const auto wrong = [](const char* name, const char* expected) {
    return make_error("wrong_type", name, std::string(name) + " must be " + expected);
  };
  TbRpc rpc;
  const nlohmann::json* device = member(j, "device");
  if (device == nullptr) return missing("device");
  if (!device->is_string()) return wrong("device", "a string");
  rpc.device_id = device->get<std::string>();
  const nlohmann::json* data = member(j, "data");
  if (data == nullptr) return missing("data");
  if (!data->is_object()) return wrong("data", "an object");
  const nlohmann::json* id = member(*data, "id");
  if (id == nullptr) return missing("id");
  if (!id->is_number_integer() ||
      (id->is_number_unsigned() &&
       id->get<std::uint64_t>() > static_cast<std::uint64_t>(internal::kMaxInt64))) {
    return wrong("id", "an integer");
  }
  rpc.id = id->get<std::int64_t>();
  const nlohmann::json* method = member(*data, "method");
  if (method == nullptr) return missing("method");
  if (!method->is_string()) return wrong("method", "a string");
  const std::optional<CommandKind> kind = command_kind_from_string(method->get<std::string>());
  if (!kind) {
    return make_error("out_of_range", "method",
                      "method must be one of lock, unlock, diagnose, got " +
                          internal::quoted_for_message(method->get<std::string>()));
  }
  rpc.method = *kind;
  if (const nlohmann::json* params = member(*data, "params"); params != nullptr) {
    if (!params->is_object()) return wrong("params", "an object");
    if (const nlohmann::json* reason = member(*params, "reason"); reason != nullptr) {
      if (!reason->is_string()) return wrong("reason", "a string");
      rpc.reason = reason->get<std::string>();
    }
  }
  return rpc;
}

}  // namespace wm::protocols
