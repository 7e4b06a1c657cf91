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
// Unknown fields are ignored; when a field repeats, the last one counts. Integer fields
// (ts, seq, filter_l, charged_fen, requested_ml, dispensed_ml) must be JSON integers: 1.5
// and 3.0 are "wrong_type". String lengths count Unicode characters. A payload holding a
// NUL byte is "malformed_json". Messages quote payload text printably and briefly (safe
// to log or put in JSON). Functions are pure, thread-safe and never throw on bad input.
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
// values inside the ranges; optional fields are written only when present, a command's
// reason and ticket only when not empty). Strings that are not UTF-8 are written with
// U+FFFD in place of the bad bytes; the encoders do not throw.
std::string encode_telemetry(const Telemetry& t);
std::string encode_event(const Event& e);
std::string encode_status(const Status& s);
std::string encode_command(const Command& c);

}  // namespace wm::protocols
