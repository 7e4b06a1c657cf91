// wm-json-v1 (PROTOCOLS.md section 1). Decoders read payloads with FlatJsonObject (SAX,
// no DOM: they are on the gateway's hot path); encoders build an ordered nlohmann
// document so that fields come out in the order of the protocol tables.
#include "protocols/wm_json.h"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "protocols/flat_json_object.h"
#include "protocols/telemetry_fields.h"

namespace wm::protocols {
namespace {

using internal::FlatJsonObject;
using OrderedJson = nlohmann::ordered_json;

using internal::kMaxInt64;
using internal::kMaxSeq;
constexpr std::size_t kMaxTextChars = 64;  // txn and card

enum EventMember : std::size_t {
  kEventTs,
  kEventSeq,
  kType,
  kTxn,
  kCard,
  kChargedFen,
  kRequestedMl,
  kDispensedMl,
  kCode,
  kActive,
  kAction,
  kStaff,
};
constexpr std::array<std::string_view, 12> kEventNames = {
    "ts",           "seq",          "type", "txn",    "card",   "charged_fen",
    "requested_ml", "dispensed_ml", "code", "active", "action", "staff",
};

enum StatusMember : std::size_t { kStatusTs, kOnline };
constexpr std::array<std::string_view, 2> kStatusNames = {"ts", "online"};

enum CommandMember : std::size_t { kCommandTs, kCmd, kReason, kTicket };
constexpr std::array<std::string_view, 4> kCommandNames = {"ts", "cmd", "reason", "ticket"};

enum class EventType : std::uint8_t { kDispense, kFault, kMaintenance };
std::optional<EventType> event_type_from_string(std::string_view name) {
  if (name == "dispense") return EventType::kDispense;
  if (name == "fault") return EventType::kFault;
  if (name == "maintenance") return EventType::kMaintenance;
  return std::nullopt;
}

void read_seq(FlatJsonObject& object, std::size_t index, std::uint32_t& out) {
  std::int64_t seq = 0;
  object.read_integer(index, 0, kMaxSeq, seq);
  out = static_cast<std::uint32_t>(seq);  // in range once the read succeeded
}

Dispense read_dispense(FlatJsonObject& object) {
  Dispense dispense;
  object.set_object_name("dispense event");
  object.read_string(kTxn, 1, kMaxTextChars, dispense.txn);
  object.read_string(kCard, 1, kMaxTextChars, dispense.card);
  object.read_integer(kChargedFen, 0, kMaxInt64, dispense.charged_fen);
  object.read_integer(kRequestedMl, 1, kMaxInt64, dispense.requested_ml);
  object.read_integer(kDispensedMl, 0, kMaxInt64, dispense.dispensed_ml);
  return dispense;
}

Fault read_fault(FlatJsonObject& object) {
  Fault fault;
  object.set_object_name("fault event");
  object.read_enum(kCode, fault_code_from_string, "E01, E02, E03, E04, E05, E06, E07, E08",
                   fault.code);
  object.read_boolean(kActive, fault.active);
  return fault;
}

Maintenance read_maintenance(FlatJsonObject& object) {
  Maintenance maintenance;
  object.set_object_name("maintenance event");
  object.read_enum(kAction, maintenance_action_from_string,
                   "filter_change, membrane_change, uv_change, cleaning, service_start, "
                   "service_end",
                   maintenance.action);
  object.read_string(kStaff, 0, std::numeric_limits<std::size_t>::max(), maintenance.staff);
  return maintenance;
}

std::string dump(const OrderedJson& document) {
  // Replace, not throw, on strings that are not UTF-8 (they can only come from our callers).
  return document.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace

Result<Telemetry> decode_telemetry(std::string_view payload) {
  FlatJsonObject object("telemetry", internal::kTelemetryNames);
  if (!object.parse(payload)) return object.take_error();
  Telemetry t;
  object.read_integer(internal::kTelemetryTs, 0, kMaxInt64, t.ts_ms);
  read_seq(object, internal::kTelemetrySeq, t.seq);
  internal::read_telemetry_measurements(object, t);
  if (!object.ok()) return object.take_error();
  return t;
}

Result<Event> decode_event(std::string_view payload) {
  FlatJsonObject object("event", kEventNames);
  if (!object.parse(payload)) return object.take_error();
  Event e;
  EventType type = EventType::kDispense;
  object.read_integer(kEventTs, 0, kMaxInt64, e.ts_ms);
  read_seq(object, kEventSeq, e.seq);
  object.read_enum(kType, event_type_from_string, "dispense, fault, maintenance", type);
  if (!object.ok()) return object.take_error();
  switch (type) {
    case EventType::kDispense:
      e.body = read_dispense(object);
      break;
    case EventType::kFault:
      e.body = read_fault(object);
      break;
    case EventType::kMaintenance:
      e.body = read_maintenance(object);
      break;
  }
  if (!object.ok()) return object.take_error();
  return e;
}

Result<Status> decode_status(std::string_view payload) {
  FlatJsonObject object("status", kStatusNames);
  if (!object.parse(payload)) return object.take_error();
  Status s;
  object.read_integer(kStatusTs, 0, kMaxInt64, s.ts_ms);
  object.read_boolean(kOnline, s.online);
  if (!object.ok()) return object.take_error();
  return s;
}

Result<Command> decode_command(std::string_view payload) {
  FlatJsonObject object("command", kCommandNames);
  if (!object.parse(payload)) return object.take_error();
  Command c;
  object.read_integer(kCommandTs, 0, kMaxInt64, c.ts_ms);
  object.read_enum(kCmd, command_kind_from_string, "lock, unlock, diagnose", c.cmd);
  object.read_optional_string(kReason, c.reason);
  object.read_optional_string(kTicket, c.ticket);
  if (!object.ok()) return object.take_error();
  return c;
}

std::string encode_telemetry(const Telemetry& t) {
  // wm-json-v1 always carries seq (it is required there), whatever has_seq says.
  Telemetry sequenced = t;
  sequenced.has_seq = true;
  return dump(internal::telemetry_json(sequenced, /*with_ts=*/true));
}

std::string encode_event(const Event& e) {
  OrderedJson j;
  j["ts"] = e.ts_ms;
  j["seq"] = e.seq;
  j["type"] = event_type(e);
  if (const auto* dispense = std::get_if<Dispense>(&e.body)) {
    j["txn"] = dispense->txn;
    j["card"] = dispense->card;
    j["charged_fen"] = dispense->charged_fen;
    j["requested_ml"] = dispense->requested_ml;
    j["dispensed_ml"] = dispense->dispensed_ml;
  } else if (const auto* fault = std::get_if<Fault>(&e.body)) {
    j["code"] = to_string(fault->code);
    j["active"] = fault->active;
  } else if (const auto* maintenance = std::get_if<Maintenance>(&e.body)) {
    j["action"] = to_string(maintenance->action);
    j["staff"] = maintenance->staff;
  }
  return dump(j);
}

std::string encode_status(const Status& s) {
  OrderedJson j;
  j["ts"] = s.ts_ms;
  j["online"] = s.online;
  return dump(j);
}

std::string encode_command(const Command& c) {
  OrderedJson j;
  j["ts"] = c.ts_ms;
  j["cmd"] = to_string(c.cmd);
  if (!c.reason.empty()) j["reason"] = c.reason;
  if (!c.ticket.empty()) j["ticket"] = c.ticket;
  return dump(j);
}

}  // namespace wm::protocols
