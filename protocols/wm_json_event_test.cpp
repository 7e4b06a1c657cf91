// wm-json-v1 event, status and command decoders (PROTOCOLS.md section 1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "protocols/json_edit_for_test.h"
#include "protocols/wm_json.h"

namespace wm::protocols {
namespace {

using ::testing::HasSubstr;
using testing::json_string;
using testing::with_member;
using testing::without_member;

constexpr std::string_view kDispense =
    R"({"ts":1732330000500,"seq":8,"type":"dispense","txn":"t-0001","card":"c-9f2a",)"
    R"("charged_fen":150,"requested_ml":5000,"dispensed_ml":4980})";
constexpr std::string_view kFault =
    R"({"ts":1732330000600,"seq":9,"type":"fault","code":"E03","active":true})";
constexpr std::string_view kMaintenance =
    R"({"ts":1732330000700,"seq":10,"type":"maintenance","action":"filter_change","staff":"li.wei"})";
constexpr std::string_view kStatus = R"({"ts":1732330000800,"online":true})";
constexpr std::string_view kCommand =
    R"({"ts":1732330000900,"cmd":"lock","reason":"tds_out over limit","ticket":"T-42"})";

// Decodes `payload` and returns its error, or an error with code "ok" when it decoded.
template <class Decode>
Error error_of(Decode decode, const std::string& payload) {
  auto result = decode(payload);
  if (result.ok()) return make_error("ok", "", "");
  return result.error();
}

#define EXPECT_REJECTED(decode, payload, expected_code, expected_field) \
  do {                                                                  \
    const Error error = error_of(decode, payload);                      \
    EXPECT_EQ(error.code, expected_code) << (payload);                  \
    EXPECT_EQ(error.field, expected_field) << error.to_string();        \
  } while (false)

TEST(DecodeEvent, ReadsDispense) {
  const Result<Event> e = decode_event(kDispense);
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->ts_ms, 1732330000500);
  EXPECT_EQ(e->seq, 8u);
  EXPECT_EQ(event_type(*e), "dispense");
  EXPECT_EQ(std::get<Dispense>(e->body), (Dispense{"t-0001", "c-9f2a", 150, 5000, 4980}));
}

TEST(DecodeEvent, ReadsFault) {
  const Result<Event> e = decode_event(kFault);
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(std::get<Fault>(e->body), (Fault{FaultCode::kE03, true}));
  const Result<Event> cleared = decode_event(with_member(kFault, "active", "false"));
  EXPECT_EQ(std::get<Fault>(cleared->body), (Fault{FaultCode::kE03, false}));
}

TEST(DecodeEvent, ReadsEveryFaultCode) {
  for (int number = 1; number <= 8; ++number) {
    const std::string name = "E0" + std::to_string(number);
    const Result<Event> e = decode_event(with_member(kFault, "code", json_string(name)));
    ASSERT_TRUE(e.ok()) << name;
    EXPECT_EQ(static_cast<int>(std::get<Fault>(e->body).code), number);
  }
}

TEST(DecodeEvent, ReadsEveryMaintenanceAction) {
  const std::pair<const char*, MaintenanceAction> actions[] = {
      {"filter_change", MaintenanceAction::kFilterChange},
      {"membrane_change", MaintenanceAction::kMembraneChange},
      {"uv_change", MaintenanceAction::kUvChange},
      {"cleaning", MaintenanceAction::kCleaning},
      {"service_start", MaintenanceAction::kServiceStart},
      {"service_end", MaintenanceAction::kServiceEnd},
  };
  for (const auto& [name, action] : actions) {
    const Result<Event> e = decode_event(with_member(kMaintenance, "action", json_string(name)));
    ASSERT_TRUE(e.ok()) << name;
    EXPECT_EQ(std::get<Maintenance>(e->body), (Maintenance{action, "li.wei"}));
  }
}

TEST(DecodeEvent, CommonFieldsAreRequiredAndChecked) {
  for (std::string_view base : {kDispense, kFault, kMaintenance}) {
    for (const char* field : {"ts", "seq", "type"}) {
      EXPECT_REJECTED(decode_event, without_member(base, field), "missing_field", field);
    }
    EXPECT_REJECTED(decode_event, with_member(base, "ts", "-1"), "out_of_range", "ts");
    EXPECT_REJECTED(decode_event, with_member(base, "ts", "1.5"), "wrong_type", "ts");
    EXPECT_REJECTED(decode_event, with_member(base, "seq", "4294967296"), "out_of_range", "seq");
    EXPECT_REJECTED(decode_event, with_member(base, "seq", "8.0"), "wrong_type", "seq");
    EXPECT_REJECTED(decode_event, with_member(base, "seq", R"("8")"), "wrong_type", "seq");
    EXPECT_REJECTED(decode_event, with_member(base, "seq", "4294967295"), "ok", "");
  }
}

TEST(DecodeEvent, TypeMustBeKnown) {
  EXPECT_REJECTED(decode_event, with_member(kDispense, "type", R"("refund")"), "out_of_range",
                  "type");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "type", R"("Dispense")"), "out_of_range",
                  "type");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "type", "1"), "wrong_type", "type");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "type", "null"), "wrong_type", "type");
  EXPECT_EQ(decode_event(with_member(kDispense, "type", R"("refund")")).error().message,
            "type must be one of dispense, fault, maintenance, got 'refund'");
}

