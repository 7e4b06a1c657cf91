// The wm-json-v1 wire format (PROTOCOLS.md section 1): decoders for what machines
// send, encoders for what the gateway sends and for simulators and tests.
//
// Decoders treat their input as untrusted: a payload that is not a JSON object, lacks a
// required field, has a wrong type or a value out of range is rejected whole, with an
// Error whose code is one of
//   "malformed_json"  payload is not valid UTF-8 JSON, or not an object
//   "missing_field"   a required field is absent                (field names it)
//   "wrong_type"      a field has the wrong JSON type            (field names it)
//   "out_of_range"    a number outside its range, a string of bad length or an
//                     unknown enum value (event type, fault code, action)
// Unknown fields are ignored. Functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "protocols/messages.h"
#include "protocols/result.h"

namespace wm::protocols {

[[nodiscard]] Result<Telemetry> decode_telemetry(std::string_view payload);
[[nodiscard]] Result<Event> decode_event(std::string_view payload);
[[nodiscard]] Result<Status> decode_status(std::string_view payload);
[[nodiscard]] Result<Command> decode_command(std::string_view payload);

// Encoders produce compact JSON that the decoders above accept (round trip exact for
// values inside the ranges; optional fields are written only when present).
std::string encode_telemetry(const Telemetry& t);
std::string encode_event(const Event& e);
std::string encode_status(const Status& s);
std::string encode_command(const Command& c);

}  // namespace wm::protocols
