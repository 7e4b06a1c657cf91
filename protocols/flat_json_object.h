// Internal to protocols/: the top-level members of one JSON object payload, read with
// nlohmann's SAX parser so that a decode builds no DOM.
//
// Only the members a decoder names are kept (last one wins when a name repeats); other
// members and everything nested inside them are skipped, which is how unknown fields are
// ignored. Typed reads then check each member against its schema. A decoder reads its
// members in the order it wants errors reported: the first failing read keeps its Error
// and the reads after it do nothing, so a decoder reads everything and checks once.
//
// One object per decode, on one thread. Never throws on bad input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::protocols::internal {

class FlatJsonObject {
 public:
  static constexpr std::size_t kMaxMembers = 16;

  // `object_name` ("telemetry") is how messages name the object; `member_names` lists
  // the members to keep, by index. Both must outlive this object.
  template <std::size_t N>
  FlatJsonObject(std::string_view object_name, const std::array<std::string_view, N>& member_names)
      : object_name_(object_name), member_names_(member_names) {
    static_assert(N <= kMaxMembers, "FlatJsonObject keeps at most kMaxMembers members");
  }

  class SaxHandler;

  // Parses `payload`. False, with a "malformed_json" error, when it is not valid UTF-8
  // JSON or not an object.
  [[nodiscard]] bool parse(std::string_view payload);

  // Names the object in later messages, e.g. "dispense event" once the type is known.
  void set_object_name(std::string_view object_name) { object_name_ = object_name; }

  // Typed reads of member `index`. Required members must be present; an optional one
  // that is absent leaves `out` as it was. Integers must be JSON integers (3.0 is not).
  void read_integer(std::size_t index, std::int64_t min, std::int64_t max, std::int64_t& out);
  void read_number(std::size_t index, double min, double max, double& out);
  void read_optional_number(std::size_t index, double min, double max, std::optional<double>& out);
  void read_boolean(std::size_t index, bool& out);
  void read_optional_boolean(std::size_t index, std::optional<bool>& out);
  // Length in Unicode characters, from min_chars to max_chars.
  void read_string(std::size_t index, std::size_t min_chars, std::size_t max_chars,
                   std::string& out);
  void read_optional_string(std::size_t index, std::string& out);
  // A string naming an enum value; `expected` lists the names for the error message.
  template <class Enum>
  void read_enum(std::size_t index, std::optional<Enum> (*from_string)(std::string_view),
                 std::string_view expected, Enum& out);

  void read_optional_integer(std::size_t index, std::int64_t min, std::int64_t max,
                             std::optional<std::int64_t>& out);
  // A required member whose value must be an object (its members are not kept).
  void require_object(std::size_t index);

  [[nodiscard]] bool ok() const { return !error_.has_value(); }
  // The first error; only after a read or parse failed.
  [[nodiscard]] Error take_error() { return std::move(*error_); }

 private:
  enum class Kind : std::uint8_t {
    kAbsent,
    kNull,
    kBoolean,
    kInteger,     // fits std::int64_t
    kBigInteger,  // an integer literal outside std::int64_t; `number` approximates it
    kFloat,       // a number with a fraction or an exponent
    kString,
    kObject,
    kArray,
  };

  struct Member {
    Kind kind = Kind::kAbsent;
    bool boolean = false;
    std::int64_t integer = 0;
    double number = 0;
    std::string text;  // kString: the value; kBigInteger: the literal
  };

  // Index of member `name`, looking from `first` on; kMaxMembers when it is not kept.
  std::size_t member_index(std::string_view name, std::size_t first) const;
  void fail_malformed(std::string_view what);
  // The member to read, or nullptr when an earlier read failed or a required member is
  // absent (then with a "missing_field" error).
  Member* member_to_read(std::size_t index, bool required);
  const std::string* read_enum_name(std::size_t index);
  void fail(std::string code, std::size_t index, std::string message);
  void fail_unknown_name(std::size_t index, std::string_view expected, std::string_view name);
  void fail_wrong_type(std::size_t index, const Member& member, std::string_view expected);
  static std::string_view kind_name(Kind kind);

  std::string_view object_name_;
  std::span<const std::string_view> member_names_;
  std::array<Member, kMaxMembers> members_;
  std::optional<Error> error_;
};

// Receives the SAX events of one JSON value (nlohmann's SAX interface, minus binary and
// parse_error) and keeps the wanted top-level members of `object`. parse() uses one for
// a whole payload; a decoder of payloads that nest such objects (tb-gateway) feeds one
// the events of a nested object, from its start_object to its end_object, then reads
// `object`. Returning false means the value is not an object (the error is kept).
class FlatJsonObject::SaxHandler {
 public:
  explicit SaxHandler(FlatJsonObject& object) : object_(object) {}

  bool null();
  bool boolean(bool value);
  bool number_integer(std::int64_t value);
  bool number_unsigned(std::uint64_t value);
  bool number_float(double value, const std::string& text);
  bool string(std::string& value);
  bool start_object(std::size_t size);
  bool end_object();
  bool start_array(std::size_t size);
  bool end_array();
  bool key(std::string& name);

 private:
  template <class Fill>
  bool scalar(Kind kind, Fill fill);
  void nested(Kind kind);
  bool not_an_object(Kind kind);

  FlatJsonObject& object_;
  std::size_t depth_ = 0;              // 1 inside the top-level object
  std::size_t current_ = kMaxMembers;  // member whose value comes next, if kept
  std::size_t next_guess_ = 0;         // where member_index starts looking
};

template <class Enum>
void FlatJsonObject::read_enum(std::size_t index,
                               std::optional<Enum> (*from_string)(std::string_view),
                               std::string_view expected, Enum& out) {
  const std::string* name = read_enum_name(index);
  if (name == nullptr) return;
  if (const std::optional<Enum> value = from_string(*name)) {
    out = *value;
    return;
  }
  fail_unknown_name(index, expected, *name);
}

}  // namespace wm::protocols::internal