TEST(DecodeEvent, DispenseFieldsAreRequiredAndTyped) {
  for (const char* field : {"txn", "card", "charged_fen", "requested_ml", "dispensed_ml"}) {
    EXPECT_REJECTED(decode_event, without_member(kDispense, field), "missing_field", field);
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, "null"), "wrong_type", field);
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, "[]"), "wrong_type", field);
  }
  for (const char* field : {"txn", "card"}) {
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, "42"), "wrong_type", field);
  }
  for (const char* field : {"charged_fen", "requested_ml", "dispensed_ml"}) {
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, "1.5"), "wrong_type", field);
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, "100.0"), "wrong_type", field);
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, R"("100")"), "wrong_type", field);
  }
  EXPECT_THAT(decode_event(without_member(kDispense, "card")).error().message,
              HasSubstr("dispense event"));
}

TEST(DecodeEvent, DispenseRanges) {
  EXPECT_REJECTED(decode_event, with_member(kDispense, "charged_fen", "0"), "ok", "");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "charged_fen", "-1"), "out_of_range",
                  "charged_fen");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "requested_ml", "1"), "ok", "");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "requested_ml", "0"), "out_of_range",
                  "requested_ml");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "dispensed_ml", "0"), "ok", "");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "dispensed_ml", "-1"), "out_of_range",
                  "dispensed_ml");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "charged_fen", "9223372036854775807"), "ok",
                  "");
  EXPECT_REJECTED(decode_event, with_member(kDispense, "charged_fen", "9223372036854775808"),
                  "out_of_range", "charged_fen");
}

TEST(DecodeEvent, TxnAndCardAreOneTo64Characters) {
  for (const char* field : {"txn", "card"}) {
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, R"("")"), "out_of_range", field);
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, R"("x")"), "ok", "");
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, json_string(std::string(64, 'a'))),
                    "ok", "");
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, json_string(std::string(65, 'a'))),
                    "out_of_range", field);
    // Characters, not bytes: 64 three-byte characters are 192 bytes.
    std::string water;
    for (int i = 0; i < 64; ++i) water += "水";
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, json_string(water)), "ok", "");
    EXPECT_REJECTED(decode_event, with_member(kDispense, field, json_string(water + "水")),
                    "out_of_range", field);
  }
  EXPECT_EQ(decode_event(with_member(kDispense, "txn", R"("")")).error().message,
            "txn must be a string of 1 to 64 characters, got 0 characters");
  const std::string txn(64, 'z');
  EXPECT_EQ(
      std::get<Dispense>(decode_event(with_member(kDispense, "txn", json_string(txn)))->body).txn,
      txn);
}

TEST(DecodeEvent, FaultCodeMustBeOfSectionFour) {
  for (const char* code : {R"("E00")", R"("E09")", R"("e01")", R"("E1")", R"("")", R"(" E01")"}) {
    EXPECT_REJECTED(decode_event, with_member(kFault, "code", code), "out_of_range", "code");
  }
  EXPECT_REJECTED(decode_event, with_member(kFault, "code", "1"), "wrong_type", "code");
  EXPECT_REJECTED(decode_event, without_member(kFault, "code"), "missing_field", "code");
  EXPECT_REJECTED(decode_event, without_member(kFault, "active"), "missing_field", "active");
  EXPECT_REJECTED(decode_event, with_member(kFault, "active", R"("yes")"), "wrong_type", "active");
  EXPECT_REJECTED(decode_event, with_member(kFault, "active", "1"), "wrong_type", "active");
  EXPECT_THAT(decode_event(with_member(kFault, "code", R"("E09")")).error().message,
              HasSubstr("got 'E09'"));
}

TEST(DecodeEvent, MaintenanceActionMustBeKnown) {
  EXPECT_REJECTED(decode_event, with_member(kMaintenance, "action", R"("repair")"), "out_of_range",
                  "action");
  EXPECT_REJECTED(decode_event, with_member(kMaintenance, "action", "3"), "wrong_type", "action");
  EXPECT_REJECTED(decode_event, without_member(kMaintenance, "action"), "missing_field", "action");
  EXPECT_REJECTED(decode_event, without_member(kMaintenance, "staff"), "missing_field", "staff");
  EXPECT_REJECTED(decode_event, with_member(kMaintenance, "staff", "7"), "wrong_type", "staff");
}

TEST(DecodeEvent, FieldsOfOtherTypesAndUnknownFieldsAreIgnored) {
  std::string payload = with_member(kFault, "txn", "42");  // would be wrong for a dispense
  payload = with_member(payload, "action", R"("repair")");
  payload = with_member(payload, "firmware", R"({"v":[1,2]})");
  EXPECT_REJECTED(decode_event, payload, "ok", "");
}

TEST(DecodeStatus, ReadsOnlineAndWill) {
  EXPECT_EQ(*decode_status(kStatus), (Status{1732330000800, true}));
  EXPECT_EQ(*decode_status(R"({"online":false,"ts":0,"reason":"will"})"), (Status{0, false}));
}

TEST(DecodeStatus, RejectsBadMembers) {
  EXPECT_REJECTED(decode_status, "{}", "missing_field", "ts");
  EXPECT_REJECTED(decode_status, without_member(kStatus, "ts"), "missing_field", "ts");
  EXPECT_REJECTED(decode_status, without_member(kStatus, "online"), "missing_field", "online");
  EXPECT_REJECTED(decode_status, with_member(kStatus, "online", R"("true")"), "wrong_type",
                  "online");
  EXPECT_REJECTED(decode_status, with_member(kStatus, "online", "1"), "wrong_type", "online");
  EXPECT_REJECTED(decode_status, with_member(kStatus, "online", "null"), "wrong_type", "online");
  EXPECT_REJECTED(decode_status, with_member(kStatus, "ts", "-1"), "out_of_range", "ts");
  EXPECT_REJECTED(decode_status, with_member(kStatus, "ts", "1.0"), "wrong_type", "ts");
}

TEST(DecodeCommand, ReadsAllFields) {
  EXPECT_EQ(*decode_command(kCommand),
            (Command{1732330000900, CommandKind::kLock, "tds_out over limit", "T-42"}));
}

TEST(DecodeCommand, ReasonAndTicketAreOptional) {
  const std::string payload = without_member(without_member(kCommand, "reason"), "ticket");
  EXPECT_EQ(*decode_command(payload), (Command{1732330000900, CommandKind::kLock, "", ""}));
  EXPECT_EQ(decode_command(with_member(payload, "cmd", R"("unlock")"))->cmd, CommandKind::kUnlock);
  EXPECT_EQ(decode_command(with_member(payload, "cmd", R"("diagnose")"))->cmd,
            CommandKind::kDiagnose);
}

TEST(DecodeCommand, RejectsBadMembers) {
  EXPECT_REJECTED(decode_command, without_member(kCommand, "ts"), "missing_field", "ts");
  EXPECT_REJECTED(decode_command, without_member(kCommand, "cmd"), "missing_field", "cmd");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "cmd", R"("reboot")"), "out_of_range",
                  "cmd");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "cmd", R"("LOCK")"), "out_of_range", "cmd");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "cmd", "1"), "wrong_type", "cmd");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "reason", "5"), "wrong_type", "reason");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "ticket", "null"), "wrong_type", "ticket");
  EXPECT_REJECTED(decode_command, with_member(kCommand, "ts", "-5"), "out_of_range", "ts");
}

}  // namespace
}  // namespace wm::protocols
